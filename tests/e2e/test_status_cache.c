/* The per-period cache of what a period's status is counted over (issue 15,
 * sql/0021_status_cache, sql/functions/075_status_cache.sql): the reports
 * each period expects, each unit's area and each task's lead agencies,
 * kept so that `status` and `status trend` do not expand the plan's
 * assignments on every request. A cache is only allowed if it can never
 * serve a wrong figure, so this proves, through the real cchcd and cchc on
 * the shipped units and plan:
 *   - every open or closed period is in the cache, and the cache equals the
 *     computation it replaces (computed_period_* in 070_status, run here
 *     uncached), after every change below;
 *   - every table the computation reads empties the cache inside the
 *     statement that writes it (seen from within that transaction) and the
 *     commit refills it;
 *   - real changes move the figures cchc prints, to the uncached value: the
 *     2025 unit change set (which moves 2025-6M too: some of its changes
 *     are dated on or before 2025-06-30), a plan amendment moving a task to the communes,
 *     a period's last data day moved, an approval and a reopen;
 *   - the facts equal those of live_report_facts as it was before the cache
 *     (kept here verbatim), which knows nothing of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

#define CHANGES_2025 CCHC_SOURCE_DIR "/sql/units/changes_2025.csv"
#define BEFORE "2025-6M" /* before the 2025 reform */
#define AFTER "2026-Q1"  /* after it */

static test_fixture fx;
static test_server *const srv = &fx.srv;
static test_db *const db = &fx.db;

/* The body of live_report_facts before the cache, verbatim
 * (sql/functions/070_status.sql at b0542ca); defined as
 * old_live_report_facts with the facts' columns (harness_facts.c). */
static const char old_live_report_facts[] =
    "    SELECT e.unit_code, u.name, u.kind,\n"
    "           ar.area_code,\n"
    "           e.task_id,\n"
    "           CASE WHEN x.state IS NULL OR (x.state = 'draft' AND x.first_submitted_at IS NULL)\n"
    "                THEN 'missing' ELSE x.state END,\n"
    "           x.first_submitted_at IS NOT NULL,\n"
    "           x.first_submitted_at IS NOT NULL AND NOT x.late,\n"
    "           x.first_submitted_at IS NOT NULL AND x.late,\n"
    "           x.submitted_status, x.submitted_progress, x.id\n"
    "      FROM counted_reports(pid) e\n"
    "      JOIN org_unit u ON u.code = e.unit_code\n"
    "      LEFT JOIN (report_period p CROSS JOIN LATERAL unit_areas_on(p.data_until) ar)\n"
    "        ON p.id = pid AND ar.unit_code = e.unit_code\n"
    "      LEFT JOIN report x ON x.period_id = pid AND x.unit_code = e.unit_code AND x.task_id = e.task_id\n";

/* The open and closed periods the cache lacks, plus, for each cached
 * period (its id a constant, as in cchcd's statements), the rows in which
 * the cache and the uncached computation differ and the facts that differ
 * from the old live_report_facts': 0 when exact. (A period not cached is
 * computed by the same functions as before.) */
static const char mismatches_fn[] =
    "CREATE OR REPLACE FUNCTION cache_mismatches() RETURNS bigint LANGUAGE plpgsql AS $f$\n"
    "DECLARE pid text; n bigint; total bigint := 0;\n"
    "BEGIN\n"
    "  SELECT count(*) INTO total FROM report_period p WHERE p.state IN ('open', 'closed')\n"
    "     AND p.id NOT IN (SELECT period_id FROM status_cache_period);\n"
    "  FOR pid IN SELECT period_id FROM status_cache_period LOOP\n"
    "      EXECUTE format('WITH e AS MATERIALIZED (SELECT unit_code, task_id::text AS v\n"
    "                                              FROM computed_period_expected(%1$L)),\n"
    "          ce AS MATERIALIZED (SELECT unit_code, task_id::text AS v FROM status_cache_expected\n"
    "                               WHERE period_id = %1$L),\n"
    "          a AS MATERIALIZED (SELECT unit_code, area_code AS v FROM computed_period_unit_areas(%1$L)),\n"
    "          ca AS MATERIALIZED (SELECT unit_code, area_code AS v FROM status_cache_area\n"
    "                               WHERE period_id = %1$L),\n"
    "          l AS MATERIALIZED (SELECT unit_code, task_id::text AS v FROM computed_period_leads(%1$L)),\n"
    "          cl AS MATERIALIZED (SELECT unit_code, task_id::text AS v FROM status_cache_lead\n"
    "                               WHERE period_id = %1$L)\n"
    "        SELECT count(*) FROM ((TABLE e EXCEPT ALL TABLE ce) UNION ALL (TABLE ce EXCEPT ALL TABLE e)\n"
    "          UNION ALL (TABLE a EXCEPT ALL TABLE ca) UNION ALL (TABLE ca EXCEPT ALL TABLE a)\n"
    "          UNION ALL (TABLE l EXCEPT ALL TABLE cl) UNION ALL (TABLE cl EXCEPT ALL TABLE l)) d',\n"
    "        pid) INTO n;\n"
    "      total := total + n;\n"
    "    EXECUTE format('WITH o AS MATERIALIZED (SELECT * FROM old_live_report_facts(%1$L)),\n"
    "          f AS MATERIALIZED (SELECT * FROM live_report_facts(%1$L))\n"
    "        SELECT count(*) FROM ((TABLE f EXCEPT ALL TABLE o) UNION ALL (TABLE o EXCEPT ALL TABLE f)) d',\n"
    "      pid) INTO n;\n"
    "    total := total + n;\n"
    "  END LOOP;\n"
    "  RETURN total;\n"
    "END $f$;\n";

static void assert_cache_exact(void)
{
    assert_int_equal(harness_db_count(db, "SELECT cache_mismatches()"), 0);
    /* not vacuous: the periods are there, with their rows */
    assert_true(harness_db_count(db, "SELECT count(*) FROM status_cache_period") >= 2);
    assert_true(harness_db_count(db, "SELECT count(*) FROM status_cache_expected WHERE period_id = '%s'",
                                 AFTER) > 100);
}

/* What `cchc status` prints as a period's (or one task's) expected reports. */
static long long status_expected(const char *period, const char *task)
{
    const char *all[] = {"status", "--period", period, NULL};
    const char *one[] = {"status", "--period", period, "--by", "task", NULL};
    json_t *root = harness_cchc_json(srv, task ? one : all);
    long long n = -1;
    if (!task) {
        n = jint(json_object_get(root, "total"), "expected");
    } else {
        json_t *groups = json_object_get(root, "groups"), *g;
        size_t i;
        n = 0;
        json_array_foreach(groups, i, g) if (strcmp(jstr(g, "key"), task) == 0) n = jint(g, "expected");
    }
    json_decref(root);
    return n;
}

/* The same computed without the cache. */
static long long uncached_expected(const char *period, const char *task)
{
    return harness_db_count(db, "SELECT count(*) FROM old_live_report_facts('%s') WHERE %s", period,
                            task ? task : "true");
}

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "status_cache", NULL);
    harness_define_facts_function(db, "old_live_report_facts", old_live_report_facts);
    free(harness_db_query(db, mismatches_fn));
    harness_open_period(srv, BEFORE);
    harness_open_period(srv, AFTER);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

static void test_the_cache_holds_every_open_period_exactly(void **state)
{
    (void)state;
    assert_cache_exact();
    assert_int_equal(status_expected(AFTER, NULL), uncached_expected(AFTER, NULL));
    assert_int_equal(status_expected(BEFORE, NULL), uncached_expected(BEFORE, NULL));
}

/* Every table the cached computations read, with a statement writing it
 * that changes nothing: the trigger fires on the statement, so even this
 * empties the cache within the transaction, and the commit refills it. */
static void test_every_source_table_empties_the_cache_in_its_statement(void **state)
{
    (void)state;
    static const char *const tables[] = {
        "org_unit", "unit_succession", "unit_parent_change", "unit_former_province", "unit_class",
        "unit_class_rule", "task_assignment", "assignment_report_period", "assignment_implementer",
        "assignment_lead", "assignment_amendment", "assignment_amendment_implementer",
        "assignment_amendment_lead", "report_period"};
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        const char *t = tables[i];
        long long before = harness_db_count(db, "SELECT generation FROM status_cache_generation");
        long long cached = harness_db_count(db, "SELECT count(*) FROM status_cache_period");
        assert_true(cached >= 2);
        if (strcmp(t, "report_period") == 0) {
            /* a period's own row: its last data day moved and back in one
             * statement each empties that period */
            assert_int_equal(harness_db_count(db,
                                              "BEGIN; UPDATE report_period SET data_until = data_until - 1"
                                              " WHERE id = '%s';"
                                              " SELECT count(*) FROM status_cache_period WHERE period_id = '%s'",
                                              AFTER, AFTER),
                             0);
            free(harness_db_queryf(db, "UPDATE report_period SET data_until = data_until - 1 WHERE id = '%s'",
                                   AFTER));
            free(harness_db_queryf(db, "UPDATE report_period SET data_until = data_until + 1 WHERE id = '%s'",
                                   AFTER));
            assert_int_equal(harness_db_count(db, "SELECT generation FROM status_cache_generation"),
                             before + 2);
        } else {
            /* inside the transaction (left open, so rolled back): empty */
            assert_int_equal(harness_db_count(db, "BEGIN; DELETE FROM %s WHERE false;"
                                                  " SELECT count(*) FROM status_cache_period",
                                              t),
                             0);
            /* committed: emptied and refilled at the commit */
            free(harness_db_queryf(db, "DELETE FROM %s WHERE false", t));
            assert_int_equal(harness_db_count(db, "SELECT generation FROM status_cache_generation"),
                             before + 1);
        }
        assert_int_equal(harness_db_count(db, "SELECT count(*) FROM status_cache_period"), cached);
    }
    assert_cache_exact();
}

/* The 2025 change set (units end, new ones begin, parents and successors
 * change): the quarter after it expects other units. */
static void test_a_unit_change_set_moves_the_figure(void **state)
{
    (void)state;
    long long after = status_expected(AFTER, NULL);
    const char *apply[] = {"units", "apply", CHANGES_2025, NULL};
    harness_cchc_ok(srv, apply);
    assert_cache_exact();
    long long moved = status_expected(AFTER, NULL);
    assert_true(moved != after);
    assert_int_equal(moved, uncached_expected(AFTER, NULL));
    /* the half-year too, by the changes dated on or before its last day */
    assert_int_equal(status_expected(BEFORE, NULL), uncached_expected(BEFORE, NULL));
}

/* An amendment (`cchc plan assign`) from 2025-07-01 passes task 108 to the
 * communes: the quarter's figure for 108 moves, the half-year's does not. */
static void test_a_plan_amendment_moves_the_figure(void **state)
{
    (void)state;
    long long t108 = status_expected(AFTER, "108"), before108 = status_expected(BEFORE, "108");
    const char *assign[] = {"plan", "assign", "108", "--implementers", "SBN-TP,UBND cấp xã", "--from",
                            "2025-07-01", "--basis", "NQ-1668", NULL};
    harness_cchc_ok(srv, assign);
    assert_cache_exact();
    long long moved = status_expected(AFTER, "108");
    assert_true(moved > t108);
    assert_int_equal(moved, uncached_expected(AFTER, "task_id = 108"));
    assert_int_equal(status_expected(BEFORE, "108"), before108);
}

/* A period's last data day decides its units: moved before the reform,
 * the quarter expects the old units; moved back, the new ones again. */
static void test_a_period_s_last_data_day_moves_the_figure(void **state)
{
    (void)state;
    long long after = status_expected(AFTER, NULL);
    free(harness_db_queryf(db, "UPDATE report_period SET data_from = '2024-12-15', data_until = '2025-06-30'"
                           " WHERE id = '%s'", AFTER));
    assert_cache_exact();
    long long moved = status_expected(AFTER, NULL);
    assert_true(moved != after);
    assert_int_equal(moved, uncached_expected(AFTER, NULL));
    free(harness_db_queryf(db, "UPDATE report_period SET data_from = '2025-12-15', data_until = '2026-03-31'"
                           " WHERE id = '%s'", AFTER));
    assert_cache_exact();
    assert_int_equal(status_expected(AFTER, NULL), after);
}

/* Approved, a period is read from its snapshot and the refill leaves it
 * out; reopened, it is computed again, with the same figures. */
static void test_approval_and_reopen_keep_the_figures(void **state)
{
    (void)state;
    long long before = status_expected(BEFORE, NULL);
    const char *close_[] = {"period", "close", BEFORE, "--yes", NULL};
    const char *approve[] = {"period", "approve", BEFORE, "--yes", NULL};
    const char *reopen[] = {"period", "reopen", BEFORE, "--reason", "Sửa số liệu", NULL};
    harness_cchc_ok(srv, close_);
    harness_cchc_ok(srv, approve);
    assert_cache_exact();
    assert_int_equal(status_expected(BEFORE, NULL), before);
    /* a change to the units while approved leaves it out of the refill */
    free(harness_db_query(db, "DELETE FROM org_unit WHERE false"));
    assert_int_equal(harness_db_count(db, "SELECT count(*) FROM status_cache_period WHERE period_id = '%s'",
                                      BEFORE),
                     0);
    harness_cchc_ok(srv, reopen);
    assert_int_equal(harness_db_count(db, "SELECT count(*) FROM status_cache_period WHERE period_id = '%s'",
                                      BEFORE),
                     1);
    assert_cache_exact();
    assert_int_equal(status_expected(BEFORE, NULL), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_cache_holds_every_open_period_exactly),
        cmocka_unit_test(test_every_source_table_empties_the_cache_in_its_statement),
        cmocka_unit_test(test_a_unit_change_set_moves_the_figure),
        cmocka_unit_test(test_a_plan_amendment_moves_the_figure),
        cmocka_unit_test(test_a_period_s_last_data_day_moves_the_figure),
        cmocka_unit_test(test_approval_and_reopen_keep_the_figures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
