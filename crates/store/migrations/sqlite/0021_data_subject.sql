-- The data subject's rights (issue 17, part 5; Decree 13/2023/NĐ-CP).
-- A person's consent to the processing of their personal data, for one
-- purpose, given on a day and perhaps withdrawn later (Điều 11, 12).
CREATE TABLE consents (
    id                 INTEGER PRIMARY KEY,
    person_id          INTEGER NOT NULL REFERENCES people(id),
    purpose            TEXT NOT NULL,
    given_on           TEXT NOT NULL,
    recorded_by        TEXT NOT NULL,
    recorded_at        TEXT NOT NULL,
    withdrawn_on       TEXT,
    withdrawal_reason  TEXT,
    withdrawn_by       TEXT,
    withdrawn_at       TEXT
);
CREATE INDEX consents_person ON consents(person_id);

-- People whose personal data was erased: that and when, never what. The
-- candidate files stay (unit, stages, dates) for the statistics.
CREATE TABLE erasures (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL UNIQUE REFERENCES people(id),
    ground      TEXT NOT NULL,
    erased_at   TEXT NOT NULL,
    erased_by   TEXT NOT NULL,
    entries     INTEGER NOT NULL
);
