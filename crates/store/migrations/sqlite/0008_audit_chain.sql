-- The audit log as a hash chain: each entry carries the hash of the one
-- before it and its own (SHA-256 over the previous hash and its fields), so
-- `ranks audit verify` finds an entry changed, removed or reordered.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
-- Entries not yet chained (a bulk load's), found without reading the log.
CREATE INDEX audit_log_unsealed ON audit_log(id) WHERE hash IS NULL;
