-- 0009_status: the index behind the citywide status of a period (the
-- latest submitted revision of each report), computed by the functions
-- of sql/functions/070_status.sql.
-- Functions and views live in sql/functions/ since issue 9 (applied after
-- the migrations and re-applied when they change); those of this
-- migration are now in 070_status.sql.

CREATE INDEX report_revision_submitted_idx ON report_revision (report_id, revision DESC)
    WHERE saved_as = 'submitted';
