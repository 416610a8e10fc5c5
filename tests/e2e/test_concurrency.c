/* Issue 10, parts 1 and 2, end to end through the real client: reports
 * are written with optimistic concurrency, and returned means returned.
 * Two clerks of one district fill templates made from the same state: the
 * second is refused as a conflict naming the rows the first changed, and
 * nothing of the first is lost; --rebase applies the second clerk's cells
 * onto the first's revisions, keeping both. Two clerks changing the same
 * cell: --rebase lists the collision and sends nothing. An unchanged
 * resend of a returned report leaves it returned; --resubmit sends it
 * back. A submission that waited in the outbox while someone saved a newer
 * revision is refused, kept, and rebased by `cchc outbox send --rebase`.
 * A script's --base-revision is judged the same way; a template older than
 * the base column may not overwrite a report that has a revision. */
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

enum { CLERK_A, CLERK_B, LEAD_REVIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.lan", "Bao-cao-Ninh-Kieu-Lan-2023", "Q-NINHKIEU", "reporter"},
    {"nk.minh", "Bao-cao-Ninh-Kieu-Minh-2023", "Q-NINHKIEU", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2023", "VP-UBND", "reviewer"},
};

/* The template's columns (client/formats/report_csv.h). */
enum { COL_TASK = 1, COL_STATUS = 4, COL_PROGRESS = 5, COL_RESULTS = 6, COL_PROPOSALS = 8,
       COL_BASE = 12, MAXCOLS = 32 };

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "concurrency", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    harness_open_period(srv, "2023-9M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- the template as a spreadsheet would change it --------------------------- */

/* Reads one quoted CSV field at *p (as csv_write_field writes them: always
 * quoted, quotes doubled) into out; moves *p past its separator. */
static void read_field(const char **p, char *out, size_t size)
{
    size_t n = 0;
    const char *s = *p;
    if (*s == '"') {
        for (s++; *s && !(s[0] == '"' && s[1] != '"'); s++) {
            if (s[0] == '"')
                s++; /* a doubled quote */
            if (n < size - 1)
                out[n++] = *s;
        }
        if (*s == '"')
            s++;
    }
    out[n] = '\0';
    if (*s == ',')
        s++;
    *p = s;
}

/* Sets one cell of a task's row in a template file, the other cells and
 * rows as the template had them. */
static void set_cell(const char *path, int task, int col, const char *value)
{
    char *text = harness_read_file(path);
    size_t cap = strlen(text) * 2 + 4096, used = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    const char *p = text;
    if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) {
        memcpy(out, p, 3);
        used = 3;
        p += 3;
    }
    while (*p) {
        const char *end = strstr(p, "\r\n");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *line = strndup(p, len);
        const char *q = line;
        /* every column the template has (issue 13 added "Mang sang từ
         * kỳ" after the base: dropping it would confirm carried rows) */
        static char fields[MAXCOLS][4096];
        int ncols = 0;
        while (ncols < MAXCOLS && (ncols == 0 || *q))
            read_field(&q, fields[ncols++], sizeof(fields[0]));
        while (ncols <= COL_BASE)
            fields[ncols++][0] = '\0';
        if (atoi(fields[COL_TASK]) == task)
            snprintf(fields[col], sizeof(fields[col]), "%s", value);
        for (int c = 0; c < ncols; c++) {
            out[used++] = '"';
            for (const char *f = fields[c]; *f; f++) {
                if (*f == '"')
                    out[used++] = '"';
                out[used++] = *f;
            }
            out[used++] = '"';
            used += (size_t)snprintf(out + used, cap - used, "%s", c == ncols - 1 ? "\r\n" : ",");
        }
        free(line);
        p += len + (end ? 2 : 0);
    }
    out[used] = '\0';
    harness_write_file(path, out);
    free(out);
    free(text);
}

static void make_template(int who, const char *period, const char *path)
{
    fixture_as(&fx, who);
    /* --force: a test writes the same file again (issue 13: an existing
     * file is never replaced without it) */
    const char *args[] = {"template", "--period", period, "-o", path, "--force", NULL};
    harness_cchc_ok(srv, args);
}

/* ---- what the server holds ------------------------------------------------------- */

/* One column of a unit's report's latest revision, straight from the
 * database ("" when there is no report). */
static char *latest(const char *period, int task, const char *column)
{
    char expression[80];
    snprintf(expression, sizeof(expression), "v.%s", column);
    return harness_report_latest(&fx.db, period, "Q-NINHKIEU", task, expression);
}

static char *report_field(const char *period, int task, const char *column)
{
    char sql[600];
    snprintf(sql, sizeof(sql),
             "SELECT coalesce((SELECT x.%s::text FROM report x WHERE x.period_id = '%s'"
             " AND x.unit_code = 'Q-NINHKIEU' AND x.task_id = %d), '')",
             column, period, task);
    return harness_db_query(&fx.db, sql);
}

static void assert_latest(const char *period, int task, const char *column, const char *expected)
{
    char *got = latest(period, task, column);
    if (strcmp(got, expected) != 0)
        fail_msg("%s task %d: %s is \"%s\", expected \"%s\"", period, task, column, got, expected);
    free(got);
}

static void assert_report(const char *period, int task, const char *column, const char *expected)
{
    char *got = report_field(period, task, column);
    if (strcmp(got, expected) != 0)
        fail_msg("%s task %d: report.%s is \"%s\", expected \"%s\"", period, task, column, got,
                 expected);
    free(got);
}

static void submit_task(int who, const char *period, const char *task, const char *progress,
                        const char *result)
{
    fixture_as(&fx, who);
    const char *args[] = {"submit", "--task", task, "--period", period, "--status",
                          "đang triển khai", "--progress", progress, "--result", result, NULL};
    harness_cchc_ok(srv, args);
}

/* ---- the tests --------------------------------------------------------------------- */

/* The race of the issue: two templates from the same state, different
 * rows changed in each. */
static void test_two_clerks_race(void **state)
{
    (void)state;
    submit_task(CLERK_A, "2023-6M", "105", "40", "Quý I: 5.000 hồ sơ");
    submit_task(CLERK_A, "2023-6M", "106", "40", "Quý I: rà soát 10 thủ tục");
    submit_task(CLERK_A, "2023-6M", "107", "40", "Quý I: 2 phường thiếu máy");
    make_template(CLERK_A, "2023-6M", "lan.csv");
    make_template(CLERK_B, "2023-6M", "minh.csv");

    /* Lan updates 105 and the progress of 107, and sends first */
    set_cell("lan.csv", 105, COL_RESULTS, "6 tháng: 12.345 hồ sơ");
    set_cell("lan.csv", 105, COL_PROGRESS, "60");
    set_cell("lan.csv", 107, COL_PROGRESS, "55");
    fixture_as(&fx, CLERK_A);
    const char *send_lan[] = {"submit", "--file", "lan.csv", NULL};
    harness_cchc_ok(srv, send_lan);

    /* Minh updates 106 and the proposals of 107; his file still holds the
     * old 105 and 107: sent as before, it would put them back */
    set_cell("minh.csv", 106, COL_RESULTS, "6 tháng: rà soát 24 thủ tục");
    set_cell("minh.csv", 107, COL_PROPOSALS, "Đề nghị cấp 2 máy scan");
    fixture_as(&fx, CLERK_B);
    const char *send_minh[] = {"submit", "--file", "minh.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, send_minh);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "đã có thay đổi mới hơn"));
    assert_non_null(strstr(r.err, "nhiệm vụ 105 đã có lần 2 do nk.lan lưu"));
    assert_non_null(strstr(r.err, "nhiệm vụ 107 đã có lần 2 do nk.lan lưu"));
    assert_null(strstr(r.err, "task 106 is at")); /* nobody changed 106 */
    assert_non_null(strstr(r.err, "--rebase"));
    assert_non_null(strstr(r.err, "cchc template"));
    run_result_free(&r);
    /* nothing of Lan's is lost, nothing of Minh's is saved */
    assert_latest("2023-6M", 105, "results", "6 tháng: 12.345 hồ sơ");
    assert_report("2023-6M", 105, "revision", "2");
    assert_latest("2023-6M", 107, "progress", "55.00");
    assert_report("2023-6M", 106, "revision", "1");
    assert_latest("2023-6M", 106, "results", "Quý I: rà soát 10 thủ tục");

    /* --rebase: Minh's cells onto Lan's revisions, both kept */
    const char *rebase[] = {"--json", "submit", "--file", "minh.csv", "--rebase", NULL};
    json_t *saved = harness_cchc_json(srv, rebase);
    json_decref(saved);
    assert_latest("2023-6M", 105, "results", "6 tháng: 12.345 hồ sơ");
    assert_report("2023-6M", 105, "revision", "2"); /* unchanged after the rebase: not written */
    assert_latest("2023-6M", 106, "results", "6 tháng: rà soát 24 thủ tục");
    assert_report("2023-6M", 106, "revision", "2");
    assert_latest("2023-6M", 107, "progress", "55.00");                    /* Lan's */
    assert_latest("2023-6M", 107, "proposals", "Đề nghị cấp 2 máy scan"); /* Minh's */
    assert_latest("2023-6M", 107, "username", "nk.minh");
    assert_report("2023-6M", 107, "revision", "3");
    unlink("lan.csv");
    unlink("minh.csv");
}

/* Both clerks change the same cell: the rebase lists the collision and
 * sends nothing. */
static void test_same_cell_collides(void **state)
{
    (void)state;
    submit_task(CLERK_A, "2023-6M", "102", "30", "Đã xây dựng kế hoạch");
    make_template(CLERK_A, "2023-6M", "lan.csv");
    make_template(CLERK_B, "2023-6M", "minh.csv");
    set_cell("lan.csv", 102, COL_RESULTS, "Đã ban hành kế hoạch số 12/KH");
    set_cell("minh.csv", 102, COL_RESULTS, "Đã trình dự thảo kế hoạch");
    set_cell("minh.csv", 102, COL_PROGRESS, "35");
    fixture_as(&fx, CLERK_A);
    const char *send_lan[] = {"submit", "--file", "lan.csv", NULL};
    harness_cchc_ok(srv, send_lan);
    char *before = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");

    fixture_as(&fx, CLERK_B);
    const char *rebase[] = {"submit", "--file", "minh.csv", "--rebase", NULL};
    run_result r;
    harness_cchc(&r, srv, rebase);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "nhiệm vụ 102, cột \"Kết quả đạt được\""));
    assert_non_null(strstr(r.err, "Đã trình dự thảo kế hoạch"));
    assert_non_null(strstr(r.err, "Đã ban hành kế hoạch số 12/KH"));
    assert_null(strstr(r.err, "cột \"Tiến độ (%)\"")); /* only Minh changed the progress */
    assert_non_null(strstr(r.err, "không gửi gì"));
    run_result_free(&r);
    char *after = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    assert_string_equal(after, before);
    free(after);
    free(before);
    assert_latest("2023-6M", 102, "results", "Đã ban hành kế hoạch số 12/KH");
    assert_latest("2023-6M", 102, "progress", "30.00");

    /* a script names its base with --base-revision: an old one conflicts */
    const char *old_base[] = {"submit", "--task", "102", "--period", "2023-6M", "--status",
                              "đang triển khai", "--progress", "35", "--result",
                              "Đã trình dự thảo kế hoạch", "--base-revision", "1", NULL};
    harness_cchc(&r, srv, old_base);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "nhiệm vụ 102 đã có lần 2 do nk.lan lưu"));
    assert_non_null(strstr(r.err, "bản của bạn làm từ lần 1"));
    run_result_free(&r);
    assert_report("2023-6M", 102, "revision", "2");
    old_base[12] = "2";
    harness_cchc_ok(srv, old_base);
    assert_report("2023-6M", 102, "revision", "3");
    assert_latest("2023-6M", 102, "username", "nk.minh");
    old_base[12] = "hai";
    harness_cchc(&r, srv, old_base);
    assert_int_equal(r.exit_code, 2);
    run_result_free(&r);
    unlink("lan.csv");
    unlink("minh.csv");
}

/* An unchanged resend leaves a returned report returned; --resubmit, and
 * only it (or a change), sends it back. */
static void test_returned_means_returned(void **state)
{
    (void)state;
    submit_task(CLERK_A, "2023-9M", "105", "70", "9 tháng: 20.000 hồ sơ");
    make_template(CLERK_A, "2023-9M", "truoc.csv"); /* the template from before the return */
    fixture_as(&fx, LEAD_REVIEWER);
    /* the review names the revision read (ID@REV) */
    char *id = harness_db_query(&fx.db,
        "SELECT id || '@' || revision FROM report "
        "WHERE period_id = '2023-9M' AND unit_code = 'Q-NINHKIEU' AND task_id = 105");
    const char *ret[] = {"review", "return", id, "--reason", "Thiếu số hồ sơ trễ hạn", NULL};
    harness_cchc_ok(srv, ret);
    free(id);

    /* the same template again, and a fresh one, unchanged: still returned */
    make_template(CLERK_A, "2023-9M", "sau.csv");
    const char *again[] = {"submit", "--file", "truoc.csv", NULL};
    const char *fresh[] = {"submit", "--file", "sau.csv", NULL};
    for (int i = 0; i < 2; i++) {
        run_result r;
        harness_cchc(&r, srv, i == 0 ? again : fresh);
        assert_int_equal(r.exit_code, 0);
        assert_non_null(strstr(r.out, "Nhiệm vụ 105 vẫn bị trả lại"));
        assert_non_null(strstr(r.out, "--resubmit"));
        run_result_free(&r);
        assert_report("2023-9M", 105, "state", "returned");
        assert_report("2023-9M", 105, "revision", "1");
        assert_report("2023-9M", 105, "return_reason", "Thiếu số hồ sơ trễ hạn");
    }
    const char *json_again[] = {"--json", "submit", "--file", "sau.csv", NULL};
    json_t *s = harness_cchc_json(srv, json_again);
    json_t *rows = json_object_get(s, "saved");
    for (size_t i = 0; i < json_array_size(rows); i++)
        if (jint(json_array_get(rows, i), "task_id") == 105) {
            assert_string_equal(jstr(json_array_get(rows, i), "state"), "returned");
            assert_true(json_boolean_value(json_object_get(json_array_get(rows, i), "replayed")));
        }
    json_decref(s);

    /* --resubmit goes only with --task, takes no new values, and only for a returned report */
    const char *with_file[] = {"submit", "--file", "sau.csv", "--resubmit", NULL};
    const char *with_values[] = {"submit", "--task", "105", "--period", "2023-9M", "--resubmit",
                                 "--progress", "80", NULL};
    const char *not_returned[] = {"submit", "--task", "106", "--period", "2023-6M", "--resubmit", NULL};
    const char *const *usage[] = {with_file, with_values, not_returned};
    for (int i = 0; i < 3; i++) {
        run_result r;
        harness_cchc(&r, srv, usage[i]);
        assert_int_equal(r.exit_code, 2);
        run_result_free(&r);
    }
    assert_report("2023-9M", 105, "state", "returned");

    /* the unit disagrees with the reason: --resubmit sends it back as it is */
    const char *resubmit[] = {"submit", "--task", "105", "--period", "2023-9M", "--resubmit", NULL};
    harness_cchc_ok(srv, resubmit);
    assert_report("2023-9M", 105, "state", "submitted");
    assert_report("2023-9M", 105, "revision", "2");
    assert_report("2023-9M", 105, "return_reason", "");
    assert_latest("2023-9M", 105, "results", "9 tháng: 20.000 hồ sơ");
    assert_latest("2023-9M", 105, "changed", "{}");
    unlink("truoc.csv");
    unlink("sau.csv");
}

/* A submission waits in the outbox while a colleague saves a newer
 * revision: sent late, it is refused, nothing is reverted, and it stays
 * in the outbox until rebased (or discarded). */
static void test_outbox_late_send_conflicts(void **state)
{
    (void)state;
    submit_task(CLERK_A, "2023-9M", "106", "50", "9 tháng: rà soát 30 thủ tục");
    make_template(CLERK_A, "2023-9M", "lan.csv");
    set_cell("lan.csv", 106, COL_PROPOSALS, "Đề nghị tập huấn cho cán bộ một cửa");
    /* Lan's office loses the server: her file waits in the outbox */
    assert_int_equal(harness_server_stop(srv), 0);
    fixture_as(&fx, CLERK_A);
    const char *send_lan[] = {"submit", "--file", "lan.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, send_lan);
    assert_int_equal(r.exit_code, 3);
    run_result_free(&r);
    harness_server_restart(srv, fx.db.conninfo, NULL);

    /* meanwhile Minh saves a newer revision */
    submit_task(CLERK_B, "2023-9M", "106", "65", "9 tháng: rà soát 41 thủ tục");

    /* Lan's next command sends what waits: refused, kept, and said so */
    fixture_as(&fx, CLERK_A);
    const char *tasks[] = {"tasks", "--period", "2023-9M", NULL};
    harness_cchc(&r, srv, tasks);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "nhiệm vụ 106 đã có lần 2 do nk.minh lưu"));
    assert_non_null(strstr(r.err, "cchc outbox send --rebase"));
    assert_non_null(strstr(r.err, "cchc outbox discard"));
    run_result_free(&r);
    const char *count[] = {"--json", "outbox", NULL};
    json_t *c = harness_cchc_json(srv, count);
    assert_int_equal(jint(c, "waiting"), 1);
    json_decref(c);
    assert_latest("2023-9M", 106, "results", "9 tháng: rà soát 41 thủ tục"); /* not reverted */
    assert_latest("2023-9M", 106, "progress", "65.00");
    assert_report("2023-9M", 106, "revision", "2");
    /* a plain send keeps it waiting too */
    const char *send[] = {"outbox", "send", NULL};
    harness_cchc(&r, srv, send);
    assert_int_equal(r.exit_code, 3);
    run_result_free(&r);
    c = harness_cchc_json(srv, count);
    assert_int_equal(jint(c, "waiting"), 1);
    json_decref(c);

    /* rebased: Lan's proposal onto Minh's figures */
    const char *rebase[] = {"outbox", "send", "--rebase", NULL};
    harness_cchc_ok(srv, rebase);
    c = harness_cchc_json(srv, count);
    assert_int_equal(jint(c, "waiting"), 0);
    json_decref(c);
    assert_latest("2023-9M", 106, "results", "9 tháng: rà soát 41 thủ tục");
    assert_latest("2023-9M", 106, "progress", "65.00");
    assert_latest("2023-9M", 106, "proposals", "Đề nghị tập huấn cho cán bộ một cửa");
    assert_report("2023-9M", 106, "revision", "3");
    unlink("lan.csv");
}

/* `submit --task` made while the server is away cannot ask for the
 * report's latest revision; when it is finally sent, its base is the
 * revision that was the latest when the clerk made it. A colleague's
 * revision saved after that is a conflict (kept, nothing reverted); the
 * clerk's own earlier revision is the base (sent as usual). */
static void test_offline_task_submission_never_reverts(void **state)
{
    (void)state;
    run_result r;
    const char *send[] = {"outbox", "send", NULL};
    const char *count[] = {"--json", "outbox", NULL};

    /* Lan types 108 while the server is away; Minh saves 108 afterwards */
    assert_int_equal(harness_server_stop(srv), 0);
    fixture_as(&fx, CLERK_A);
    const char *lan[] = {"submit", "--task", "108", "--period", "2023-9M", "--status",
                         "đang triển khai", "--progress", "10", "--result", "Lan, ngoại tuyến",
                         NULL};
    harness_cchc(&r, srv, lan);
    assert_int_equal(r.exit_code, 3);
    run_result_free(&r);
    harness_server_restart(srv, fx.db.conninfo, NULL);
    submit_task(CLERK_B, "2023-9M", "108", "60", "Minh, sau đó");
    fixture_as(&fx, CLERK_A);
    harness_cchc(&r, srv, send);
    assert_int_equal(r.exit_code, 3);
    assert_non_null(strstr(r.err, "nhiệm vụ 108 đã có lần 1 do nk.minh lưu"));
    run_result_free(&r);
    json_t *c = harness_cchc_json(srv, count);
    assert_int_equal(jint(c, "waiting"), 1);
    json_decref(c);
    assert_latest("2023-9M", 108, "results", "Minh, sau đó"); /* not reverted */
    assert_report("2023-9M", 108, "revision", "1");
    const char *discard[] = {"outbox", "discard", "--yes", NULL};
    harness_cchc_ok(srv, discard);

    /* Lan's own earlier revision of 109 is what her offline one replaces
     * (saved_at has whole seconds: one second apart, it is surely earlier) */
    submit_task(CLERK_A, "2023-9M", "109", "10", "Lan, lần 1");
    sleep(1);
    assert_int_equal(harness_server_stop(srv), 0);
    fixture_as(&fx, CLERK_A);
    const char *lan2[] = {"submit", "--task", "109", "--period", "2023-9M", "--status",
                          "đang triển khai", "--progress", "20", "--result", "Lan, lần 2",
                          NULL};
    harness_cchc(&r, srv, lan2);
    assert_int_equal(r.exit_code, 3);
    run_result_free(&r);
    harness_server_restart(srv, fx.db.conninfo, NULL);
    harness_cchc_ok(srv, send);
    c = harness_cchc_json(srv, count);
    assert_int_equal(jint(c, "waiting"), 0);
    json_decref(c);
    assert_latest("2023-9M", 109, "results", "Lan, lần 2");
    assert_report("2023-9M", 109, "revision", "2");
    fixture_as(&fx, -1);
}

/* A template older than the base column reads as "no base": its changed
 * rows are refused where the report has a revision, with the way out. */
static void test_template_without_base(void **state)
{
    (void)state;
    submit_task(CLERK_A, "2023-9M", "107", "20", "Bắt đầu");
    submit_task(CLERK_A, "2023-9M", "110", "30", "Không đổi");
    make_template(CLERK_A, "2023-9M", "cu.csv");
    set_cell("cu.csv", 107, COL_BASE, "");
    set_cell("cu.csv", 107, COL_PROGRESS, "25");
    set_cell("cu.csv", 110, COL_BASE, ""); /* untouched, as in an old template */
    const char *send[] = {"submit", "--file", "cu.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, send);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "bản của bạn làm từ lần 0"));
    run_result_free(&r);
    const char *rebase[] = {"submit", "--file", "cu.csv", "--rebase", NULL};
    harness_cchc(&r, srv, rebase);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "không rõ dòng này làm từ phiên bản nào"));
    /* only the changed row is named; the untouched one is no collision */
    assert_null(strstr(r.err, "nhiệm vụ 110"));
    assert_non_null(strstr(r.err, "1 dòng đã sửa không rõ làm từ phiên bản nào"));
    assert_null(strstr(r.err, "cả bạn và người khác đều đã sửa")); /* no collision summary */
    run_result_free(&r);
    assert_latest("2023-9M", 107, "progress", "20.00");
    /* the same file with its rows unchanged is still accepted as unchanged */
    set_cell("cu.csv", 107, COL_PROGRESS, "20");
    harness_cchc_ok(srv, send);
    assert_report("2023-9M", 107, "revision", "1");
    unlink("cu.csv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_clerks_race),
        cmocka_unit_test(test_same_cell_collides),
        cmocka_unit_test(test_returned_means_returned),
        cmocka_unit_test(test_outbox_late_send_conflicts),
        cmocka_unit_test(test_offline_task_submission_never_reverts),
        cmocka_unit_test(test_template_without_base),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
