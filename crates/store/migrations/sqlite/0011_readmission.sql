-- Re-admission (294-QĐ/TW mục 3.5.1–3.5.2): a person may be a member more
-- than once (one members row per admission), so members.person_id is no
-- longer unique; and an exit records its ground and, for a criminal
-- conviction, the day the record was cleared.
-- SQLite cannot drop a column's UNIQUE: the table is rebuilt, the way
-- SQLite's documentation gives for other schema changes (the migrator runs
-- this one with foreign keys off and checks them all before the commit).
CREATE TABLE members_rebuilt (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES people(id),
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    status           TEXT NOT NULL,
    admitted_on      TEXT NOT NULL,
    official_on      TEXT,
    left_on          TEXT,
    exempted         TEXT NOT NULL DEFAULT '',
    card_number      TEXT,
    card_issued_on   TEXT,
    host_unit_id     INTEGER REFERENCES units(id),
    host_until       TEXT,
    left_ground      TEXT,
    record_cleared_on TEXT
);
INSERT INTO members_rebuilt (id, person_id, unit_id, status, admitted_on, official_on, left_on,
    exempted, card_number, card_issued_on, host_unit_id, host_until)
SELECT id, person_id, unit_id, status, admitted_on, official_on, left_on,
    exempted, card_number, card_issued_on, host_unit_id, host_until FROM members;
DROP TABLE members;
ALTER TABLE members_rebuilt RENAME TO members;
CREATE INDEX members_unit_admitted ON members(unit_id, admitted_on);
CREATE INDEX members_unit_status ON members(unit_id, status);
CREATE INDEX members_person ON members(person_id);
