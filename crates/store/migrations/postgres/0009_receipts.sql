-- Issue 14: the day a unit received a stage's decision (the admission
-- ceremony's 30 working days count from the receipt of the decision,
-- 294-QĐ/TW mục 4.1). NULL: not recorded; the decision's own date is assumed.
ALTER TABLE candidate_stages ADD COLUMN received_on TEXT;
