-- The introducers' routes of the Charter (Điều 4 khoản 1): the mass
-- organisations present at a unit (a Youth Union organisation, a trade union;
-- both by default, which is what public bodies have) and a candidate's
-- memberships of them. Flags are 0/1. Kept in step with
-- ../sqlite/0010_introducer_routes.sql.
ALTER TABLE units ADD COLUMN youth_union BIGINT NOT NULL DEFAULT 1;
ALTER TABLE units ADD COLUMN trade_union BIGINT NOT NULL DEFAULT 1;
ALTER TABLE candidates ADD COLUMN youth_union_member BIGINT NOT NULL DEFAULT 0;
ALTER TABLE candidates ADD COLUMN trade_union_member BIGINT NOT NULL DEFAULT 0;
