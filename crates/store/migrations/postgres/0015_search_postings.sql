-- Search postings that carry the scope (issue 16). Kept in step with ../sqlite/0015_search_postings.sql,
-- which says what the tables hold. Text compared byte by byte (COLLATE "C") as on SQLite; the
-- postings' key INCLUDEs the sort key and status so that a word within a subtree is an
-- index-only range.
CREATE TABLE name_order (
    kind       INTEGER NOT NULL,
    row_id     BIGINT NOT NULL,
    name_sort  TEXT COLLATE "C" NOT NULL,
    path       TEXT COLLATE "C" NOT NULL,
    status     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, row_id)
);
CREATE INDEX name_order_sort ON name_order(kind, name_sort, row_id, path, status);
CREATE INDEX name_order_scope ON name_order(kind, path, status, name_sort, row_id);
CREATE TABLE name_postings (
    kind       INTEGER NOT NULL,
    word       TEXT COLLATE "C" NOT NULL,
    path       TEXT COLLATE "C" NOT NULL,
    row_id     BIGINT NOT NULL,
    name_sort  TEXT COLLATE "C" NOT NULL,
    status     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, word, path, row_id) INCLUDE (name_sort, status)
);
