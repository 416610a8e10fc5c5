/* Cumulative periods and indicators (issue 13, Deliver 5), through the real
 * client against the real server: a 6M template is pre-filled from the Q1
 * report of the same task and says so ("Mang sang từ kỳ"); sent unchanged
 * it sends nothing and says how to confirm; a changed row, a row whose
 * cell the clerk cleared, and --confirm-carried send; a draft never sent
 * and the year before are not carried; a successor's template of a closed
 * unit behaves the same. Indicators: a name with ';', '=', quotes and
 * Vietnamese letters survives the template both ways; a resubmission
 * without indicators keeps them, "-" clears them; 64 pass client and
 * server, 65 are refused by both with one message. `template -o` never
 * replaces an existing file unless --force. */
#include <glob.h>
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

enum { CLERK, LEAD, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"},
};

#define HARD_NAME "Số hồ sơ; trực tuyến = \"mức 4\""

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "cumulative", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2024-Q1");
    harness_open_period(srv, "2024-6M");
    harness_open_period(srv, "2024-Y");
    harness_open_period(srv, "2025-Q1");
    harness_open_period(srv, "2025-6M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- the template as a spreadsheet holds it --------------------------------------- */

#define MAXCOLS 32
#define MAXROWS 200

/* A CSV as cchc writes it (every field quoted, CRLF, a BOM first). */
typedef struct sheet {
    int nrows, ncols[MAXROWS];
    char *cells[MAXROWS][MAXCOLS];
} sheet;

static void sheet_read(sheet *s, const char *path)
{
    memset(s, 0, sizeof(*s));
    char *text = harness_read_file(path);
    const char *p = text;
    if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (*p && s->nrows < MAXROWS) {
        int r = s->nrows++;
        while (1) {
            char buf[8192];
            size_t n = 0;
            if (*p == '"') {
                for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++) {
                    if (p[0] == '"')
                        p++; /* a doubled quote */
                    if (n < sizeof(buf) - 1)
                        buf[n++] = *p;
                }
                if (*p == '"')
                    p++;
            } else {
                while (*p && *p != ',' && *p != '\r' && *p != '\n' && n < sizeof(buf) - 1)
                    buf[n++] = *p++;
            }
            buf[n] = '\0';
            assert_true(s->ncols[r] < MAXCOLS);
            s->cells[r][s->ncols[r]++] = strdup(buf);
            if (*p == ',') {
                p++;
                continue;
            }
            break;
        }
        while (*p == '\r' || *p == '\n')
            p++;
    }
    free(text);
}

static void sheet_write(const sheet *s, const char *path)
{
    size_t cap = 1 << 20, used = 3;
    char *out = malloc(cap);
    assert_non_null(out);
    memcpy(out, "\xEF\xBB\xBF", 3);
    for (int r = 0; r < s->nrows; r++)
        for (int c = 0; c < s->ncols[r]; c++) {
            out[used++] = '"';
            for (const char *f = s->cells[r][c]; *f; f++) {
                if (*f == '"')
                    out[used++] = '"';
                out[used++] = *f;
            }
            out[used++] = '"';
            used += (size_t)snprintf(out + used, cap - used, "%s",
                                     c == s->ncols[r] - 1 ? "\r\n" : ",");
        }
    out[used] = '\0';
    harness_write_file(path, out);
    free(out);
}

static void sheet_free(sheet *s)
{
    for (int r = 0; r < s->nrows; r++)
        for (int c = 0; c < s->ncols[r]; c++)
            free(s->cells[r][c]);
}

/* The column under a header (found by name: other parts of issue 13 add
 * columns). */
static int col(const sheet *s, const char *header)
{
    for (int c = 0; c < s->ncols[0]; c++)
        if (strcmp(s->cells[0][c], header) == 0)
            return c;
    fail_msg("the template has no column \"%s\"", header);
    return -1;
}

static int row_of(const sheet *s, int task)
{
    int task_col = col(s, "Mã nhiệm vụ");
    for (int r = 1; r < s->nrows; r++)
        if (task_col < s->ncols[r] && atoi(s->cells[r][task_col]) == task)
            return r;
    fail_msg("the template has no row for task %d", task);
    return -1;
}

static const char *cell(const sheet *s, int task, const char *header)
{
    int r = row_of(s, task), c = col(s, header);
    return c < s->ncols[r] ? s->cells[r][c] : "";
}

static void set(sheet *s, int task, const char *header, const char *value)
{
    int r = row_of(s, task), c = col(s, header);
    assert_true(c < s->ncols[r]);
    free(s->cells[r][c]);
    s->cells[r][c] = strdup(value);
}

/* ---- helpers -------------------------------------------------------------------------- */

static void template_to(const char *period, const char *path, const char *unit)
{
    const char *args[] = {"template", "--period", period, "-o", path, "--force",
                          unit ? "--unit" : NULL, unit, NULL};
    harness_cchc_ok(srv, args);
}

static void submit_q(const char *period, const char *task, const char *progress,
                     const char *result, const char *extra, const char *extra2)
{
    const char *args[] = {"submit", "--task", task, "--period", period, "--status",
                          "đang triển khai", "--progress", progress, "--result", result,
                          extra, extra2, NULL};
    harness_cchc_ok(srv, args);
}

/* One column of the latest revision of Q-NINHKIEU's report, "" when none. */
static char *stored(const char *period, int task, const char *column)
{
    char expression[80];
    snprintf(expression, sizeof(expression), "v.%s", column);
    return harness_report_latest(&fx.db, period, "Q-NINHKIEU", task, expression);
}

static void assert_stored(const char *period, int task, const char *column, const char *expected)
{
    char *got = stored(period, task, column);
    if (strcmp(got, expected) != 0)
        fail_msg("%s task %d: %s is \"%s\", expected \"%s\"", period, task, column, got, expected);
    free(got);
}

/* A text field of cchc's --json ("" when not stated: JSON null). */
static const char *jtext(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *my_task(const char *period, int task_id)
{
    return harness_my_task(srv, period, task_id);
}

/* ---- the tests ------------------------------------------------------------------------- */

static void test_6m_carries_q1_until_changed_or_confirmed(void **state)
{
    (void)state;
    fixture_as(&fx, CLERK);
    char hard[200];
    snprintf(hard, sizeof(hard), "--indicator=%s=1234,5", HARD_NAME);
    submit_q("2024-Q1", "105", "40", "Quý I: 5.000 hồ sơ", hard, "--indicator=ty_le=99,5");
    submit_q("2024-Q1", "107", "30", "Quý I: 2 phường thiếu máy", NULL, NULL);
    submit_q("2024-Q1", "101", "20", "Quý I: rà soát 10 văn bản", NULL, NULL);
    /* a draft never sent is not the unit's word: not carried */
    submit_q("2024-Q1", "106", "10", "Nháp quý I", "--draft", NULL);
    assert_stored("2024-Q1", 105, "indicators",
                  "{\"ty_le\": \"99.5\", \"Số hồ sơ; trực tuyến = \\\"mức 4\\\"\": \"1234.5\"}");

    /* cchc tasks says where the pre-filled values come from */
    json_t *t = my_task("2024-6M", 105);
    assert_string_equal(jstr(t, "report_state"), "missing");
    assert_string_equal(jtext(t, "carried_from"), "2024-Q1");
    assert_int_equal(jint(t, "carried_revision"), 1);
    assert_string_equal(jstr(t, "progress"), "40");
    json_decref(t);
    t = my_task("2024-6M", 106);
    assert_string_equal(jtext(t, "carried_from"), "");
    assert_string_equal(jtext(t, "status"), "");
    json_decref(t);

    /* the template: Q1's values, and the period they come from */
    template_to("2024-6M", "cumulative-6m.csv", NULL);
    sheet s;
    sheet_read(&s, "cumulative-6m.csv");
    assert_string_equal(cell(&s, 105, "Trạng thái"), "đang triển khai");
    assert_string_equal(cell(&s, 105, "Tiến độ (%)"), "40");
    assert_string_equal(cell(&s, 105, "Kết quả đạt được"), "Quý I: 5.000 hồ sơ");
    assert_non_null(strstr(cell(&s, 105, "Giá trị chỉ số"),
                           "\"Số hồ sơ; trực tuyến = \\\"mức 4\\\"\"=1234,5"));
    assert_non_null(strstr(cell(&s, 105, "Giá trị chỉ số"), "ty_le=99,5"));
    assert_string_equal(cell(&s, 105, "Mang sang từ kỳ"), "2024-Q1, lần 1");
    assert_string_equal(cell(&s, 106, "Trạng thái"), "");
    assert_string_equal(cell(&s, 106, "Mang sang từ kỳ"), "");

    /* sent unchanged: nothing goes, and the clerk is told how to send */
    const char *send[] = {"submit", "--file", "cumulative-6m.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, send);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.out, "Không gửi gì kỳ 2024-6M"));
    assert_non_null(strstr(r.out, "3 dòng mang sang từ kỳ trước chưa được gửi"));
    assert_non_null(strstr(r.out, "--confirm-carried"));
    run_result_free(&r);
    char *count = harness_db_query(&fx.db, "SELECT count(*) FROM report WHERE period_id = '2024-6M'");
    assert_string_equal(count, "0");
    free(count);

    /* a new row is sent, and so is a carried row whose cell the clerk
     * cleared (confirmed as it is); the two untouched carried rows wait */
    set(&s, 106, "Trạng thái", "đang triển khai");
    set(&s, 106, "Tiến độ (%)", "35");
    set(&s, 106, "Kết quả đạt được", "6 tháng: rà soát 12 thủ tục");
    set(&s, 101, "Mang sang từ kỳ", "");
    sheet_write(&s, "cumulative-6m.csv");
    harness_cchc(&r, srv, send);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Đã gửi 2 báo cáo kỳ 2024-6M"));
    assert_non_null(strstr(r.out, "2 dòng mang sang từ kỳ trước chưa được gửi (2 chưa sửa"));
    run_result_free(&r);
    assert_stored("2024-6M", 106, "progress", "35.00");
    assert_stored("2024-6M", 101, "results", "Quý I: rà soát 10 văn bản");
    assert_stored("2024-6M", 105, "progress", "");
    assert_stored("2024-6M", 107, "progress", "");

    /* a changed carried row is sent, its carried indicators with it */
    set(&s, 105, "Tiến độ (%)", "60");
    sheet_write(&s, "cumulative-6m.csv");
    harness_cchc_ok(srv, send);
    assert_stored("2024-6M", 105, "progress", "60.00");
    assert_stored("2024-6M", 105, "results", "Quý I: 5.000 hồ sơ");
    assert_stored("2024-6M", 105, "indicators",
                  "{\"ty_le\": \"99.5\", \"Số hồ sơ; trực tuyến = \\\"mức 4\\\"\": \"1234.5\"}");
    assert_stored("2024-6M", 107, "progress", "");

    /* the clerk confirms the rest as they are */
    const char *confirm[] = {"submit", "--file", "cumulative-6m.csv", "--confirm-carried", NULL};
    harness_cchc_ok(srv, confirm);
    assert_stored("2024-6M", 107, "progress", "30.00");
    assert_stored("2024-6M", 107, "results", "Quý I: 2 phường thiếu máy");
    /* sent again: every row is what the server has, nothing new is written */
    char *before = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    harness_cchc_ok(srv, confirm);
    char *after = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    assert_string_equal(after, before);
    free(before);
    free(after);
    sheet_free(&s);
    unlink("cumulative-6m.csv");
    fixture_as(&fx, -1);
}

/* The year ends: 2025-Q1 starts afresh, not from 2024-Y. */
static void test_next_year_starts_afresh(void **state)
{
    (void)state;
    fixture_as(&fx, CLERK);
    submit_q("2024-Y", "109", "90", "Cả năm 2024: gần xong", NULL, NULL);
    json_t *t = my_task("2025-Q1", 109);
    assert_string_equal(jtext(t, "carried_from"), "");
    assert_string_equal(jtext(t, "status"), "");
    json_decref(t);
    template_to("2025-Q1", "cumulative-2025.csv", NULL);
    sheet s;
    sheet_read(&s, "cumulative-2025.csv");
    assert_string_equal(cell(&s, 109, "Trạng thái"), "");
    assert_string_equal(cell(&s, 109, "Mang sang từ kỳ"), "");
    sheet_free(&s);
    unlink("cumulative-2025.csv");
    fixture_as(&fx, -1);
}

/* Indicators stay unless changed; "-" clears them; the hard name comes back
 * from the template as itself (sent unchanged, nothing new is written). */
static void test_indicators_kept_cleared_and_round_tripped(void **state)
{
    (void)state;
    fixture_as(&fx, CLERK);
    char hard[200];
    snprintf(hard, sizeof(hard), "--indicator=%s=12530", HARD_NAME);
    submit_q("2024-Y", "110", "50", "Năm 2024: một nửa", hard, "--indicator=ty_le=0,1250");
    const char *expected =
        "{\"ty_le\": \"0.125\", \"Số hồ sơ; trực tuyến = \\\"mức 4\\\"\": \"12530\"}";
    assert_stored("2024-Y", 110, "indicators", expected);

    /* resubmitted without indicators: they stay */
    submit_q("2024-Y", "110", "55", "Năm 2024: hơn một nửa", NULL, NULL);
    assert_stored("2024-Y", 110, "revision", "2");
    assert_stored("2024-Y", 110, "indicators", expected);

    /* through the template and back, untouched: the same indicators, so
     * the row is unchanged and nothing is written */
    template_to("2024-Y", "cumulative-y.csv", NULL);
    sheet s;
    sheet_read(&s, "cumulative-y.csv");
    assert_non_null(strstr(cell(&s, 110, "Giá trị chỉ số"), "ty_le=0,1250"));
    sheet_free(&s);
    const char *send[] = {"submit", "--file", "cumulative-y.csv", NULL};
    harness_cchc_ok(srv, send);
    assert_stored("2024-Y", 110, "revision", "2");
    assert_stored("2024-Y", 110, "indicators", expected);

    /* the hard name edited in the sheet: only its value changes */
    sheet_read(&s, "cumulative-y.csv");
    set(&s, 110, "Giá trị chỉ số", "\"Số hồ sơ; trực tuyến = \\\"mức 4\\\"\"=13000; ty_le=0,1250");
    sheet_write(&s, "cumulative-y.csv");
    sheet_free(&s);
    harness_cchc_ok(srv, send);
    assert_stored("2024-Y", 110, "revision", "3");
    assert_stored("2024-Y", 110, "indicators",
                  "{\"ty_le\": \"0.125\", \"Số hồ sơ; trực tuyến = \\\"mức 4\\\"\": \"13000\"}");

    /* an ambiguous value is refused, nothing saved */
    const char *ambiguous[] = {"submit", "--task", "110", "--period", "2024-Y", "--status",
                               "đang triển khai", "--progress", "60", "--result", "x",
                               "--indicator", "so_ho_so=12.530", NULL};
    run_result r;
    harness_cchc(&r, srv, ambiguous);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "Giá trị chỉ số"));
    run_result_free(&r);
    assert_stored("2024-Y", 110, "revision", "3");

    /* the explicit clear */
    const char *clear[] = {"submit", "--task", "110", "--period", "2024-Y", "--status",
                           "đang triển khai", "--progress", "60", "--result", "Năm 2024",
                           "--indicator", "-", NULL};
    harness_cchc_ok(srv, clear);
    assert_stored("2024-Y", 110, "revision", "4");
    assert_stored("2024-Y", 110, "indicators", "{}");
    unlink("cumulative-y.csv");
    fixture_as(&fx, -1);
}

/* Task 111's row of a 2024-Y template filled with n indicators in its cell
 * (too many for command-line options), then sent. */
static void submit_with_indicators(int n, run_result *r)
{
    template_to("2024-Y", "cumulative-limit.csv", NULL);
    sheet s;
    sheet_read(&s, "cumulative-limit.csv");
    char cell_text[4096] = "";
    size_t used = 0;
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(cell_text + used, sizeof(cell_text) - used, "%schỉ số %02d=%d",
                                 i ? "; " : "", i, i + 1);
    set(&s, 111, "Trạng thái", "đang triển khai");
    set(&s, 111, "Tiến độ (%)", "10");
    set(&s, 111, "Kết quả đạt được", "Bắt đầu");
    set(&s, 111, "Giá trị chỉ số", cell_text);
    sheet_write(&s, "cumulative-limit.csv");
    sheet_free(&s);
    const char *args[] = {"submit", "--file", "cumulative-limit.csv", NULL};
    harness_cchc(r, srv, args);
    unlink("cumulative-limit.csv");
}

static void test_one_limit_for_client_and_server(void **state)
{
    (void)state;
    fixture_as(&fx, CLERK);
    run_result r;
    submit_with_indicators(64, &r);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    char *n = harness_db_query(
        &fx.db, "SELECT count(*) FROM report x JOIN report_revision v ON v.report_id = x.id"
                " AND v.revision = x.revision, jsonb_object_keys(v.indicators)"
                " WHERE x.period_id = '2024-Y' AND x.task_id = 111 AND x.unit_code = 'Q-NINHKIEU'");
    assert_string_equal(n, "64");
    free(n);

    /* 65: the client refuses before sending … */
    submit_with_indicators(65, &r);
    assert_int_equal(r.exit_code, 2);
    const char *message = "tối đa 64 chỉ số mỗi báo cáo, có 65"; /* the client speaks Vietnamese */
    assert_non_null(strstr(r.err, message));
    run_result_free(&r);

    /* … with the reason the server sends when an older client sends them:
     * the same id and arguments, English in message */
    char token[128];
    harness_home_token(fx.homes[CLERK], token, sizeof(token));
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    Cchc__V1__Indicator inds[65], *ptrs[65];
    char names[65][16];
    for (int i = 0; i < 65; i++) {
        Cchc__V1__Indicator init = CCHC__V1__INDICATOR__INIT;
        inds[i] = init;
        snprintf(names[i], sizeof(names[i]), "c%d", i);
        inds[i].name = names[i];
        inds[i].value = "1";
        ptrs[i] = &inds[i];
    }
    Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT, *rows[] = {&row};
    row.line = 1;
    row.task_id = 111;
    row.status = "in_progress";
    row.progress = "20";
    row.results = "Gửi thẳng";
    row.idempotency_key = "too-many-indicators-0123456789";
    row.base_revision = 1;
    row.indicators = ptrs;
    row.n_indicators = 65;
    Cchc__V1__ReportSubmitRequest body = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    body.period_id = "2024-Y";
    body.rows = rows;
    body.n_rows = 1;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 2;
    req.session_token = token;
    req.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req.report_submit = &body;
    raw_send_request(fd, &req);
    Cchc__V1__Response *resp = raw_read_response(fd, 10000);
    assert_non_null(resp);
    assert_non_null(resp->error);
    int said = 0;
    for (size_t i = 0; i < resp->error->n_details; i++) {
        const Cchc__V1__FieldError *d = resp->error->details[i];
        said |= d->message_id &&
                strcmp(d->message_id, "too many indicators: at most %s per report, %s given") == 0 &&
                d->n_args == 2 && strcmp(d->args[0], "64") == 0 && strcmp(d->args[1], "65") == 0 &&
                strcmp(d->message, "too many indicators: at most 64 per report, 65 given") == 0;
    }
    assert_true(said);
    cchc__v1__response__free_unpacked(resp, NULL);
    close(fd);
    assert_stored("2024-Y", 111, "revision", "1");
    fixture_as(&fx, -1);
}

static void test_template_never_overwrites_silently(void **state)
{
    (void)state;
    fixture_as(&fx, CLERK);
    const char *filled = "Mã nhiệm vụ,Trạng thái\r\n105,đang triển khai (đã điền, chưa gửi)\r\n";
    harness_write_file("cumulative-filled.csv", filled);
    const char *args[] = {"template", "--period", "2024-6M", "-o", "cumulative-filled.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "không ghi đè"));
    assert_non_null(strstr(r.err, "--force"));
    run_result_free(&r);
    char *now = harness_read_file("cumulative-filled.csv");
    assert_string_equal(now, filled); /* byte for byte */
    free(now);
    /* --force replaces it, and no temporary file is left beside it */
    const char *force[] = {"template", "--period", "2024-6M", "-o", "cumulative-filled.csv",
                           "--force", NULL};
    harness_cchc_ok(srv, force);
    now = harness_read_file("cumulative-filled.csv");
    assert_memory_equal(now, "\xEF\xBB\xBF", 3);
    assert_non_null(strstr(now, "Mang sang từ kỳ"));
    free(now);
    glob_t g;
    assert_int_equal(glob("cumulative-filled.csv.tmp-*", 0, NULL, &g), GLOB_NOMATCH);
    unlink("cumulative-filled.csv");
    fixture_as(&fx, -1);
}

/* A successor writing a closed unit's report (--unit) gets the same: the
 * closed unit's Q1 carried into its 6M, held back until confirmed. */
static void test_successor_gets_the_same(void **state)
{
    (void)state;
    fixture_as(&fx, CLERK);
    submit_q("2025-Q1", "105", "45", "Quý I/2025: 6.000 hồ sơ", NULL, NULL);
    fixture_as(&fx, -1);
    const char *merge[] = {"units", "merge", "Q-NINHKIEU", "Q-BINHTHUY", "--into", "KV-NINHKIEU",
                           "--name", "Khu vực Ninh Kiều", "--on", "2025-07-01", NULL};
    harness_cchc_ok(srv, merge);
    char home[64];
    harness_new_home(home, sizeof(home));
    harness_use_home(fx.home);
    harness_add_account(srv, "kv.baocao", "Bao-cao-Khu-vuc-2025", "KV-NINHKIEU", "reporter");
    harness_use_home(home);
    assert_int_equal(harness_login(srv, "kv.baocao", "Bao-cao-Khu-vuc-2025"), 0);

    template_to("2025-6M", "cumulative-kv.csv", "Q-NINHKIEU");
    sheet s;
    sheet_read(&s, "cumulative-kv.csv");
    assert_string_equal(cell(&s, 105, "Mang sang từ kỳ"), "2025-Q1, lần 1");
    assert_string_equal(cell(&s, 105, "Tiến độ (%)"), "45");
    sheet_free(&s);
    const char *send[] = {"submit", "--file", "cumulative-kv.csv", "--unit", "Q-NINHKIEU", NULL};
    run_result r;
    harness_cchc(&r, srv, send);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.out, "Không gửi gì kỳ 2025-6M"));
    assert_non_null(strstr(r.out, "--unit Q-NINHKIEU --confirm-carried"));
    run_result_free(&r);
    assert_stored("2025-6M", 105, "progress", "");
    const char *confirm[] = {"submit", "--file", "cumulative-kv.csv", "--unit", "Q-NINHKIEU",
                             "--confirm-carried", NULL};
    harness_cchc_ok(srv, confirm);
    assert_stored("2025-6M", 105, "progress", "45.00");
    assert_stored("2025-6M", 105, "username", "kv.baocao");
    unlink("cumulative-kv.csv");
    harness_use_home(fx.home);
    harness_remove_home(home);
    fixture_as(&fx, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_6m_carries_q1_until_changed_or_confirmed),
        cmocka_unit_test(test_next_year_starts_afresh),
        cmocka_unit_test(test_indicators_kept_cleared_and_round_tripped),
        cmocka_unit_test(test_one_limit_for_client_and_server),
        cmocka_unit_test(test_template_never_overwrites_silently),
        cmocka_unit_test(test_successor_gets_the_same), /* last: it merges the district */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
