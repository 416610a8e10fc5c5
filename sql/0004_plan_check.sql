-- 0004_plan_check: held the plan_inconsistency view behind `cchc plan check`.
-- Functions and views live in sql/functions/ since issue 9 (applied after
-- the migrations and re-applied when they change); that view is
-- now sql/functions/020_plan_check.sql. The file stays, empty, so that
-- version 4 keeps its place in schema_migrations.

