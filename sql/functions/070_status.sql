-- 070_status: citywide status of a period, computed where the data is.
--
-- report_facts(period) is the one place that says, for every report the
-- plan's assignments imply (expected_reports), whether it was received (it
-- was submitted at least once; drafts do not count), on time or late, and
-- the status and progress of its latest submitted revision. Every figure
-- below is a GROUP BY over it, so completeness, roll-ups, the criteria at
-- risk and the trends always agree with each other. A request reads the
-- facts once (issue 15): status_figures computes every figure of `cchc
-- status` and of the HTML report from one reading, and the trend's point
-- of an approved period is stored at its approval (trend_figures,
-- period_figures in 0018_period_figures), so the trend computes only the
-- periods not approved.
--
-- Effective progress counts a missing report as 0 %: the sum of the
-- received reports' progress divided by the number expected. A criterion's
-- risk is its points lost in the base year times the share of progress not
-- yet made: points_lost * (1 - effective_progress / 100). Only criteria
-- that print points (PAR-INDEX, Annex I) are ranked by risk.
--
-- The reports a period counts are those its structure expects (the units
-- on its last data day, expected_reports) and every report sent for it
-- besides: a unit's report stays with the unit that made it and counts in
-- the period it belongs to even when a change recorded later, dated on or
-- before the period's last data day, means the period no longer expects
-- that unit (issue 12; docs/periods.md, "Units that change"). Such a report
-- counts as expected and received; the successor's own obligation is
-- counted too, since it is owed in its own right.
--
-- Scope: a reviewer (lead agency) sees the tasks its unit leads; admins and
-- viewers see everything (sees_all).
-- An approved period's figures are frozen (0011_period_states): for it,
-- report_facts and period_leads read the snapshot its approval took of
-- live_report_facts and live_period_leads, so nothing done to units or
-- the plan afterwards moves them; every figure below, the period list
-- (period_info, 080_periods) included, goes through these two.
-- Uses expected_reports (050) and assignment_leads_on (030) through the
-- per-period cache of what they give (period_expected, period_unit_areas,
-- live_period_leads below; sql/0021_status_cache, kept exact by
-- 075_status_cache); the index these queries rely on is in 0009_status.

-- The reports a period counts (see the top of this file): one row per
-- unit and task. Also what a unit is shown as its tasks (my tasks).
CREATE OR REPLACE FUNCTION counted_reports(pid text)
RETURNS TABLE (unit_code text, task_id int)
LANGUAGE sql STABLE AS $$
    WITH expected AS (SELECT * FROM expected_reports(pid))
    SELECT x.unit_code, x.task_id FROM expected x
    UNION ALL
    SELECT r.unit_code, r.task_id FROM report r
     WHERE r.period_id = pid AND r.first_submitted_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM expected x
                        WHERE x.unit_code = r.unit_code AND x.task_id = r.task_id)
$$;

-- The area each unit's reports are grouped under (`status --by area`,
-- formerly `--by district`) on day d, a period's last data day: a district
-- is its own area; a commune whose parent on d is a district, that
-- district (every period before 2025-07-01); after the district level
-- ended, the former province or city the unit was formed in
-- (unit_former_province, 0015, from sql/units/units_2025_merged_city.csv).
-- NULL for units in no area (departments, bodies outside the
-- administration, units the data does not place): counted in the totals,
-- in no area. Set-based: one parent lookup per unit, not per report.
CREATE OR REPLACE FUNCTION unit_areas_on(d date)
RETURNS TABLE (unit_code text, area_code text)
LANGUAGE sql STABLE AS $$
    SELECT u.code,
           CASE WHEN u.kind = 'district' THEN u.code
                WHEN u.kind = 'commune' AND p.kind = 'district' THEN p.code
                WHEN u.kind = 'commune' THEN f.province_code
           END
      FROM org_unit u
      LEFT JOIN org_unit p ON p.code = unit_parent_on(u.code, d)
      LEFT JOIN unit_former_province f ON f.unit_code = u.code
     WHERE u.kind IN ('district', 'commune')
$$;

-- An area's name: a district's, or a former province's.
CREATE OR REPLACE FUNCTION area_name(code text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT u.name FROM org_unit u WHERE u.code = area_name.code),
                    (SELECT f.name FROM former_province f WHERE f.code = area_name.code))
$$;

-- The structure a period is counted over, computed: the reports it
-- expects, the area of each unit, the lead agencies of each task. In
-- PL/pgSQL so that the planner does not inline them into the statements
-- below: those read the per-period cache and plan this work only when they
-- run it (planning the expansion of the assignments took longer than
-- reading the cache).
CREATE OR REPLACE FUNCTION computed_period_expected(pid text)
RETURNS TABLE (unit_code text, task_id int)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT e.unit_code, e.task_id FROM expected_reports(pid) e;
END $$;

CREATE OR REPLACE FUNCTION computed_period_unit_areas(pid text)
RETURNS TABLE (unit_code text, area_code text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT ar.unit_code, ar.area_code
                   FROM report_period p CROSS JOIN LATERAL unit_areas_on(p.data_until) ar
                  WHERE p.id = pid;
END $$;

CREATE OR REPLACE FUNCTION computed_period_leads(pid text)
RETURNS TABLE (task_id int, unit_code text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT DISTINCT l.task_id, l.unit_code
                   FROM report_period p CROSS JOIN LATERAL assignment_leads_on(p.data_until) l
                  WHERE p.id = pid;
END $$;

-- The same from the per-period cache (status_cache_*, sql/0021_status_cache;
-- kept exact by 075_status_cache.sql) when it holds the period, computed
-- otherwise. A period is in the cache whole or not at all
-- (status_cache_period), so each reads one branch.
CREATE OR REPLACE FUNCTION period_expected(pid text)
RETURNS TABLE (unit_code text, task_id int)
LANGUAGE sql STABLE AS $$
    SELECT c.unit_code, c.task_id FROM status_cache_expected c WHERE c.period_id = pid
    UNION ALL
    SELECT e.unit_code, e.task_id FROM computed_period_expected(pid) e
     WHERE NOT EXISTS (SELECT 1 FROM status_cache_period k WHERE k.period_id = pid)
$$;

CREATE OR REPLACE FUNCTION period_unit_areas(pid text)
RETURNS TABLE (unit_code text, area_code text)
LANGUAGE sql STABLE AS $$
    SELECT c.unit_code, c.area_code FROM status_cache_area c WHERE c.period_id = pid
    UNION ALL
    SELECT ar.unit_code, ar.area_code FROM computed_period_unit_areas(pid) ar
     WHERE NOT EXISTS (SELECT 1 FROM status_cache_period k WHERE k.period_id = pid)
$$;

-- Lead agencies of each task in a period (its last data day).
CREATE OR REPLACE FUNCTION live_period_leads(pid text)
RETURNS TABLE (task_id int, unit_code text)
LANGUAGE sql STABLE AS $$
    SELECT c.task_id, c.unit_code FROM status_cache_lead c WHERE c.period_id = pid
    UNION ALL
    SELECT l.task_id, l.unit_code FROM computed_period_leads(pid) l
     WHERE NOT EXISTS (SELECT 1 FROM status_cache_period k WHERE k.period_id = pid)
$$;

-- The facts of a period as they are now: every report it expects
-- (period_expected), with its report row if any, and every report sent
-- for it that it does not expect (see counted_reports above: the same set,
-- read in one full join). The latest submitted revision's status and
-- progress are the report row's own (submitted_status,
-- submitted_progress: sql/0019_report_submitted), not looked up per report.
CREATE OR REPLACE FUNCTION live_report_facts(pid text)
RETURNS TABLE (unit_code text, unit_name text, unit_kind text, district_code text, task_id int,
               state text, received boolean, on_time boolean, late boolean, status text,
               progress numeric, report_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT k.unit_code, u.name, u.kind,
           u.area_code,
           k.task_id,
           CASE WHEN x.state IS NULL OR (x.state = 'draft' AND x.first_submitted_at IS NULL)
                THEN 'missing' ELSE x.state END,
           x.first_submitted_at IS NOT NULL,
           x.first_submitted_at IS NOT NULL AND NOT x.late,
           x.first_submitted_at IS NOT NULL AND x.late,
           x.submitted_status, x.submitted_progress, x.id
      FROM period_expected(pid) e
      FULL JOIN (SELECT r.* FROM report r WHERE r.period_id = pid) x
        ON x.unit_code = e.unit_code AND x.task_id = e.task_id
     CROSS JOIN LATERAL (SELECT coalesce(e.unit_code, x.unit_code) AS unit_code,
                                coalesce(e.task_id, x.task_id) AS task_id) k
      -- each unit with its area first (~100 rows, kept apart by OFFSET 0),
      -- then one hash join with the reports: joined to the reports one by
      -- one, the areas made the planner sort all ~5,000 rows for a merge
      -- join (issue 15)
      JOIN (SELECT u.code, u.name, u.kind, ar.area_code
              FROM org_unit u LEFT JOIN period_unit_areas(pid) ar ON ar.unit_code = u.code
            OFFSET 0) u ON u.code = k.unit_code
     WHERE e.unit_code IS NOT NULL OR x.first_submitted_at IS NOT NULL
$$;

-- The approval a period's figures are frozen by (NULL unless approved).
CREATE OR REPLACE FUNCTION period_current_approval(pid text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT a.id FROM period_approval a WHERE a.period_id = pid AND a.reopened_at IS NULL
$$;

-- The facts of a period: frozen at its approval, live before.
CREATE OR REPLACE FUNCTION report_facts(pid text)
RETURNS TABLE (unit_code text, unit_name text, unit_kind text, district_code text, task_id int,
               state text, received boolean, on_time boolean, late boolean, status text,
               progress numeric, report_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT f.unit_code, f.unit_name, f.unit_kind, f.district_code, f.task_id, f.state, f.received,
           f.on_time, f.late, f.status, f.progress, f.report_id
      FROM period_frozen_report f
     WHERE f.approval_id = period_current_approval(pid)
    UNION ALL
    SELECT f.* FROM live_report_facts(pid) f
     WHERE period_current_approval(pid) IS NULL
$$;

-- What the trend counts of each report of report_facts: its task, whether
-- it was received, on time, and its progress; the same rows without the
-- unit's name, kind and area, which the trend does not show (every report
-- and expected unit is a unit of org_unit, so the join left out drops no
-- row). An approved period's from its snapshot, a live one's as in
-- live_report_facts.
CREATE OR REPLACE FUNCTION report_counts(pid text)
RETURNS TABLE (task_id int, received boolean, on_time boolean, progress numeric)
LANGUAGE sql STABLE AS $$
    SELECT f.task_id, f.received, f.on_time, f.progress FROM period_frozen_report f
     WHERE f.approval_id = period_current_approval(pid)
    UNION ALL
    SELECT coalesce(e.task_id, x.task_id), x.first_submitted_at IS NOT NULL,
           x.first_submitted_at IS NOT NULL AND NOT x.late, x.submitted_progress
      FROM period_expected(pid) e
      FULL JOIN (SELECT r.unit_code, r.task_id, r.first_submitted_at, r.late, r.submitted_progress
                   FROM report r WHERE r.period_id = pid) x
        ON x.unit_code = e.unit_code AND x.task_id = e.task_id
     WHERE (e.unit_code IS NOT NULL OR x.first_submitted_at IS NOT NULL)
       AND period_current_approval(pid) IS NULL
$$;

-- The lead agencies of live_period_leads, frozen at the period's approval.
CREATE OR REPLACE FUNCTION period_leads(pid text)
RETURNS TABLE (task_id int, unit_code text)
LANGUAGE sql STABLE AS $$
    SELECT l.task_id, l.unit_code FROM period_frozen_lead l
     WHERE l.approval_id = period_current_approval(pid)
    UNION ALL
    SELECT l.task_id, l.unit_code FROM live_period_leads(pid) l
     WHERE period_current_approval(pid) IS NULL
$$;

-- The facts a caller may see.
CREATE OR REPLACE FUNCTION scoped_facts(pid text, viewer_unit text, sees_all boolean)
RETURNS TABLE (unit_code text, unit_name text, unit_kind text, district_code text, task_id int,
               state text, received boolean, on_time boolean, late boolean, status text,
               progress numeric, report_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT f.* FROM report_facts(pid) f
     WHERE sees_all OR f.task_id IN (SELECT l.task_id FROM period_leads(pid) l
                                      WHERE l.unit_code = viewer_unit)
$$;

-- The criteria that print points (PAR-INDEX, Annex I) with their score in
-- the plan's base year and the points lost there: what risk is made of.
CREATE OR REPLACE FUNCTION criteria_scored()
RETURNS TABLE (index_code text, code text, name text, max_points numeric, score numeric, lost numeric)
LANGUAGE sql STABLE AS $$
    SELECT c.index_code, c.code, c.name, c.max_points, s.score, c.max_points - s.score
      FROM criterion c
      JOIN criterion_score s ON s.index_code = c.index_code AND s.criterion_code = c.code
                            AND s.year = (SELECT base_year FROM plan ORDER BY issued_on LIMIT 1)
     WHERE c.max_points IS NOT NULL
$$;

-- Every figure of a period's status from its facts computed once (issue
-- 15): the facts (report_facts) and the lead agencies (period_leads) are
-- read once, the caller's scope applied once, and every figure is a GROUP
-- BY over that one set, in sections:
--   period     the period's expected and received reports, all tasks
--              (what period_info counts; no row for an unknown period)
--   total      the caller's tasks as one group (no row when none)
--   unit, district, lead, task, index, criterion
--              completeness, timeliness and status roll-up grouped by
--              each dimension named in dims: the unit; the area
--              (unit_areas_on above: a district's own reports and its
--              communes' before 2025-07-01); each lead agency of the task;
--              the task; the index or criterion the task serves
--   risk       the criteria that print points, ranked by risk (see the
--              top of this file)
-- `cchc status` asks for one dimension, the HTML report (report_bundle)
-- for index, district and lead at once.
--
-- Every section but the unit's groups whole tasks (or a task's reports in
-- one area), so the ~5,000 facts of a live period are first counted once
-- per task and area (by_task_area: a few hundred rows) and each such
-- section sums those counts; only `--by unit` groups the facts
-- themselves. The sums are the same numbers as counting the facts
-- directly: counts add up, numeric sums are exact (their scale is the
-- largest of their terms either way), and an average is the sum of
-- progress over the number of reports that have one, as avg() computes it
-- (issue 15: the grouping and the criteria at risk over the facts were
-- most of a live period's status; tests/e2e/test_status_facts.c compares
-- with the statements of before).
CREATE OR REPLACE FUNCTION period_status_figures(pid text, dims text[], viewer_unit text, sees_all boolean)
RETURNS TABLE (section text, key text, name text, expected int, received int, on_time int, late int,
               missing int, not_started int, in_progress int, completed int, behind int,
               mean_progress numeric, effective_progress numeric,
               index_code text, code text, max_points numeric, score numeric, points_lost numeric,
               tasks int, risk numeric)
LANGUAGE sql STABLE AS $$
    -- not kept: counted once into by_task_area; read again only --by unit
    WITH facts AS NOT MATERIALIZED (SELECT * FROM report_facts(pid)),
    leads AS MATERIALIZED (SELECT * FROM period_leads(pid)),
    scope AS MATERIALIZED (SELECT DISTINCT l.task_id FROM leads l WHERE l.unit_code = viewer_unit),
    f AS (
        SELECT x.* FROM facts x
         WHERE sees_all OR x.task_id IN (SELECT s.task_id FROM scope s)),
    by_task_area AS MATERIALIZED (
        SELECT x.task_id, x.district_code, count(*) AS n,
               count(*) FILTER (WHERE x.received) AS received,
               count(*) FILTER (WHERE x.on_time) AS on_time,
               count(*) FILTER (WHERE x.late) AS late,
               count(*) FILTER (WHERE x.received AND x.status = 'not_started') AS not_started,
               count(*) FILTER (WHERE x.received AND x.status = 'in_progress') AS in_progress,
               count(*) FILTER (WHERE x.received AND x.status = 'completed') AS completed,
               count(*) FILTER (WHERE x.received AND x.status = 'behind') AS behind,
               sum(x.progress) FILTER (WHERE x.received) AS progress_sum,
               count(x.progress) FILTER (WHERE x.received) AS progress_n
          FROM facts x
         GROUP BY x.task_id, x.district_code),
    g AS MATERIALIZED (
        SELECT t.* FROM by_task_area t
         WHERE sees_all OR t.task_id IN (SELECT s.task_id FROM scope s)),
    keyed AS (
        SELECT 'total'::text AS section, 'total'::text AS key, 'Toàn thành phố'::text AS name, g.*
          FROM g
        UNION ALL
        -- named once per area below, not once per report
        SELECT 'district', g.district_code, NULL, g.*
          FROM g WHERE 'district' = ANY (dims) AND g.district_code IS NOT NULL
        UNION ALL
        SELECT 'lead', l.unit_code, lu.name, g.*
          FROM g JOIN leads l ON l.task_id = g.task_id JOIN org_unit lu ON lu.code = l.unit_code
         WHERE 'lead' = ANY (dims)
        UNION ALL
        SELECT 'task', g.task_id::text, t.ref, g.*
          FROM g JOIN task t ON t.id = g.task_id WHERE 'task' = ANY (dims)
        UNION ALL
        SELECT 'index', i.index_code, i.name, g.*
          FROM g JOIN (SELECT DISTINCT tc.task_id, tc.index_code, gi.name FROM task_criterion tc
                         JOIN gov_index gi ON gi.code = tc.index_code) i ON i.task_id = g.task_id
         WHERE 'index' = ANY (dims)
        UNION ALL
        SELECT 'criterion', tc.index_code || ' ' || tc.criterion_code, c.name, g.*
          FROM g JOIN task_criterion tc ON tc.task_id = g.task_id
          JOIN criterion c ON c.index_code = tc.index_code AND c.code = tc.criterion_code
         WHERE 'criterion' = ANY (dims))
    SELECT 'period', NULL::text, NULL::text, coalesce(sum(t.n), 0)::int, coalesce(sum(t.received), 0)::int,
           NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::int,
           NULL::numeric, NULL::numeric, NULL::text, NULL::text, NULL::numeric, NULL::numeric,
           NULL::numeric, NULL::int, NULL::numeric
      FROM by_task_area t
    HAVING EXISTS (SELECT 1 FROM report_period p WHERE p.id = pid)
    UNION ALL
    SELECT k.section, k.key, CASE WHEN k.section = 'district' THEN area_name(k.key) ELSE k.name END,
           sum(k.n)::int, sum(k.received)::int, sum(k.on_time)::int, sum(k.late)::int,
           (sum(k.n) - sum(k.received))::int,
           sum(k.not_started)::int, sum(k.in_progress)::int, sum(k.completed)::int, sum(k.behind)::int,
           round(sum(k.progress_sum) / nullif(sum(k.progress_n), 0), 2),
           round(coalesce(sum(k.progress_sum), 0) / sum(k.n), 2),
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
      FROM keyed k
     GROUP BY k.section, k.key, k.name
    UNION ALL
    SELECT 'unit', f.unit_code, f.unit_name, count(*)::int, (count(*) FILTER (WHERE f.received))::int,
           (count(*) FILTER (WHERE f.on_time))::int, (count(*) FILTER (WHERE f.late))::int,
           (count(*) FILTER (WHERE NOT f.received))::int,
           (count(*) FILTER (WHERE f.received AND f.status = 'not_started'))::int,
           (count(*) FILTER (WHERE f.received AND f.status = 'in_progress'))::int,
           (count(*) FILTER (WHERE f.received AND f.status = 'completed'))::int,
           (count(*) FILTER (WHERE f.received AND f.status = 'behind'))::int,
           round(avg(f.progress) FILTER (WHERE f.received), 2),
           round(coalesce(sum(f.progress) FILTER (WHERE f.received), 0) / count(*), 2),
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
      FROM f
     WHERE 'unit' = ANY (dims)
     GROUP BY f.unit_code, f.unit_name
    UNION ALL
    SELECT 'risk', NULL, c.name, sum(g.n)::int, sum(g.received)::int, NULL, NULL,
           (sum(g.n) - sum(g.received))::int, NULL, NULL, NULL, NULL, NULL,
           round(coalesce(sum(g.progress_sum), 0) / sum(g.n), 2),
           c.index_code, c.code, c.max_points, c.score, c.lost, (count(DISTINCT g.task_id))::int,
           round(c.lost * (1 - coalesce(sum(g.progress_sum), 0) / sum(g.n) / 100), 4)
      FROM criteria_scored() c
      JOIN task_criterion tc ON tc.index_code = c.index_code AND tc.criterion_code = c.code
      JOIN g ON g.task_id = tc.task_id
     GROUP BY c.index_code, c.code, c.name, c.max_points, c.score, c.lost
$$;

-- period_status_figures with one plan kept per session (a generic plan:
-- plan_cache_mode set for this function only). Inlined into the caller's
-- statement, the whole computation was planned again on every request
-- with the values of its parameters (a custom plan), which cost a sixth of
-- a live period's status (issue 15); the plan does not depend on them: a
-- grouping not asked is skipped when it runs, whatever the plan.
CREATE OR REPLACE FUNCTION status_figures(pid text, dims text[], viewer_unit text, sees_all boolean)
RETURNS TABLE (section text, key text, name text, expected int, received int, on_time int, late int,
               missing int, not_started int, in_progress int, completed int, behind int,
               mean_progress numeric, effective_progress numeric,
               index_code text, code text, max_points numeric, score numeric, points_lost numeric,
               tasks int, risk numeric)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY SELECT * FROM period_status_figures(pid, dims, viewer_unit, sees_all);
END $$;

-- One dimension of status_figures (status --task's summary).
CREATE OR REPLACE FUNCTION status_groups(pid text, dim text, viewer_unit text, sees_all boolean)
RETURNS TABLE (key text, name text, expected int, received int, on_time int, late int,
               missing int, not_started int, in_progress int, completed int, behind int,
               mean_progress numeric, effective_progress numeric)
LANGUAGE sql STABLE AS $$
    SELECT s.key, s.name, s.expected, s.received, s.on_time, s.late, s.missing, s.not_started,
           s.in_progress, s.completed, s.behind, s.mean_progress, s.effective_progress
      FROM status_figures(pid, ARRAY[dim], viewer_unit, sees_all) s
     WHERE s.section = dim AND dim NOT IN ('period', 'risk')
$$;

-- The criteria at risk of status_figures.
CREATE OR REPLACE FUNCTION criteria_at_risk(pid text, viewer_unit text, sees_all boolean)
RETURNS TABLE (index_code text, code text, name text, max_points numeric, score numeric,
               points_lost numeric, tasks int, expected int, received int, missing int,
               effective_progress numeric, risk numeric)
LANGUAGE sql STABLE AS $$
    SELECT s.index_code, s.code, s.name, s.max_points, s.score, s.points_lost, s.tasks, s.expected,
           s.received, s.missing, s.effective_progress, s.risk
      FROM status_figures(pid, '{}', viewer_unit, sees_all) s
     WHERE s.section = 'risk'
$$;

-- A period's point of the trend for every scope at once: '' (every task:
-- administrators and viewers) and, with every_lead, each lead agency (the
-- tasks it leads), else the caller's own unit when it does not see all.
-- The facts and the leads are read once. expected, received, on time and
-- effective progress are status_figures' total of that scope, and
-- points_at_risk the sum of its criteria's risk (0 when none print
-- points). No row for a scope with no report (as the total has none).
-- The approval of a period stores these (period_figures, 0018) and the
-- trend reads them (trend_point below).
CREATE OR REPLACE FUNCTION trend_figures(pid text, viewer_unit text, sees_all boolean, every_lead boolean)
RETURNS TABLE (scope text, expected int, received int, on_time int, effective_progress numeric,
               points_at_risk numeric)
LANGUAGE sql STABLE AS $$
    -- counted once per task first (as status_figures does): every scope
    -- is a set of whole tasks, so its figures are sums of these
    WITH by_task AS MATERIALIZED (
        SELECT x.task_id, count(*) AS n, count(*) FILTER (WHERE x.received) AS received,
               count(*) FILTER (WHERE x.on_time) AS on_time,
               sum(x.progress) FILTER (WHERE x.received) AS progress_sum
          FROM report_counts(pid) x
         GROUP BY x.task_id),
    scoped AS MATERIALIZED (
        SELECT ''::text AS scope, t.task_id, t.n, t.received, t.on_time, t.progress_sum
          FROM by_task t WHERE sees_all
        UNION ALL
        SELECT l.unit_code, t.task_id, t.n, t.received, t.on_time, t.progress_sum
          FROM by_task t JOIN period_leads(pid) l ON l.task_id = t.task_id
         WHERE every_lead OR (NOT sees_all AND l.unit_code = viewer_unit)),
    risks AS (
        SELECT s.scope,
               round(c.lost * (1 - coalesce(sum(s.progress_sum), 0) / sum(s.n) / 100), 4) AS risk
          FROM criteria_scored() c
          JOIN task_criterion tc ON tc.index_code = c.index_code AND tc.criterion_code = c.code
          JOIN scoped s ON s.task_id = tc.task_id
         GROUP BY s.scope, c.index_code, c.code, c.lost)
    SELECT s.scope, sum(s.n)::int, sum(s.received)::int, sum(s.on_time)::int,
           round(coalesce(sum(s.progress_sum), 0) / sum(s.n), 2),
           coalesce((SELECT sum(r.risk) FROM risks r WHERE r.scope = s.scope), 0)
      FROM scoped s
     GROUP BY s.scope
$$;

-- A period's point of the trend as the caller sees it: stored at its
-- approval when it is approved (period_figures; a reopen deletes them),
-- computed otherwise.
CREATE OR REPLACE FUNCTION trend_point(pid text, viewer_unit text, sees_all boolean)
RETURNS TABLE (expected int, received int, on_time int, effective_progress numeric,
               points_at_risk numeric)
LANGUAGE sql STABLE AS $$
    SELECT s.expected, s.received, s.on_time, s.effective_progress, s.points_at_risk
      FROM period_figures s
     WHERE s.approval_id = period_current_approval(pid)
       AND s.scope = CASE WHEN sees_all THEN '' ELSE viewer_unit END
    UNION ALL
    SELECT t.expected, t.received, t.on_time, t.effective_progress, t.points_at_risk
      FROM trend_figures(pid, viewer_unit, sees_all, false) t
     WHERE period_current_approval(pid) IS NULL
$$;
