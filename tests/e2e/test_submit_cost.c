/* Issue 15: what was changed in submit_reports to cut its database CPU
 * (docs/performance.md, "Where a submission's time went") still gives the
 * same answers, on the paths the change touched:
 *  - the function keeps its generic plans (plan_cache_mode set on it): a
 *    merge that drops the setting brings back the re-planning silently,
 *    since no answer changes;
 *  - "task not assigned" is now asked only of rows whose report was never
 *    sent, with the plan's expectations worked out once per statement: in
 *    one template, a row of a sent report, a row of a new owed report and a
 *    row of a task the unit does not owe give exactly the one refusal, and
 *    nothing is saved; without the bad row both are saved;
 *  - the predecessor look-up is skipped only when a unit writes its own
 *    reports: another unit is still refused;
 *  - unit_resolve's exact-code shortcut answers what its search answered
 *    (exact code, any case, the name; nothing for an unknown code).
 * It calls submit_reports as cchcd does (the document of
 * server/handlers/reports.c) on the fixture's database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;

#define PERIOD "2023-9M"
#define UNIT "Q-NINHKIEU"

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "submitcost", NULL);
    harness_open_period(&fx.srv, PERIOD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* submit_reports' answer to rows (a JSON array) sent for unit by
 * caller_unit, one "line:field:revision" per answer row in line order,
 * "|" between them; the message is left out (its words are the
 * catalogue's) except that an error's message must name what `names` says
 * when given. Malloc'd. */
static char *submit(const char *caller_unit, const char *rows, const char *names)
{
    char sql[4096];
    snprintf(sql, sizeof(sql),
             "SELECT coalesce(string_agg(coalesce(s.line::text, '') || ':' || coalesce(s.field, '')"
             "                           || ':' || coalesce(s.revision::text, '')"
             "                           || CASE WHEN s.field IS NOT NULL AND '%s' <> ''"
             "                                    AND strpos(s.message, '%s') = 0"
             "                                   THEN ':MESSAGE WITHOUT %s' ELSE '' END,"
             "                           '|' ORDER BY s.line, s.field), '')"
             "  FROM submit_reports(jsonb_build_object("
             "      'actor', (SELECT jsonb_build_object('id', id::text, 'username', username,"
             "                                          'address', '127.0.0.1')"
             "                  FROM account WHERE username = '" HARNESS_ADMIN "'),"
             "      'unit', '" UNIT "', 'caller_unit', '%s', 'period', '" PERIOD "',"
             "      'draft', false, 'rows', '%s'::jsonb)) s",
             names, names, names, caller_unit, rows);
    return harness_db_query(&fx.db, sql);
}

static long long revisions(void)
{
    return harness_db_count(&fx.db,
                            "SELECT count(*) FROM report_revision v JOIN report x ON x.id = v.report_id"
                            " WHERE x.period_id = '" PERIOD "' AND x.unit_code = '" UNIT "'");
}

#define ROW(line, task, base, key, text)                                                      \
    "{\"line\": " #line ", \"task\": " #task ", \"status\": \"in_progress\", \"progress\": "  \
    "\"40\", \"results\": \"" text "\", \"difficulties\": \"\", \"proposals\": \"\", "        \
    "\"key\": \"" key "\", \"base\": " #base "}"

static void test_submit_reports_keeps_its_generic_plans(void **state)
{
    (void)state;
    char *config = harness_db_query(&fx.db, "SELECT array_to_string(proconfig, ',') FROM pg_proc"
                                            " WHERE proname = 'submit_reports'");
    assert_non_null(config);
    assert_string_equal(config, "plan_cache_mode=force_generic_plan");
    free(config);
}

static void test_sent_new_and_not_owed_rows_in_one_template(void **state)
{
    (void)state;
    char *got = submit(UNIT, "[" ROW(1, 101, 0, "submit-cost-key-0001", "Lần đầu") "]", "");
    assert_string_equal(got, "1::1");
    free(got);
    assert_int_equal(revisions(), 1);

    /* 101 was sent (a revision of it), 102 is owed and new, 999 is not owed */
    got = submit(UNIT,
                 "[" ROW(1, 101, 1, "submit-cost-key-0002", "Lần hai") ","
                 ROW(2, 102, 0, "submit-cost-key-0003", "Mới") ","
                 ROW(3, 999, 0, "submit-cost-key-0004", "Không giao") "]",
                 "999");
    assert_string_equal(got, "3:task:");
    free(got);
    assert_int_equal(revisions(), 1); /* one bad row keeps every row out */

    got = submit(UNIT,
                 "[" ROW(1, 101, 1, "submit-cost-key-0005", "Lần hai") ","
                 ROW(2, 102, 0, "submit-cost-key-0006", "Mới") "]",
                 "");
    assert_string_equal(got, "1::2|2::1");
    free(got);
    assert_int_equal(revisions(), 3);
}

static void test_another_unit_is_still_refused(void **state)
{
    (void)state;
    long long before = revisions();
    char *got = submit("Q-CAIRANG", "[" ROW(1, 103, 0, "submit-cost-key-0007", "Hộ") "]", "");
    assert_string_equal(got, "0:unit:");
    free(got);
    assert_int_equal(revisions(), before);
}

static void test_unit_resolve_answers_as_its_search_did(void **state)
{
    (void)state;
    char *got = harness_db_query(&fx.db,
                                 "SELECT concat_ws(',', unit_resolve('" UNIT "'), unit_resolve(lower('" UNIT "')),"
                                 "                 unit_resolve(name), unit_resolve('Q-NO-SUCH-UNIT'))"
                                 "  FROM org_unit WHERE code = '" UNIT "'");
    assert_string_equal(got, UNIT "," UNIT "," UNIT);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_submit_reports_keeps_its_generic_plans),
        cmocka_unit_test(test_sent_new_and_not_owed_rows_in_one_template),
        cmocka_unit_test(test_another_unit_is_still_refused),
        cmocka_unit_test(test_unit_resolve_answers_as_its_search_did),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
