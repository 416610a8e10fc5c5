/* What a reorganisation does to the work (issue 12, Deliver 3), through the
 * real client: a district that has submitted, accepted, returned and
 * missing reports in a period closes after the period's last data day,
 * merged into a new unit. Every view (status in each --by form, period
 * list, missing, CSV export, HTML report) gives the same figures before and
 * after, and agrees with the others; the successor's reporter fixes the
 * returned report and sends the missing one (they stay the district's
 * reports, the history naming who sent them), and is refused the accepted
 * one; an unrelated unit is refused all of it; the closed unit's accounts
 * are told so at login and in whoami, marked in the user list, and moved
 * with `cchc user move`. */
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

static test_fixture fx;
static test_server *const srv = &fx.srv;
#define PERIOD "2024-Q1"
/* A period whose last data day (2025-09-14) falls after the change's date
 * (2025-07-01): the district reports in it before the change is recorded,
 * so the period stops expecting it afterwards. */
#define LATE_PERIOD "2025-9M"
#define CLOSED "Q-NINHKIEU"
#define SUCCESSOR "KV-NINHKIEU"

enum { NK, NK_CLERK, COMMUNE, LEAD, OTHER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2024", CLOSED, "reporter"},
    {"nk.vanthu", "Van-thu-Ninh-Kieu-2024", CLOSED, "reporter"},
    {"tanan.baocao", "Bao-cao-Tan-An-2024", "31117", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"}, /* leads 105, 106, 107 */
    {"cr.baocao", "Bao-cao-Cai-Rang-2024", "Q-CAIRANG", "reporter"},
};

/* The successor's reporter, added once the successor exists. */
#define KV_USER "kv.baocao"
#define KV_PASSWORD "Bao-cao-Khu-vuc-2025"
static char kv_home[64];
static int missing_task; /* a task the district never reported on */
static long long returned_id, accepted_id, late_returned_id;

static void submit_in(const char *period, int who, const char *task, const char *progress)
{
    fixture_as(&fx, who);
    const char *args[] = {"submit", "--task", task, "--period", period, "--status", "đang triển khai",
                          "--progress", progress, "--result", "Đã tiếp nhận hồ sơ", NULL};
    harness_cchc_ok(srv, args);
}

static void submit(int who, const char *task, const char *progress)
{
    submit_in(PERIOD, who, task, progress);
}

/* The lead agency's reviewer reviews the district's report on a task. */
static long long review_in(const char *period, const char *task, const char *action)
{
    fixture_as(&fx, LEAD);
    const char *list[] = {"review", "list", "--period", period, "--task", task, "--unit", CLOSED, NULL};
    json_t *root = harness_cchc_json(srv, list);
    json_t *x = json_array_get(json_object_get(root, "reports"), 0);
    assert_non_null(x);
    char seen[48];
    long long id = jint(x, "report_id");
    snprintf(seen, sizeof(seen), "%lld@%lld", id, jint(x, "revision"));
    json_decref(root);
    const char *ret[] = {"review", "return", seen, "--reason", "Thiếu số liệu quý I", NULL};
    const char *acc[] = {"review", "accept", seen, NULL};
    harness_cchc_ok(srv, strcmp(action, "return") == 0 ? ret : acc);
    return id;
}

static long long review(const char *task, const char *action)
{
    return review_in(PERIOD, task, action);
}

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "successors", NULL);
    harness_import_communes(srv, "31117,Phường Tân An,Q-NINHKIEU\n");
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    submit(NK, "105", "40");
    submit(NK, "106", "100");
    submit(NK, "107", "20");
    submit(COMMUNE, "105", "10");
    returned_id = review("105", "return");
    accepted_id = review("106", "accept");
    fixture_as(&fx, -1);
    harness_open_period(srv, LATE_PERIOD);
    submit_in(LATE_PERIOD, NK, "105", "70");
    submit_in(LATE_PERIOD, NK, "107", "30");
    late_returned_id = review_in(LATE_PERIOD, "107", "return");

    /* a task the district owes and never reported on */
    fixture_as(&fx, NK);
    const char *tasks[] = {"tasks", "--period", PERIOD, NULL};
    json_t *root = harness_cchc_json(srv, tasks);
    json_t *list = json_object_get(root, "tasks");
    for (size_t i = 0; i < json_array_size(list) && !missing_task; i++)
        if (strcmp(jstr(json_array_get(list, i), "report_state"), "missing") == 0)
            missing_task = (int)jint(json_array_get(list, i), "task_id");
    json_decref(root);
    assert_true(missing_task > 0);
    fixture_as(&fx, -1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (*kv_home)
        harness_remove_home(kv_home);
    return fixture_stop(&fx);
}

/* ---- every view's figures ------------------------------------------------------------- */

/* The value of data-figure="key" in the HTML, or NULL. */
static char *html_figure(const char *html, const char *key)
{
    char needle[200];
    snprintf(needle, sizeof(needle), "data-figure=\"%s\">", key);
    const char *p = strstr(html, needle);
    if (!p)
        return NULL;
    p += strlen(needle);
    const char *end = strchr(p, '<');
    return end ? strndup(p, (size_t)(end - p)) : NULL;
}

static long long html_int(const char *html, const char *key)
{
    char *v = html_figure(html, key);
    if (!v)
        fail_msg("the HTML report has no figure %s", key);
    long long n = atoll(v);
    free(v);
    return n;
}

/* Every figure of the period in every view, as the administrator sees
 * them, in one text (for comparing before and after); and the views
 * checked against each other on the way. */
static char *figures(const char *period)
{
    fixture_as(&fx, -1);
    json_t *all = json_object();
    static const char *const dims[] = {"total", "unit", "district", "lead", "task", "index",
                                       "criterion"};
    long long expected = 0, received = 0, missing = 0;
    for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
        const char *args[] = {"status", "--period", period, d ? "--by" : NULL, dims[d], NULL};
        json_t *st = harness_cchc_json(srv, args);
        json_t *t = json_object_get(st, "total");
        if (d == 0) {
            expected = jint(t, "expected");
            received = jint(t, "received");
            missing = jint(t, "missing");
            assert_int_equal(missing, expected - received);
        } else { /* every --by form has the same total */
            assert_int_equal(jint(t, "expected"), expected);
            assert_int_equal(jint(t, "received"), received);
        }
        if (strcmp(dims[d], "unit") == 0 || strcmp(dims[d], "task") == 0) {
            /* each report in exactly one group: the groups add up */
            long long sum_e = 0, sum_r = 0;
            json_t *groups = json_object_get(st, "groups");
            for (size_t g = 0; g < json_array_size(groups); g++) {
                sum_e += jint(json_array_get(groups, g), "expected");
                sum_r += jint(json_array_get(groups, g), "received");
            }
            assert_int_equal(sum_e, expected);
            assert_int_equal(sum_r, received);
        }
        json_object_set(all, dims[d], json_object_get(st, "groups"));
        if (d == 0)
            json_object_set(all, "total", t);
        json_decref(st);
    }

    /* period list */
    char year[8];
    snprintf(year, sizeof(year), "%.4s", period);
    const char *plist[] = {"period", "list", "--year", year, NULL};
    json_t *pl = harness_cchc_json(srv, plist);
    json_t *periods = json_object_get(pl, "periods");
    int found = 0;
    for (size_t i = 0; i < json_array_size(periods); i++) {
        json_t *p = json_array_get(periods, i);
        if (strcmp(jstr(p, "id"), period) != 0)
            continue;
        found = 1;
        assert_int_equal(jint(p, "expected"), expected);
        assert_int_equal(jint(p, "received"), received);
    }
    assert_true(found);
    json_decref(pl);

    /* missing */
    const char *margs[] = {"missing", "--period", period, NULL};
    json_t *m = harness_cchc_json(srv, margs);
    json_t *mlist = json_object_get(m, "missing");
    assert_int_equal((long long)json_array_size(mlist), missing);
    for (size_t i = 0; i < json_array_size(mlist); i++) /* who owes it today may change */
        json_object_del(json_array_get(mlist, i), "successors");
    json_object_set(all, "missing", mlist);
    json_decref(m);

    /* CSV export: a header and one line per received report */
    run_result r;
    const char *csv[] = {"export", "--period", period, "--format", "csv", NULL};
    harness_cchc(&r, srv, csv);
    assert_int_equal(r.exit_code, 0);
    long long lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + received);
    json_object_set_new(all, "csv", json_string(r.out));
    run_result_free(&r);

    /* the HTML report */
    const char *html_args[] = {"export", "--period", period, "--format", "html", "-o",
                               "successors.html", NULL};
    harness_cchc_ok(srv, html_args);
    char *html = harness_read_file("successors.html");
    assert_int_equal(html_int(html, "total.expected"), expected);
    assert_int_equal(html_int(html, "total.received"), received);
    assert_int_equal(html_int(html, "total.missing"), missing);
    assert_int_equal(html_int(html, "missing.count"), missing);
    json_object_set_new(all, "html." CLOSED ".received",
                        json_integer(html_int(html, "district." CLOSED ".received")));
    json_object_set_new(all, "html." CLOSED ".expected",
                        json_integer(html_int(html, "district." CLOSED ".expected")));
    free(html);
    unlink("successors.html");

    char *text = json_dumps(all, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(all);
    return text;
}

/* The district's group in status --by unit: "expected/received". */
static void district_counts(char *out, size_t size)
{
    fixture_as(&fx, -1);
    const char *args[] = {"status", "--period", PERIOD, "--by", "unit", NULL};
    json_t *st = harness_cchc_json(srv, args);
    json_t *groups = json_object_get(st, "groups");
    snprintf(out, size, "none");
    for (size_t g = 0; g < json_array_size(groups); g++)
        if (strcmp(jstr(json_array_get(groups, g), "key"), CLOSED) == 0)
            snprintf(out, size, "%lld/%lld", jint(json_array_get(groups, g), "expected"),
                     jint(json_array_get(groups, g), "received"));
    json_decref(st);
}

static void test_views_agree_before_and_after_the_district_closes(void **state)
{
    (void)state;
    char *before = figures(PERIOD);
    char *late_before = figures(LATE_PERIOD);
    char nk_before[32];
    district_counts(nk_before, sizeof(nk_before));
    assert_string_not_equal(nk_before, "none");

    /* 1 July 2025: the district and its neighbour merge into a new unit */
    fixture_as(&fx, -1);
    const char *merge[] = {"units", "merge", CLOSED, "Q-BINHTHUY", "--into", SUCCESSOR, "--name",
                           "Khu vực Ninh Kiều", "--on", "2025-07-01", NULL};
    harness_cchc_ok(srv, merge);

    char *after = figures(PERIOD);
    char *late_after = figures(LATE_PERIOD);
    if (strcmp(before, after) != 0) {
        harness_write_file("successors-before.json", before);
        harness_write_file("successors-after.json", after);
    }
    if (strcmp(before, after) != 0)
        fail_msg("figures changed when the district closed:\nbefore %s\nafter  %s", before, after);
    char nk_after[32];
    district_counts(nk_after, sizeof(nk_after));
    assert_string_equal(nk_after, nk_before); /* its reports stay its own, in this period */
    free(before);
    free(after);
    /* the later period: its structure on 2025-09-14 is now the successor's,
     * so what it expects changes, but the district's reports sent for it
     * still count in every view (figures() checks they agree) */
    json_t *lb = json_loads(late_before, 0, NULL), *la = json_loads(late_after, 0, NULL);
    assert_int_equal(jint(json_object_get(la, "total"), "received"),
                     jint(json_object_get(lb, "total"), "received"));
    assert_int_equal(jint(json_object_get(lb, "total"), "received"), 2);
    json_decref(lb);
    json_decref(la);
    free(late_before);
    free(late_after);

    /* the missing list names who owes the closed district's reports today */
    const char *margs[] = {"missing", "--period", PERIOD, NULL};
    json_t *m = harness_cchc_json(srv, margs);
    json_t *list = json_object_get(m, "missing");
    int named = 0;
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *x = json_array_get(list, i);
        json_t *succ = json_object_get(x, "successors");
        if (strcmp(jstr(x, "unit_code"), CLOSED) == 0) {
            assert_int_equal(json_array_size(succ), 1);
            assert_non_null(strstr(json_string_value(json_array_get(succ, 0)), SUCCESSOR));
            named++;
        } else if (strcmp(jstr(x, "unit_code"), "Q-CAIRANG") == 0) {
            assert_int_equal(json_array_size(succ), 0); /* still exists: owes its own */
        }
    }
    assert_true(named > 0);
    json_decref(m);

    /* the successor's reporter */
    harness_new_home(kv_home, sizeof(kv_home));
    harness_use_home(fx.home);
    harness_add_account(srv, KV_USER, KV_PASSWORD, SUCCESSOR, "reporter");
    harness_use_home(kv_home);
    assert_int_equal(harness_login(srv, KV_USER, KV_PASSWORD), 0);
}

/* ---- the successor takes over the open obligations ------------------------------------- */

static void test_successor_sees_and_fixes_its_predecessors_open_reports(void **state)
{
    (void)state;
    harness_use_home(kv_home);
    /* its own tasks and, apart, the closed district's open ones */
    const char *tasks[] = {"tasks", "--period", PERIOD, NULL};
    json_t *root = harness_cchc_json(srv, tasks);
    json_t *inherited = json_object_get(root, "inherited");
    int saw_returned = 0, saw_missing = 0;
    for (size_t i = 0; i < json_array_size(inherited); i++) {
        json_t *t = json_array_get(inherited, i);
        long long id = jint(t, "task_id");
        const char *unit = jstr(t, "unit_code"), *st = jstr(t, "report_state");
        assert_true(strcmp(unit, CLOSED) == 0 || strcmp(unit, "Q-BINHTHUY") == 0);
        assert_true(strcmp(st, "missing") == 0 || strcmp(st, "returned") == 0 ||
                    strcmp(st, "draft") == 0);
        if (strcmp(unit, CLOSED) == 0) {
            assert_true(id != 106 && id != 107); /* accepted, and waiting for review: not owed */
            saw_returned |= id == 105 && strcmp(st, "returned") == 0;
            saw_missing |= id == missing_task && strcmp(st, "missing") == 0;
        }
    }
    assert_true(saw_returned);
    assert_true(saw_missing);
    json_decref(root);

    /* due lists them, naming the closed unit */
    const char *due[] = {"due", NULL};
    root = harness_cchc_json(srv, due);
    int due_returned = 0;
    json_t *items = json_object_get(root, "due");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *x = json_array_get(items, i);
        due_returned |= jint(x, "task_id") == 105 && strcmp(jstr(x, "unit"), CLOSED) == 0 &&
                        strcmp(jstr(x, "state"), "returned") == 0;
    }
    assert_true(due_returned);
    json_decref(root);

    /* fixes the returned report: still the district's, a new revision by kv.baocao */
    const char *fix[] = {"submit", "--unit", CLOSED, "--task", "105", "--period", PERIOD,
                         "--status", "đang triển khai", "--progress", "55", "--result",
                         "Bổ sung số liệu quý I", NULL};
    harness_cchc_ok(srv, fix);
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT x.unit_code || ' ' || x.state || ' ' || x.revision || ' ' || v.username"
             "  FROM report x JOIN report_revision v ON v.report_id = x.id AND v.revision = x.revision"
             " WHERE x.id = %lld",
             returned_id);
    char *got = harness_db_query(&fx.db, sql);
    assert_string_equal(got, CLOSED " submitted 2 " KV_USER);
    free(got);

    /* its history shows who sent what */
    const char *history[] = {"report", "show", "--period", PERIOD, "--task", "105", "--unit",
                             CLOSED, NULL};
    root = harness_cchc_json(srv, history);
    json_t *revs = json_object_get(root, "revisions");
    assert_int_equal(json_array_size(revs), 2);
    assert_string_equal(jstr(json_array_get(revs, 0), "username"), KV_USER);
    assert_string_equal(jstr(json_array_get(revs, 1), "username"), "nk.baocao");
    json_decref(root);

    /* sends the one the district never sent */
    char task[16];
    snprintf(task, sizeof(task), "%d", missing_task);
    const char *send[] = {"submit", "--unit", CLOSED, "--task", task, "--period", PERIOD, "--status",
                          "chưa triển khai", "--progress", "0", "--result", "Chưa bắt đầu",
                          "--difficulties", "Thiếu cán bộ sau sáp nhập", NULL};
    harness_cchc_ok(srv, send);
    snprintf(sql, sizeof(sql),
             "SELECT x.unit_code || ' ' || x.state FROM report x"
             " WHERE x.period_id = '" PERIOD "' AND x.task_id = %d AND x.unit_code = '" CLOSED "'",
             missing_task);
    got = harness_db_query(&fx.db, sql);
    assert_string_equal(got, CLOSED " submitted");
    free(got);

    /* the accepted one stays untouchable */
    run_result r;
    const char *accepted[] = {"submit", "--unit", CLOSED, "--task", "106", "--period", PERIOD,
                              "--status", "hoàn thành", "--progress", "100", "--result", "Sửa", NULL};
    harness_cchc(&r, srv, accepted);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "đã được chấp nhận, không sửa được nữa"));
    run_result_free(&r);
    snprintf(sql, sizeof(sql), "SELECT state || ' ' || revision FROM report WHERE id = %lld",
             accepted_id);
    got = harness_db_query(&fx.db, sql);
    assert_string_equal(got, "accepted 1");
    free(got);

    /* the status counts the new report where it belongs: the district's */
    char nk[32];
    district_counts(nk, sizeof(nk));
    char *slash = strchr(nk, '/');
    assert_non_null(slash);
    assert_int_equal(atoi(slash + 1), 4); /* 105, 106, 107 and the one just sent */

    /* in the later period, the district's returned report is still fixable */
    harness_use_home(kv_home);
    const char *late_fix[] = {"submit", "--unit", CLOSED, "--task", "107", "--period", LATE_PERIOD,
                              "--status", "đang triển khai", "--progress", "45", "--result",
                              "Bổ sung số liệu 9 tháng", NULL};
    harness_cchc_ok(srv, late_fix);
    snprintf(sql, sizeof(sql), "SELECT state || ' ' || revision FROM report WHERE id = %lld",
             late_returned_id);
    got = harness_db_query(&fx.db, sql);
    assert_string_equal(got, "submitted 2");
    free(got);

    /* the lead agency reviews it as before */
    review("105", "accept");
    snprintf(sql, sizeof(sql), "SELECT state FROM report WHERE id = %lld", returned_id);
    got = harness_db_query(&fx.db, sql);
    assert_string_equal(got, "accepted");
    free(got);
}

static void test_other_units_may_not_write_a_closed_units_reports(void **state)
{
    (void)state;
    fixture_as(&fx, OTHER); /* Cái Răng exists and succeeds nobody */
    run_result r;
    const char *args[] = {"submit", "--unit", CLOSED, "--task", "107", "--period", PERIOD,
                          "--status", "hoàn thành", "--progress", "100", "--result", "Sửa",
                          "--base-revision", "1", NULL};
    harness_cchc(&r, srv, args);
    if (r.exit_code != 1 || !strstr(r.err, "chỉ đơn vị kế thừa của một đơn vị đã ngừng hoạt động"))
        fail_msg("exit %d: %s", r.exit_code, r.err);
    run_result_free(&r);
    const char *tasks[] = {"tasks", "--period", PERIOD, "--unit", CLOSED, NULL};
    harness_cchc(&r, srv, tasks);
    assert_int_not_equal(r.exit_code, 0);
    run_result_free(&r);
    char *got = harness_db_query(&fx.db, "SELECT state || ' ' || revision FROM report"
                                         " WHERE period_id = '" PERIOD "' AND task_id = 107"
                                         "   AND unit_code = '" CLOSED "'");
    assert_string_equal(got, "submitted 1");
    free(got);
    /* a live unit's reports are its own: the successor cannot name one */
    harness_use_home(kv_home);
    const char *live[] = {"tasks", "--period", PERIOD, "--unit", "Q-CAIRANG", NULL};
    harness_cchc(&r, srv, live);
    assert_int_not_equal(r.exit_code, 0);
    run_result_free(&r);
}

/* ---- accounts of the closed unit ------------------------------------------------------- */

static void test_accounts_of_the_closed_unit_are_told_and_moved(void **state)
{
    (void)state;
    /* told at login and in whoami, instead of silently seeing no task */
    fixture_as(&fx, NK_CLERK);
    run_result r;
    const char *login[] = {"login", "nk.vanthu", "--password-stdin", NULL};
    harness_cchc_input(&r, srv, "Van-thu-Ninh-Kieu-2024\n", login);
    assert_int_equal(r.exit_code, 0);
    /* the notice is an id with arguments: its date as people write it (issue 14) */
    assert_non_null(strstr(r.out, "đã ngừng hoạt động từ ngày 01/07/2025"));
    assert_non_null(strstr(r.out, "Khu vực Ninh Kiều (" SUCCESSOR ")"));
    assert_non_null(strstr(r.out, "cchc user move nk.vanthu --unit " SUCCESSOR));
    run_result_free(&r);
    const char *whoami[] = {"whoami", NULL};
    harness_cchc(&r, srv, whoami);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "đã ngừng hoạt động"));
    run_result_free(&r);
    const char *whoami_json[] = {"whoami", NULL};
    json_t *who = harness_cchc_json(srv, whoami_json);
    assert_true(json_is_true(json_object_get(json_object_get(who, "account"), "unit_closed")));
    json_decref(who);
    /* and its task list of a period after the change says why it is empty */
    const char *late_tasks[] = {"tasks", "--period", LATE_PERIOD, NULL};
    harness_cchc(&r, srv, late_tasks);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Lưu ý: đơn vị Quận Ninh Kiều (" CLOSED ") đã ngừng hoạt động"));
    run_result_free(&r);

    /* marked in the user list; the successor's accounts are not */
    fixture_as(&fx, -1);
    const char *list[] = {"user", "list", NULL};
    json_t *users = harness_cchc_json(srv, list);
    json_t *accounts = json_object_get(users, "accounts");
    int marked = 0;
    for (size_t i = 0; i < json_array_size(accounts); i++) {
        json_t *a = json_array_get(accounts, i);
        int closed = json_is_true(json_object_get(a, "unit_closed"));
        assert_int_equal(closed, strcmp(jstr(a, "unit_code"), CLOSED) == 0);
        marked += closed;
    }
    assert_int_equal(marked, 2);
    json_decref(users);
    harness_cchc(&r, srv, list);
    assert_non_null(strstr(r.out, "đã ngừng hoạt động, cần chuyển"));
    run_result_free(&r);

    /* a unit that does not exist today is refused: the closed one, or none */
    const char *to_closed[] = {"user", "move", "nk.vanthu", "--unit", "Q-BINHTHUY", NULL};
    harness_cchc(&r, srv, to_closed);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "đang hoạt động hôm nay"));
    run_result_free(&r);
    const char *to_nowhere[] = {"user", "move", "nk.vanthu", "--unit", "KHONG-CO", NULL};
    harness_cchc(&r, srv, to_nowhere);
    assert_int_not_equal(r.exit_code, 0);
    run_result_free(&r);

    /* moved: answered with the account, audited, and the notice is gone */
    const char *move[] = {"user", "move", "nk.vanthu", "--unit", SUCCESSOR, NULL};
    json_t *moved = harness_cchc_json(srv, move);
    json_t *acc = json_array_get(json_object_get(moved, "accounts"), 0);
    assert_string_equal(jstr(acc, "unit_code"), SUCCESSOR);
    assert_false(json_is_true(json_object_get(acc, "unit_closed")));
    json_decref(moved);
    char *audit = harness_db_query(&fx.db, "SELECT detail->>'from' || '>' || (detail->>'to')"
                                           "  FROM audit_log WHERE action = 'account.move'"
                                           "   AND target = 'nk.vanthu'");
    assert_string_equal(audit, CLOSED ">" SUCCESSOR);
    free(audit);

    /* the moved clerk, in the session it had, now works for the successor */
    fixture_as(&fx, NK_CLERK);
    harness_cchc(&r, srv, whoami);
    assert_int_equal(r.exit_code, 0);
    assert_null(strstr(r.out, "đã ngừng hoạt động"));
    assert_non_null(strstr(r.out, SUCCESSOR));
    run_result_free(&r);
    const char *tasks[] = {"tasks", "--period", PERIOD, NULL};
    json_t *t = harness_cchc_json(srv, tasks);
    assert_true(json_array_size(json_object_get(t, "inherited")) > 0);
    json_decref(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_views_agree_before_and_after_the_district_closes),
        cmocka_unit_test(test_successor_sees_and_fixes_its_predecessors_open_reports),
        cmocka_unit_test(test_other_units_may_not_write_a_closed_units_reports),
        cmocka_unit_test(test_accounts_of_the_closed_unit_are_told_and_moved),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
