-- 050_reports: periods, the reports they imply, submission, review and the
-- administrator's period actions, and the views the protocol reads (tables
-- in 0007_reports; see there for the periods' calendar and the reports'
-- life cycle). Uses 030 (units on a date) and 040 (audit_write, iso_utc).
-- The period actions and the period list are in 080_periods (they read
-- the status functions of 070).

-- The kind and data window of a period id, per Decree 09/2019/NĐ-CP.
CREATE OR REPLACE FUNCTION period_window(pid text,
                              OUT year int, OUT kind text, OUT data_from date, OUT data_until date)
LANGUAGE sql IMMUTABLE AS $$
    SELECT y, k,
           make_date(y - 1, 12, 15),
           make_date(y, m, 14)
      FROM (SELECT left(pid, 4)::int AS y, substr(pid, 6) AS code) p
      JOIN (VALUES ('Q1', 'quarter', 3), ('6M', 'half_year', 6), ('9M', 'nine_months', 9),
                   ('Y', 'year', 12)) AS c (code, k, m) ON c.code = p.code
$$;

-- Today in Can Tho. Deadlines are Vietnamese dates while the server (and
-- the postgres image) usually runs in UTC, where the day turns 7 hours
-- late. Vietnam keeps UTC+7 all year, and an interval offset (east
-- positive, unlike POSIX zone names) needs no tz database.
CREATE OR REPLACE FUNCTION today_in_vietnam() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE INTERVAL '+07:00')::date
$$;

-- Reports the plan's assignments imply for a period: every unit that
-- implements a task on the period's last data day (classes expanded,
-- successors carrying closed units' tasks), for assignments that are
-- continuous or ask for this kind of periodic report. One per unit and task.
CREATE OR REPLACE FUNCTION expected_reports(pid text)
RETURNS TABLE (unit_code text, task_id int)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT au.unit_code, au.task_id
      FROM report_period p
     CROSS JOIN LATERAL assignment_units_on(p.data_until) au
      JOIN task_assignment a ON a.id = au.assignment_id
     WHERE p.id = pid
       AND (a.cadence = 'continuous'
            OR EXISTS (SELECT 1 FROM assignment_report_period r
                        WHERE r.assignment_id = a.id AND r.period_kind = p.kind))
$$;

-- Successors (docs/review.md, "Successors"): the one place that says whose
-- reports a unit may write. A unit writes its own; and a unit that has
-- closed passes its open obligations (reports still missing, drafts, and
-- returned reports) to the unit(s) carrying its duties today (unit_on),
-- whose reporters may submit or fix them. The report stays the closed
-- unit's (same unit code, its history, the period it belongs to); each
-- revision records the account that saved it. Accepted and approved
-- reports stay untouchable (submit_reports' state check), whoever asks.

-- The closed units whose open reports unit may write today.
CREATE OR REPLACE FUNCTION reporting_predecessors(unit text)
RETURNS TABLE (unit_code text)
LANGUAGE sql STABLE AS $$
    SELECT u.code FROM org_unit u
     WHERE u.code <> unit
       AND NOT unit_exists_on(u, today_in_vietnam())
       AND unit IN (SELECT unit_on(u.code, today_in_vietnam()))
$$;

-- True when a reporter of caller_unit may write report_unit's reports.
CREATE OR REPLACE FUNCTION may_report_for(caller_unit text, report_unit text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT caller_unit = report_unit
        OR report_unit IN (SELECT p.unit_code FROM reporting_predecessors(caller_unit) p)
$$;

-- The unit whose tasks a caller asks for: its own when it names none, the
-- unit it names when it may write that unit's reports, else NULL.
CREATE OR REPLACE FUNCTION tasks_unit(typed text, caller_unit text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN coalesce(typed, '') = '' THEN caller_unit
                WHEN may_report_for(caller_unit, r.unit) THEN r.unit END
      FROM (SELECT coalesce(unit_resolve(typed), typed) AS unit) r  -- resolved once
$$;

-- Cumulative periods (Decree 09/2019/NĐ-CP: every period of a year counts
-- from 15 December of the year before, see period_window): what a unit's
-- report on a task for period pid starts from when it has none yet, its
-- latest *sent* revision (saved as submitted, whatever the review made of
-- it since: submitted, returned, accepted or approved) on the same task in
-- the latest earlier period of the same year that has one. A report only
-- ever saved as a draft was never sent and does not count; nor does any
-- period of another year. No row when there is nothing to carry
-- (docs/cumulative.md).
CREATE OR REPLACE FUNCTION carried_report(pid text, unit text, task int)
RETURNS TABLE (period_id text, revision int, status text, progress numeric, results text,
               difficulties text, proposals text, indicators jsonb)
LANGUAGE sql STABLE AS $$
    SELECT x.period_id, v.revision, v.status, v.progress, v.results, v.difficulties, v.proposals,
           v.indicators
      FROM report_period p
      JOIN report_period e ON e.year = p.year AND e.data_until < p.data_until
      JOIN report x ON x.period_id = e.id AND x.unit_code = unit AND x.task_id = task
      JOIN report_revision v ON v.report_id = x.id AND v.revision = x.submitted_revision
     WHERE p.id = pid
     ORDER BY e.data_until DESC
     LIMIT 1
$$;

-- Makes the periods of a year if missing, with the default deadlines:
-- units report 5 days after the data closes, lead agencies 10 days after.
CREATE OR REPLACE FUNCTION ensure_periods(y int) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO report_period (id, year, kind, data_from, data_until, unit_deadline, lead_deadline)
    SELECT pid, w.year, w.kind, w.data_from, w.data_until, w.data_until + 5, w.data_until + 10
      FROM unnest(ARRAY[y || '-Q1', y || '-6M', y || '-9M', y || '-Y']) AS pid,
           LATERAL period_window(pid) w
    ON CONFLICT (id) DO NOTHING
$$;

-- Every key a submission has used, with the revision that answers it.
CREATE OR REPLACE VIEW submission_key AS
SELECT idempotency_key AS key, report_id, revision FROM report_revision
UNION ALL
SELECT key, report_id, revision FROM unchanged_submission_key;

-- The last day a unit may submit on time for a period (its extension, if any).
-- PL/pgSQL so its plan is kept: as a SQL function with a subquery it could
-- not be inlined and was planned again on every call (every submission).
CREATE OR REPLACE FUNCTION unit_deadline(p report_period, unit text) RETURNS date
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN greatest(p.unit_deadline,
                    (SELECT e.until FROM period_extension e
                      WHERE e.period_id = p.id AND e.unit_code = unit));
END
$$;

-- Each report's latest submitted revision on its row (sql/0019: its
-- submitted_revision, submitted_status, submitted_progress, which the
-- status of a live period reads instead of looking the revision up per
-- report). Kept inside the INSERT that adds revisions, whoever inserts
-- (submit_reports, data written straight into the tables): each report of
-- the inserted submitted revisions moves to the highest of them, never
-- back. Revisions are only ever added, never changed or deleted, so that
-- is the true latest; submit_reports holds the report's lock meanwhile.
CREATE OR REPLACE FUNCTION report_revision_submitted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report x
       SET submitted_revision = n.revision, submitted_status = n.status,
           submitted_progress = n.progress
      FROM (SELECT DISTINCT ON (v.report_id) v.report_id, v.revision, v.status, v.progress
              FROM added_revisions v
             WHERE v.saved_as = 'submitted'
             ORDER BY v.report_id, v.revision DESC) n
     WHERE x.id = n.report_id
       AND (x.submitted_revision IS NULL OR x.submitted_revision < n.revision);
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER report_revision_submitted
    AFTER INSERT ON report_revision
    REFERENCING NEW TABLE AS added_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION report_revision_submitted();

-- The rows of a submission as submit_reports judges them (its "rows", see
-- below), read from the document wherever they are used. A function of
-- LANGUAGE sql that PostgreSQL inlines into each statement of
-- submit_reports, so those statements are planned once per connection and
-- their plans kept; the temporary table it used to fill on every call made
-- every call write the catalog and plan every statement again (issue 15:
-- 41 % of the database's CPU and most of the WAL of a one-row submission).
--  ord: the row's place in the request (the client's line numbers are for
--       messages only and need not be distinct);
--  retried: its key was seen before: the row is answered, not judged;
--  unchanged: identical to the report's latest submitted revision (below).
-- The flags read the reports as the calling statement sees them: callers
-- use them after taking their locks.
CREATE OR REPLACE FUNCTION submit_rows(doc jsonb, pid text, unit text, is_draft boolean)
RETURNS TABLE (ord int, line int, task int, status text, progress numeric, results text,
               difficulties text, proposals text, indicators jsonb, key text, base int,
               resubmit boolean, unchanged boolean, retried boolean)
LANGUAGE sql STABLE AS $$
    SELECT s.ord, s.line, s.task, s.status, s.progress, s.results, s.difficulties, s.proposals,
           s.indicators, s.key, s.base, s.resubmit,
           -- A row identical to the report's latest submitted revision
           -- writes nothing: a template sent again with one new row must
           -- neither make empty revisions nor be refused for the rows
           -- already accepted, nor turn a returned report back into
           -- submitted with nothing fixed (only a change, or an explicit
           -- resubmit, sends a returned report back). A draft saved after
           -- a return is the latest revision, so a row equal to the
           -- returned text is then a change: it sends that text.
           NOT is_draft AND EXISTS (
               SELECT 1 FROM report x
                 JOIN report_revision v ON v.report_id = x.id AND v.revision = x.revision
                WHERE x.period_id = pid AND x.unit_code = unit AND x.task_id = s.task
                  AND v.saved_as = 'submitted'
                  AND (x.state IN ('submitted', 'accepted', 'approved')
                       OR (x.state = 'returned' AND NOT s.resubmit))
                  AND v.status IS NOT DISTINCT FROM s.status
                  AND v.progress IS NOT DISTINCT FROM s.progress
                  -- spreadsheets and the CSV reader drop spaces around a cell, so a
                  -- template of a text sent with a trailing space is still the same
                  AND btrim(v.results, E' \t\r') = btrim(s.results, E' \t\r')
                  AND btrim(v.difficulties, E' \t\r') = btrim(s.difficulties, E' \t\r')
                  AND btrim(v.proposals, E' \t\r') = btrim(s.proposals, E' \t\r')
                  AND v.indicators = s.indicators) AS unchanged,
           -- a scalar subquery, not EXISTS: PostgreSQL may turn an EXISTS
           -- into a hash of every key ever used, built on every call when
           -- the generic plan was made while the tables were small (it
           -- expects 100 rows from jsonb_to_recordset), so a submission's
           -- cost grew with the revisions stored; this is one look-up by
           -- each key's unique index
           (SELECT true FROM submission_key k WHERE k.key = s.key LIMIT 1) IS NOT NULL AS retried
      FROM (SELECT x.ord::int AS ord, x.line, x.task, x.status, x.progress::numeric AS progress,
                   coalesce(x.results, '') AS results, coalesce(x.difficulties, '') AS difficulties,
                   coalesce(x.proposals, '') AS proposals,
                   -- no indicators in a row: the report's latest revision's stay
                   -- (docs/cumulative.md); {} clears them. Here, not in the
                   -- writer, so the unchanged check compares what is written.
                   coalesce(x.indicators,
                            (SELECT v.indicators FROM report y
                               JOIN report_revision v
                                 ON v.report_id = y.id AND v.revision = y.revision
                              WHERE y.period_id = pid AND y.unit_code = unit AND y.task_id = x.task),
                            '{}') AS indicators, x.key,
                   coalesce(x.base, 0) AS base, coalesce(x.resubmit, false) AS resubmit
              FROM ROWS FROM (jsonb_to_recordset(doc -> 'rows')
                                AS (line int, task int, status text, progress text, results text,
                                    difficulties text, proposals text, indicators jsonb, key text,
                                    base int, resubmit boolean))
                   WITH ORDINALITY AS x (line, task, status, progress, results, difficulties,
                                         proposals, indicators, key, base, resubmit, ord)) s
$$;

-- The tasks the plan expects unit to report on for period pid
-- (expected_reports), for submit_reports' check of a row whose report was
-- never sent. PL/pgSQL so that its plan stays out of the checks' plan:
-- inlined there, the expansion of the assignments over classes and
-- successors made a plan of hundreds of nodes that every call set up and
-- tore down even when no row needed it (nearly every submission: its
-- report was sent before); called through an uncorrelated scalar subquery
-- it runs at most once per statement, and only when a row needs it.
-- It reads period_expected (070_status), the same set kept per open or
-- closed period by the status cache (075_status_cache, exact by triggers):
-- a look-up of the unit's rows instead of expanding every unit's
-- assignments of the period, which was 2.2 ms of a first submission's
-- database CPU (issue 15, docs/performance.md "A group's plain submissions
-- set-based"); a period the cache does not hold is computed as before.
CREATE OR REPLACE FUNCTION unit_expected_tasks(pid text, unit text) RETURNS int[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN ARRAY(SELECT x.task_id FROM period_expected(pid) x WHERE x.unit_code = unit);
END
$$;

-- Saves reports of one unit for one period, all or none:
-- {"actor": {"id", "username", "address"}, "unit": "Q-NINHKIEU",
--  "caller_unit": "P-NINHKIEU" (the sender's unit; absent = "unit"),
--  "period": "2023-6M", "draft": false,
--  "rows": [{"line": 2, "task": 105, "status": "in_progress", "progress": "60",
--            "results": "…", "difficulties": "…", "proposals": "…",
--            "indicators": {…} (absent: the latest revision's, {}: none),
--            "key": "client idempotency key",
--            "base": 3, "resubmit": false}]}
-- Field checks that need no data (ranges, required text, UTF-8) were done
-- by the server before. Returns one row per input row: on success the
-- report, its revision, whether it was late and whether the key had been
-- seen before (replayed: nothing new was written); otherwise only the
-- errors (line, field, message) and nothing is saved. A row that repeats
-- a saved key, or the latest submitted revision word for word, writes
-- nothing and comes back as replayed.
--
-- A successor (caller_unit) may write a closed predecessor's reports
-- (may_report_for); any other unit is refused whole, field "unit".
--
-- Optimistic concurrency (issue 10): "base" is the report's revision the
-- row was made from (0: the report had none, or the client did not say).
-- A row that would write, made from anything but the report's latest
-- revision (drafts count: they are the unit's own latest word), is a
-- conflict, field "conflict", whose message names the task, the latest
-- revision, who saved it and when; the handler answers CONFLICT when
-- conflicts are the only errors. An unchanged row never conflicts: it
-- writes nothing. Returned means returned: a row identical to a returned
-- report's latest (submitted) revision is unchanged too and leaves it
-- returned, unless "resubmit" says the unit sends it back as it is.
--
-- Generic plans (issue 15, docs/performance.md "Where a submission's time
-- went"): PL/pgSQL keeps each statement's plan, but PostgreSQL's plan cache
-- (plan_cache_mode auto) planned the big ones again on every call, with
-- the call's values, because the generic plan's estimated cost (a period
-- not yet known, so expected_reports' expansion costed for any period)
-- looked higher than the custom plans'. Those re-plans were two thirds of
-- a one-row submission's database CPU (about 4.5 of 7 ms: 3 ms the checks'
-- statement alone). The generic plans are planned once per connection and
-- are as fast to run (the same index look-ups on period, unit and task),
-- so this function, and what it calls, always uses them.
CREATE OR REPLACE FUNCTION submit_reports(doc jsonb)
RETURNS TABLE (line int, field text, message text, task_id int, report_id bigint,
               revision int, state text, late boolean, replayed boolean)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    p report_period;
    unit text := coalesce(unit_resolve(doc ->> 'unit'), doc ->> 'unit');
    caller_unit text := coalesce(doc ->> 'caller_unit', doc ->> 'unit');
    is_draft boolean := coalesce((doc ->> 'draft')::boolean, false);
    r record;
    rep report;
    prev report_revision;
    new_rev int;
    is_late boolean;
    changed text[];
    saved_tasks int[] := '{}';
    resubmitted int[] := '{}'; -- saved rows that send a returned report back as it is
BEGIN
    -- FOR SHARE: an administrator's period action waits for submissions in
    -- flight, and they for it, so no report slips into a locked period
    SELECT * INTO p FROM report_period WHERE id = doc ->> 'period' FOR SHARE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 0, 'period', cchc_msg('unknown period "%s"; see ''cchc period list''',
                                                 doc ->> 'period'), NULL::int, NULL::bigint, NULL::int,
                            NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = unit) THEN
        -- no unit of that name (or an ambiguous one): say which it resembles
        RETURN QUERY SELECT 0, 'unit', unit_resolve_problem(doc ->> 'unit'),
            NULL::int, NULL::bigint, NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    -- a unit writing its own reports (nearly every submission) needs no
    -- look-up of predecessors: may_report_for is a SQL function PostgreSQL
    -- cannot inline (a subquery), so every call of it is planned again
    IF caller_unit IS DISTINCT FROM unit AND NOT may_report_for(caller_unit, unit) THEN
        RETURN QUERY SELECT 0, 'unit',
            cchc_msg('unit %s does not report for "%s": only the successor of a unit that has closed '
                     'sends or fixes the reports that unit still owes', caller_unit, unit),
            NULL::int, NULL::bigint, NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    -- One submission per unit and period at a time: two clerks (or a retry
    -- racing its original) would otherwise both pass the checks below and
    -- collide on the unique keys with an internal error.
    PERFORM pg_advisory_xact_lock(hashtext('submit_reports ' || p.id || ' ' || unit));

    -- A retry whose first send was saved is answered even if the period
    -- was locked in between: the report is there, the client must not
    -- think it was refused.
    IF p.state IN ('planned', 'approved')
       AND EXISTS (SELECT 1 FROM submit_rows(doc, p.id, unit, is_draft) s WHERE NOT s.retried) THEN
        RETURN QUERY SELECT 0, 'period',
            CASE p.state WHEN 'planned' THEN cchc_msg('period %s is not open yet', p.id)
                         ELSE cchc_msg('period %s is locked and cannot be changed', p.id) END,
            NULL::int, NULL::bigint, NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;

    -- Lock the unit's existing reports before judging their state, in id
    -- order as review_reports does, so a review cannot slip in between.
    PERFORM 1 FROM report x
     WHERE x.period_id = p.id AND x.unit_code = unit
       AND x.task_id IN (SELECT s.task FROM submit_rows(doc, p.id, unit, is_draft) s)
     ORDER BY x.id FOR UPDATE;

    -- every check first: one bad row keeps every row out. The rows are
    -- judged once, after the locks above (submit_rows() reads the reports
    -- as they are now); the union's branches share that one reading.
    RETURN QUERY
    WITH submit_rows AS MATERIALIZED (SELECT * FROM submit_rows(doc, p.id, unit, is_draft))
    SELECT e.line, e.field, e.message, NULL::int, NULL::bigint, NULL::int, NULL::text,
           NULL::boolean, NULL::boolean
      FROM (
        SELECT s.line, 'task' AS field,
               cchc_msg('task %s is not assigned to unit %s in period %s',
                        s.task::text, unit, p.id) AS message
          FROM submit_rows s
         WHERE NOT s.retried
           -- a report already sent stays the unit's to fix (returned) even
           -- when a later change means the period no longer expects it; so
           -- only a row without one needs the plan's expectations, which
           -- expand the assignments over the units (issue 15: the most
           -- expensive part of a one-row submission): CASE asks them last,
           -- and IN over an uncorrelated list has them worked out at most
           -- once per statement (NOT EXISTS for a NULL task as well)
           AND CASE WHEN EXISTS (SELECT 1 FROM report x
                                  WHERE x.period_id = p.id AND x.unit_code = unit
                                    AND x.task_id = s.task AND x.first_submitted_at IS NOT NULL)
                    THEN false
                    ELSE NOT coalesce(s.task = ANY ((SELECT unit_expected_tasks(p.id, unit))::int[]),
                                      false) END
        UNION ALL
        SELECT s.line, 'task', cchc_msg('task %s is already on line %s', s.task::text, d.line::text)
          FROM submit_rows s JOIN submit_rows d ON d.task = s.task AND d.ord < s.ord
        UNION ALL
        SELECT s.line, 'key', cchc_msg('the same idempotency key is already on line %s', d.line::text)
          FROM submit_rows s JOIN submit_rows d ON d.key = s.key AND d.ord < s.ord
        UNION ALL
        SELECT s.line, 'state',
               CASE x.state WHEN 'accepted'
                    THEN cchc_msg('the report of task %s is already accepted and cannot be changed', s.task::text)
                    ELSE cchc_msg('the report of task %s is already approved and cannot be changed', s.task::text) END
          FROM submit_rows s
          JOIN report x ON x.period_id = p.id AND x.unit_code = unit AND x.task_id = s.task
         WHERE x.state IN ('accepted', 'approved') AND NOT s.unchanged
           AND NOT s.retried
        UNION ALL
        SELECT s.line, 'draft',
               cchc_msg('the report of task %s is already submitted; submit again instead of saving a draft', s.task::text)
          FROM submit_rows s
          JOIN report x ON x.period_id = p.id AND x.unit_code = unit AND x.task_id = s.task
         WHERE is_draft AND x.state = 'submitted'
           AND NOT s.retried
        UNION ALL
        SELECT s.line, 'key', cchc_msg('this idempotency key was used for another report')
          -- OFFSET 0 keeps the look-up per row (each key's unique index),
          -- never a hash of every key stored (see submit_rows, retried)
          FROM submit_rows s
          CROSS JOIN LATERAL (SELECT k.report_id FROM submission_key k WHERE k.key = s.key
                               OFFSET 0) k
          JOIN report x ON x.id = k.report_id
         WHERE (x.period_id, x.unit_code, x.task_id) <> (p.id, unit, s.task)
        UNION ALL
        -- made from an older revision than the report's latest: writing
        -- it would silently put back what someone saved since
        SELECT s.line, 'conflict',
               cchc_msg('task %s is at revision %s, saved by %s at %s; yours was made from revision %s',
                        s.task::text, x.revision::text, v.username, iso_utc(v.saved_at), s.base::text)
          FROM submit_rows s
          JOIN report x ON x.period_id = p.id AND x.unit_code = unit AND x.task_id = s.task
          JOIN report_revision v ON v.report_id = x.id AND v.revision = x.revision
         WHERE NOT s.retried AND NOT s.unchanged AND s.base <> x.revision
        UNION ALL
        SELECT s.line, 'base_revision',
               cchc_msg('task %s has no report yet, so no revision %s', s.task::text, s.base::text)
          FROM submit_rows s
         WHERE NOT s.retried AND s.base <> 0
           AND NOT EXISTS (SELECT 1 FROM report x
                            WHERE x.period_id = p.id AND x.unit_code = unit AND x.task_id = s.task)
      ) e
     ORDER BY e.line, e.field;
    IF FOUND THEN
        RETURN;
    END IF;

    is_late := NOT is_draft AND (p.state = 'closed' OR today_in_vietnam() > unit_deadline(p, unit));
    -- the loop's query reads the rows once, as they were before its writes
    FOR r IN SELECT * FROM submit_rows(doc, p.id, unit, is_draft) s ORDER BY s.ord LOOP
        SELECT v.* INTO prev FROM submission_key k
          JOIN report_revision v ON v.report_id = k.report_id AND v.revision = k.revision
         WHERE k.key = r.key;
        IF FOUND THEN -- a retried send: answer what the first one saved
            SELECT * INTO rep FROM report WHERE id = prev.report_id;
            RETURN QUERY SELECT r.line, NULL::text, NULL::text, r.task, rep.id, prev.revision,
                                rep.state, prev.late, true;
            CONTINUE;
        END IF;
        SELECT * INTO rep FROM report x
         WHERE x.period_id = p.id AND x.unit_code = unit AND x.task_id = r.task FOR UPDATE;
        IF r.unchanged THEN -- nothing new to write: answer what is there, and
                            -- keep the key so a retry is answered the same
            INSERT INTO unchanged_submission_key (key, report_id, revision)
            VALUES (r.key, rep.id, rep.revision);
            RETURN QUERY SELECT r.line, NULL::text, NULL::text, r.task, rep.id, rep.revision,
                                rep.state, rep.late, true;
            CONTINUE;
        END IF;
        IF NOT FOUND THEN
            INSERT INTO report (period_id, unit_code, task_id, state, revision)
            VALUES (p.id, unit, r.task, 'draft', 0) RETURNING * INTO rep;
            prev := NULL;
            changed := ARRAY['status', 'progress', 'results', 'difficulties', 'proposals', 'indicators'];
        ELSE
            SELECT v.* INTO prev FROM report_revision v
             WHERE v.report_id = rep.id AND v.revision = rep.revision;
            changed := array_remove(ARRAY[
                CASE WHEN prev.status IS DISTINCT FROM r.status THEN 'status' END,
                CASE WHEN prev.progress IS DISTINCT FROM r.progress THEN 'progress' END,
                CASE WHEN prev.results IS DISTINCT FROM r.results THEN 'results' END,
                CASE WHEN prev.difficulties IS DISTINCT FROM r.difficulties THEN 'difficulties' END,
                CASE WHEN prev.proposals IS DISTINCT FROM r.proposals THEN 'proposals' END,
                CASE WHEN prev.indicators IS DISTINCT FROM r.indicators THEN 'indicators' END], NULL);
        END IF;
        new_rev := rep.revision + 1;
        INSERT INTO report_revision (report_id, revision, saved_as, status, progress, results,
                                     difficulties, proposals, indicators, late, idempotency_key,
                                     changed, account_id, username, address)
        VALUES (rep.id, new_rev, CASE WHEN is_draft THEN 'draft' ELSE 'submitted' END, r.status,
                r.progress, r.results, r.difficulties, r.proposals, r.indicators, is_late, r.key,
                changed, (doc -> 'actor' ->> 'id')::bigint, doc -> 'actor' ->> 'username',
                doc -> 'actor' ->> 'address');
        UPDATE report x
           SET revision = new_rev,
               state = CASE WHEN is_draft AND x.state = 'returned' THEN 'returned'
                            WHEN is_draft THEN 'draft' ELSE 'submitted' END,
               first_submitted_at = CASE WHEN is_draft THEN x.first_submitted_at
                                         ELSE coalesce(x.first_submitted_at, now()) END,
               -- on time or late is decided by the first submission: a
               -- report the lead agency returns after the deadline and
               -- the unit corrects was still sent on time
               late = CASE WHEN x.first_submitted_at IS NULL THEN is_late ELSE x.late END,
               return_reason = CASE WHEN is_draft THEN x.return_reason END,
               updated_at = now()
         WHERE x.id = rep.id
        RETURNING * INTO rep;
        saved_tasks := saved_tasks || r.task;
        IF r.resubmit THEN
            resubmitted := resubmitted || r.task;
        END IF;
        RETURN QUERY SELECT r.line, NULL::text, NULL::text, r.task, rep.id, new_rev, rep.state,
                            rep.late, false;
    END LOOP;
    IF cardinality(saved_tasks) > 0 THEN
        PERFORM audit_write(doc, CASE WHEN is_draft THEN 'report.draft' ELSE 'report.submit' END,
                            unit || ' ' || p.id,
                            jsonb_build_object('tasks', to_jsonb(saved_tasks), 'late', is_late,
                                               'by_unit', caller_unit,
                                               'resubmitted', to_jsonb(resubmitted)));
    END IF;
END
$$;

-- submit_reports for a submission that carries a request key
-- (docs/retry.md) and may share its transaction with other clients'
-- submissions (group commit, docs/concurrency.md). It claims the key first,
-- as the statement cchc_request_key_claim does for other writes (the
-- account's expired keys go), but a key already recorded — by an earlier
-- attempt that committed, or by the same request sent again and merged into
-- the same transaction — is not an error that would roll back everyone's
-- work: the answer is then one row whose key_taken is true, nothing is
-- written, and the server answers from the record once the transaction has
-- committed. A key another transaction is still writing is waited for.
CREATE OR REPLACE FUNCTION submit_reports_keyed(claim_account bigint, claim_key text,
                                                claim_type int, claim_digest text,
                                                key_lifetime interval, doc jsonb)
RETURNS TABLE (line int, field text, message text, task_id int, report_id bigint,
               revision int, state text, late boolean, replayed boolean, key_taken boolean)
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM request_key k
     WHERE k.account_id = claim_account AND k.created_at < now() - key_lifetime;
    INSERT INTO request_key (account_id, key, request_type, request_digest)
    VALUES (claim_account, claim_key, claim_type, claim_digest)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT NULL::int, NULL::text, NULL::text, NULL::int, NULL::bigint, NULL::int,
                            NULL::text, NULL::boolean, NULL::boolean, true;
        RETURN;
    END IF;
    RETURN QUERY SELECT s.line, s.field, s.message, s.task_id, s.report_id, s.revision, s.state,
                        s.late, s.replayed, false
                   FROM submit_reports(doc) s;
END
$$;

-- Many clients' submissions in one statement (group commit, issue 15;
-- server/db/db_group_merge.c, docs/concurrency.md "Group commit"): the
-- submissions a group transaction holds, in the order the group runs them
-- (its lock order), judged as the statements cchc_report_submit and
-- cchc_report_submit_keyed would judge them sent one after the other in
-- that transaction, so a later submission of the same report sees the
-- earlier one's revision. One statement instead of one per submission
-- saves each its protocol round, executor start and snapshot. Element i
-- of the arrays is submission i: keys[i] NULL for one without a request
-- key (accounts, types and digests are then unused). Each submission
-- answers its own rows, tagged item = i; it refuses its own rows by
-- answering them (submit_reports), never by an error, so one refusal
-- leaves the others' rows in place. The accounts' expired request keys go
-- first, once per account (submit_reports_keyed did it per call).
--
-- Set-based (issue 15, docs/performance.md "A group's plain submissions
-- set-based"): nearly every submission of a busy period is plain — a unit
-- sends changed rows of its own reports, each either sent before and made
-- from its latest revision or never written and expected of the unit, to
-- an open or closed period, and nothing else in the group touches that
-- unit's reports of that period or carries the same row keys. None of submit_reports' checks can refuse a plain
-- submission and each of its rows writes a revision, so the group's plain
-- submissions are judged and written together: one statement for all
-- their revisions, reports and audit rows, instead of a dozen statements
-- per submission. Every other submission (a report never sent, a retried
-- or unchanged row, a draft, a conflict, a successor's, a second one of
-- the same unit and period, any refusal) goes through submit_reports
-- afterwards, one by one in the group's order, as before. A plain
-- submission reads and writes nothing another one of the group reads, so
-- writing it first is what the sequence would have done (only the audit
-- rows' order may differ). Every submission's locks are taken first, in
-- the group's order, as the sequence takes them.
CREATE OR REPLACE FUNCTION submit_reports_many(accounts bigint[], keys text[], types int[],
                                               digests text[], key_lifetime interval,
                                               docs jsonb[])
RETURNS TABLE (item int, line int, field text, message text, task_id int, report_id bigint,
               revision int, state text, late boolean, replayed boolean, key_taken boolean)
LANGUAGE plpgsql
-- planned once per connection, as submit_reports; and never compiled: the
-- plain submissions' statement is estimated (jsonb_to_recordset's 100 rows
-- a document) far above jit_above_cost, and compiling it took 100 ms a
-- call where cchcd's pool has not turned JIT off (psql, pgbench)
SET plan_cache_mode = force_generic_plan
SET jit = off
AS $$
DECLARE
    ndocs int := coalesce(cardinality(docs), 0);
    runs boolean[];  -- runs[i]: no request key, or its key claimed here (else: key_taken)
    units text[];    -- the unit submission i writes, resolved as submit_reports resolves it
    plain int[];     -- the submissions written set-based
    -- their answers, one element per row, in item and row order
    a_item int[];
    a_line int[];
    a_task int[];
    a_report bigint[];
    a_revision int[];
    a_late boolean[];
BEGIN
    DELETE FROM request_key k
     WHERE k.account_id = ANY (accounts) AND k.created_at < now() - key_lifetime;
    -- Every key claimed in one statement. A key recorded before (by an
    -- earlier attempt that committed) is answered from the record once the
    -- transaction has committed; of one key sent twice in the group (a
    -- request merged with its own resend) the first runs.
    WITH claimed AS (
        INSERT INTO request_key (account_id, key, request_type, request_digest)
        SELECT accounts[g.i], keys[g.i], types[g.i], digests[g.i]
          FROM generate_series(1, ndocs) AS g (i)
         WHERE keys[g.i] IS NOT NULL
         ORDER BY g.i
        ON CONFLICT DO NOTHING
        RETURNING request_key.account_id, request_key.key)
    SELECT array_agg(keys[g.i] IS NULL
                     OR (EXISTS (SELECT 1 FROM claimed c
                                  WHERE c.account_id = accounts[g.i] AND c.key = keys[g.i])
                         AND NOT EXISTS (SELECT 1 FROM generate_series(1, g.i - 1) AS h (j)
                                          WHERE accounts[h.j] = accounts[g.i]
                                            AND keys[h.j] = keys[g.i]))
                     ORDER BY g.i)
      INTO runs FROM generate_series(1, ndocs) AS g (i);
    SELECT array_agg(CASE WHEN runs[g.i] THEN
                         coalesce((SELECT u.code FROM org_unit u WHERE u.code = docs[g.i] ->> 'unit'),
                                  unit_resolve(docs[g.i] ->> 'unit'), docs[g.i] ->> 'unit') END
                     ORDER BY g.i)
      INTO units FROM generate_series(1, ndocs) AS g (i);

    -- the locks submit_reports takes, every submission's, in the group's
    -- order: the periods (FOR SHARE, see there), then each unit and period
    PERFORM 1 FROM report_period p
     WHERE p.id IN (SELECT docs[g.i] ->> 'period' FROM generate_series(1, ndocs) AS g (i)
                     WHERE runs[g.i])
     ORDER BY p.id FOR SHARE;
    PERFORM pg_advisory_xact_lock(hashtext('submit_reports ' || l.pid || ' ' || l.unit))
       FROM (SELECT p.id AS pid, units[g.i] AS unit
               FROM generate_series(1, ndocs) AS g (i)
               JOIN report_period p ON p.id = docs[g.i] ->> 'period'
              WHERE runs[g.i]
              ORDER BY g.i OFFSET 0) l;
    -- and the reports they name, in id order (as review_reports), before
    -- their state is judged
    -- (every look-up of report here is a LATERAL … LIMIT 1 probe of its
    -- unique index: the generic plan is made for jsonb_to_recordset's
    -- estimate of 100 rows a document, and with joins it hashed the whole
    -- report table on every call once the table was large)
    PERFORM 1 FROM report x
     WHERE x.id = ANY (ARRAY(
               SELECT y.id
                 FROM generate_series(1, ndocs) AS g (i)
                CROSS JOIN LATERAL jsonb_to_recordset(docs[g.i] -> 'rows') AS r (task int)
                CROSS JOIN LATERAL (SELECT z.id FROM report z
                                     WHERE z.period_id = docs[g.i] ->> 'period'
                                       AND z.unit_code = units[g.i] AND z.task_id = r.task
                                     LIMIT 1) y
                WHERE runs[g.i]))
     ORDER BY x.id FOR UPDATE;

    WITH candidate AS MATERIALIZED ( -- submissions that may be plain, by what they say
        SELECT g.i, docs[g.i] AS doc, p.id AS pid, units[g.i] AS unit,
               p.state = 'closed' OR today_in_vietnam() > unit_deadline(p, units[g.i]) AS is_late
          FROM generate_series(1, ndocs) AS g (i)
          JOIN report_period p ON p.id = docs[g.i] ->> 'period'
         WHERE runs[g.i] AND p.state IN ('open', 'closed')
           AND units[g.i] = docs[g.i] ->> 'unit' -- a unit's exact code
           AND EXISTS (SELECT 1 FROM org_unit u WHERE u.code = units[g.i])
           AND coalesce(docs[g.i] ->> 'caller_unit', docs[g.i] ->> 'unit') = units[g.i]
           AND NOT coalesce((docs[g.i] ->> 'draft')::boolean, false)
           AND NOT EXISTS (SELECT 1 FROM generate_series(1, ndocs) AS h (j)
                            WHERE h.j <> g.i AND runs[h.j] AND units[h.j] = units[g.i]
                              AND docs[h.j] ->> 'period' = p.id)),
    shared_key AS ( -- row keys the group carries more than once
        SELECT r.key FROM generate_series(1, ndocs) AS g (i)
         CROSS JOIN LATERAL jsonb_to_recordset(docs[g.i] -> 'rows') AS r (key text)
         WHERE r.key IS NOT NULL
         GROUP BY r.key HAVING count(*) > 1),
    judged AS MATERIALIZED ( -- their rows, judged once after the locks
        SELECT c.i, c.doc, c.pid, c.unit, c.is_late, s.ord, s.line AS row_line, s.task, s.status,
               s.progress, s.results, s.difficulties, s.proposals, s.indicators, s.key, s.base,
               s.resubmit, s.unchanged, s.retried, x.id AS rid, x.revision AS current,
               x.state AS current_state, x.first_submitted_at IS NOT NULL AS sent,
               x.late AS report_late,
               -- a report never written: the plan must expect it of the unit
               CASE WHEN x.id IS NULL THEN
                   EXISTS (SELECT 1 FROM period_expected(c.pid) e
                            WHERE e.unit_code = c.unit AND e.task_id = s.task) END AS expected
          FROM candidate c
         CROSS JOIN LATERAL submit_rows(c.doc, c.pid, c.unit, false) s
          LEFT JOIN LATERAL (SELECT y.* FROM report y
                              WHERE y.period_id = c.pid AND y.unit_code = c.unit
                                AND y.task_id = s.task
                              LIMIT 1) x ON true),
    plain_doc AS ( -- every row writes, and no check of submit_reports can refuse one
        SELECT j.i FROM judged j
         GROUP BY j.i
        HAVING bool_and(((j.rid IS NOT NULL AND j.sent AND j.current_state IN ('submitted', 'returned')
                          AND j.base = j.current)
                         OR (j.rid IS NULL AND j.expected AND j.base = 0))
                        AND NOT j.retried AND NOT j.unchanged
                        AND j.key IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM shared_key k WHERE k.key = j.key))
           AND count(DISTINCT j.task) = count(*)),
    written AS MATERIALIZED (
        SELECT j.* FROM judged j WHERE j.i IN (SELECT d.i FROM plain_doc d)),
    created AS ( -- as submit_reports' insert and update of a report never written
        INSERT INTO report (period_id, unit_code, task_id, state, revision, first_submitted_at,
                            late, updated_at)
        SELECT w.pid, w.unit, w.task, 'submitted', 1, now(), w.is_late, now()
          FROM written w
         WHERE w.rid IS NULL
         ORDER BY w.i, w.ord
        RETURNING report.id, report.period_id, report.unit_code, report.task_id),
    saved AS ( -- every written row with its report
        SELECT w.*, coalesce(w.rid, n.id) AS report, coalesce(w.current, 0) + 1 AS new_revision,
               coalesce(w.report_late, w.is_late) AS late_now
          FROM written w
          LEFT JOIN created n ON w.rid IS NULL AND n.period_id = w.pid AND n.unit_code = w.unit
                             AND n.task_id = w.task),
    revisions AS (
        INSERT INTO report_revision (report_id, revision, saved_as, status, progress, results,
                                     difficulties, proposals, indicators, late, idempotency_key,
                                     changed, account_id, username, address)
        SELECT w.report, w.new_revision, 'submitted', w.status, w.progress, w.results,
               w.difficulties, w.proposals, w.indicators, w.is_late, w.key,
               CASE WHEN w.rid IS NULL
                    THEN ARRAY['status', 'progress', 'results', 'difficulties', 'proposals', 'indicators']
                    ELSE array_remove(ARRAY[
                   CASE WHEN v.status IS DISTINCT FROM w.status THEN 'status' END,
                   CASE WHEN v.progress IS DISTINCT FROM w.progress THEN 'progress' END,
                   CASE WHEN v.results IS DISTINCT FROM w.results THEN 'results' END,
                   CASE WHEN v.difficulties IS DISTINCT FROM w.difficulties THEN 'difficulties' END,
                   CASE WHEN v.proposals IS DISTINCT FROM w.proposals THEN 'proposals' END,
                   CASE WHEN v.indicators IS DISTINCT FROM w.indicators THEN 'indicators' END], NULL)
               END,
               (w.doc -> 'actor' ->> 'id')::bigint, w.doc -> 'actor' ->> 'username',
               w.doc -> 'actor' ->> 'address'
          FROM saved w
          LEFT JOIN LATERAL (SELECT y.* FROM report_revision y
                              WHERE y.report_id = w.rid AND y.revision = w.current
                              LIMIT 1) v ON true
         ORDER BY w.i, w.ord),
    reports AS ( -- as submit_reports' update of a report sent before
        -- (x.revision is w.current: the report is locked since it was judged)
        UPDATE report x
           SET revision = x.revision + 1, state = 'submitted', return_reason = NULL,
               updated_at = now()
         WHERE x.id = ANY (ARRAY(SELECT w.rid FROM written w WHERE w.rid IS NOT NULL))),
    audits AS ( -- as submit_reports' audit_write, one per submission
        INSERT INTO audit_log (account_id, username, address, action, target, detail)
        SELECT (c.doc -> 'actor' ->> 'id')::bigint, coalesce(c.doc -> 'actor' ->> 'username', ''),
               coalesce(c.doc -> 'actor' ->> 'address', ''), 'report.submit', c.unit || ' ' || c.pid,
               jsonb_build_object(
                   'tasks', (SELECT jsonb_agg(w.task ORDER BY w.ord) FROM written w WHERE w.i = c.i),
                   'late', c.is_late, 'by_unit', c.unit,
                   'resubmitted', (SELECT coalesce(jsonb_agg(w.task ORDER BY w.ord), '[]')
                                     FROM written w WHERE w.i = c.i AND w.resubmit))
          FROM candidate c
         WHERE c.i IN (SELECT d.i FROM plain_doc d)
         ORDER BY c.i)
    SELECT (SELECT array_agg(d.i) FROM plain_doc d),
           array_agg(w.i ORDER BY w.i, w.ord), array_agg(w.row_line ORDER BY w.i, w.ord),
           array_agg(w.task ORDER BY w.i, w.ord), array_agg(w.report ORDER BY w.i, w.ord),
           array_agg(w.new_revision ORDER BY w.i, w.ord),
           array_agg(w.late_now ORDER BY w.i, w.ord)
      INTO plain, a_item, a_line, a_task, a_report, a_revision, a_late
      FROM saved w;

    RETURN QUERY SELECT a.i, a.l, NULL::text, NULL::text, a.t, a.r, a.v, 'submitted'::text, a.late,
                        false, false
                   FROM unnest(a_item, a_line, a_task, a_report, a_revision, a_late)
                        AS a (i, l, t, r, v, late);

    FOR i IN 1 .. ndocs LOOP
        IF NOT runs[i] THEN -- recorded: answered from the record after the commit
            RETURN QUERY SELECT i, NULL::int, NULL::text, NULL::text, NULL::int,
                                NULL::bigint, NULL::int, NULL::text, NULL::boolean,
                                NULL::boolean, true;
        ELSIF NOT coalesce(i = ANY (plain), false) THEN
            RETURN QUERY SELECT i, s.line, s.field, s.message, s.task_id, s.report_id, s.revision,
                                s.state, s.late, s.replayed, false
                           FROM submit_reports(docs[i]) s;
        END IF;
    END LOOP;
END
$$;

-- True when reviewer_unit reviews report_unit's reports of period pid as
-- their district: the reporting unit is a commune whose parent on the
-- period's last data day is reviewer_unit, a district. After the district
-- level was abolished (1 July 2025) a commune has no district parent, so
-- its reports go straight to the lead agencies and the review chain skips
-- the missing level (issue 12); a period of 2025-6M keeps its districts.
CREATE OR REPLACE FUNCTION district_reviews(reviewer_unit text, pid text, report_unit text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM org_unit u
                     JOIN report_period p ON p.id = pid
                     JOIN org_unit d ON d.code = reviewer_unit AND d.kind = 'district'
                    WHERE u.code = report_unit AND u.kind = 'commune'
                      AND unit_parent_on(u.code, p.data_until) = reviewer_unit)
$$;

-- Reviews reports, all or none: {"actor": {"id", "username", "address",
-- "unit"}, "action": "accept"|"return", "reason": "…", "ids": [1, 2],
-- "revisions": [3, 1]} where revisions[i] is the revision of report ids[i]
-- the reviewer read (the server checked both lists have the same length).
-- A lead agency's reviewer reviews reports on tasks its unit leads; a
-- district's reviewer may return its communes' reports (district_reviews:
-- while the commune is under it on the period's last data day). Nobody reviews
-- their own unit's report. A report whose latest submitted revision is not
-- the one read is not reviewed, and then nothing is: its error has field
-- 'revision' and names the newer revision, who sent it and when (the
-- server answers CONFLICT when every error is one of those). Returns the
-- reviewed reports, or the errors.
CREATE OR REPLACE FUNCTION review_reports(doc jsonb)
RETURNS TABLE (report_id bigint, field text, message text, state text, level text)
LANGUAGE plpgsql AS $$
DECLARE
    action text := doc ->> 'action';
    reviewer_unit text := doc -> 'actor' ->> 'unit';
    reviewed int;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS review_targets (id bigint, level text, seen int, ord bigint)
        ON COMMIT DROP;
    DELETE FROM review_targets;
    INSERT INTO review_targets
    SELECT j.id::bigint,
           CASE WHEN EXISTS (SELECT 1 FROM report_period p
                               CROSS JOIN LATERAL assignment_leads_on(p.data_until) l
                              WHERE p.id = x.period_id AND l.task_id = x.task_id
                                AND l.unit_code = reviewer_unit) THEN 'lead'
                WHEN district_reviews(reviewer_unit, x.period_id, x.unit_code) THEN 'district'
           END,
           v.seen::int, j.ord
      FROM jsonb_array_elements_text(doc -> 'ids') WITH ORDINALITY j (id, ord)
      LEFT JOIN jsonb_array_elements_text(doc -> 'revisions') WITH ORDINALITY v (seen, ord)
        ON v.ord = j.ord
      LEFT JOIN report x ON x.id = j.id::bigint;

    -- Lock what is judged below (periods, then reports in id order, the
    -- order submit_reports uses) so a submission cannot land between the
    -- revision check and the update: the revision read is the revision
    -- reviewed, or nothing is.
    PERFORM 1 FROM report_period p
     WHERE p.id IN (SELECT x.period_id FROM report x JOIN review_targets t ON t.id = x.id)
     ORDER BY p.id FOR SHARE;
    PERFORM 1 FROM report x WHERE x.id IN (SELECT t.id FROM review_targets t) ORDER BY x.id FOR UPDATE;

    RETURN QUERY
    WITH latest AS ( -- the revision reviewers see (report_info), after the locks
        SELECT DISTINCT ON (v.report_id) v.report_id, v.revision, v.username, v.saved_at
          FROM report_revision v
         WHERE v.report_id IN (SELECT t.id FROM review_targets t) AND v.saved_as = 'submitted'
         ORDER BY v.report_id, v.revision DESC)
    SELECT e.id, e.field, e.message, NULL::text, NULL::text FROM (
        SELECT t.id, 'ids' AS field, cchc_msg('no report %s', t.id::text) AS message
          FROM review_targets t WHERE NOT EXISTS (SELECT 1 FROM report x WHERE x.id = t.id)
        UNION ALL
        SELECT t.id, 'ids', cchc_msg('report %s is named twice', t.id::text)
          FROM review_targets t JOIN review_targets d ON d.id = t.id AND d.ord < t.ord
        UNION ALL
        SELECT t.id, 'ids', cchc_msg('report %s is your own unit''s; no unit reviews itself', t.id::text)
          FROM review_targets t JOIN report x ON x.id = t.id WHERE x.unit_code = reviewer_unit
        UNION ALL
        SELECT t.id, 'ids', cchc_msg('report %s is not your unit''s to review', t.id::text)
          FROM review_targets t JOIN report x ON x.id = t.id
         WHERE x.unit_code <> reviewer_unit AND t.level IS NULL
        UNION ALL
        SELECT t.id, 'ids', cchc_msg('a district returns a commune''s report but does not accept it; the lead agency accepts')
          FROM review_targets t WHERE t.level = 'district' AND action = 'accept'
        UNION ALL
        SELECT t.id, 'ids', CASE action WHEN 'accept'
                            THEN cchc_msg('report %s is %s and cannot be accepted', t.id::text, x.state)
                            ELSE cchc_msg('report %s is %s and cannot be returned', t.id::text, x.state) END
          FROM review_targets t JOIN report x ON x.id = t.id
         WHERE t.level IS NOT NULL AND x.unit_code <> reviewer_unit
           AND NOT (x.state = 'submitted' OR (action = 'return' AND x.state = 'accepted'))
        UNION ALL
        SELECT t.id, 'ids', cchc_msg('period %s is locked', x.period_id)
          FROM review_targets t JOIN report x ON x.id = t.id JOIN report_period p ON p.id = x.period_id
         WHERE p.state = 'approved'
        UNION ALL
        SELECT t.id, 'ids', cchc_msg('report %s has no revision %s', t.id::text, t.seen::text)
          FROM review_targets t JOIN report x ON x.id = t.id LEFT JOIN latest l ON l.report_id = t.id
         WHERE t.level IS NOT NULL AND x.unit_code <> reviewer_unit
           AND (t.seen IS NULL OR t.seen < 1 OR t.seen > coalesce(l.revision, 0))
        UNION ALL
        -- the point of naming revisions: what was read is no longer what
        -- would be reviewed
        SELECT t.id, 'revision',
               cchc_msg('report %s (period %s, task %s, unit %s) has revision %s by %s at %s; you read '
                        'revision %s. Read the new one: cchc report show --period %s --task %s --unit %s',
                        t.id::text, x.period_id, x.task_id::text, x.unit_code, l.revision::text, l.username,
                        iso_utc(l.saved_at), t.seen::text, x.period_id, x.task_id::text, x.unit_code)
          FROM review_targets t JOIN report x ON x.id = t.id JOIN latest l ON l.report_id = t.id
         WHERE t.level IS NOT NULL AND x.unit_code <> reviewer_unit
           AND t.seen >= 1 AND t.seen < l.revision
    ) e ORDER BY e.id, e.field;
    IF FOUND THEN
        RETURN;
    END IF;

    -- the revision recorded is the one read, which the checks above made
    -- the latest submitted one
    INSERT INTO report_review (report_id, revision, action, level, reason, account_id, username, address)
    SELECT x.id, t.seen, action, t.level, coalesce(doc ->> 'reason', ''),
           (doc -> 'actor' ->> 'id')::bigint, doc -> 'actor' ->> 'username', doc -> 'actor' ->> 'address'
      FROM review_targets t JOIN report x ON x.id = t.id;
    UPDATE report x
       SET state = CASE action WHEN 'accept' THEN 'accepted' ELSE 'returned' END,
           return_reason = CASE action WHEN 'return' THEN doc ->> 'reason' END,
           updated_at = now()
      FROM review_targets t WHERE t.id = x.id;
    GET DIAGNOSTICS reviewed = ROW_COUNT;
    PERFORM audit_write(doc, 'report.' || action, '',
                        jsonb_build_object('reports', doc -> 'ids', 'revisions', doc -> 'revisions',
                                           'reason', doc ->> 'reason'));
    RETURN QUERY SELECT x.id, NULL::text, NULL::text, x.state, t.level
                   FROM review_targets t JOIN report x ON x.id = t.id ORDER BY x.id;
END
$$;

-- A report as the protocol's ReportSummary shows it to reviewers: its
-- latest submitted revision. A unit's unsent draft (after a return) is its
-- own until sent; the unit sees it in its task list and history. The
-- report row names that revision (submitted_revision, sql/0019).
CREATE OR REPLACE VIEW report_info AS
SELECT x.id AS report_id, x.period_id, x.unit_code, u.name AS unit_name, x.task_id, t.ref, x.state,
       coalesce(v.revision, x.revision) AS revision, x.late, coalesce(v.status, '') AS status,
       coalesce(trim_scale(v.progress)::text, '') AS progress,
       coalesce(iso_utc(x.first_submitted_at), '') AS submitted_at,
       coalesce(x.return_reason, '') AS return_reason
  FROM report x
  JOIN org_unit u ON u.code = x.unit_code
  JOIN task t ON t.id = x.task_id
  LEFT JOIN report_revision v ON v.report_id = x.id AND v.revision = x.submitted_revision;

-- What a reviewer in reviewer_unit may do with a unit's report on a task:
-- 'lead' when that unit leads the task in the period, 'district' when the
-- report is one of its communes' in the period (district_reviews), NULL
-- otherwise (and always for its own).
CREATE OR REPLACE FUNCTION review_level(reviewer_unit text, pid text, tid int, report_unit text)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN report_unit = reviewer_unit THEN NULL
        WHEN EXISTS (SELECT 1 FROM report_period p
                      CROSS JOIN LATERAL assignment_leads_on(p.data_until) l
                      WHERE p.id = pid AND l.task_id = tid AND l.unit_code = reviewer_unit) THEN 'lead'
        WHEN district_reviews(reviewer_unit, pid, report_unit) THEN 'district'
    END
$$;
