-- 098_bundle_document: the HTML report's two lists with only what the
-- document prints (issue 15: the HTML export within 100 ms on ten years of
-- history). The report bundle (server/handlers/report_bundle.c) sent every
-- received report's whole latest revision — its results, indicators, last
-- review, dates — but the document quotes only the reports with
-- difficulties or proposals, and of them only the task, the unit's name and
-- those two texts (client/render/html_report.c). On the bench's ten years
-- 948 of the 4,833 received reports of 2026-6M have such a text, and the
-- rows the document never read were four fifths of the answer and half of
-- the export's PostgreSQL time (docs/performance.md, "The HTML export sends
-- what it prints"). A client asks for these lists with
-- ReportBundleRequest.for_document; any other gets cchc_bundle_lists'.
--
-- The same rows as cchc_bundle_lists (server/db/statements.c) in its
-- order: the 'missing' list whole, and of its 'rows' list those with
-- difficulties or proposals, with unit_code, unit_name, task_id, ref,
-- difficulties and proposals (tests/e2e/test_bundle_document.c compares
-- them with that statement). PL/pgSQL with a generic plan kept per session
-- (as status_figures, 070): as a statement it was planned again with its
-- parameters' values on every export (3-5 ms); the generic plan looks each
-- report's revision up by its primary key like the custom one.
CREATE OR REPLACE FUNCTION bundle_document_lists(pid text, viewer_unit text, sees_all boolean)
RETURNS TABLE (list text, unit_code text, unit_name text, task_id int, ref text, state text,
               leads text, successors text, difficulties text, proposals text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH f AS MATERIALIZED (SELECT * FROM scoped_facts(pid, viewer_unit, sees_all)),
    name_rank AS MATERIALIZED (
      SELECT n.name, dense_rank() OVER (ORDER BY n.name COLLATE "vi-x-icu") AS rank
        FROM (SELECT f.unit_name AS name FROM f UNION SELECT u.name FROM org_unit u) n),
    unit_rank AS MATERIALIZED (  -- the rank of each unit's name today, by code
      SELECT u.code, nr.rank FROM org_unit u JOIN name_rank nr ON nr.name = u.name),
    task_leads AS (
      SELECT l.task_id, string_agg(lu.name, E'\x1f' ORDER BY lu.name COLLATE "vi-x-icu") AS leads
        FROM period_leads(pid) l JOIN org_unit lu ON lu.code = l.unit_code GROUP BY l.task_id)
    SELECT b.list, b.unit_code, b.unit_name, b.task_id, b.ref, b.state, b.leads, b.successors,
           b.difficulties, b.proposals
      FROM (
        SELECT 'missing' AS list, NULL::int AS o_task, nr.rank AS o_name, f.unit_code AS o_code,
               f.task_id AS o_task2,
               f.unit_code, f.unit_name, f.task_id, t.ref, f.state,
               coalesce(tl.leads, '') AS leads,
               coalesce((SELECT string_agg(su.name || ' (' || su.code || ')', E'\x1f' ORDER BY su.code)
                           FROM org_unit fu CROSS JOIN LATERAL unit_on(fu.code, today_in_vietnam()) s (code)
                           JOIN org_unit su ON su.code = s.code
                          WHERE fu.code = f.unit_code
                            AND NOT unit_exists_on(fu, today_in_vietnam())
                            AND period_current_approval(pid) IS NULL), '') AS successors,
               NULL::text AS difficulties, NULL::text AS proposals
          FROM f JOIN task t ON t.id = f.task_id LEFT JOIN task_leads tl ON tl.task_id = f.task_id
          JOIN name_rank nr ON nr.name = f.unit_name
         WHERE NOT f.received
        UNION ALL
        SELECT 'rows', x.task_id, ur.rank, x.unit_code, NULL,
               x.unit_code, u.name, x.task_id, t.ref, NULL, NULL, NULL,
               v.difficulties, v.proposals
          FROM f
          -- the period too: a hash of its reports, not of every report
          JOIN report x ON x.id = f.report_id AND x.period_id = pid
          JOIN org_unit u ON u.code = x.unit_code
          JOIN unit_rank ur ON ur.code = x.unit_code
          JOIN task t ON t.id = x.task_id
          JOIN report_revision v ON v.report_id = x.id AND v.revision = x.submitted_revision
         WHERE f.received AND (v.difficulties <> '' OR v.proposals <> '')
      ) b
     ORDER BY b.list, b.o_task NULLS FIRST, b.o_name, b.o_code, b.o_task2 NULLS FIRST;
END $$;
