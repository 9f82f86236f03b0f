-- Meetings of a cell or a committee (issue 17, part 3): the day, the agenda,
-- the attendance taken from the registry (official and probationary members
-- of the unit on that day, absent with a reason), and the votes taken at the
-- sitting on the candidates' steps. Kept in step with ../postgres/0019_meetings.sql.
CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    held_on      TEXT NOT NULL,
    agenda       TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX meetings_unit ON meetings(unit_id, held_on);

-- One row per member on the roll: official or probationary on the day.
CREATE TABLE meeting_attendance (
    meeting_id      INTEGER NOT NULL REFERENCES meetings(id),
    member_id       INTEGER NOT NULL REFERENCES members(id),
    -- official or probationary, on the meeting's day
    status          TEXT NOT NULL,
    -- 1 present, 0 absent
    present         INTEGER NOT NULL,
    absence_reason  TEXT,
    PRIMARY KEY (meeting_id, member_id)
);

-- A vote taken at the sitting on a candidate's step: eligible and present as
-- the registry and the attendance gave them, the counts, and whether it
-- carried (a vote short of the profile's share is kept, with its rule).
CREATE TABLE meeting_votes (
    id            INTEGER PRIMARY KEY,
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id),
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    stage         TEXT NOT NULL,
    eligible      INTEGER NOT NULL,
    present       INTEGER NOT NULL,
    in_favour     INTEGER NOT NULL,
    against       INTEGER NOT NULL,
    -- 1 carried (the step was recorded), 0 not
    carried       INTEGER NOT NULL,
    rule          TEXT,
    rule_source   TEXT,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    UNIQUE (meeting_id, candidate_id, stage)
);
CREATE INDEX meeting_votes_candidate ON meeting_votes(candidate_id);
