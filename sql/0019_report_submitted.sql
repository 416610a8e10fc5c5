-- 0019_report_submitted: each report's latest submitted revision kept on
-- its report row (issue 15, status of periods not yet approved).
--
-- The status of a period that is not approved is computed live from every
-- report's latest submitted revision (its status and progress: drafts are
-- the unit's own until sent). Looking that revision up per report (an
-- index scan of report_revision for each of a period's 5,000 reports) was
-- most of the cost of `cchc status`, `status trend` and the HTML export of
-- such a period. The report row now carries it: the revision's number,
-- status and progress, NULL while the report was never submitted.
--
-- Written by a statement trigger on report_revision (the function and the
-- trigger are in sql/functions/050_reports.sql, re-applied by migrate right
-- after this migration, in the same run), inside the INSERT that adds the
-- revision, so every path that adds a submitted revision
-- (submit_reports, and test or benchmark data written straight into the
-- tables) keeps it without knowing about it. Revisions are only ever
-- added (never deleted, their status and progress never changed), so
-- the latest submitted revision changes only when a submitted revision is
-- added, and only ever to a higher number: the trigger's update moves a
-- row forward only (submitted_revision < the new one), which makes the
-- result the true latest even if two inserts for one report were to run
-- in either order. submit_reports already holds the report's row lock and
-- the unit's advisory lock while it adds the revision (docs/concurrency.md),
-- so two clerks submitting the same report take turns there as before.
-- What reads these columns: live_report_facts (070_status), the export
-- and `status task` statements, report_info and carried_report (050).
-- Upgrading: a submission committed by an older cchcd between this
-- migration and the functions re-applied after it would leave its row
-- behind; stop the servers for the upgrade (or run the UPDATE below again).

ALTER TABLE report
    ADD COLUMN submitted_revision int,
    ADD COLUMN submitted_status   text,
    ADD COLUMN submitted_progress numeric(5, 2),
    ADD CONSTRAINT report_submitted_whole
        CHECK ((submitted_revision IS NULL) = (submitted_status IS NULL)
               AND (submitted_revision IS NULL) = (submitted_progress IS NULL));
COMMENT ON COLUMN report.submitted_revision IS
  'The latest revision saved as submitted (NULL: never submitted); kept by report_revision_submitted.';
COMMENT ON COLUMN report.submitted_status IS 'That revision''s status.';
COMMENT ON COLUMN report.submitted_progress IS 'That revision''s progress.';

-- The reports submitted before this migration.
UPDATE report x
   SET submitted_revision = v.revision, submitted_status = v.status,
       submitted_progress = v.progress
  FROM (SELECT DISTINCT ON (r.report_id) r.report_id, r.revision, r.status, r.progress
          FROM report_revision r
         WHERE r.saved_as = 'submitted'
         ORDER BY r.report_id, r.revision DESC) v
 WHERE x.id = v.report_id;
