/* Status of periods not yet approved, fast and the same (issue 15): each
 * report's latest submitted revision is kept on its row (migration 0019,
 * a trigger on report_revision), and live_report_facts, the export and
 * the HTML report read it there instead of looking it up per report. The
 * figures must not move: after submissions, a draft saved after a return
 * and the resubmission, two clerks submitting the same report at once,
 * generated history written straight into the tables (bench/history.sql,
 * several revisions per report in one statement) and the migration's
 * backfill, the facts of the period equal those of the look-up they
 * replace, kept here verbatim (live_report_facts of sql/functions/070 at
 * c52fb99, renamed old_live_report_facts), every report row names its true
 * latest submitted revision, and the export's rows (the export and the
 * HTML report's) equal those of the statement they replace (also kept
 * verbatim), as do the HTML report's missing list and rows, now one
 * statement reading the facts once, with the missing statement's and the
 * export's. The HTML report comes in one request: it names the tasks,
 * which now come with the bundle. */
#define _GNU_SOURCE /* asprintf, vasprintf */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"
#include "statements.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;
static test_db *const db = &fx.db;

#define HAND "2024-Q1"    /* submissions through cchc */
#define HISTORY "2024-9M" /* generated history, open */

enum { NK, NK2, LEAD, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.lan", "Bao-cao-Ninh-Kieu-Lan-2024", "Q-NINHKIEU", "reporter"},
    {"nk.minh", "Bao-cao-Ninh-Kieu-Minh-2024", "Q-NINHKIEU", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"}, /* leads 105 */
};

/* The body of live_report_facts before 0019, verbatim
 * (sql/functions/070_status.sql at c52fb99); defined as
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
    "           v.status, v.progress, x.id\n"
    "      FROM counted_reports(pid) e\n"
    "      JOIN org_unit u ON u.code = e.unit_code\n"
    "      LEFT JOIN unit_areas_on((SELECT p.data_until FROM report_period p WHERE p.id = pid)) ar\n"
    "        ON ar.unit_code = e.unit_code\n"
    "      LEFT JOIN report x ON x.period_id = pid AND x.unit_code = e.unit_code AND x.task_id = e.task_id\n"
    "      LEFT JOIN LATERAL (\n"
    "           SELECT r.status, r.progress FROM report_revision r\n"
    "            WHERE r.report_id = x.id AND r.saved_as = 'submitted'\n"
    "            ORDER BY r.revision DESC LIMIT 1) v ON true\n";

/* The export statement before 0019 (server/db/statements.c at c52fb99),
 * its macros written out. */
static const char old_export[] =
    "SELECT x.period_id, x.unit_code, u.name AS unit_name, x.task_id, t.ref,"
    "       coalesce((SELECT string_agg(tc.index_code || ' ' || tc.criterion_code, ', '"
    "                                   ORDER BY array_position(ARRAY['PAR-INDEX','SIPAS','PAPI']::text[], "
    "tc.index_code), string_to_array(tc.criterion_code, '.')::int[])"
    "                   FROM task_criterion tc WHERE tc.task_id = t.id), '') AS criteria,"
    "       x.state, v.revision, x.late, coalesce(iso_utc(x.first_submitted_at), '') AS submitted_at,"
    "       v.status, trim_scale(v.progress)::text AS progress, v.results, v.difficulties,"
    "       v.proposals, coalesce(nullif(v.indicators::text, '{}'), '') AS indicators,"
    "       coalesce((SELECT r.action || ' (' || r.level || ') ' || r.username || ' ' || iso_utc(r.at)"
    "                   FROM report_review r WHERE r.report_id = x.id ORDER BY r.id DESC LIMIT 1), '')"
    "         AS last_review,"
    "       coalesce(x.return_reason, '') AS return_reason"
    "  FROM scoped_facts($1, $2, $3::boolean) f"
    "  JOIN report x ON x.id = f.report_id"
    "  JOIN org_unit u ON u.code = x.unit_code"
    "  JOIN task t ON t.id = x.task_id"
    "  JOIN LATERAL (SELECT r.* FROM report_revision r"
    "                 WHERE r.report_id = x.id AND r.saved_as = 'submitted'"
    "                 ORDER BY r.revision DESC LIMIT 1) v ON true"
    " WHERE f.received"
    " ORDER BY x.task_id, u.name COLLATE \"vi-x-icu\", x.unit_code";

/* A query's one value, "" for none; the query is formatted. */
static char *query(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *query(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = NULL;
    int n = vasprintf(&sql, fmt, ap);
    va_end(ap);
    assert_true(n > 0);
    char *v = harness_db_query(db, sql);
    free(sql);
    return v ? v : strdup("");
}

/* Every row of a statement, as text, in its order: columns (a select
 * list) of the statement's rows that match where. */
static char *statement_rows(const char *sql, const char *const *args, int n, const char *columns,
                            const char *where)
{
    return harness_statement_rows(db, sql, args, n, columns, where, NULL);
}

static const char missing_columns[] = "unit_code, unit_name, task_id, ref, state, leads, successors";
static const char export_columns[] =
    "period_id, unit_code, unit_name, task_id, ref, criteria, state, revision, late, submitted_at,"
    " status, progress, results, difficulties, proposals, indicators, last_review, return_reason";

/* The export's rows and the missing list as `cchc export`, `cchc
 * missing` and the HTML report's bundle give them (one statement for
 * both) equal those of the export statement before 0019 and of the
 * missing statement, for one viewer. */
static void lists_same_as_before(const char *period, const char *unit, const char *all)
{
    const char *three[] = {period, unit, all};
    const char *five[] = {period, "", "", unit, all};
    char *before = statement_rows(old_export, three, 3, export_columns, "true");
    char *now = statement_rows(cchc_statements[STMT_EXPORT].sql, three, 3, export_columns, "true");
    char *bundle = statement_rows(cchc_statements[STMT_BUNDLE_LISTS].sql, three, 3, export_columns,
                                  "s.list = 'rows'");
    assert_string_equal(now, before);
    assert_string_equal(bundle, before);
    free(before);
    free(now);
    free(bundle);
    char *missing = statement_rows(cchc_statements[STMT_MISSING].sql, five, 5, missing_columns,
                                   "true");
    bundle = statement_rows(cchc_statements[STMT_BUNDLE_LISTS].sql, three, 3, missing_columns,
                            "s.list = 'missing'");
    assert_string_equal(bundle, missing);
    free(missing);
    free(bundle);
}

/* The invariants of this file, for one period: the facts are the old
 * look-up's; every report row names its latest submitted revision; the
 * export's rows and the missing list are the old statements' (an
 * administrator's and a lead agency's). Returns the number of facts, so callers can see there were
 * some. */
static long same_as_before(const char *period)
{
    assert_int_equal(harness_db_count(db,
        "SELECT count(*) FROM ((SELECT * FROM live_report_facts('%s')"
        "                       EXCEPT ALL SELECT * FROM old_live_report_facts('%s'))"
        "                      UNION ALL (SELECT * FROM old_live_report_facts('%s')"
        "                       EXCEPT ALL SELECT * FROM live_report_facts('%s'))) d",
        period, period, period, period), 0);
    assert_int_equal(harness_db_count(db,
        "SELECT count(*) FROM report x"
        "  LEFT JOIN LATERAL (SELECT r.revision, r.status, r.progress FROM report_revision r"
        "                      WHERE r.report_id = x.id AND r.saved_as = 'submitted'"
        "                      ORDER BY r.revision DESC LIMIT 1) v ON true"
        " WHERE x.period_id = '%s'"
        "   AND (x.submitted_revision IS DISTINCT FROM v.revision"
        "        OR x.submitted_status IS DISTINCT FROM v.status"
        "        OR x.submitted_progress IS DISTINCT FROM v.progress)", period), 0);
    lists_same_as_before(period, "SNV", "t");
    lists_same_as_before(period, "VP-UBND", "f");
    return harness_db_count(db, "SELECT count(*) FROM live_report_facts('%s') WHERE received",
                            period);
}

/* The report row's latest submitted revision of Q-NINHKIEU's task. */
static long submitted_revision(const char *task)
{
    return harness_db_count(db, "SELECT coalesce(submitted_revision, 0) FROM report"
                                " WHERE period_id = '" HAND "' AND unit_code = 'Q-NINHKIEU'"
                                "   AND task_id = %s", task);
}

static void submit(int who, const char *task, const char *progress, int draft)
{
    fixture_as(&fx, who);
    const char *args[16] = {"submit", "--task", task, "--period", HAND, "--status",
                            "đang triển khai", "--progress", progress, "--result", "Kết quả",
                            draft ? "--draft" : NULL, NULL};
    harness_cchc_ok(srv, args);
}

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "status_live", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, HAND);
    harness_define_facts_function(db, "old_live_report_facts", old_live_report_facts);
    fixture_as(&fx, -1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* Submissions, a draft never sent and a draft over a sent report. */
static void test_submissions(void **state)
{
    (void)state;
    submit(NK, "105", "40", 0);
    submit(NK, "106", "10", 0);
    submit(NK, "106", "20", 0);
    submit(NK, "107", "5", 1); /* never sent: missing, no submitted revision */
    assert_int_equal(submitted_revision("105"), 1);
    assert_int_equal(submitted_revision("106"), 2);
    assert_int_equal(submitted_revision("107"), 0);
    assert_int_equal(same_as_before(HAND), 2);
}

/* A return, a draft saved after it (the latest revision, but not sent:
 * the figures keep the sent one), and the resubmission. */
static void test_return_draft_resubmit(void **state)
{
    (void)state;
    fixture_as(&fx, LEAD);
    char *id = query("SELECT id || '@' || revision FROM report WHERE period_id = '" HAND "'"
                     "   AND unit_code = 'Q-NINHKIEU' AND task_id = 105");
    const char *ret[] = {"review", "return", id, "--reason", "Thiếu số liệu", NULL};
    harness_cchc_ok(srv, ret);
    free(id);
    same_as_before(HAND);
    submit(NK, "105", "55", 1);
    assert_int_equal(harness_db_count(db, "SELECT revision FROM report WHERE period_id = '" HAND
                                          "' AND unit_code = 'Q-NINHKIEU' AND task_id = 105"), 2);
    assert_int_equal(submitted_revision("105"), 1);
    char *progress = query("SELECT progress FROM live_report_facts('" HAND "')"
                           " WHERE unit_code = 'Q-NINHKIEU' AND task_id = 105");
    assert_string_equal(progress, "40.00");
    free(progress);
    same_as_before(HAND);
    submit(NK, "105", "60", 0);
    assert_int_equal(submitted_revision("105"), 3);
    progress = query("SELECT progress FROM live_report_facts('" HAND "')"
                     " WHERE unit_code = 'Q-NINHKIEU' AND task_id = 105");
    assert_string_equal(progress, "60.00");
    free(progress);
    same_as_before(HAND);
}

/* Two clerks of one unit submit the same report at the same moment: the
 * row ends naming the true latest revision, whichever went first (the
 * other may be refused as a conflict, or saved after it). */
static void test_concurrent_submissions(void **state)
{
    (void)state;
    for (int round = 0; round < 3; round++) {
        pid_t child[2];
        for (int i = 0; i < 2; i++) {
            child[i] = fork();
            assert_true(child[i] >= 0);
            if (child[i] == 0) {
                fixture_as(&fx, i == 0 ? NK : NK2);
                const char *args[] = {"submit", "--task", "106", "--period", HAND, "--status",
                                      "đang triển khai", "--progress", i == 0 ? "30" : "35",
                                      "--result", i == 0 ? "Lan" : "Minh", NULL};
                run_result r;
                harness_cchc(&r, srv, args);
                _exit(r.exit_code); /* 0 saved; else refused (a conflict) */
            }
        }
        int saved = 0;
        for (int i = 0; i < 2; i++) {
            int status = 0;
            assert_int_equal(waitpid(child[i], &status, 0), child[i]);
            assert_true(WIFEXITED(status));
            saved += WEXITSTATUS(status) == 0;
        }
        assert_true(saved >= 1); /* one of the two always gets through */
        same_as_before(HAND);
    }
    assert_true(submitted_revision("106") >= 3);
    assert_int_equal(submitted_revision("106"),
                     harness_db_count(db, "SELECT revision FROM report WHERE period_id = '" HAND
                                          "' AND unit_code = 'Q-NINHKIEU' AND task_id = 106"));
}

/* Every unit's reports written straight into the tables, one to three
 * revisions each in one statement (bench/history.sql): the trigger keeps
 * the rows without the writer knowing. */
static void test_history_written_directly(void **state)
{
    (void)state;
    char *history = harness_read_file(CCHC_SOURCE_DIR "/bench/history.sql");
    char *meta = strstr(history, "\\set ON_ERROR_STOP on"); /* psql's, not SQL */
    assert_non_null(meta);
    memset(meta, ' ', strlen("\\set ON_ERROR_STOP on"));
    free(harness_db_query(db, history));
    free(history);
    fixture_as(&fx, -1);
    harness_open_period(srv, HISTORY);
    assert_true(harness_db_count(db, "SELECT count(*) FROM report WHERE period_id = '" HISTORY
                                     "' AND submitted_revision > 1") > 100);
    assert_true(same_as_before(HISTORY) > 1000);
}

/* The migration fills the rows of reports submitted before it. */
static void test_migration_backfills(void **state)
{
    (void)state;
    char *before = query("SELECT md5(string_agg(format('%%s %%s %%s %%s', id, submitted_revision,"
                         "  submitted_status, submitted_progress), ',' ORDER BY id)) FROM report");
    free(harness_db_query(db, "DROP TRIGGER report_revision_submitted ON report_revision;"
                              "DROP FUNCTION report_revision_submitted();"
                              "ALTER TABLE report DROP COLUMN submitted_revision CASCADE,"
                              "  DROP COLUMN submitted_status CASCADE,"
                              "  DROP COLUMN submitted_progress CASCADE;"
                              "DELETE FROM schema_migrations WHERE version = 19"));
    const char *migrate[] = {CCHCD_BIN, "migrate", "--db", fx.db.conninfo, NULL};
    run_result r;
    harness_run(&r, NULL, migrate);
    if (r.exit_code != 0)
        fail_msg("cchcd migrate exited %d: %s%s", r.exit_code, r.out, r.err);
    run_result_free(&r);
    char *after = query("SELECT md5(string_agg(format('%%s %%s %%s %%s', id, submitted_revision,"
                        "  submitted_status, submitted_progress), ',' ORDER BY id)) FROM report");
    assert_string_equal(after, before);
    free(before);
    free(after);
    same_as_before(HAND);
    same_as_before(HISTORY);
    /* and the trigger is back: a new submission moves its row */
    submit(NK, "107", "15", 0);
    assert_int_equal(submitted_revision("107"), 2);
    same_as_before(HAND);
}

/* The HTML report names the tasks with nothing but its bundle. */
static void test_html_names_tasks(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *args[] = {"export", "--period", HAND, "--format", "html", "-o", "live.html", NULL};
    harness_cchc_ok(srv, args);
    char *html = harness_read_file("live.html");
    char *text = query("SELECT left(text, 40) FROM task WHERE id = 105");
    assert_true(strlen(text) > 10);
    if (!strstr(html, text))
        fail_msg("the HTML report does not name task 105 (\"%s\")", text);
    free(text);
    free(html);
    unlink("live.html");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_submissions),
        cmocka_unit_test(test_return_draft_resubmit),
        cmocka_unit_test(test_concurrent_submissions),
        cmocka_unit_test(test_history_written_directly),
        cmocka_unit_test(test_migration_backfills),
        cmocka_unit_test(test_html_names_tasks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
