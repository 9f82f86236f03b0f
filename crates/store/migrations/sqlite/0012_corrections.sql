-- Corrections and withdrawals of the entries of a candidate's file (issue
-- 15). The live tables keep only what stands, so every reader (the engine's
-- dossier, the index, the exports) sees the corrected file without a filter;
-- what was withdrawn or replaced is kept here, whole, with who, when and why.
CREATE TABLE candidate_corrections (
    id            INTEGER PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id),
    -- document, mentor, probation_mentor, introducer, certificate, vote, stage
    entry_kind    TEXT NOT NULL,
    -- withdrawn or corrected
    action        TEXT NOT NULL,
    -- the entry as it stood (JSON), and for a correction the entry as corrected
    entry         TEXT NOT NULL,
    replaced_by   TEXT,
    reason        TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX candidate_corrections_candidate ON candidate_corrections(candidate_id);
-- Probable duplicates are looked up by birth date, then compared by name.
CREATE INDEX people_birth_date ON people(birth_date);
