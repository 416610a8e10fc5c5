/* The quarterly job end to end, through the real client: a district
 * office downloads its template, fills it, submits it (a file with errors
 * is refused whole, every error listed); resubmission and history; draft
 * then submit; a lead agency returns one report with a reason, the unit
 * fixes it, the lead agency accepts; a district returns a commune's
 * report; approval locks the period and refuses further changes; a closed
 * period marks submissions late; a duplicate send yields one revision; the
 * outbox delivers exactly once after the server comes back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { DISTRICT_REPORTER, DISTRICT_REVIEWER, COMMUNE_REPORTER, LEAD_REVIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"nk.kiemtra", "Kiem-tra-Ninh-Kieu-2023", "Q-NINHKIEU", "reviewer"},
    {"tanan.baocao", "Bao-cao-Tan-An-2023", "31117", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2023", "VP-UBND", "reviewer"},
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "reports", NULL);
    harness_import_communes(srv, "31117,Phường Tân An,Q-NINHKIEU\n31120,Phường An Hòa,Q-NINHKIEU\n");
    fixture_add_people(&fx, people, NPEOPLE, 1);
    /* the period is open, with deadlines ahead so reports are on time */
    harness_open_period(srv, "2023-6M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

static json_t *my_task(const char *period, int task_id)
{
    return harness_my_task(srv, period, task_id);
}

/* Reads a template, fills the rows of the given tasks with one line of
 * values each ("status;progress;results;difficulties;proposals;indicators"),
 * and writes it back as CSV, keeping each row's base revision (the 13th
 * column) as a spreadsheet would. */
static void fill_template(const char *path, const int *tasks, const char *const *values, int n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192], out_text[1 << 18] = "";
    size_t used = 0;
    while (fgets(line, sizeof(line), f)) {
        int task = 0;
        if (sscanf(line, "\"%*[^\"]\",\"%d\"", &task) != 1 &&
            sscanf(line, "\xEF\xBB\xBF\"%*[^\"]\",\"%d\"", &task) != 1)
            task = 0;
        int k = -1;
        for (int i = 0; i < n; i++)
            if (tasks[i] == task)
                k = i;
        if (k < 0) {
            used += (size_t)snprintf(out_text + used, sizeof(out_text) - used, "%s", line);
            continue;
        }
        char v[6][512], base[16] = "";
        memset(v, 0, sizeof(v));
        /* "Phiên bản gốc" is the 13th column (columns after it name the unit…) */
        const char *field = line;
        for (int c = 0; c < 12 && field; c++)
            if ((field = strstr(field, "\",\"")))
                field += 2;
        if (field)
            sscanf(field, "\"%15[0-9]\"", base);
        sscanf(values[k], "%511[^;];%511[^;];%511[^;];%511[^;];%511[^;];%511[^\n]", v[0], v[1],
               v[2], v[3], v[4], v[5]);
        for (int i = 0; i < 6; i++)
            if (strcmp(v[i], "-") == 0)
                v[i][0] = '\0';
        used += (size_t)snprintf(out_text + used, sizeof(out_text) - used,
                                 "\"2023-6M\",\"%d\",\"\",\"\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"\",\"\",\"%s\"\r\n",
                                 task, v[0], v[1], v[2], v[3], v[4], v[5], base);
    }
    fclose(f);
    harness_write_file(path, out_text);
}

static void test_template_submit_review_fix(void **state)
{
    (void)state;
    fixture_as(&fx, DISTRICT_REPORTER);
    /* --force: the same file is written again below, once filled (issue 13:
     * an existing file is never replaced without it) */
    const char *tmpl[] = {"template", "--period", "2023-6M", "-o", "bao-cao.csv", "--force", NULL};
    harness_cchc_ok(srv, tmpl);
    FILE *f = fopen("bao-cao.csv", "rb");
    assert_non_null(f);
    char head[16] = "";
    assert_int_equal(fread(head, 1, 3, f), 3);
    fclose(f);
    assert_memory_equal(head, "\xEF\xBB\xBF", 3); /* BOM, for Excel */

    /* a file with errors: refused whole, every error listed by line and column */
    const int tasks[] = {105, 106, 107, 101};
    const char *bad[] = {
        "đang triển khai;60;Đã tiếp nhận 12.345 hồ sơ;-;-;ty_le_dung_han=99,2",
        "hoàn thành;90;Xong;-;-;-",          /* completed but 90 % */
        "chậm tiến độ;30;-;-;Đề nghị bổ sung;-", /* behind without difficulties */
        "sắp xong;50;x;-;-;-",               /* no such status */
    };
    fill_template("bao-cao.csv", tasks, bad, 4);
    const char *submit[] = {"submit", "--file", "bao-cao.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "cột \"Tiến độ (%)\""));
    assert_non_null(strstr(r.err, "cột \"Khó khăn, vướng mắc\""));
    assert_non_null(strstr(r.err, "cột \"Trạng thái\""));
    assert_null(strstr(r.err, "Kết quả")); /* the good row has no error */
    run_result_free(&r);
    json_t *t = my_task("2023-6M", 105);
    assert_string_equal(jstr(t, "report_state"), "missing"); /* nothing was saved */
    json_decref(t);

    /* fixed: every row saved */
    harness_cchc_ok(srv, tmpl);
    const char *good[] = {
        "đang triển khai;60;Đã tiếp nhận 12.345 hồ sơ;-;-;ty_le_dung_han=99,2",
        "Hoàn thành;100;Đạt 99,5% hồ sơ đúng hạn;-;-;-",
        "chậm tiến độ;30;-;Thiếu nhân lực;Đề nghị bổ sung biên chế;-",
        "đang triển khai;50;Đã rà soát 20 văn bản;-;-;-",
    };
    fill_template("bao-cao.csv", tasks, good, 4);
    json_t *saved = harness_cchc_json(srv, submit);
    assert_int_equal(json_array_size(json_object_get(saved, "saved")), 4);
    json_decref(saved);
    t = my_task("2023-6M", 105);
    assert_string_equal(jstr(t, "report_state"), "submitted");
    assert_string_equal(jstr(t, "progress"), "60");
    assert_string_equal(jstr(t, "results"), "Đã tiếp nhận 12.345 hồ sơ");
    assert_non_null(strstr(jstr(t, "indicators"), "99.2"));
    assert_false(json_boolean_value(json_object_get(t, "late")));
    json_decref(t);

    /* the lead agency returns 105 with a reason and accepts the rest it leads */
    fixture_as(&fx, LEAD_REVIEWER);
    const char *list[] = {"review", "list", "--period", "2023-6M", "--state", "submitted", NULL};
    json_t *l = harness_cchc_json(srv, list);
    json_t *reports = json_object_get(l, "reports");
    char id105[24] = "";
    int lead_reports = 0;
    for (size_t i = 0; i < json_array_size(reports); i++) {
        json_t *x = json_array_get(reports, i);
        assert_string_equal(jstr(x, "review_level"), "lead");
        lead_reports++;
        if (jint(x, "task_id") == 105) /* reviews name the revision read: ID@REV */
            snprintf(id105, sizeof(id105), "%lld@%lld",
                     jint(x, "report_id"), jint(x, "revision"));
    }
    assert_int_equal(lead_reports, 3); /* 105, 106, 107: Văn phòng UBND leads them, not 101 */
    json_decref(l);
    const char *ret[] = {"review", "return", id105, "--reason", "Thiếu số liệu tháng 6", NULL};
    harness_cchc_ok(srv, ret);
    const char *accept_all[] = {"review", "accept", "--period", "2023-6M", "--all", "--yes", NULL};
    harness_cchc_ok(srv, accept_all);

    /* the district sees the reason and fixes its report */
    fixture_as(&fx, DISTRICT_REPORTER);
    t = my_task("2023-6M", 105);
    assert_string_equal(jstr(t, "report_state"), "returned");
    assert_string_equal(jstr(t, "return_reason"), "Thiếu số liệu tháng 6");
    json_decref(t);
    t = my_task("2023-6M", 106);
    assert_string_equal(jstr(t, "report_state"), "accepted");
    json_decref(t);
    const char *fix[] = {"submit", "--task", "105", "--period", "2023-6M", "--status", "đang triển khai",
                         "--progress", "65,5", "--result", "Đã tiếp nhận 12.345 hồ sơ, tháng 6: 2.101 ",
                         NULL};
    harness_cchc_ok(srv, fix);
    /* an accepted report cannot be changed */
    const char *change[] = {"submit", "--task", "106", "--period", "2023-6M", "--status", "hoàn thành",
                            "--progress", "100", "--result", "Sửa", NULL};
    harness_cchc(&r, srv, change);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "đã được chấp nhận, không sửa được nữa"));
    run_result_free(&r);

    fixture_as(&fx, LEAD_REVIEWER);
    *strchr(id105, '@') = '\0';
    strcat(id105, "@2"); /* the fix, revision 2, is what the lead agency read */
    const char *accept[] = {"review", "accept", id105, NULL};
    harness_cchc_ok(srv, accept);

    /* history: two revisions of 105, what changed, the return and the acceptance */
    fixture_as(&fx, DISTRICT_REPORTER);
    const char *history[] = {"report", "history", "--task", "105", "--period", "2023-6M", NULL};
    json_t *h = harness_cchc_json(srv, history);
    json_t *revisions = json_object_get(h, "revisions");
    assert_int_equal(json_array_size(revisions), 2);
    json_t *latest = json_array_get(revisions, 0);
    assert_int_equal(jint(latest, "revision"), 2);
    assert_string_equal(jstr(latest, "progress"), "65.5");
    json_t *changed = json_object_get(latest, "changed");
    int progress_changed = 0;
    for (size_t i = 0; i < json_array_size(changed); i++)
        progress_changed |= strcmp(json_string_value(json_array_get(changed, i)), "progress") == 0;
    assert_true(progress_changed);
    json_t *reviews = json_object_get(h, "reviews");
    assert_int_equal(json_array_size(reviews), 2);
    assert_string_equal(jstr(json_array_get(reviews, 0), "action"), "accept");
    assert_string_equal(jstr(json_array_get(reviews, 1), "action"), "return");
    assert_string_equal(jstr(json_object_get(h, "report"), "state"), "accepted");
    json_decref(h);

    /* the template again, prefilled with what was sent (three reports
     * accepted, 105's text with a trailing space the sheet drops): sent as
     * is, it writes nothing and is not refused */
    char *before = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    harness_cchc_ok(srv, tmpl);
    saved = harness_cchc_json(srv, submit);
    json_t *rows = json_object_get(saved, "saved");
    assert_int_equal(json_array_size(rows), 4);
    for (size_t i = 0; i < json_array_size(rows); i++)
        assert_true(json_boolean_value(json_object_get(json_array_get(rows, i), "replayed")));
    json_decref(saved);
    char *after = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    assert_string_equal(after, before);
    free(after);
    /* with one row changed: that one is saved, the accepted ones stay */
    harness_cchc_ok(srv, tmpl);
    const int task101[] = {101};
    const char *more[] = {"đang triển khai;70;Đã rà soát 35 văn bản;-;-;-"};
    fill_template("bao-cao.csv", task101, more, 1);
    harness_cchc_ok(srv, submit);
    t = my_task("2023-6M", 101);
    assert_string_equal(jstr(t, "progress"), "70");
    assert_int_equal(jint(t, "revision"), 2);
    json_decref(t);
    t = my_task("2023-6M", 106);
    assert_string_equal(jstr(t, "report_state"), "accepted");
    assert_int_equal(jint(t, "revision"), 1);
    json_decref(t);
    after = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    assert_int_equal(atoi(after), atoi(before) + 1);
    free(after);
    free(before);
    unlink("bao-cao.csv");
    fixture_as(&fx, -1);
}

/* One report row for a raw request. */
static Cchc__V1__ReportRow raw_row(int line, int task, const char *key)
{
    Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT;
    row.line = line;
    row.task_id = task;
    row.status = "in_progress";
    row.progress = "40";
    row.results = "Đang thực hiện";
    row.idempotency_key = (char *)key;
    return row;
}

/* Sends a submission for period on fd without waiting for the answer. */
static void raw_submit(int fd, const char *token, uint64_t request_id, const char *period,
                       Cchc__V1__ReportRow **rows, size_t n)
{
    Cchc__V1__ReportSubmitRequest body = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    body.period_id = (char *)period;
    body.rows = rows;
    body.n_rows = n;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = request_id;
    req.session_token = (char *)token;
    req.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req.report_submit = &body;
    raw_send_request(fd, &req);
}

/* Whether any of the error's details says needle. */
static int details_say(const Cchc__V1__Error *e, const char *needle)
{
    for (size_t i = 0; e && i < e->n_details; i++)
        if (strstr(e->details[i]->message, needle))
            return 1;
    return 0;
}

static void test_draft_then_submit_and_duplicate_send(void **state)
{
    (void)state;
    fixture_as(&fx, DISTRICT_REPORTER);
    const char *draft[] = {"submit", "--task", "102", "--period", "2023-6M", "--status", "đang triển khai",
                           "--progress", "10", "--result", "Mới bắt đầu", "--draft", NULL};
    harness_cchc_ok(srv, draft);
    json_t *t = my_task("2023-6M", 102);
    assert_string_equal(jstr(t, "report_state"), "draft");
    json_decref(t);
    /* a reviewer does not see drafts */
    fixture_as(&fx, -1);
    const char *list[] = {"review", "list", "--period", "2023-6M", "--task", "102", NULL};
    json_t *l = harness_cchc_json(srv, list);
    assert_int_equal(json_array_size(json_object_get(l, "reports")), 0);
    json_decref(l);
    fixture_as(&fx, DISTRICT_REPORTER);
    const char *submit[] = {"submit", "--task", "102", "--period", "2023-6M", "--status", "đang triển khai",
                            "--progress", "20", "--result", "Đã làm một phần", NULL};
    harness_cchc_ok(srv, submit);
    t = my_task("2023-6M", 102);
    assert_string_equal(jstr(t, "report_state"), "submitted");
    assert_int_equal(jint(t, "revision"), 2);
    json_decref(t);

    /* the same request sent twice (a retry): one revision */
    char token[128];
    harness_home_token(fx.homes[DISTRICT_REPORTER], token, sizeof(token));
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    for (int attempt = 0; attempt < 2; attempt++) {
        Cchc__V1__ReportRow row = raw_row(1, 103, "retry-key-0123456789abcdef");
        row.results = "Gửi lại do mạng chập chờn";
        Cchc__V1__ReportRow *rows[] = {&row};
        raw_submit(fd, token, (uint64_t)(10 + attempt), "2023-6M", rows, 1);
        Cchc__V1__Response *resp = raw_read_response(fd, 10000);
        assert_non_null(resp);
        assert_null(resp->error);
        assert_int_equal(resp->report_submit->n_saved, 1);
        assert_int_equal(resp->report_submit->saved[0]->revision, 1);
        assert_int_equal(resp->report_submit->saved[0]->replayed, attempt == 1);
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    close(fd);
    char *revisions = harness_db_query(&fx.db,
        "SELECT count(*) FROM report_revision v JOIN report x ON x.id = v.report_id "
        "WHERE x.task_id = 103 AND x.unit_code = 'Q-NINHKIEU'");
    assert_string_equal(revisions, "1");
    free(revisions);
    fixture_as(&fx, -1);
}

static void test_district_returns_commune_report(void **state)
{
    (void)state;
    fixture_as(&fx, COMMUNE_REPORTER);
    const char *submit[] = {"submit", "--task", "105", "--period", "2023-6M", "--status", "chậm tiến độ",
                            "--progress", "20", "--difficulties", "Thiếu máy scan", NULL};
    harness_cchc_ok(srv, submit);
    /* the district reviewer sees it, may return it, may not accept it */
    fixture_as(&fx, DISTRICT_REVIEWER);
    const char *list[] = {"review", "list", "--period", "2023-6M", "--unit", "31117", NULL};
    json_t *l = harness_cchc_json(srv, list);
    json_t *x = json_array_get(json_object_get(l, "reports"), 0);
    assert_non_null(x);
    assert_string_equal(jstr(x, "review_level"), "district");
    char id[48];
    snprintf(id, sizeof(id), "%lld@%lld", jint(x, "report_id"), jint(x, "revision"));
    json_decref(l);
    const char *accept[] = {"review", "accept", id, NULL};
    run_result r;
    harness_cchc(&r, srv, accept);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "cấp huyện chỉ trả lại báo cáo của xã"));
    run_result_free(&r);
    const char *ret[] = {"review", "return", id, "--reason", "Bổ sung số hồ sơ tồn", NULL};
    harness_cchc_ok(srv, ret);
    /* nobody reviews their own unit's reports */
    const char *own[] = {"review", "list", "--period", "2023-6M", "--unit", "Q-NINHKIEU", NULL};
    l = harness_cchc_json(srv, own);
    assert_int_equal(json_array_size(json_object_get(l, "reports")), 0);
    json_decref(l);
    /* a reporter may not review at all */
    fixture_as(&fx, COMMUNE_REPORTER);
    harness_cchc(&r, srv, accept);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "không có quyền"));
    run_result_free(&r);
    json_t *t = my_task("2023-6M", 105);
    assert_string_equal(jstr(t, "report_state"), "returned");
    assert_string_equal(jstr(t, "return_reason"), "Bổ sung số hồ sơ tồn");
    json_decref(t);

    /* the commune starts its correction as a draft: the draft is its own,
     * reviewers still see what was sent */
    const char *draft[] = {"submit", "--task", "105", "--period", "2023-6M", "--status", "chậm tiến độ",
                           "--progress", "22", "--difficulties", "Đang bổ sung", "--draft", NULL};
    harness_cchc_ok(srv, draft);
    fixture_as(&fx, DISTRICT_REVIEWER);
    l = harness_cchc_json(srv, list);
    x = json_array_get(json_object_get(l, "reports"), 0);
    assert_string_equal(jstr(x, "progress"), "20");
    assert_string_equal(jstr(x, "state"), "returned");
    json_decref(l);
    const char *history[] = {"report", "history", "--task", "105", "--period", "2023-6M", "--unit", "31117",
                             NULL};
    json_t *h = harness_cchc_json(srv, history);
    assert_int_equal(json_array_size(json_object_get(h, "revisions")), 1);
    json_decref(h);
    fixture_as(&fx, COMMUNE_REPORTER);
    h = harness_cchc_json(srv, history);
    assert_int_equal(json_array_size(json_object_get(h, "revisions")), 2);
    json_decref(h);

    /* a returned report was received: the period list and the status agree */
    fixture_as(&fx, -1);
    const char *periods[] = {"period", "list", "--year", "2023", NULL};
    json_t *p = harness_cchc_json(srv, periods);
    long long listed = -1;
    for (size_t i = 0; i < json_array_size(json_object_get(p, "periods")); i++) {
        json_t *period = json_array_get(json_object_get(p, "periods"), i);
        if (strcmp(jstr(period, "id"), "2023-6M") == 0)
            listed = jint(period, "received");
    }
    json_decref(p);
    const char *status[] = {"status", "--period", "2023-6M", NULL};
    json_t *st = harness_cchc_json(srv, status);
    long long counted = jint(json_object_get(st, "total"), "received");
    json_decref(st);
    assert_true(counted >= 6); /* Ninh Kiều's and Tân An's, the returned one among them */
    assert_int_equal(listed, counted);

    /* a district reviewer whose unit leads no task: nothing to count, a
     * report of zeros rather than a crash */
    fixture_as(&fx, DISTRICT_REVIEWER);
    const char *html[] = {"export", "--period", "2023-6M", "--format", "html", "-o", "trong.html", NULL};
    harness_cchc_ok(srv, html);
    char *page = harness_read_file("trong.html");
    assert_non_null(strstr(page, "data-figure=\"total.expected\">0<"));
    free(page);
    unlink("trong.html");
    fixture_as(&fx, -1);
}

static void test_closed_period_is_late_and_approval_locks(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *close[] = {"period", "close", "2023-6M", "--yes", NULL};
    harness_cchc_ok(srv, close);
    fixture_as(&fx, DISTRICT_REPORTER);
    const char *late[] = {"submit", "--task", "104", "--period", "2023-6M", "--status",
                          "đang triển khai", "--progress", "70", "--result", "Nộp sau khi đóng kỳ", NULL};
    json_t *s = harness_cchc_json(srv, late);
    assert_true(json_boolean_value(json_object_get(json_array_get(json_object_get(s, "saved"), 0), "late")));
    json_decref(s);
    /* on time or late is the first submission's: Tân An's report was sent
     * on time, returned, and fixed after the period closed */
    fixture_as(&fx, COMMUNE_REPORTER);
    const char *fixed[] = {"submit", "--task", "105", "--period", "2023-6M", "--status", "chậm tiến độ",
                           "--progress", "25", "--difficulties", "Thiếu máy scan; tồn 14 hồ sơ", NULL};
    s = harness_cchc_json(srv, fixed);
    assert_false(json_boolean_value(json_object_get(json_array_get(json_object_get(s, "saved"), 0), "late")));
    json_decref(s);
    json_t *fixed_task = my_task("2023-6M", 105);
    assert_string_equal(jstr(fixed_task, "report_state"), "submitted");
    assert_false(json_boolean_value(json_object_get(fixed_task, "late")));
    json_decref(fixed_task);
    fixture_as(&fx, DISTRICT_REPORTER);
    /* the unit not yet open: planned periods refuse */
    const char *planned[] = {"submit", "--task", "104", "--period", "2023-9M", "--status", "đang triển khai",
                             "--progress", "70", "--result", "Sớm quá", NULL};
    run_result r;
    harness_cchc(&r, srv, planned);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "chưa mở"));
    run_result_free(&r);

    fixture_as(&fx, -1);
    /* reports still await review: approval must be told to accept them
     * (issue 10; tests/e2e/test_periods.c covers the refusal) */
    const char *approve[] = {"period", "approve", "2023-6M", "--accept-remaining", "--yes", NULL};
    harness_cchc_ok(srv, approve);
    const char *periods[] = {"period", "list", "--year", "2023", NULL};
    json_t *p = harness_cchc_json(srv, periods);
    json_t *list = json_object_get(p, "periods");
    int locked = 0;
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(jstr(json_array_get(list, i), "id"), "2023-6M") == 0)
            locked = strcmp(jstr(json_array_get(list, i), "state"), "approved") == 0;
    assert_true(locked);
    json_decref(p);
    fixture_as(&fx, DISTRICT_REPORTER);
    json_t *t = my_task("2023-6M", 106);
    assert_string_equal(jstr(t, "report_state"), "approved");
    json_decref(t);
    const char *after[] = {"submit", "--task", "101", "--period", "2023-6M", "--status", "hoàn thành",
                           "--progress", "100", "--result", "Sau khi khóa", NULL};
    harness_cchc(&r, srv, after);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "đã khóa"));
    run_result_free(&r);
    fixture_as(&fx, -1);
}

/* A waiting submission the server refuses for good is dropped, and
 * `outbox send` says so and exits 1: not "sent", not 0. */
static void test_outbox_refusal_is_not_success(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    harness_open_period(srv, "2023-9M");
    fixture_as(&fx, DISTRICT_REPORTER);
    assert_int_equal(harness_server_stop(srv), 0);
    const char *submit[] = {"submit", "--task", "999", "--period", "2023-9M", "--status",
                            "đang triển khai", "--progress", "5", "--result", "Không có nhiệm vụ",
                            NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    assert_int_equal(r.exit_code, 3);
    run_result_free(&r);
    harness_server_restart(srv, fx.db.conninfo, NULL);
    const char *send[] = {"--json", "outbox", "send", NULL};
    harness_cchc(&r, srv, send);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "bị từ chối và đã bỏ"));
    assert_non_null(strstr(r.out, "\"sent\": 0"));
    assert_non_null(strstr(r.out, "\"dropped\": 1"));
    assert_non_null(strstr(r.out, "\"waiting\": 0"));
    run_result_free(&r);
    fixture_as(&fx, -1);
}

/* The server goes away: the submission waits in the outbox and is
 * delivered exactly once by the next command after it comes back. */
static void test_outbox_delivers_after_restart(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    harness_open_period(srv, "2023-9M");
    fixture_as(&fx, DISTRICT_REPORTER);
    assert_int_equal(harness_server_stop(srv), 0);
    const char *submit[] = {"submit", "--task", "105", "--period", "2023-9M", "--status", "đang triển khai",
                            "--progress", "75", "--result", "Gửi khi mất mạng", NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    assert_int_equal(r.exit_code, 3);
    assert_non_null(strstr(r.err, "hộp thư đi"));
    run_result_free(&r);
    const char *count[] = {"--json", "outbox", NULL};
    harness_cchc(&r, srv, count);
    assert_non_null(strstr(r.out, "\"waiting\": 1"));
    run_result_free(&r);

    harness_server_restart(srv, fx.db.conninfo, NULL);
    /* the clerk logs out and someone else logs in on this machine: Ninh
     * Kiều's submission is not theirs to send, and waits */
    const char *logout[] = {"logout", NULL};
    harness_cchc_ok(srv, logout);
    assert_int_equal(harness_login(srv, people[COMMUNE_REPORTER].username,
                                   people[COMMUNE_REPORTER].password), 0);
    harness_cchc(&r, srv, count);
    assert_non_null(strstr(r.out, "\"waiting\": 0"));
    run_result_free(&r);
    char *sent_by_other = harness_db_query(&fx.db,
        "SELECT count(*) FROM report WHERE period_id = '2023-9M' AND task_id = 105");
    assert_string_equal(sent_by_other, "0");
    free(sent_by_other);
    assert_int_equal(harness_login(srv, people[DISTRICT_REPORTER].username,
                                   people[DISTRICT_REPORTER].password), 0);
    /* any next command sends it first; then it is gone */
    json_t *t = my_task("2023-9M", 105);
    assert_string_equal(jstr(t, "report_state"), "submitted");
    assert_string_equal(jstr(t, "results"), "Gửi khi mất mạng");
    json_decref(t);
    harness_cchc(&r, srv, count);
    assert_non_null(strstr(r.out, "\"waiting\": 0"));
    run_result_free(&r);
    const char *send[] = {"outbox", "send", NULL};
    harness_cchc_ok(srv, send);
    char *revisions = harness_db_query(&fx.db,
        "SELECT count(*) FROM report_revision v JOIN report x ON x.id = v.report_id "
        "WHERE x.period_id = '2023-9M' AND x.task_id = 105 AND x.unit_code = 'Q-NINHKIEU'");
    assert_string_equal(revisions, "1");
    free(revisions);

    /* a clerk may drop what waits by hand */
    assert_int_equal(harness_server_stop(srv), 0);
    const char *again[] = {"submit", "--task", "105", "--period", "2023-9M", "--status", "đang triển khai",
                           "--progress", "80", "--result", "Bản sẽ bỏ", NULL};
    harness_cchc(&r, srv, again);
    assert_int_equal(r.exit_code, 3);
    run_result_free(&r);
    /* --yes: discarding asks first, and stdin here is no terminal */
    const char *discard[] = {"--json", "outbox", "discard", "--yes", NULL};
    harness_cchc(&r, srv, discard);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "\"discarded\": 1"));
    run_result_free(&r);
    harness_server_restart(srv, fx.db.conninfo, NULL);
    harness_cchc(&r, srv, count);
    assert_non_null(strstr(r.out, "\"waiting\": 0"));
    run_result_free(&r);
    t = my_task("2023-9M", 105);
    assert_string_equal(jstr(t, "progress"), "75"); /* the discarded one never arrived */
    json_decref(t);
    fixture_as(&fx, -1);
}

/* One unit's extension: past the common deadline its reports are late,
 * within its own extension they are not. */
static void test_extension_for_one_unit(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *open[] = {"period", "open", "2023-Q1", NULL}; /* deadline 2023-03-19: past */
    harness_cchc_ok(srv, open);
    fixture_as(&fx, COMMUNE_REPORTER);
    const char *late[] = {"submit", "--task", "106", "--period", "2023-Q1", "--status", "hoàn thành",
                          "--progress", "100", "--result", "Đạt", NULL};
    json_t *s = harness_cchc_json(srv, late);
    assert_true(json_boolean_value(json_object_get(json_array_get(json_object_get(s, "saved"), 0), "late")));
    json_decref(s);
    fixture_as(&fx, -1);
    const char *extend[] = {"period", "extend", "2023-Q1", "--unit", "Quận Ninh Kiều", "--until",
                            "2099-12-31", NULL};
    harness_cchc_ok(srv, extend);
    fixture_as(&fx, DISTRICT_REPORTER);
    const char *on_time[] = {"submit", "--task", "106", "--period", "2023-Q1", "--status", "hoàn thành",
                             "--progress", "100", "--result", "Đạt", NULL};
    s = harness_cchc_json(srv, on_time);
    assert_false(json_boolean_value(json_object_get(json_array_get(json_object_get(s, "saved"), 0), "late")));
    json_decref(s);
    json_t *t = my_task("2023-Q1", 106);
    assert_false(json_boolean_value(json_object_get(t, "late")));
    json_decref(t);
    fixture_as(&fx, -1);
    const char *bad[] = {"period", "extend", "2023-Q1", "--unit", "Quận Ninh Kiều", "--until", "2023-01-01", NULL};
    run_result r;
    harness_cchc(&r, srv, bad);
    assert_int_equal(r.exit_code, 1); /* an extension ends after the deadline */
    run_result_free(&r);
}

/* What a unit owes, the reminder, and the units' own plans. */
static void test_due_reminder_and_unit_plans(void **state)
{
    (void)state;
    /* the commune's returned report is due, with its reason */
    fixture_as(&fx, COMMUNE_REPORTER);
    const char *due[] = {"due", NULL};
    json_t *d = harness_cchc_json(srv, due);
    json_t *items = json_object_get(d, "due");
    int returned = 0;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        if (strcmp(jstr(it, "state"), "returned") == 0) {
            returned++;
            assert_string_equal(jstr(it, "return_reason"), "Bổ sung số hồ sơ tồn");
        }
    }
    assert_int_equal(returned, 1);
    json_decref(d);

    /* a deadline three days ahead: the reminder follows the next command
     * on a terminal (tests/e2e/test_human_output.c), never piped output */
    fixture_as(&fx, -1);
    time_t soon = time(NULL) + 3 * 86400;
    struct tm tm;
    localtime_r(&soon, &tm);
    char date[16], lead[16];
    strftime(date, sizeof(date), "%Y-%m-%d", &tm);
    soon += 2 * 86400;
    localtime_r(&soon, &tm);
    strftime(lead, sizeof(lead), "%Y-%m-%d", &tm);
    const char *open[] = {"period", "open", "2023-Y", NULL};
    const char *extend[] = {"period", "extend", "2023-Y", "--unit-deadline", date, "--lead-deadline",
                            lead, NULL};
    harness_cchc_ok(srv, open);
    harness_cchc_ok(srv, extend);
    fixture_as(&fx, COMMUNE_REPORTER);
    char cache[512];
    snprintf(cache, sizeof(cache), "%s/cchc/due-reminder", fx.homes[COMMUNE_REPORTER]);
    unlink(cache);
    const char *plan[] = {"plan", NULL};
    run_result r;
    harness_cchc(&r, srv, plan);
    assert_int_equal(r.exit_code, 0);
    assert_null(strstr(r.err, "cchc due"));
    run_result_free(&r);
    const char *due_now[] = {"due", NULL};
    json_t *soon_due = harness_cchc_json(srv, due_now);
    assert_true(jint(soon_due, "soon") >= 1); /* what a terminal would be reminded of */
    json_decref(soon_due);

    /* units' own implementation plans: Sở Nội vụ records them */
    fixture_as(&fx, -1);
    const char *record[] = {"unit-plans", "record", "--unit", "Quận Ninh Kiều", "--number",
                            "145/KH-UBND", "--issued", "2023-07-20", "--received", "2023-07-25", NULL};
    harness_cchc_ok(srv, record);
    const char *missing[] = {"unit-plans", "--missing", NULL};
    json_t *m = harness_cchc_json(srv, missing);
    json_t *units = json_object_get(m, "units");
    int listed = 0;
    for (size_t i = 0; i < json_array_size(units); i++)
        listed |= strcmp(jstr(json_array_get(units, i), "unit_code"), "Q-NINHKIEU") == 0;
    assert_false(listed);
    assert_int_equal(jint(m, "delivered"), 1);
    assert_true(jint(m, "owed") > 30); /* communes owe one too */
    json_decref(m);
    const char *wrong[] = {"unit-plans", "record", "--unit", "Q-NINHKIEU", "--number", "1",
                           "--issued", "2023-07-20", "--received", "2023-07-01", NULL};
    harness_cchc(&r, srv, wrong);
    assert_int_equal(r.exit_code, 1);
    run_result_free(&r);
    fixture_as(&fx, DISTRICT_REPORTER);
    const char *mine[] = {"unit-plans", "--unit", "Q-NINHKIEU", NULL};
    m = harness_cchc_json(srv, mine);
    assert_string_equal(jstr(json_array_get(json_object_get(m, "units"), 0), "doc_number"), "145/KH-UBND");
    json_decref(m);
    harness_cchc(&r, srv, record);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "không có quyền"));
    run_result_free(&r);
    fixture_as(&fx, -1);
}

/* Rows of one request are checked against each other: a key used twice,
 * or a task twice under the same line number, refuses the whole request. */
static void test_rows_of_one_request_checked_together(void **state)
{
    (void)state;
    char token[128];
    harness_home_token(fx.homes[DISTRICT_REPORTER], token, sizeof(token));
    char *before = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    Cchc__V1__ReportRow a = raw_row(1, 102, "same-key-for-two-tasks-01");
    Cchc__V1__ReportRow b = raw_row(2, 103, "same-key-for-two-tasks-01");
    Cchc__V1__ReportRow *two_tasks[] = {&a, &b};
    raw_submit(fd, token, 2, "2023-9M", two_tasks, 2);
    Cchc__V1__Response *resp = raw_read_response(fd, 10000);
    assert_non_null(resp);
    assert_non_null(resp->error);
    assert_true(details_say(resp->error, "the same idempotency key is already on line"));
    cchc__v1__response__free_unpacked(resp, NULL);

    Cchc__V1__ReportRow c = raw_row(0, 102, "same-line-same-task-0001");
    Cchc__V1__ReportRow d = raw_row(0, 102, "same-line-same-task-0002");
    Cchc__V1__ReportRow *same_line[] = {&c, &d};
    raw_submit(fd, token, 3, "2023-9M", same_line, 2);
    resp = raw_read_response(fd, 10000);
    assert_non_null(resp);
    assert_non_null(resp->error);
    assert_true(details_say(resp->error, "task 102 is already on line"));
    cchc__v1__response__free_unpacked(resp, NULL);
    close(fd);
    char *after = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    assert_string_equal(after, before); /* nothing saved */
    free(after);
    free(before);
}

/* Clerks sending the same task at once, on several connections, each made
 * from the same state (no report yet): one is saved, every other is
 * refused as CONFLICT (issue 10: before, each overwrote the one before it
 * unseen), or answered as a replay when it is the retry of the saved one;
 * none fails with an internal error. */
static void test_concurrent_submissions_of_one_task(void **state)
{
    (void)state;
    enum { SENDERS = 6 };
    char token[128];
    harness_home_token(fx.homes[DISTRICT_REPORTER], token, sizeof(token));
    int fds[SENDERS];
    for (int i = 0; i < SENDERS; i++) {
        fds[i] = raw_connect(srv);
        raw_hello(fds[i], 1);
    }
    char keys[SENDERS][32];
    for (int i = 0; i < SENDERS; i++) /* the last two share a key: a retry racing its original */
        snprintf(keys[i], sizeof(keys[i]), "concurrent-send-%02d", i < SENDERS - 1 ? i : i - 1);
    Cchc__V1__ReportRow rows[SENDERS];
    char progress[SENDERS][8];
    for (int i = 0; i < SENDERS; i++) {
        rows[i] = raw_row(1, 106, keys[i]);
        /* each send says something new (an unchanged one writes nothing) */
        snprintf(progress[i], sizeof(progress[i]), "%d", 41 + (i < SENDERS - 1 ? i : i - 1));
        rows[i].progress = progress[i];
        Cchc__V1__ReportRow *one[] = {&rows[i]};
        raw_submit(fds[i], token, 2, "2023-9M", one, 1);
    }
    int saved = 0, replayed = 0, conflicts = 0, winner = -1;
    int outcome[SENDERS]; /* 0 saved, 1 replayed, 2 conflict */
    for (int i = 0; i < SENDERS; i++) {
        Cchc__V1__Response *resp = raw_read_response(fds[i], 20000);
        assert_non_null(resp);
        if (resp->error && resp->error->code != CCHC__V1__ERROR_CODE__CONFLICT)
            fail_msg("sender %d: %s", i, resp->error->message);
        if (resp->error) {
            outcome[i] = 2;
            conflicts++;
        } else {
            assert_int_equal(resp->report_submit->n_saved, 1);
            assert_int_equal(resp->report_submit->saved[0]->revision, 1);
            outcome[i] = resp->report_submit->saved[0]->replayed;
            replayed += outcome[i];
            saved += !outcome[i];
            if (!outcome[i])
                winner = i;
        }
        cchc__v1__response__free_unpacked(resp, NULL);
        close(fds[i]);
    }
    assert_int_equal(saved, 1);
    assert_int_equal(saved + replayed + conflicts, SENDERS);
    /* a replay only ever answers the retry of the saved send */
    for (int i = 0; i < SENDERS; i++)
        if (outcome[i] == 1)
            assert_string_equal(keys[i], keys[winner]);
    char *revisions = harness_db_query(&fx.db,
        "SELECT count(*) || ' ' || max(v.revision) FROM report_revision v JOIN report x ON x.id = v.report_id "
        "WHERE x.period_id = '2023-9M' AND x.task_id = 106 AND x.unit_code = 'Q-NINHKIEU'");
    assert_string_equal(revisions, "1 1");
    free(revisions);
}

/* A row that repeated the report word for word wrote nothing; its retry
 * is still a replay, even after the lead agency returned the report. */
static void test_unchanged_row_retry_is_a_replay(void **state)
{
    (void)state;
    char token[128];
    harness_home_token(fx.homes[DISTRICT_REPORTER], token, sizeof(token));
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    const char *keys[] = {"unchanged-first-0001", "unchanged-again-0002", "unchanged-again-0002"};
    long long report_id = 0;
    for (int send = 0; send < 3; send++) {
        if (send == 2) { /* between the sends, the lead agency returns it */
            fixture_as(&fx, LEAD_REVIEWER);
            char id[48];
            snprintf(id, sizeof(id), "%lld@1", report_id);
            const char *ret[] = {"review", "return", id, "--reason", "Cần số liệu quý III", NULL};
            harness_cchc_ok(srv, ret);
        }
        Cchc__V1__ReportRow row = raw_row(1, 107, keys[send]);
        Cchc__V1__ReportRow *one[] = {&row};
        raw_submit(fd, token, (uint64_t)(2 + send), "2023-9M", one, 1);
        Cchc__V1__Response *resp = raw_read_response(fd, 10000);
        assert_non_null(resp);
        if (resp->error)
            fail_msg("send %d: %s", send, resp->error->message);
        assert_int_equal(resp->report_submit->saved[0]->revision, 1);
        assert_int_equal(resp->report_submit->saved[0]->replayed, send > 0);
        report_id = (long long)resp->report_submit->saved[0]->report_id;
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    close(fd);
    char *report = harness_db_query(&fx.db,
        "SELECT x.state || ' ' || x.revision FROM report x "
        "WHERE x.period_id = '2023-9M' AND x.task_id = 107 AND x.unit_code = 'Q-NINHKIEU'");
    assert_string_equal(report, "returned 1"); /* the retry did not undo the return */
    free(report);
    fixture_as(&fx, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_submit_review_fix),
        cmocka_unit_test(test_draft_then_submit_and_duplicate_send),
        cmocka_unit_test(test_district_returns_commune_report),
        cmocka_unit_test(test_extension_for_one_unit),
        cmocka_unit_test(test_due_reminder_and_unit_plans),
        cmocka_unit_test(test_closed_period_is_late_and_approval_locks),
        cmocka_unit_test(test_outbox_delivers_after_restart),
        cmocka_unit_test(test_outbox_refusal_is_not_success),
        cmocka_unit_test(test_rows_of_one_request_checked_together),
        cmocka_unit_test(test_concurrent_submissions_of_one_task),
        cmocka_unit_test(test_unchanged_row_retry_is_a_replay),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
