-- A person's ID number (CMND/CCCD) and phone, as imported from the committees'
-- spreadsheets. Text, never numbers: both keep their leading zeros. Kept in
-- step with ../postgres/0006_contact.sql.
ALTER TABLE people ADD COLUMN id_number TEXT;
ALTER TABLE people ADD COLUMN phone TEXT;
-- One person per ID number; people without one (NULL) are not constrained.
CREATE UNIQUE INDEX people_id_number ON people(id_number);
