-- The admission procedure's records (issue 3). Kept in step with ../postgres/0002_procedure.sql.

ALTER TABLE people ADD COLUMN general_grade INTEGER NOT NULL DEFAULT 12;
ALTER TABLE people ADD COLUMN area TEXT NOT NULL DEFAULT '';

ALTER TABLE candidate_stages ADD COLUMN detail TEXT;

CREATE TABLE candidate_documents (
    id            INTEGER PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    code          TEXT NOT NULL,
    on_date       TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    UNIQUE (candidate_id, code)
);

CREATE TABLE candidate_votes (
    id            INTEGER PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    stage         TEXT NOT NULL,
    on_date       TEXT NOT NULL,
    eligible      INTEGER NOT NULL,
    present       INTEGER NOT NULL,
    in_favour     INTEGER NOT NULL,
    against       INTEGER NOT NULL
);
CREATE INDEX candidate_votes_candidate ON candidate_votes(candidate_id);

CREATE TABLE candidate_introducers (
    id             INTEGER PRIMARY KEY,
    candidate_id   INTEGER NOT NULL REFERENCES candidates(id),
    member_id      INTEGER REFERENCES members(id),
    kind           TEXT NOT NULL,
    together_since TEXT,
    on_date        TEXT NOT NULL
);
CREATE INDEX candidate_introducers_candidate ON candidate_introducers(candidate_id);

CREATE TABLE candidate_certificates (
    id            INTEGER PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    issued_on     TEXT NOT NULL,
    number        TEXT NOT NULL
);
CREATE INDEX candidate_certificates_candidate ON candidate_certificates(candidate_id);

CREATE TABLE probation_mentors (
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    member_id     INTEGER NOT NULL REFERENCES members(id),
    assigned_on   TEXT NOT NULL,
    PRIMARY KEY (candidate_id, member_id)
);

ALTER TABLE members ADD COLUMN exempted TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN card_number TEXT;
ALTER TABLE members ADD COLUMN card_issued_on TEXT;
ALTER TABLE members ADD COLUMN host_unit_id INTEGER REFERENCES units(id);
ALTER TABLE members ADD COLUMN host_until TEXT;

CREATE TABLE member_events (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    kind         TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    detail       TEXT,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX member_events_member ON member_events(member_id, on_date);

CREATE TABLE calendar_overrides (
    year   INTEGER PRIMARY KEY,
    body   TEXT NOT NULL
);

-- Refused attempts, kept apart: the refused step itself writes nothing.
CREATE TABLE candidate_refusals (
    id            INTEGER PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    stage         TEXT NOT NULL,
    on_date       TEXT NOT NULL,
    rule          TEXT NOT NULL,
    source        TEXT NOT NULL,
    message       TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX candidate_refusals_candidate ON candidate_refusals(candidate_id);
