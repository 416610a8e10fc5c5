/* A live period's figures counted once per task (issue 15,
 * docs/performance.md "Live figures counted once per task"): status_figures
 * sums per-task (and per-area) counts instead of grouping every fact, and
 * the city report's consolidations read only the lead and city levels of
 * what is owed. This proves both give what the computation they replace
 * gives, to the text PostgreSQL prints:
 *   - status_figures against scratch_status_figures, the definition before
 *     the change (sql/functions/070_status.sql at d10badf, renamed), which
 *     groups the facts themselves: every grouping alone and all at once,
 *     for an administrator, each lead agency and a unit that leads nothing,
 *     on a period whose reports carry every status, progress with decimals,
 *     missing and late reports, and a report the period does not expect;
 *   - consolidations_owed_above_districts against consolidations_owed's
 *     lead and city rows, with sent, draft, district, lead (by the lead
 *     agency and by another unit) and city consolidations in the period.
 * Nothing is cached by the change, so there is no write to follow: the
 * data is written straight into the tables, and the comparisons are run
 * after each step. */
#define _GNU_SOURCE /* asprintf */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;
static test_db *const db = &fx.db;

#define PERIOD "2024-Q1"

/* status_figures before issue 15's per-task counts, verbatim but for its
 * name: every section groups the facts. */
static const char scratch_function[] =
    "CREATE OR REPLACE FUNCTION scratch_status_figures(pid text, dims text[], viewer_unit text, sees_all boolean)\n"
    "RETURNS TABLE (section text, key text, name text, expected int, received int, on_time int, late int,\n"
    "               missing int, not_started int, in_progress int, completed int, behind int,\n"
    "               mean_progress numeric, effective_progress numeric,\n"
    "               index_code text, code text, max_points numeric, score numeric, points_lost numeric,\n"
    "               tasks int, risk numeric)\n"
    "LANGUAGE sql STABLE AS $$\n"
    "    WITH facts AS MATERIALIZED (SELECT * FROM report_facts(pid)),\n"
    "    leads AS MATERIALIZED (SELECT * FROM period_leads(pid)),\n"
    "    f AS MATERIALIZED (\n"
    "        SELECT x.* FROM facts x\n"
    "         WHERE sees_all OR x.task_id IN (SELECT l.task_id FROM leads l WHERE l.unit_code = viewer_unit)),\n"
    "    keyed AS (\n"
    "        SELECT 'total'::text AS section, 'total'::text AS key, 'Toàn thành phố'::text AS name,\n"
    "               f.received, f.on_time, f.late, f.status, f.progress\n"
    "          FROM f\n"
    "        UNION ALL\n"
    "        SELECT 'unit', f.unit_code, f.unit_name, f.received, f.on_time, f.late, f.status, f.progress\n"
    "          FROM f WHERE 'unit' = ANY (dims)\n"
    "        UNION ALL\n"
    "        -- named once per area below, not once per report\n"
    "        SELECT 'district', f.district_code, NULL, f.received, f.on_time, f.late, f.status, f.progress\n"
    "          FROM f WHERE 'district' = ANY (dims) AND f.district_code IS NOT NULL\n"
    "        UNION ALL\n"
    "        SELECT 'lead', l.unit_code, lu.name, f.received, f.on_time, f.late, f.status, f.progress\n"
    "          FROM f JOIN leads l ON l.task_id = f.task_id JOIN org_unit lu ON lu.code = l.unit_code\n"
    "         WHERE 'lead' = ANY (dims)\n"
    "        UNION ALL\n"
    "        SELECT 'task', f.task_id::text, t.ref, f.received, f.on_time, f.late, f.status, f.progress\n"
    "          FROM f JOIN task t ON t.id = f.task_id WHERE 'task' = ANY (dims)\n"
    "        UNION ALL\n"
    "        SELECT 'index', i.index_code, i.name, f.received, f.on_time, f.late, f.status, f.progress\n"
    "          FROM f JOIN (SELECT DISTINCT tc.task_id, tc.index_code, g.name FROM task_criterion tc\n"
    "                         JOIN gov_index g ON g.code = tc.index_code) i ON i.task_id = f.task_id\n"
    "         WHERE 'index' = ANY (dims)\n"
    "        UNION ALL\n"
    "        SELECT 'criterion', tc.index_code || ' ' || tc.criterion_code, c.name,\n"
    "               f.received, f.on_time, f.late, f.status, f.progress\n"
    "          FROM f JOIN task_criterion tc ON tc.task_id = f.task_id\n"
    "          JOIN criterion c ON c.index_code = tc.index_code AND c.code = tc.criterion_code\n"
    "         WHERE 'criterion' = ANY (dims))\n"
    "    SELECT 'period', NULL::text, NULL::text, count(*)::int, (count(*) FILTER (WHERE x.received))::int,\n"
    "           NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::int, NULL::int,\n"
    "           NULL::numeric, NULL::numeric, NULL::text, NULL::text, NULL::numeric, NULL::numeric,\n"
    "           NULL::numeric, NULL::int, NULL::numeric\n"
    "      FROM facts x\n"
    "    HAVING EXISTS (SELECT 1 FROM report_period p WHERE p.id = pid)\n"
    "    UNION ALL\n"
    "    SELECT k.section, k.key, CASE WHEN k.section = 'district' THEN area_name(k.key) ELSE k.name END,\n"
    "           count(*)::int, (count(*) FILTER (WHERE k.received))::int,\n"
    "           (count(*) FILTER (WHERE k.on_time))::int, (count(*) FILTER (WHERE k.late))::int,\n"
    "           (count(*) FILTER (WHERE NOT k.received))::int,\n"
    "           (count(*) FILTER (WHERE k.received AND k.status = 'not_started'))::int,\n"
    "           (count(*) FILTER (WHERE k.received AND k.status = 'in_progress'))::int,\n"
    "           (count(*) FILTER (WHERE k.received AND k.status = 'completed'))::int,\n"
    "           (count(*) FILTER (WHERE k.received AND k.status = 'behind'))::int,\n"
    "           round(avg(k.progress) FILTER (WHERE k.received), 2),\n"
    "           round(coalesce(sum(k.progress) FILTER (WHERE k.received), 0) / count(*), 2),\n"
    "           NULL, NULL, NULL, NULL, NULL, NULL, NULL\n"
    "      FROM keyed k\n"
    "     GROUP BY k.section, k.key, k.name\n"
    "    UNION ALL\n"
    "    SELECT 'risk', NULL, c.name, count(*)::int, (count(*) FILTER (WHERE f.received))::int, NULL, NULL,\n"
    "           (count(*) FILTER (WHERE NOT f.received))::int, NULL, NULL, NULL, NULL, NULL,\n"
    "           round(coalesce(sum(f.progress) FILTER (WHERE f.received), 0) / count(*), 2),\n"
    "           c.index_code, c.code, c.max_points, c.score, c.lost, (count(DISTINCT f.task_id))::int,\n"
    "           round(c.lost * (1 - coalesce(sum(f.progress) FILTER (WHERE f.received), 0) / count(*) / 100), 4)\n"
    "      FROM criteria_scored() c\n"
    "      JOIN task_criterion tc ON tc.index_code = c.index_code AND tc.criterion_code = c.code\n"
    "      JOIN f ON f.task_id = tc.task_id\n"
    "     GROUP BY c.index_code, c.code, c.name, c.max_points, c.score, c.lost\n"
    "$$;\n"
    ;

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "live_figures", NULL);
    harness_open_period(srv, PERIOD);
    free(harness_db_query(db, scratch_function));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* Rows of status_figures that scratch_status_figures lacks, plus the
 * reverse, over every grouping and viewer; and how many rows compared. */
static void figures_same(void)
{
    static const char sql[] =
        "WITH v(unit, sees_all) AS ("
        "  SELECT 'SNV', true UNION ALL SELECT 'SNV', false UNION ALL SELECT 'Q-NINHKIEU', false"
        "  UNION ALL SELECT DISTINCT l.unit_code, false FROM live_period_leads('" PERIOD "') l),"
        "d(dims) AS (VALUES ('{}'::text[]), ('{unit}'), ('{district}'), ('{lead}'), ('{task}'),"
        "  ('{index}'), ('{criterion}'), ('{index,district,lead,task,criterion}'),"
        "  ('{unit,district,lead,task,index,criterion}')),"
        "a AS (SELECT d.dims, v.unit, v.sees_all, s.*::text AS t FROM d, v,"
        "      LATERAL status_figures('" PERIOD "', d.dims, v.unit, v.sees_all) s),"
        "b AS (SELECT d.dims, v.unit, v.sees_all, s.*::text AS t FROM d, v,"
        "      LATERAL scratch_status_figures('" PERIOD "', d.dims, v.unit, v.sees_all) s)"
        "SELECT (SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b) x)"
        "     + (SELECT count(*) FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM a) y)"
        "     || ' ' || (SELECT count(*) FROM a)";
    char *v = harness_db_query(db, sql);
    assert_non_null(v);
    long differ = -1, rows = -1;
    assert_int_equal(sscanf(v, "%ld %ld", &differ, &rows), 2);
    free(v);
    assert_int_equal(differ, 0);
    assert_true(rows > 100); /* the period's sections, for every viewer */
}

/* consolidations_owed's lead and city rows against the variant that
 * computes only those. */
static void owed_same(long at_least)
{
    assert_int_equal(harness_db_count(db,
        "SELECT (SELECT count(*) FROM (SELECT * FROM consolidations_owed('" PERIOD "')"
        "         WHERE level <> 'district'"
        "        EXCEPT ALL SELECT * FROM consolidations_owed_above_districts('" PERIOD "')) x)"
        "     + (SELECT count(*) FROM (SELECT * FROM consolidations_owed_above_districts('" PERIOD "')"
        "        EXCEPT ALL SELECT * FROM consolidations_owed('" PERIOD "')"
        "         WHERE level <> 'district') y)"), 0);
    assert_true(harness_db_count(db, "SELECT count(*) FROM consolidations_owed_above_districts('"
                                 PERIOD "')") >= at_least);
}

/* Before any report, every expected report missing; then reports of every
 * kind written straight into the tables (deterministic, as
 * bench/history.sql does), each step compared. */
static void test_status_figures_sum_the_facts(void **state)
{
    (void)state;
    figures_same();
    /* nine in ten expected reports received, one in seven late, statuses
     * and progress (two decimals) varied by hash */
    free(harness_db_query(db,
        "INSERT INTO report (period_id, unit_code, task_id, state, revision, first_submitted_at,"
        "                    late, updated_at)"
        "SELECT '" PERIOD "', e.unit_code, e.task_id, 'submitted', 1, now(),"
        "       abs(hashtext(e.unit_code || e.task_id)) % 7 = 0, now()"
        "  FROM expected_reports('" PERIOD "') e"
        " WHERE abs(hashtext(e.unit_code || e.task_id || 'missing')) % 10 <> 0"));
    free(harness_db_query(db,
        "INSERT INTO report_revision (report_id, revision, saved_as, status, progress, results,"
        "                             difficulties, proposals, late, idempotency_key, changed,"
        "                             username, address, saved_at)"
        "SELECT r.id, 1, 'submitted', s.status,"
        "       CASE s.status WHEN 'completed' THEN 100 WHEN 'not_started' THEN 0"
        "            ELSE (abs(hashtext(r.id::text)) % 9000) / 100.0 END,"
        "       'Kết quả', '', '', r.late, 'live-figures-report-' || r.id, ARRAY['status', 'progress'],"
        "       'kiem.thu', '127.0.0.1', now()"
        "  FROM report r CROSS JOIN LATERAL (SELECT (ARRAY['completed', 'in_progress',"
        "       'behind', 'not_started'])[1 + abs(hashtext(r.id::text || 's')) % 4] AS status) s"
        " WHERE r.period_id = '" PERIOD "'"));
    assert_true(harness_db_count(db, "SELECT count(*) FROM report WHERE period_id = '" PERIOD "'"
                                     " AND submitted_progress %% 1 <> 0") > 0);
    figures_same();
    /* a report the period does not expect (sent for a task the unit does
     * not implement): counted, as expected and received */
    free(harness_db_query(db,
        "WITH x AS (SELECT u.code, t.id FROM org_unit u CROSS JOIN task t"
        "            WHERE u.kind = 'commune' AND NOT EXISTS (SELECT 1 FROM expected_reports('"
        PERIOD "') e WHERE e.unit_code = u.code AND e.task_id = t.id)"
        "            ORDER BY u.code, t.id LIMIT 1),"
        "r AS (INSERT INTO report (period_id, unit_code, task_id, state, revision,"
        "                          first_submitted_at, late, updated_at)"
        "      SELECT '" PERIOD "', x.code, x.id, 'submitted', 1, now(), true, now() FROM x"
        "      RETURNING id)"
        "INSERT INTO report_revision (report_id, revision, saved_as, status, progress, results,"
        "                             difficulties, proposals, late, idempotency_key, changed,"
        "                             username, address, saved_at)"
        "SELECT r.id, 1, 'submitted', 'behind', 12.5, 'Ngoài kế hoạch', '', '', true,"
        "       'live-figures-report-extra', ARRAY['status'], 'kiem.thu', '127.0.0.1', now() FROM r"));
    assert_int_equal(harness_db_count(db,
        "SELECT count(*) FROM live_report_facts('" PERIOD "') f WHERE f.received"
        "   AND NOT EXISTS (SELECT 1 FROM expected_reports('" PERIOD "') e"
        "                    WHERE e.unit_code = f.unit_code AND e.task_id = f.task_id)"), 1);
    figures_same();
}

/* Consolidations of every level, sent and not, written straight in. */
static void test_city_report_owes_as_before(void **state)
{
    (void)state;
    owed_same(2); /* a lead agency's and the city's, owed, none sent */
    /* the first lead agency's on its first task, sent; another unit's at
     * the lead level on the same task, sent; a district's, sent; a lead
     * agency's draft on another task; the city's, sent */
    free(harness_db_query(db,
        "WITH l AS (SELECT task_id, unit_code FROM live_period_leads('" PERIOD "')"
        "            ORDER BY task_id, unit_code),"
        "first AS (SELECT * FROM l LIMIT 1),"
        "second AS (SELECT * FROM l WHERE task_id <> (SELECT task_id FROM first) LIMIT 1)"
        "INSERT INTO consolidation (period_id, level, unit_code, task_id, state, revision,"
        "                           first_submitted_at)"
        "SELECT '" PERIOD "', 'lead', unit_code, task_id, 'submitted', 1, now() FROM first"
        " UNION ALL SELECT '" PERIOD "', 'lead', 'SNV', task_id, 'submitted', 1, now() FROM first"
        "  WHERE unit_code <> 'SNV'"
        " UNION ALL SELECT '" PERIOD "', 'district', 'Q-NINHKIEU', task_id, 'submitted', 1, now()"
        "  FROM first"
        " UNION ALL SELECT '" PERIOD "', 'lead', unit_code, task_id, 'draft', 0, NULL FROM second"
        " UNION ALL SELECT '" PERIOD "', 'city', 'SNV', NULL, 'submitted', 1, now()"));
    assert_true(harness_db_count(db, "SELECT count(*) FROM consolidation WHERE period_id = '"
                                 PERIOD "' AND first_submitted_at IS NOT NULL") >= 3);
    owed_same(3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_figures_sum_the_facts),
        cmocka_unit_test(test_city_report_owes_as_before),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
