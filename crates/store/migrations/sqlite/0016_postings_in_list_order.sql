-- The postings of a word in list order (issue 16); the same file on both engines.
-- name_postings' key orders a word's rows by the unit's path: a word within a subtree is one
-- range, but the first page of a common word ("nguyen": 38 % of the country) in list order had
-- to read and sort all its rows (2.1 M at national scale). This index holds the same rows by
-- (kind, word, name_sort, row_id), with the path and status the filters read: a word's rows in
-- list order are one range, read from the cursor until the page is full. The postings' rebuild
-- (ranks_store::records::postings::REBUILD: migration 0015, the bulk loader) drops it and builds
-- it again after the load, so a database migrated from before 0015 already has it.
CREATE INDEX IF NOT EXISTS name_postings_sort ON name_postings(kind, word, name_sort, row_id, path, status);
