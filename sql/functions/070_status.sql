-- 070_status: citywide status of a period, computed where the data is.
--
-- report_facts(period) is the one place that says, for every report the
-- plan's assignments imply (expected_reports), whether it was received (it
-- was submitted at least once; drafts do not count), on time or late, and
-- the status and progress of its latest submitted revision. Every figure
-- below is a GROUP BY over it, so completeness, roll-ups, the criteria at
-- risk and the trends always agree with each other.
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
-- Uses expected_reports (050) and assignment_leads_on (030); the index
-- these queries rely on is in 0009_status.

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

CREATE OR REPLACE FUNCTION live_report_facts(pid text)
RETURNS TABLE (unit_code text, unit_name text, unit_kind text, district_code text, task_id int,
               state text, received boolean, on_time boolean, late boolean, status text,
               progress numeric, report_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT e.unit_code, u.name, u.kind,
           ar.area_code,
           e.task_id,
           CASE WHEN x.state IS NULL OR (x.state = 'draft' AND x.first_submitted_at IS NULL)
                THEN 'missing' ELSE x.state END,
           x.first_submitted_at IS NOT NULL,
           x.first_submitted_at IS NOT NULL AND NOT x.late,
           x.first_submitted_at IS NOT NULL AND x.late,
           v.status, v.progress, x.id
      FROM counted_reports(pid) e
      JOIN org_unit u ON u.code = e.unit_code
      LEFT JOIN unit_areas_on((SELECT p.data_until FROM report_period p WHERE p.id = pid)) ar
        ON ar.unit_code = e.unit_code
      LEFT JOIN report x ON x.period_id = pid AND x.unit_code = e.unit_code AND x.task_id = e.task_id
      LEFT JOIN LATERAL (
           SELECT r.status, r.progress FROM report_revision r
            WHERE r.report_id = x.id AND r.saved_as = 'submitted'
            ORDER BY r.revision DESC LIMIT 1) v ON true
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

-- Lead agencies of each task in a period (its last data day).
CREATE OR REPLACE FUNCTION live_period_leads(pid text)
RETURNS TABLE (task_id int, unit_code text)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT l.task_id, l.unit_code
      FROM report_period p CROSS JOIN LATERAL assignment_leads_on(p.data_until) l
     WHERE p.id = pid
$$;

-- The same, frozen at the period's approval.
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

-- Completeness, timeliness and status roll-up of a period, grouped by
-- dim: total, unit, district (the area: unit_areas_on above; a district's
-- own reports and its communes' before 2025-07-01), lead,
-- task, index or criterion.
CREATE OR REPLACE FUNCTION status_groups(pid text, dim text, viewer_unit text, sees_all boolean)
RETURNS TABLE (key text, name text, expected int, received int, on_time int, late int,
               missing int, not_started int, in_progress int, completed int, behind int,
               mean_progress numeric, effective_progress numeric)
LANGUAGE sql STABLE AS $$
    WITH f AS (SELECT * FROM scoped_facts(pid, viewer_unit, sees_all)),
    keyed AS (
        SELECT f.*, k.key, k.name
          FROM f CROSS JOIN LATERAL (
               SELECT 'total'::text AS key, 'Toàn thành phố'::text AS name WHERE dim = 'total'
               UNION ALL
               SELECT f.unit_code, f.unit_name WHERE dim = 'unit'
               UNION ALL
               SELECT f.district_code, area_name(f.district_code)
                WHERE dim = 'district' AND f.district_code IS NOT NULL
               UNION ALL
               SELECT l.unit_code, lu.name FROM period_leads(pid) l JOIN org_unit lu ON lu.code = l.unit_code
                WHERE dim = 'lead' AND l.task_id = f.task_id
               UNION ALL
               SELECT f.task_id::text, t.ref FROM task t WHERE dim = 'task' AND t.id = f.task_id
               UNION ALL
               SELECT DISTINCT tc.index_code, g.name FROM task_criterion tc
                 JOIN gov_index g ON g.code = tc.index_code
                WHERE dim = 'index' AND tc.task_id = f.task_id
               UNION ALL
               SELECT tc.index_code || ' ' || tc.criterion_code, c.name FROM task_criterion tc
                 JOIN criterion c ON c.index_code = tc.index_code AND c.code = tc.criterion_code
                WHERE dim = 'criterion' AND tc.task_id = f.task_id) k)
    SELECT key, name, count(*)::int, (count(*) FILTER (WHERE received))::int,
           (count(*) FILTER (WHERE on_time))::int, (count(*) FILTER (WHERE late))::int,
           (count(*) FILTER (WHERE NOT received))::int,
           (count(*) FILTER (WHERE received AND status = 'not_started'))::int,
           (count(*) FILTER (WHERE received AND status = 'in_progress'))::int,
           (count(*) FILTER (WHERE received AND status = 'completed'))::int,
           (count(*) FILTER (WHERE received AND status = 'behind'))::int,
           round(avg(progress) FILTER (WHERE received), 2),
           round(coalesce(sum(progress) FILTER (WHERE received), 0) / count(*), 2)
      FROM keyed
     GROUP BY key, name
$$;

-- The criteria that print points, ranked by risk (see the top of this file).
CREATE OR REPLACE FUNCTION criteria_at_risk(pid text, viewer_unit text, sees_all boolean)
RETURNS TABLE (index_code text, code text, name text, max_points numeric, score numeric,
               points_lost numeric, tasks int, expected int, received int, missing int,
               effective_progress numeric, risk numeric)
LANGUAGE sql STABLE AS $$
    WITH f AS (SELECT * FROM scoped_facts(pid, viewer_unit, sees_all)),
    base AS (SELECT base_year AS y FROM plan ORDER BY issued_on LIMIT 1),
    crit AS (
        SELECT c.index_code, c.code, c.name, c.max_points, s.score, c.max_points - s.score AS lost
          FROM criterion c
          JOIN criterion_score s ON s.index_code = c.index_code AND s.criterion_code = c.code
                                AND s.year = (SELECT y FROM base)
         WHERE c.max_points IS NOT NULL)
    SELECT c.index_code, c.code, c.name, c.max_points, c.score, c.lost,
           (count(DISTINCT f.task_id))::int, count(*)::int,
           (count(*) FILTER (WHERE f.received))::int, (count(*) FILTER (WHERE NOT f.received))::int,
           round(coalesce(sum(f.progress) FILTER (WHERE f.received), 0) / count(*), 2) AS effective,
           round(c.lost * (1 - coalesce(sum(f.progress) FILTER (WHERE f.received), 0) / count(*) / 100), 4)
      FROM crit c
      JOIN task_criterion tc ON tc.index_code = c.index_code AND tc.criterion_code = c.code
      JOIN f ON f.task_id = tc.task_id
     GROUP BY c.index_code, c.code, c.name, c.max_points, c.score, c.lost
$$;
