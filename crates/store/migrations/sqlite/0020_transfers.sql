-- Transfers seen from both ends (issue 17, part 4): a transfer of party
-- activity (chuyển sinh hoạt đảng), official or temporary, is a file with a
-- status the sending and the receiving unit both see: sent, received,
-- registered, refused. The member row moves only at registration.
-- A transfer out of the system names no receiving unit but a free-text
-- destination; an arrival from outside names no sending unit but a
-- free-text origin, and carries the member as the papers describe them
-- (`arrival`, JSON) until registration creates or reactivates the row.
CREATE TABLE transfers (
    id            INTEGER PRIMARY KEY,
    -- official or temporary
    kind          TEXT NOT NULL,
    member_id     INTEGER REFERENCES members(id),
    from_unit_id  INTEGER REFERENCES units(id),
    origin        TEXT,
    to_unit_id    INTEGER REFERENCES units(id),
    destination   TEXT,
    -- sent, received, registered, refused
    status        TEXT NOT NULL,
    -- the decision (new post, retirement, move) the 60 working days count from
    decided_on    TEXT,
    -- the day of the introduction letter (the 30 working days count from it)
    sent_on       TEXT NOT NULL,
    until_on      TEXT,
    study         INTEGER NOT NULL DEFAULT 0,
    -- JSON arrays of the checklist's keys: handed over, and found on receipt
    handed_over   TEXT NOT NULL,
    received_docs TEXT,
    reason        TEXT,
    arrival       TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX transfers_from ON transfers(from_unit_id);
CREATE INDEX transfers_to ON transfers(to_unit_id);
CREATE INDEX transfers_member ON transfers(member_id);
CREATE TABLE transfer_events (
    id           INTEGER PRIMARY KEY,
    transfer_id  INTEGER NOT NULL REFERENCES transfers(id),
    status       TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX transfer_events_transfer ON transfer_events(transfer_id);
