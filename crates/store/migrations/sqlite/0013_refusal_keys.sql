-- A refused attempt keeps its message key and arguments (issue 15), so the
-- supervisors' list words it in the reader's language. Older rows keep an
-- empty key and are named by their rule.
ALTER TABLE candidate_refusals ADD COLUMN message_key TEXT NOT NULL DEFAULT '';
ALTER TABLE candidate_refusals ADD COLUMN message_args TEXT NOT NULL DEFAULT '[]';
