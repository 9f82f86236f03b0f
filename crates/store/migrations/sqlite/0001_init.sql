-- Ranks schema, SQLite dialect. Kept in step with ../postgres/0001_init.sql:
-- same tables, same columns, same meaning; only type spellings differ.
-- Dates are ISO text (YYYY-MM-DD), timestamps RFC 3339 text in UTC.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES units(id),
    path        TEXT NOT NULL UNIQUE,
    created_on  TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE unit_moves (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    from_parent_id  INTEGER REFERENCES units(id),
    to_parent_id    INTEGER NOT NULL REFERENCES units(id),
    old_path        TEXT NOT NULL,
    new_path        TEXT NOT NULL,
    effective_on    TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL
);
CREATE INDEX unit_moves_unit ON unit_moves(unit_id, effective_on);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    full_name   TEXT NOT NULL,
    gender      TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    ethnicity   TEXT NOT NULL,
    education   TEXT NOT NULL,
    occupation  TEXT NOT NULL
);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL UNIQUE REFERENCES people(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    status       TEXT NOT NULL,
    admitted_on  TEXT NOT NULL,
    official_on  TEXT,
    left_on      TEXT
);
CREATE INDEX members_unit_admitted ON members(unit_id, admitted_on);
CREATE INDEX members_unit_status ON members(unit_id, status);

CREATE TABLE movements (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    started_on  TEXT NOT NULL
);

CREATE TABLE candidates (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    movement_id  INTEGER REFERENCES movements(id),
    member_id    INTEGER REFERENCES members(id),
    stage        TEXT NOT NULL,
    stage_since  TEXT NOT NULL,
    created_on   TEXT NOT NULL
);
CREATE INDEX candidates_unit_stage ON candidates(unit_id, stage);
CREATE INDEX candidates_person ON candidates(person_id);

CREATE TABLE candidate_stages (
    id            INTEGER PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    stage         TEXT NOT NULL,
    on_date       TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX candidate_stages_candidate ON candidate_stages(candidate_id, on_date);

CREATE TABLE mentors (
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    member_id     INTEGER NOT NULL REFERENCES members(id),
    assigned_on   TEXT NOT NULL,
    PRIMARY KEY (candidate_id, member_id)
);
CREATE INDEX mentors_member ON mentors(member_id);

CREATE TABLE terms (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL
);

CREATE TABLE term_targets (
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    term_id  INTEGER NOT NULL REFERENCES terms(id),
    target   INTEGER NOT NULL CHECK (target >= 0),
    PRIMARY KEY (unit_id, term_id)
);

CREATE TABLE year_targets (
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    year     INTEGER NOT NULL,
    target   INTEGER NOT NULL CHECK (target >= 0),
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE supervisors (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    member_id  INTEGER NOT NULL REFERENCES members(id),
    role       TEXT NOT NULL,
    since      TEXT NOT NULL,
    until      TEXT
);
CREATE INDEX supervisors_unit ON supervisors(unit_id);
CREATE INDEX supervisors_member ON supervisors(member_id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
