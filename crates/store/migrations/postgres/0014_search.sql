-- Indexed registry search (issue 16). Kept in step with ../sqlite/0014_search.sql.
-- people.name_key: the folded name (no tone marks, đ as d, lower case, single spaces);
-- people.name_sort: the folded given name, a space, the folded full name (the list order);
-- name_words: one row per distinct word of the folded name, for prefix look-ups.
-- Sort key and words are compared byte by byte (COLLATE "C"), as SQLite does,
-- so that both engines list in the same order and a prefix is a B-tree range.
-- The application writes all three wherever it writes a name (no triggers);
-- the rows already there are filled by the migrator after this file (Rust's fold),
-- which then builds the indexes people_name_sort (name_sort, id) and
-- name_words_word (word, person_id).
ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN name_sort TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE TABLE name_words (
    word       TEXT COLLATE "C" NOT NULL,
    person_id  BIGINT NOT NULL
);
