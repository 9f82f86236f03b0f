-- Re-admission (294-QĐ/TW mục 3.5.1–3.5.2): a person may be a member more
-- than once (one members row per admission), so members.person_id is no
-- longer unique; and an exit records its ground and, for a criminal
-- conviction, the day the record was cleared.
ALTER TABLE members DROP CONSTRAINT members_person_id_key;
CREATE INDEX members_person ON members(person_id);
ALTER TABLE members ADD COLUMN left_ground TEXT;
ALTER TABLE members ADD COLUMN record_cleared_on TEXT;
