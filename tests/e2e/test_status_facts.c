/* Status from facts computed once (issue 15): the figures `cchc status`,
 * the HTML report and `cchc status trend` show are the same, to the byte,
 * as those of the computation they replace — every grouping and the
 * criteria at risk, for every kind of viewer, on a hand-made period and on
 * generated history (bench/history.sql) with approved, closed and open
 * periods — and an approved period's trend figures are the ones its
 * approval stored (migration 0018, period_figures): stored at approval,
 * deleted on reopen, stored again at the next approval, backfilled by the
 * migration for periods approved before it.
 *
 * "The computation they replace" is kept here verbatim: the definitions of
 * status_groups and criteria_at_risk from sql/functions/070_status.sql
 * before issue 15 (commit c08b4fc), renamed old_*, and the trend
 * statement of that time, created in the test's database. Numbers are
 * compared as the text PostgreSQL prints (so 47.9 and 47.90 differ), and
 * through cchc's --json output in the order the server sends. */
#define _GNU_SOURCE /* asprintf, vasprintf: queries longer than the harness's buffer */
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

#define HAND "2024-Q1"      /* hand-made: submitted, draft, late; closed */
#define APPROVED "2024-6M"  /* generated history, approved */
#define OPEN "2024-9M"      /* generated history, open */

enum { NK, CR, COMMUNE, LEAD, NOT_LEAD, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
    {"cr.baocao", "Bao-cao-Cai-Rang-2024", "Q-CAIRANG", "reporter"},
    {"tanan.baocao", "Bao-cao-Tan-An-2024", "31117", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"},   /* leads tasks */
    {"nk.kiemtra", "Kiem-tra-Ninh-Kieu-2024", "Q-NINHKIEU", "reviewer"}, /* leads none */
};

/* status_groups and criteria_at_risk before issue 15, verbatim but for
 * their names (sql/functions/070_status.sql at c08b4fc). */
static const char old_functions[] =
    "CREATE OR REPLACE FUNCTION old_status_groups(pid text, dim text, viewer_unit text, sees_all boolean)\n"
    "RETURNS TABLE (key text, name text, expected int, received int, on_time int, late int,\n"
    "               missing int, not_started int, in_progress int, completed int, behind int,\n"
    "               mean_progress numeric, effective_progress numeric)\n"
    "LANGUAGE sql STABLE AS $$\n"
    "    WITH f AS (SELECT * FROM scoped_facts(pid, viewer_unit, sees_all)),\n"
    "    keyed AS (\n"
    "        SELECT f.*, k.key, k.name\n"
    "          FROM f CROSS JOIN LATERAL (\n"
    "               SELECT 'total'::text AS key, 'Toàn thành phố'::text AS name WHERE dim = 'total'\n"
    "               UNION ALL\n"
    "               SELECT f.unit_code, f.unit_name WHERE dim = 'unit'\n"
    "               UNION ALL\n"
    "               SELECT f.district_code, area_name(f.district_code)\n"
    "                WHERE dim = 'district' AND f.district_code IS NOT NULL\n"
    "               UNION ALL\n"
    "               SELECT l.unit_code, lu.name FROM period_leads(pid) l JOIN org_unit lu ON lu.code = l.unit_code\n"
    "                WHERE dim = 'lead' AND l.task_id = f.task_id\n"
    "               UNION ALL\n"
    "               SELECT f.task_id::text, t.ref FROM task t WHERE dim = 'task' AND t.id = f.task_id\n"
    "               UNION ALL\n"
    "               SELECT DISTINCT tc.index_code, g.name FROM task_criterion tc\n"
    "                 JOIN gov_index g ON g.code = tc.index_code\n"
    "                WHERE dim = 'index' AND tc.task_id = f.task_id\n"
    "               UNION ALL\n"
    "               SELECT tc.index_code || ' ' || tc.criterion_code, c.name FROM task_criterion tc\n"
    "                 JOIN criterion c ON c.index_code = tc.index_code AND c.code = tc.criterion_code\n"
    "                WHERE dim = 'criterion' AND tc.task_id = f.task_id) k)\n"
    "    SELECT key, name, count(*)::int, (count(*) FILTER (WHERE received))::int,\n"
    "           (count(*) FILTER (WHERE on_time))::int, (count(*) FILTER (WHERE late))::int,\n"
    "           (count(*) FILTER (WHERE NOT received))::int,\n"
    "           (count(*) FILTER (WHERE received AND status = 'not_started'))::int,\n"
    "           (count(*) FILTER (WHERE received AND status = 'in_progress'))::int,\n"
    "           (count(*) FILTER (WHERE received AND status = 'completed'))::int,\n"
    "           (count(*) FILTER (WHERE received AND status = 'behind'))::int,\n"
    "           round(avg(progress) FILTER (WHERE received), 2),\n"
    "           round(coalesce(sum(progress) FILTER (WHERE received), 0) / count(*), 2)\n"
    "      FROM keyed\n"
    "     GROUP BY key, name\n"
    "$$;\n"
    "CREATE OR REPLACE FUNCTION old_criteria_at_risk(pid text, viewer_unit text, sees_all boolean)\n"
    "RETURNS TABLE (index_code text, code text, name text, max_points numeric, score numeric,\n"
    "               points_lost numeric, tasks int, expected int, received int, missing int,\n"
    "               effective_progress numeric, risk numeric)\n"
    "LANGUAGE sql STABLE AS $$\n"
    "    WITH f AS (SELECT * FROM scoped_facts(pid, viewer_unit, sees_all)),\n"
    "    base AS (SELECT base_year AS y FROM plan ORDER BY issued_on LIMIT 1),\n"
    "    crit AS (\n"
    "        SELECT c.index_code, c.code, c.name, c.max_points, s.score, c.max_points - s.score AS lost\n"
    "          FROM criterion c\n"
    "          JOIN criterion_score s ON s.index_code = c.index_code AND s.criterion_code = c.code\n"
    "                                AND s.year = (SELECT y FROM base)\n"
    "         WHERE c.max_points IS NOT NULL)\n"
    "    SELECT c.index_code, c.code, c.name, c.max_points, c.score, c.lost,\n"
    "           (count(DISTINCT f.task_id))::int, count(*)::int,\n"
    "           (count(*) FILTER (WHERE f.received))::int, (count(*) FILTER (WHERE NOT f.received))::int,\n"
    "           round(coalesce(sum(f.progress) FILTER (WHERE f.received), 0) / count(*), 2) AS effective,\n"
    "           round(c.lost * (1 - coalesce(sum(f.progress) FILTER (WHERE f.received), 0) / count(*) / 100), 4)\n"
    "      FROM crit c\n"
    "      JOIN task_criterion tc ON tc.index_code = c.index_code AND tc.criterion_code = c.code\n"
    "      JOIN f ON f.task_id = tc.task_id\n"
    "     GROUP BY c.index_code, c.code, c.name, c.max_points, c.score, c.lost\n"
    "$$;\n"
    ;

/* A status group, a criterion at risk and a trend point as one line of
 * text (format prints NULL as nothing, as cchc's JSON shows "" as null). */
#define GROUP_LINE(g)                                                                       \
    "format('%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s', " g ".key, " g ".name, " \
    g ".expected, " g ".received, " g ".on_time, " g ".late, " g ".missing, " g            \
    ".not_started, " g ".in_progress, " g ".completed, " g ".behind, " g ".mean_progress, " \
    g ".effective_progress)"
#define RISK_LINE(r)                                                                        \
    "format('%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s', " r ".index_code, " r        \
    ".code, " r ".name, " r ".max_points, " r ".score, " r ".points_lost, " r ".tasks, " r  \
    ".expected, " r ".received, " r ".missing, " r ".effective_progress, " r ".risk)"
/* the old trend statement's point (statements.c at c08b4fc) of period
 * p.id for viewer v (unit, sees_all), on the old functions */
#define OLD_POINT_LINE                                                                      \
    "format('%%s|%%s|%%s|%%s|%%s|%%s', p.id, t.expected, t.received, t.on_time,"           \
    " t.effective_progress,"                                                                \
    " coalesce((SELECT sum(c.risk) FROM old_criteria_at_risk(p.id, v.unit, v.sees_all) c), 0))"

/* The first value of a query formatted printf-style, without the
 * harness's 1 KiB limit, "" for no row; jit off as cchcd's pool sets it
 * (the old functions take far longer under JIT). */
static char *query(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *query(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = NULL;
    int n = vasprintf(&sql, fmt, ap);
    va_end(ap);
    assert_true(n > 0);
    char *full = NULL;
    assert_true(asprintf(&full, "SET jit = off; %s", sql) > 0);
    free(sql);
    char *v = harness_db_query(db, full);
    free(full);
    return v ? v : strdup("");
}

/* A JSON string field, "" when null or absent (cchc's --json prints empty
 * strings as null). */
static const char *js(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* Appends one line to a growing text. */
static void add_line(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_line(char **text, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    assert_true(vasprintf(&line, fmt, ap) >= 0);
    va_end(ap);
    char *joined = NULL;
    assert_true(asprintf(&joined, "%s%s%s", *text ? *text : "", *text ? "\n" : "", line) >= 0);
    free(*text);
    free(line);
    *text = joined;
}

static char *group_lines(json_t *groups)
{
    char *text = NULL;
    for (size_t k = 0; k < json_array_size(groups); k++) {
        json_t *g = json_array_get(groups, k);
        add_line(&text, "%s|%s|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%s|%s", js(g, "key"),
                 js(g, "name"), jint(g, "expected"), jint(g, "received"), jint(g, "on_time"),
                 jint(g, "late"), jint(g, "missing"), jint(g, "not_started"),
                 jint(g, "in_progress"), jint(g, "completed"), jint(g, "behind"),
                 js(g, "mean_progress"), js(g, "effective_progress"));
    }
    return text ? text : strdup("");
}

static char *risk_lines(json_t *risks)
{
    char *text = NULL;
    for (size_t k = 0; k < json_array_size(risks); k++) {
        json_t *r = json_array_get(risks, k);
        add_line(&text, "%s|%s|%s|%s|%s|%s|%lld|%lld|%lld|%lld|%s|%s", js(r, "index_code"),
                 js(r, "code"), js(r, "name"), js(r, "max_points"), js(r, "score"),
                 js(r, "points_lost"), jint(r, "tasks"), jint(r, "expected"), jint(r, "received"),
                 jint(r, "missing"), js(r, "effective_progress"), js(r, "risk"));
    }
    return text ? text : strdup("");
}

static void submit(int who, const char *task, const char *status, const char *progress,
                   int draft)
{
    fixture_as(&fx, who);
    const char *args[16] = {"submit", "--task", task, "--period", HAND, "--status", status,
                            "--progress", progress, "--result", "Kết quả", "--difficulties",
                            "Thiếu máy scan", draft ? "--draft" : NULL, NULL};
    harness_cchc_ok(srv, args);
}

static void period_do(const char *action, const char *period)
{
    fixture_as(&fx, -1);
    if (strcmp(action, "reopen") == 0) {
        const char *args[] = {"period", action, period, "--reason", "kiểm tra lại", "--yes", NULL};
        harness_cchc_ok(srv, args);
        return;
    }
    const char *args[] = {"period", action, period, "--yes", NULL};
    harness_cchc_ok(srv, args);
}

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "status_facts", NULL);
    harness_import_communes(srv, "31117,Phường Tân An,Q-NINHKIEU\n");
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, HAND);
    submit(NK, "105", "đang triển khai", "60", 0);
    submit(NK, "106", "hoàn thành", "100", 0);
    submit(NK, "107", "chậm tiến độ", "33.33", 0);
    submit(COMMUNE, "105", "chưa triển khai", "0", 0);
    submit(CR, "106", "đang triển khai", "10", 1); /* a draft: missing */
    period_do("close", HAND);
    submit(CR, "105", "đang triển khai", "40", 0); /* late */
    /* generated history in the other periods of 2024 (every unit's
     * reports, some missing, some late, one to three revisions each) */
    char *history = harness_read_file(CCHC_SOURCE_DIR "/bench/history.sql");
    char *meta = strstr(history, "\\set ON_ERROR_STOP on"); /* psql's, not SQL */
    assert_non_null(meta);
    memset(meta, ' ', strlen("\\set ON_ERROR_STOP on"));
    free(harness_db_query(db, history)); /* one transaction; fails the setup on error */
    free(history);
    period_do("open", APPROVED);
    period_do("close", APPROVED);
    period_do("approve", APPROVED);
    period_do("open", OPEN);
    free(harness_db_query(db, old_functions));
    fixture_as(&fx, -1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* The viewers the SQL comparisons take (%1$s the period): an
 * administrator's view (all), a unit that leads nothing, and lead
 * agencies of the period. */
#define VIEWERS                                                                   \
    "viewers (unit, sees_all) AS ("                                               \
    "    SELECT 'SNV', true UNION SELECT 'Q-NINHKIEU', false"                     \
    "    UNION (SELECT DISTINCT l.unit_code, false FROM period_leads('%1$s') l"   \
    "            ORDER BY 1 LIMIT 1)"                                             \
    "    UNION SELECT 'VP-UBND', false)"

/* Every grouping and the criteria at risk of status_figures, and of its
 * three-grouping call (the HTML report's), against the old functions, for
 * every viewer; and its period row against period_info. */
static void status_sql_matches_old(const char *p)
{
    char *v = query(
        "WITH " VIEWERS ","
        " dims (dim) AS (VALUES ('total'), ('unit'), ('district'), ('lead'), ('task'), ('index'),"
        "                       ('criterion')),"
        " old AS ("
        "  SELECT v.unit, d.dim, " GROUP_LINE("g") " AS line FROM viewers v CROSS JOIN dims d"
        "   CROSS JOIN LATERAL old_status_groups('%1$s', d.dim, v.unit, v.sees_all) g"
        "  UNION ALL"
        "  SELECT v.unit, 'risk', " RISK_LINE("r") " FROM viewers v"
        "   CROSS JOIN LATERAL old_criteria_at_risk('%1$s', v.unit, v.sees_all) r),"
        " new AS ("
        "  SELECT v.unit, d.dim, " GROUP_LINE("s") " FROM viewers v CROSS JOIN dims d"
        "   CROSS JOIN LATERAL status_figures('%1$s', ARRAY[d.dim], v.unit, v.sees_all) s"
        "   WHERE s.section = d.dim"
        "  UNION ALL"
        "  SELECT v.unit, 'risk', " RISK_LINE("s") " FROM viewers v"
        "   CROSS JOIN LATERAL status_figures('%1$s', '{}', v.unit, v.sees_all) s"
        "   WHERE s.section = 'risk'),"
        " bundle AS ("
        "  SELECT v.unit, s.section, CASE WHEN s.section = 'risk' THEN " RISK_LINE("s")
        "                            ELSE " GROUP_LINE("s") " END FROM viewers v"
        "   CROSS JOIN LATERAL status_figures('%1$s', '{index,district,lead}', v.unit, v.sees_all) s"
        "   WHERE s.section <> 'period'),"
        " old_bundle AS (SELECT * FROM old WHERE dim IN ('total', 'index', 'district', 'lead', 'risk'))"
        " SELECT format('%%s %%s %%s %%s %%s',"
        "   (SELECT count(*) FROM old), (SELECT count(DISTINCT unit) FROM old),"
        "   (SELECT count(*) FROM ((SELECT * FROM old EXCEPT ALL SELECT * FROM new)"
        "                     UNION ALL (SELECT * FROM new EXCEPT ALL SELECT * FROM old)) x),"
        "   (SELECT count(*) FROM ((SELECT * FROM old_bundle EXCEPT ALL SELECT * FROM bundle)"
        "                     UNION ALL (SELECT * FROM bundle EXCEPT ALL SELECT * FROM old_bundle)) x),"
        "   (SELECT count(*) FROM period_info i"
        "     WHERE i.id = '%1$s' AND NOT EXISTS ("
        "           SELECT 1 FROM status_figures('%1$s', '{}', 'SNV', true) s"
        "            WHERE s.section = 'period' AND s.expected = i.expected"
        "              AND s.received = i.received)))",
        p);
    long rows = 0, viewers = 0, differ = -1, bundle = -1, period = -1;
    assert_int_equal(sscanf(v, "%ld %ld %ld %ld %ld", &rows, &viewers, &differ, &bundle, &period), 5);
    print_message("%s: %ld figures for %ld viewers\n", p, rows, viewers);
    assert_true(rows > 100);    /* not vacuous: many groups and criteria */
    assert_true(viewers >= 3);  /* all, the leads (the non-lead sees none) */
    assert_int_equal(differ, 0);
    assert_int_equal(bundle, 0);
    assert_int_equal(period, 0);
    free(v);
}

static void test_status_figures_match_old_sql(void **state)
{
    (void)state;
    status_sql_matches_old(HAND);
    status_sql_matches_old(APPROVED);
    status_sql_matches_old(OPEN);
}

/* `cchc status --json` as a person (unit, sees all) against the old
 * functions in the old statements' order: groups, total, criteria at
 * risk, period. */
static void status_json_matches_old(int who, const char *unit, int all, const char *p,
                                    const char *by)
{
    fixture_as(&fx, who);
    const char *args[] = {"status", "--period", p, "--by", by, NULL};
    json_t *st = harness_cchc_json(srv, args);
    char *got = group_lines(json_object_get(st, "groups"));
    char *want = query("SELECT coalesce(string_agg(" GROUP_LINE("g") ", E'\\n'"
                       "   ORDER BY CASE WHEN '%2$s' IN ('unit', 'district', 'lead') THEN g.name END"
                       "            COLLATE \"vi-x-icu\", g.key), '')"
                       "  FROM old_status_groups('%1$s', '%2$s', '%3$s', %4$s) g",
                       p, by, unit, all ? "true" : "false");
    assert_string_equal(got, want);
    assert_true(all ? *got != '\0' : 1);
    free(got);
    free(want);
    json_t *total = json_object_get(st, "total");
    json_t *one = json_array();
    if (json_is_object(total))
        json_array_append(one, total);
    got = group_lines(one);
    json_decref(one);
    want = query("SELECT coalesce(string_agg(" GROUP_LINE("g") ", ''), '')"
                 "  FROM old_status_groups('%s', 'total', '%s', %s) g",
                 p, unit, all ? "true" : "false");
    assert_string_equal(got, want);
    free(got);
    free(want);
    got = risk_lines(json_object_get(st, "at_risk"));
    want = query("SELECT coalesce(string_agg(" RISK_LINE("r") ", E'\\n'"
                 "   ORDER BY r.risk DESC, r.points_lost DESC, r.index_code,"
                 "            string_to_array(r.code, '.')::int[]), '')"
                 "  FROM old_criteria_at_risk('%s', '%s', %s) r",
                 p, unit, all ? "true" : "false");
    assert_string_equal(got, want);
    free(got);
    free(want);
    json_t *pr = json_object_get(st, "period");
    char *period = NULL;
    add_line(&period, "%s|%lld|%s|%s|%s|%s|%s|%s|%lld|%lld", js(pr, "id"), jint(pr, "year"),
             js(pr, "kind"), js(pr, "data_from"), js(pr, "data_until"), js(pr, "unit_deadline"),
             js(pr, "lead_deadline"), js(pr, "state"), jint(pr, "expected"),
             jint(pr, "received"));
    want = query("SELECT format('%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s', id, year, kind,"
                 "  data_from, data_until, unit_deadline, lead_deadline, state, expected, received)"
                 "  FROM period_info WHERE id = '%s'",
                 p);
    assert_string_equal(period, want);
    free(period);
    free(want);
    json_decref(st);
}

static void test_status_command_matches_old(void **state)
{
    (void)state;
    static const char *const periods[] = {HAND, APPROVED, OPEN};
    /* by unit is compared in SQL above; here the orders by name (Vietnamese
     * collation) and by code, for the three kinds of viewer */
    static const char *const bys[] = {"lead", "district", "criterion"};
    for (size_t i = 0; i < 3; i++) {
        for (size_t b = 0; b < 3; b++)
            status_json_matches_old(-1, "SNV", 1, periods[i], bys[b]);
        status_json_matches_old(LEAD, "VP-UBND", 0, periods[i], "lead");
    }
    status_json_matches_old(NOT_LEAD, "Q-NINHKIEU", 0, HAND, "index");
    fixture_as(&fx, -1);
}

/* `cchc status trend --json` as a person against the old trend statement. */
static void trend_matches_old(int who, const char *unit, int all)
{
    fixture_as(&fx, who);
    const char *args[] = {"status", "trend", NULL};
    json_t *tr = harness_cchc_json(srv, args);
    json_t *points = json_object_get(tr, "points");
    char *got = NULL;
    for (size_t k = 0; k < json_array_size(points); k++) {
        json_t *pt = json_array_get(points, k);
        add_line(&got, "%s|%lld|%lld|%lld|%s|%s", js(pt, "period_id"), jint(pt, "expected"),
                 jint(pt, "received"), jint(pt, "on_time"), js(pt, "effective_progress"),
                 js(pt, "points_at_risk"));
    }
    char *want = query("WITH v (unit, sees_all) AS (VALUES ('%s', %s))"
                       " SELECT coalesce(string_agg(" OLD_POINT_LINE ", E'\\n'"
                       "   ORDER BY p.year, p.data_until, p.id), '')"
                       "  FROM v, report_period p"
                       " CROSS JOIN LATERAL old_status_groups(p.id, 'total', v.unit, v.sees_all) t"
                       " WHERE p.state <> 'planned'",
                       unit, all ? "true" : "false");
    assert_string_equal(got ? got : "", want);
    if (all) /* the hand-made, approved and open periods */
        assert_non_null(strstr(want, APPROVED "|"));
    free(got);
    free(want);
    json_decref(tr);
    fixture_as(&fx, -1);
}

/* The stored figures of a period's current approval against the old
 * computation: all tasks, VP-UBND and two more lead agencies (every lead
 * would take minutes of the old functions). Returns how many scopes are
 * stored. */
static long stored_match_old(const char *p)
{
    char *v = query(
        "WITH stored AS ("
        "  SELECT f.scope, format('%%s|%%s|%%s|%%s|%%s', f.expected, f.received, f.on_time,"
        "                         f.effective_progress, f.points_at_risk) AS line"
        "    FROM period_figures f WHERE f.approval_id = period_current_approval('%1$s')),"
        " v AS (SELECT ''::text AS scope, 'SNV'::text AS unit, true AS sees_all"
        "       UNION (SELECT DISTINCT l.unit_code, l.unit_code, false FROM period_leads('%1$s') l"
        "              ORDER BY 1 LIMIT 2)"
        "       UNION SELECT 'VP-UBND', 'VP-UBND', false),"
        " stored_of_v AS (SELECT s.* FROM stored s JOIN v ON v.scope = s.scope),"
        " p AS (SELECT id FROM report_period WHERE id = '%1$s'),"
        " old AS ("
        "  SELECT v.scope, format('%%s|%%s|%%s|%%s|%%s', t.expected, t.received, t.on_time,"
        "         t.effective_progress,"
        "         coalesce((SELECT sum(c.risk) FROM old_criteria_at_risk(p.id, v.unit, v.sees_all) c), 0))"
        "    FROM p, v CROSS JOIN LATERAL old_status_groups(p.id, 'total', v.unit, v.sees_all) t)"
        " SELECT format('%%s %%s', (SELECT count(*) FROM stored),"
        "   (SELECT count(*) FROM ((SELECT * FROM old EXCEPT ALL SELECT * FROM stored_of_v)"
        "                     UNION ALL (SELECT * FROM stored_of_v EXCEPT ALL SELECT * FROM old)) x))",
        p);
    long stored = -1, differ = -1;
    assert_int_equal(sscanf(v, "%ld %ld", &stored, &differ), 2);
    assert_int_equal(differ, 0);
    free(v);
    return stored;
}

static void test_trend_matches_old(void **state)
{
    (void)state;
    trend_matches_old(-1, "SNV", 1);
    trend_matches_old(LEAD, "VP-UBND", 0);
    trend_matches_old(NOT_LEAD, "Q-NINHKIEU", 0);
}

/* The approval stored the figures of every scope, and the trend shows the
 * stored ones: a stored figure changed by hand shows in the trend. */
static void test_approval_stores_trend_figures(void **state)
{
    (void)state;
    long scopes = stored_match_old(APPROVED);
    long leads = harness_db_count(db, "SELECT count(DISTINCT l.unit_code) FROM period_leads('%s') l",
                                  APPROVED);
    assert_true(leads > 0);
    assert_int_equal(scopes, 1 + leads);
    assert_int_equal(harness_db_count(db, "SELECT count(*) FROM period_figures f"
                                          "  JOIN period_approval a ON a.id = f.approval_id"
                                          " WHERE a.period_id <> '%s'", APPROVED), 0);
    long expected = harness_db_count(db, "SELECT expected FROM period_figures"
                                         " WHERE approval_id = period_current_approval('%s')"
                                         "   AND scope = ''", APPROVED);
    free(harness_db_queryf(db, "UPDATE period_figures SET expected = expected + 100000"
                               " WHERE approval_id = period_current_approval('%s') AND scope = ''",
                           APPROVED));
    const char *args[] = {"status", "trend", NULL};
    json_t *tr = harness_cchc_json(srv, args);
    json_t *points = json_object_get(tr, "points");
    long long shown = -1;
    for (size_t k = 0; k < json_array_size(points); k++)
        if (strcmp(js(json_array_get(points, k), "period_id"), APPROVED) == 0)
            shown = jint(json_array_get(points, k), "expected");
    json_decref(tr);
    free(harness_db_queryf(db, "UPDATE period_figures SET expected = expected - 100000"
                               " WHERE approval_id = period_current_approval('%s') AND scope = ''",
                           APPROVED));
    assert_int_equal(shown, expected + 100000);
}

/* A reopen deletes the stored figures (the trend computes the period
 * again, with the same answer); the next approval stores them again. */
static void test_reopen_and_approve_again(void **state)
{
    (void)state;
    period_do("reopen", APPROVED);
    assert_int_equal(harness_db_count(db, "SELECT count(*) FROM period_figures"), 0);
    trend_matches_old(-1, "SNV", 1);
    trend_matches_old(LEAD, "VP-UBND", 0);
    period_do("approve", APPROVED);
    assert_true(stored_match_old(APPROVED) > 1);
    assert_int_equal(harness_db_count(db, "SELECT count(*) FROM period_approval"
                                          " WHERE period_id = '%s'", APPROVED), 2);
    trend_matches_old(-1, "SNV", 1);
}

/* Migration 0018 computes the figures of periods approved before it (its
 * own SQL over the tables) as the approval does (trend_figures). */
static void test_migration_backfills(void **state)
{
    (void)state;
    char *before = query("SELECT string_agg(format('%%s %%s', scope, f), ',' ORDER BY scope)"
                         "  FROM period_figures f");
    free(harness_db_query(db, "DROP TABLE period_figures;"
                              "DELETE FROM schema_migrations WHERE version = 18"));
    const char *migrate[] = {CCHCD_BIN, "migrate", "--db", fx.db.conninfo, NULL};
    run_result r;
    harness_run(&r, NULL, migrate);
    if (r.exit_code != 0)
        fail_msg("cchcd migrate exited %d: %s%s", r.exit_code, r.out, r.err);
    run_result_free(&r);
    char *after = query("SELECT string_agg(format('%%s %%s', scope, f), ',' ORDER BY scope)"
                        "  FROM period_figures f");
    assert_true(strlen(before) > 0);
    assert_string_equal(after, before);
    assert_true(stored_match_old(APPROVED) > 1);
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_figures_match_old_sql),
        cmocka_unit_test(test_status_command_matches_old),
        cmocka_unit_test(test_trend_matches_old),
        cmocka_unit_test(test_approval_stores_trend_figures),
        cmocka_unit_test(test_reopen_and_approve_again),
        cmocka_unit_test(test_migration_backfills),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
