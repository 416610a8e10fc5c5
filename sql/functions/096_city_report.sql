-- 096_city_report: what the city's report needs beyond the status figures
-- to be assembled per index and criterion (issue 17, Deliver 3;
-- docs/city-report.md), so Sở Nội vụ edits one document instead of
-- retyping the lead agencies' twenty texts. The figures themselves are
-- status_figures' (070_status), read in the same snapshot by the report
-- bundle (server/handlers/report_bundle.c); these two functions add the
-- plan's facts of each criterion and the consolidated texts.

-- Every criterion a task serves, with the plan's facts of it: the index,
-- the number as printed, the points it carries (Điểm chuẩn) and the
-- city's points in the plan's base year (the only year whose criterion
-- scores the plan prints, 0003_plan_data), and its tasks in the plan's
-- order (task_list, ids joined with the unit separator). Plan data only:
-- no facts are read here, the bundle joins these rows to the criterion
-- figures of status_figures.
CREATE OR REPLACE FUNCTION city_report_criteria()
RETURNS TABLE (index_code text, index_name text, code text, printed_code text, name text,
               max_points text, score text, score_year int, task_list text)
LANGUAGE sql STABLE AS $$
    WITH base AS (SELECT p.base_year FROM plan p ORDER BY p.issued_on LIMIT 1)
    SELECT c.index_code, g.name, c.code, c.printed_code, c.name,
           coalesce(c.max_points::text, ''), coalesce(s.score::text, ''), b.base_year,
           string_agg(tc.task_id::text, E'\x1f' ORDER BY tc.task_id)
      FROM criterion c
      JOIN gov_index g ON g.code = c.index_code
      JOIN task_criterion tc ON tc.index_code = c.index_code AND tc.criterion_code = c.code
     CROSS JOIN base b
      LEFT JOIN criterion_score s ON s.index_code = c.index_code AND s.criterion_code = c.code
                                 AND s.year = b.base_year
     GROUP BY c.index_code, g.name, c.code, c.printed_code, c.name, c.max_points, s.score, b.base_year
$$;

-- The consolidations the city report quotes: every lead agency's on each
-- task it leads (period_leads), sent or not, and every one sent before a
-- unit change (consolidations_owed_above_districts, 095), limited to the
-- tasks the caller's unit leads unless it sees all, and the city report for those
-- who see all (as consolidation_list shows it). The texts and figures are
-- those of the latest submitted revision (as consolidation_sent, never
-- a draft), and none while the consolidation is returned: Sở Nội vụ sent
-- that text back, so the document must not present it as the lead
-- agency's word (test_consolidation, test_city_report). state as in
-- consolidation_rows: missing, draft, submitted, returned, accepted,
-- approved (the period is).
CREATE OR REPLACE FUNCTION city_report_consolidations(pid text, viewer_unit text, sees_all boolean)
RETURNS TABLE (consolidation_id bigint, period_id text, level text, unit_code text, unit_name text,
               task_id int, ref text, state text, revision int, late boolean, on_time boolean,
               submitted_at text, deadline text, assessment text, difficulties text,
               proposals text, figures text)
LANGUAGE sql STABLE AS $$
    -- what consolidation_rows lists (consolidations_owed, its lead and city
    -- rows): a consolidation sent before a unit change stays, and a
    -- successor owes no second one
    WITH owed AS (
        SELECT o.level, o.unit_code, o.task_id FROM consolidations_owed_above_districts(pid) o
         WHERE (o.level = 'lead' AND (sees_all OR o.task_id IN (
                    SELECT m.task_id FROM period_leads(pid) m WHERE m.unit_code = viewer_unit)))
            OR (o.level = 'city' AND sees_all))
    SELECT coalesce(c.id, 0), p.id, o.level, o.unit_code, u.name, coalesce(o.task_id, 0),
           coalesce(t.ref, ''),
           CASE WHEN c.id IS NULL THEN 'missing'
                WHEN p.state = 'approved' AND (c.state = 'accepted'
                                               OR (c.level = 'city' AND c.state = 'submitted'))
                    THEN 'approved'
                ELSE c.state END,
           coalesce(v.revision, 0),
           coalesce(c.first_submitted_at IS NOT NULL AND c.late, false),
           coalesce(c.first_submitted_at IS NOT NULL AND NOT c.late, false),
           coalesce(iso_utc(c.first_submitted_at), ''),
           consolidation_deadline(p, o.level)::text,
           coalesce(v.assessment, ''), coalesce(v.difficulties, ''), coalesce(v.proposals, ''),
           coalesce(v.figures::text, '')
      FROM report_period p
     CROSS JOIN owed o
      JOIN org_unit u ON u.code = o.unit_code
      LEFT JOIN task t ON t.id = o.task_id
      LEFT JOIN consolidation c ON c.period_id = p.id AND c.level = o.level
                               AND c.unit_code = o.unit_code AND c.task_id IS NOT DISTINCT FROM o.task_id
      -- consolidation_sent's row, looked up per consolidation (the view
      -- would rank every revision of every period)
      LEFT JOIN LATERAL (
           SELECT r.* FROM consolidation_revision r
            WHERE r.consolidation_id = c.id AND r.saved_as = 'submitted' AND c.state <> 'returned'
            ORDER BY r.revision DESC LIMIT 1) v ON true
     WHERE p.id = pid
$$;
