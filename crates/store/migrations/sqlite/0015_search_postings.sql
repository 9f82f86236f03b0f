-- Search postings that carry the scope (issue 16). Kept in step with ../postgres/0015_search_postings.sql.
-- name_order: one row per listed person: every current member (kind 0, row_id = the person's id,
--   status probationary or official) and every candidate (kind 1, row_id = the candidate's id,
--   status ''), with the list's sort key and the path of the unit it is listed under.
-- name_postings: the same rows once per distinct word of the folded name.
-- A word within a subtree is one index range (kind, word, path range); a subtree's rows are one
-- range of name_order_scope; the list order of everyone is name_order_sort. Every index holds
-- name_sort and status, so a search reads no other table until its page is chosen.
-- The application keeps both tables right wherever a member's unit, status or name, a
-- candidate's name or a unit's path changes (ranks_store::records::postings); the rows already
-- there are filled by the migrator after this file (postings::rebuild: plain SQL from
-- name_words, members, candidates, people and units).
CREATE TABLE name_order (
    kind       INTEGER NOT NULL,
    row_id     INTEGER NOT NULL,
    name_sort  TEXT NOT NULL,
    path       TEXT NOT NULL,
    status     TEXT NOT NULL,
    PRIMARY KEY (kind, row_id)
) WITHOUT ROWID;
CREATE INDEX name_order_sort ON name_order(kind, name_sort, row_id, path, status);
CREATE INDEX name_order_scope ON name_order(kind, path, status, name_sort, row_id);
CREATE TABLE name_postings (
    kind       INTEGER NOT NULL,
    word       TEXT NOT NULL,
    path       TEXT NOT NULL,
    row_id     INTEGER NOT NULL,
    name_sort  TEXT NOT NULL,
    status     TEXT NOT NULL,
    PRIMARY KEY (kind, word, path, row_id)
) WITHOUT ROWID;
