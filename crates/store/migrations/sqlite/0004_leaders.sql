-- Leaders of units (secretaries) and their personal year-end scores. Kept in step with ../postgres/0004_leaders.sql.
CREATE TABLE leaders (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    member_id  INTEGER NOT NULL REFERENCES members(id),
    title      TEXT NOT NULL,
    since      TEXT NOT NULL,
    until      TEXT
);
CREATE INDEX leaders_unit ON leaders(unit_id);

CREATE TABLE leader_scores (
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    member_id  INTEGER NOT NULL REFERENCES members(id),
    year       INTEGER NOT NULL,
    score      REAL NOT NULL,
    PRIMARY KEY (unit_id, member_id, year)
);
