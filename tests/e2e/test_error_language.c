/* Server errors in the user's language (issue 14, part H2), end to end
 * through the real cchcd and cchc: the server sends a message id (the
 * English sentence as a format) with arguments and the English rendering;
 * the client shows the catalogue's Vietnamese by default and English with
 * --lang en, each in one language only, with the kind of refusal in words
 * (never "permission_denied" or "server error (…)"), field names as
 * labels and permission errors saying what the person tried (never an
 * internal request name); --json carries the code, message id, arguments
 * and the rendered message of the error and of each detail. Messages made
 * by the SQL functions (cchc_msg) travel the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, LEAD_REVIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.loi", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"vp.loi", "Kiem-tra-Van-phong-2023", "VP-UBND", "reviewer"},
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "errlang", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* True when text holds a letter only Vietnamese uses (đ, ơ, ư, or a vowel
 * with a tone mark): English output must hold none. */
static int has_vietnamese(const char *text)
{
    static const char *const marks[] = {"đ", "ơ", "ư", "ă", "â", "ê", "ô", "á", "à", "ả", "ã",
                                        "ạ", "é", "è", "ẻ", "ẽ", "ẹ", "í", "ì", "ỉ", "ĩ", "ị",
                                        "ó", "ò", "ỏ", "õ", "ọ", "ú", "ù", "ủ", "ũ", "ụ", "ý",
                                        "ỳ", "ỷ", "ỹ", "ỵ", "ấ", "ầ", "ộ", "ế", "ề", "ệ", "ố",
                                        "ồ", "ớ", "ờ", "ợ", "ứ", "ừ", "ự", "ắ", "ặ"};
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (strstr(text, marks[i]))
            return 1;
    return 0;
}

/* Fails the test, showing text, unless it holds needle. */
static void expect_in(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("expected \"%s\" in: %s", needle, text);
}

/* Fails the test, showing text, when it holds needle. */
static void expect_not_in(const char *text, const char *needle)
{
    if (strstr(text, needle))
        fail_msg("did not expect \"%s\" in: %s", needle, text);
}

/* The error object of a `cchc --json` run that failed. */
static json_t *json_error(const run_result *r)
{
    json_error_t jerr;
    json_t *doc = json_loads(r->out, 0, &jerr);
    if (!doc)
        fail_msg("not JSON (%s): %s", jerr.text, r->out);
    json_t *error = json_object_get(doc, "error");
    assert_non_null(error);
    json_incref(error);
    json_decref(doc);
    return error;
}

/* A reporter may not open a period: the refusal says what was tried, in
 * words, in the chosen language, never the request's name or the code. */
static void test_permission_says_what_was_tried(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    run_result r;
    const char *vi[] = {"period", "open", "2023-9M", NULL};
    harness_cchc(&r, srv, vi);
    assert_int_equal(r.exit_code, 1);
    expect_in(r.err, "cchc: không có quyền: tài khoản nk.loi");
    expect_in(r.err, "không có quyền mở, đóng, duyệt, mở lại hoặc gia hạn kỳ báo cáo");
    expect_not_in(r.err, "period_action");
    expect_not_in(r.err, "permission_denied");
    expect_not_in(r.err, "server error");
    expect_not_in(r.err, "may not"); /* no English half */
    run_result_free(&r);

    const char *en[] = {"--lang", "en", "period", "open", "2023-9M", NULL};
    harness_cchc(&r, srv, en);
    assert_int_equal(r.exit_code, 1);
    expect_in(r.err, "cchc: not allowed: account nk.loi");
    expect_in(r.err, "may not open, close, approve, reopen or extend a reporting period");
    assert_false(has_vietnamese(r.err));
    expect_not_in(r.err, "period_action");
    run_result_free(&r);

    const char *js[] = {"--json", "period", "open", "2023-9M", NULL};
    harness_cchc(&r, srv, js);
    assert_int_equal(r.exit_code, 1);
    json_t *error = json_error(&r);
    assert_string_equal(jstr(error, "code"), "permission_denied");
    assert_string_equal(jstr(error, "message_id"), "account %s (%s) may not %s");
    json_t *args = json_object_get(error, "args");
    assert_int_equal(json_array_size(args), 3);
    assert_string_equal(json_string_value(json_array_get(args, 0)), "nk.loi");
    assert_string_equal(json_string_value(json_array_get(args, 2)),
                        "open, close, approve, reopen or extend a reporting period");
    /* the rendered message is the user's language: Vietnamese by default */
    assert_non_null(strstr(jstr(error, "message"), "không có quyền mở, đóng"));
    json_decref(error);
    run_result_free(&r);
}

/* A review naming a report that does not exist: refused by the SQL
 * function with a detail whose message came from cchc_msg; the detail's
 * field is shown by its label, its message in the chosen language. */
static void test_sql_detail_in_both_languages(void **state)
{
    (void)state;
    fixture_as(&fx, LEAD_REVIEWER);
    run_result r;
    const char *vi[] = {"review", "accept", "987654@1", "--yes", NULL};
    harness_cchc(&r, srv, vi);
    assert_int_equal(r.exit_code, 1);
    expect_in(r.err, "cchc: dữ liệu không hợp lệ: không xét duyệt báo cáo nào, số lỗi: 1");
    expect_in(r.err, "báo cáo: không có báo cáo 987654");
    expect_not_in(r.err, "no such report");
    expect_not_in(r.err, "\x1f");
    run_result_free(&r);

    const char *en[] = {"--lang", "en", "review", "accept", "987654@1", "--yes", NULL};
    harness_cchc(&r, srv, en);
    assert_int_equal(r.exit_code, 1);
    expect_in(r.err, "cchc: invalid input: nothing reviewed; errors: 1");
    expect_in(r.err, "report: no report 987654");
    assert_false(has_vietnamese(r.err));
    run_result_free(&r);

    const char *js[] = {"--json", "review", "accept", "987654@1", "--yes", NULL};
    harness_cchc(&r, srv, js);
    json_t *error = json_error(&r);
    assert_string_equal(jstr(error, "code"), "invalid_argument");
    assert_string_equal(jstr(error, "message_id"), "nothing reviewed; errors: %s");
    json_t *detail = json_array_get(json_object_get(error, "details"), 0);
    assert_non_null(detail);
    assert_string_equal(jstr(detail, "field"), "ids");
    assert_string_equal(jstr(detail, "label"), "báo cáo");
    assert_string_equal(jstr(detail, "message_id"), "no report %s");
    assert_string_equal(json_string_value(json_array_get(json_object_get(detail, "args"), 0)),
                        "987654");
    assert_string_equal(jstr(detail, "message"), "không có báo cáo 987654");
    json_decref(error);
    run_result_free(&r);
}

/* An argument that is a code the catalogue knows (a period state) is shown
 * translated inside the sentence; the unknown unit's words come from
 * unit_resolve_problem through cchc_msg. */
static void test_codes_in_arguments_translated(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    run_result r;
    /* 2023-6M is open: reopening an open period is refused by state */
    const char *vi[] = {"period", "reopen", "2023-6M", "--reason", "thử", NULL};
    harness_cchc(&r, srv, vi);
    assert_int_equal(r.exit_code, 1);
    expect_in(r.err, "kỳ 2023-6M đang ở trạng thái ");
    expect_not_in(r.err, "trạng thái open"); /* the state in words, not the code */
    run_result_free(&r);

    const char *en[] = {"--lang", "en", "period", "reopen", "2023-6M", "--reason", "x", NULL};
    harness_cchc(&r, srv, en);
    assert_int_equal(r.exit_code, 1);
    expect_in(r.err, "period 2023-6M is open and cannot reopen");
    assert_false(has_vietnamese(r.err));
    run_result_free(&r);

    const char *unit[] = {"period", "extend", "2023-6M", "--unit", "Phường Không Có Thật",
                          "--until", "2099-12-31", NULL};
    harness_cchc(&r, srv, unit);
    assert_int_equal(r.exit_code, 1);
    expect_in(r.err, "đơn vị");
    expect_in(r.err, "Phường Không Có Thật");
    expect_not_in(r.err, "unknown unit");
    expect_not_in(r.err, "\x1f");
    run_result_free(&r);
}

/* On the wire: the id, its arguments, and the English rendering for old
 * clients and logs — no Vietnamese, no "(en)" halves. */
static void test_wire_carries_id_args_and_english(void **state)
{
    (void)state;
    int fd = raw_connect_greeted(srv);
    raw_send_login(fd, 7, "nk.loi", "not-the-password-at-all");
    Cchc__V1__Response *resp = raw_read_response(fd, harness_scaled_ms(10000));
    assert_non_null(resp);
    assert_non_null(resp->error);
    assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__UNAUTHENTICATED);
    assert_string_equal(resp->error->message_id, "wrong username or password");
    assert_int_equal(resp->error->n_args, 0);
    assert_string_equal(resp->error->message, "wrong username or password");
    cchc__v1__response__free_unpacked(resp, NULL);

    /* a refusal with arguments: the English has them substituted */
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    Cchc__V1__TaskGetRequest get = CCHC__V1__TASK_GET_REQUEST__INIT;
    raw_send_login(fd, 8, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    resp = raw_read_response(fd, harness_scaled_ms(10000));
    assert_non_null(resp);
    assert_int_equal(resp->body_case, CCHC__V1__RESPONSE__BODY_LOGIN);
    req.session_token = resp->login->session_token;
    get.id = 424242;
    req.request_id = 9;
    req.body_case = CCHC__V1__REQUEST__BODY_TASK_GET;
    req.task_get = &get;
    raw_send_request(fd, &req);
    Cchc__V1__Response *refused = raw_read_response(fd, harness_scaled_ms(10000));
    cchc__v1__response__free_unpacked(resp, NULL);
    assert_non_null(refused);
    assert_non_null(refused->error);
    assert_int_equal(refused->error->code, CCHC__V1__ERROR_CODE__NOT_FOUND);
    assert_string_equal(refused->error->message_id, "unknown task %s; see 'cchc plan tasks'");
    assert_int_equal(refused->error->n_args, 1);
    assert_string_equal(refused->error->args[0], "424242");
    assert_string_equal(refused->error->message, "unknown task 424242; see 'cchc plan tasks'");
    assert_false(has_vietnamese(refused->error->message));
    cchc__v1__response__free_unpacked(refused, NULL);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_permission_says_what_was_tried),
        cmocka_unit_test(test_sql_detail_in_both_languages),
        cmocka_unit_test(test_codes_in_arguments_translated),
        cmocka_unit_test(test_wire_carries_id_args_and_english),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
