/* The texts the server and its SQL write for people reach them in ONE
 * language (issue 14, part H1): each is a message id with arguments that
 * cchc says in the reader's language, and --json keeps the id, the codes
 * and the arguments as sent. For each kind of text the same request runs
 * in Vietnamese (the default) and with --lang en, and each output is
 * checked for a word of its own language and for the absence of one only
 * the other language would print:
 *   1. `plan check` findings: kind, severity and detail, decimals with
 *      the reader's mark;
 *   2. a closed unit's notice (whoami), a unit change's summary
 *      (`units apply --dry-run`), dates dd/mm/yyyy, and the part of a
 *      split unit in its history;
 *   3. the refusals of a bad frame (raw socket: id and arguments on the
 *      wire; tests/unit/test_message_text.c renders them);
 *   4. a code inside a sentence ("cannot %s": the period action by its
 *      label, not "close");
 *   5. the audit log's actions by their labels.
 */
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

#include "frame.h"
#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { CLERK, NPEOPLE };
/* on a department this file closes (no other test program's data) */
static const test_person people[NPEOPLE] = {
    {"gtvt.vanthu", "Van-thu-Giao-thong-2024", "SGTVT", "reporter"},
};
#define ADMIN (-1)

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "lang_server", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* Runs cchc args… (NULL-terminated, at most 12) in Vietnamese (en = 0, the
 * default: no --lang) or English (--lang en given at the end). */
static void run_in(run_result *r, int en, const char *const *args)
{
    const char *argv[16];
    size_t n = 0;
    while (args[n] && n < 12) {
        argv[n] = args[n];
        n++;
    }
    if (en) {
        argv[n++] = "--lang";
        argv[n++] = "en";
    }
    argv[n] = NULL;
    harness_cchc(r, srv, argv);
}

static void expect_exit(const run_result *r, int code)
{
    if (r->exit_code != code)
        fail_msg("exit %d, not %d; stdout:\n%s\nstderr:\n%s", r->exit_code, code, r->out, r->err);
}

/* The array at key as a list of strings; element i (fails when absent). */
static const char *jarg(json_t *obj, const char *key, size_t i)
{
    json_t *a = json_array_get(json_object_get(obj, key), i);
    if (!json_is_string(a))
        fail_msg("%s[%zu] is not a string", key, i);
    return json_string_value(a);
}

/* ---- 1. plan check ------------------------------------------------------ */

#define SCORE_SUM_ID "%s %s: printed %s score %s, sum of children %s (difference %s)"

static void test_plan_check_in_one_language(void **state)
{
    (void)state;
    fixture_as(&fx, ADMIN);
    const char *check[] = {"plan", "check", NULL};
    run_result r;

    run_in(&r, 0, check);
    expect_exit(&r, 0);
    /* PAR-INDEX 2.4: 3.2047 printed, children sum 3.2407 (docs/plan-data.md) */
    harness_expect_has(r.out, "tổng điểm tiêu chí con 3,2407");
    harness_expect_has(r.out, "[lỗi] điểm nhóm khác tổng điểm tiêu chí con: PAR-INDEX 2.4");
    harness_expect_has(r.out, "đánh số nhầm");
    harness_expect_lacks(r.out, "sum of children");
    harness_expect_lacks(r.out, "printed");
    harness_expect_lacks(r.out, "numbering_slip");
    harness_expect_lacks(r.out, "3.2047");
    run_result_free(&r);

    run_in(&r, 1, check);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "sum of children 3.2407");
    harness_expect_has(r.out, "[error] group score differs from its children's sum: PAR-INDEX 2.4");
    harness_expect_has(r.out, "numbering slip");
    harness_expect_lacks(r.out, "tiêu chí con");
    harness_expect_lacks(r.out, "đánh số nhầm");
    harness_expect_lacks(r.out, "numbering_slip");
    run_result_free(&r);

    /* --json: the codes, an English detail, and the id with its arguments */
    json_t *root = harness_cchc_json(srv, check);
    json_t *findings = json_object_get(root, "findings");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(findings); i++) {
        json_t *f = json_array_get(findings, i);
        assert_true(strlen(jstr(f, "message_id")) > 0);
        harness_expect_lacks(jstr(f, "detail"), "\x1f");
        if (strcmp(jstr(f, "kind"), "group_score_sum") != 0)
            continue;
        seen++;
        assert_string_equal(jstr(f, "severity"), "error");
        assert_string_equal(jstr(f, "message_id"), SCORE_SUM_ID);
        assert_string_equal(jarg(f, "args", 0), "PAR-INDEX");
        assert_string_equal(jarg(f, "args", 1), "2.4");
        assert_string_equal(jarg(f, "args", 3), "3.2047");
        harness_expect_has(jstr(f, "detail"), "PAR-INDEX 2.4: printed 2022 score 3.2047, sum of children 3.2407");
    }
    assert_int_equal(seen, 1);
    json_decref(root);
}

/* ---- 2. a closed unit's notice, a unit change's summary ------------------ */

static void test_closed_unit_notice_in_one_language(void **state)
{
    (void)state;
    fixture_as(&fx, ADMIN);
    const char *close[] = {"units", "close", "SGTVT", "--on", "2025-07-01", NULL};
    harness_cchc_ok(srv, close);

    fixture_as(&fx, CLERK);
    const char *whoami[] = {"whoami", NULL};
    run_result r;
    run_in(&r, 0, whoami);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "Sở Giao thông vận tải (SGTVT) đã ngừng hoạt động từ ngày 01/07/2025");
    harness_expect_has(r.out, "cchc user move gtvt.vanthu --unit");
    harness_expect_lacks(r.out, "no longer exists");
    harness_expect_lacks(r.out, "2025-07-01");
    run_result_free(&r);

    run_in(&r, 1, whoami);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "Sở Giao thông vận tải (SGTVT) no longer exists from 01/07/2025");
    harness_expect_has(r.out, "ask an administrator to move this account: cchc user move gtvt.vanthu --unit");
    harness_expect_lacks(r.out, "ngừng hoạt động");
    harness_expect_lacks(r.out, "quản trị viên");
    run_result_free(&r);

    json_t *who = harness_cchc_json(srv, whoami);
    json_t *account = json_object_get(who, "account");
    assert_true(json_is_true(json_object_get(account, "unit_closed")));
    harness_expect_has(jstr(account, "unit_notice_id"), "unit %s (%s) no longer exists from %s");
    assert_string_equal(jarg(account, "unit_notice_args", 1), "SGTVT");
    assert_string_equal(jarg(account, "unit_notice_args", 2), "2025-07-01");
    harness_expect_has(jstr(account, "unit_notice"), "(SGTVT) no longer exists from 2025-07-01");
    json_decref(who);
}

#define CHANGES "lang_server_changes.json"

static void test_unit_change_summary_in_one_language(void **state)
{
    (void)state;
    fixture_as(&fx, ADMIN);
    /* made-up departments, tried only (--dry-run: nothing is written) */
    harness_write_file(CHANGES,
                       "[{\"op\": \"create\", \"effective_on\": \"2024-01-01\", \"to\": [{\"code\": \"TEST-H1A\","
                       " \"name\": \"Sở Thử A\", \"kind\": \"department\", \"parent\": \"UBND-TP\"}]},"
                       "{\"op\": \"create\", \"effective_on\": \"2024-01-01\", \"to\": [{\"code\": \"TEST-H1B\","
                       " \"name\": \"Sở Thử B\", \"kind\": \"department\", \"parent\": \"UBND-TP\"}]},"
                       "{\"op\": \"merge\", \"effective_on\": \"2025-03-01\", \"from\": [\"TEST-H1A\", \"TEST-H1B\"],"
                       " \"to\": [{\"code\": \"TEST-H1C\", \"name\": \"Sở Thử C\"}]}]");
    const char *apply[] = {"units", "apply", CHANGES, "--dry-run", NULL};
    run_result r;
    run_in(&r, 0, apply);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "thành lập Sở Thử A (TEST-H1A) từ ngày 01/01/2024");
    harness_expect_has(r.out, "hợp nhất TEST-H1A, TEST-H1B → TEST-H1C từ ngày 01/03/2025");
    harness_expect_lacks(r.out, "merge ");
    harness_expect_lacks(r.out, "create ");
    harness_expect_lacks(r.out, " from ");
    run_result_free(&r);

    run_in(&r, 1, apply);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "create Sở Thử A (TEST-H1A) from 01/01/2024");
    harness_expect_has(r.out, "merge TEST-H1A, TEST-H1B → TEST-H1C from 01/03/2025");
    harness_expect_lacks(r.out, "hợp nhất");
    harness_expect_lacks(r.out, "thành lập");
    harness_expect_lacks(r.out, "từ ngày");
    run_result_free(&r);

    json_t *root = harness_cchc_json(srv, apply);
    json_t *merge = json_array_get(json_object_get(root, "effects"), 2);
    assert_string_equal(jstr(merge, "op"), "merge");
    assert_string_equal(jstr(merge, "summary_id"), "merge %s → %s from %s");
    assert_string_equal(jarg(merge, "summary_args", 0), "TEST-H1A, TEST-H1B");
    assert_string_equal(jarg(merge, "summary_args", 2), "2025-03-01");
    assert_string_equal(jstr(merge, "summary"), "merge TEST-H1A, TEST-H1B → TEST-H1C from 2025-03-01");
    json_decref(root);
    unlink(CHANGES);
}

/* A unit's history: the part of a split unit a succession took, by its
 * label (it was "một phần (part)" in both languages). Runs last: it
 * applies the city's 2025 reorganisation. */
static void test_unit_history_part_in_one_language(void **state)
{
    (void)state;
    fixture_as(&fx, ADMIN);
    const char *apply[] = {"units", "apply", CCHC_SOURCE_DIR "/sql/units/changes_2025.csv", NULL};
    harness_cchc_ok(srv, apply);
    /* a ward split between two new wards in 2025 */
    const char *history[] = {"units", "history", "P-BT-BUIHUUNGHIA", NULL};
    run_result r;
    run_in(&r, 0, history);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "(P-CAIKHE) — một phần");
    harness_expect_has(r.out, "(P-BINHTHUY) — phần còn lại");
    harness_expect_lacks(r.out, "part");
    harness_expect_lacks(r.out, "rest");
    run_result_free(&r);
    run_in(&r, 1, history);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "(P-CAIKHE) — part of the unit");
    harness_expect_has(r.out, "(P-BINHTHUY) — the rest of the unit");
    harness_expect_lacks(r.out, "một phần");
    harness_expect_lacks(r.out, "phần còn lại");
    run_result_free(&r);
    json_t *root = harness_cchc_json(srv, history);
    json_t *events = json_object_get(root, "events");
    int parts = 0;
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *e = json_array_get(events, i);
        json_t *part = json_object_get(e, "part");
        if (json_is_string(part) && (strcmp(json_string_value(part), "part") == 0 ||
                                     strcmp(json_string_value(part), "rest") == 0)) {
            parts++;
            json_t *note = json_object_get(e, "note"); /* left out when empty */
            if (json_is_string(note))
                harness_expect_lacks(json_string_value(note), "(part)");
        }
    }
    assert_int_equal(parts, 2);
    json_decref(root);
}

/* ---- 3. the refusals of a bad frame -------------------------------------- */

static void test_bad_frames_are_refused_with_ids(void **state)
{
    (void)state;
    /* announced larger than any limit, before hello */
    int fd = raw_connect(srv);
    uint8_t header[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    raw_send(fd, header, 4);
    Cchc__V1__Response *resp = raw_read_response(fd, harness_scaled_ms(5000));
    assert_non_null(resp);
    assert_non_null(resp->error);
    assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE);
    assert_string_equal(resp->error->message_id,
                        "frame of %s bytes exceeds the limit of %s bytes before hello");
    assert_int_equal(resp->error->n_args, 2);
    assert_string_equal(resp->error->args[0], "4294967295");
    harness_expect_has(resp->error->message, "frame of 4294967295 bytes exceeds the limit of ");
    cchc__v1__response__free_unpacked(resp, NULL);
    assert_true(raw_wait_closed(fd, harness_scaled_ms(5000)));
    close(fd);

    /* a frame that is no request at all: refused, the connection goes on */
    fd = raw_connect(srv);
    const uint8_t junk[] = {0xFF, 0xFF, 0xFF};
    frame_put_header(header, sizeof(junk));
    raw_send(fd, header, 4);
    raw_send(fd, junk, sizeof(junk));
    resp = raw_read_response(fd, harness_scaled_ms(5000));
    assert_non_null(resp);
    assert_non_null(resp->error);
    assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__MALFORMED);
    assert_string_equal(resp->error->message_id, "frame payload is not a cchc.v1.Request message");
    assert_string_equal(resp->error->message, "frame payload is not a cchc.v1.Request message");
    cchc__v1__response__free_unpacked(resp, NULL);
    close(fd);
    harness_assert_serves(srv);
}

/* ---- 4. a code inside a sentence ----------------------------------------- */

static void test_action_inside_a_sentence_by_its_label(void **state)
{
    (void)state;
    fixture_as(&fx, ADMIN);
    /* a period of a far year exists, planned: it cannot be closed */
    const char *close[] = {"period", "close", "2031-Q1", "--yes", NULL};
    run_result r;
    run_in(&r, 0, close);
    expect_exit(&r, 1);
    harness_expect_has(r.err, "kỳ 2031-Q1 đang ở trạng thái chưa mở, không thể đóng kỳ; được phép: mở kỳ, gia hạn");
    harness_expect_lacks(r.err, "close");
    harness_expect_lacks(r.err, "planned");
    run_result_free(&r);

    run_in(&r, 1, close);
    expect_exit(&r, 1);
    harness_expect_has(r.err, "period 2031-Q1 is planned and cannot close the period; next actions allowed: "
                      "open the period, extend the deadline");
    harness_expect_lacks(r.err, "đóng");
    run_result_free(&r);

    /* the client's own sentence about the action says it alike */
    const char *unconfirmed[] = {"period", "close", "2031-Q1", NULL};
    run_in(&r, 0, unconfirmed);
    expect_exit(&r, 2);
    harness_expect_has(r.err, "thêm --yes để đóng kỳ 2031-Q1");
    run_result_free(&r);
    run_in(&r, 1, unconfirmed);
    expect_exit(&r, 2);
    harness_expect_has(r.err, "add --yes to close the period 2031-Q1");
    run_result_free(&r);

    /* --json keeps the codes as sent */
    const char *close_json[] = {"--json", "period", "close", "2031-Q1", "--yes", NULL};
    harness_cchc(&r, srv, close_json);
    expect_exit(&r, 1);
    json_t *root = json_loads(r.out, 0, NULL);
    assert_non_null(root);
    /* the refusal is the detail of a summary (a row of period_action) */
    json_t *detail = json_array_get(json_object_get(json_object_get(root, "error"), "details"), 0);
    assert_non_null(detail);
    assert_string_equal(jstr(detail, "message_id"), "period %s is %s and cannot %s; next actions allowed: %s");
    assert_string_equal(jarg(detail, "args", 1), "planned");
    assert_string_equal(jarg(detail, "args", 2), "close");
    assert_string_equal(jarg(detail, "args", 3), "open, extend");
    json_decref(root);
    run_result_free(&r);
}

/* ---- 5. the audit log's actions ------------------------------------------ */

static void test_audit_actions_by_their_labels(void **state)
{
    (void)state;
    fixture_as(&fx, ADMIN);
    const char *audit[] = {"audit", "--action", "session.", NULL};
    run_result r;
    run_in(&r, 0, audit);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "đăng nhập");
    harness_expect_lacks(r.out, "session.login");
    harness_expect_lacks(r.out, "log in");
    run_result_free(&r);

    run_in(&r, 1, audit);
    expect_exit(&r, 0);
    harness_expect_has(r.out, "log in");
    harness_expect_lacks(r.out, "session.login");
    harness_expect_lacks(r.out, "đăng nhập");
    run_result_free(&r);

    json_t *root = harness_cchc_json(srv, audit);
    json_t *entries = json_object_get(root, "entries");
    assert_true(json_array_size(entries) > 0);
    int logins = 0;
    for (size_t i = 0; i < json_array_size(entries); i++)
        logins += strcmp(jstr(json_array_get(entries, i), "action"), "session.login") == 0;
    assert_true(logins > 0);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_check_in_one_language),
        cmocka_unit_test(test_closed_unit_notice_in_one_language),
        cmocka_unit_test(test_unit_change_summary_in_one_language),
        cmocka_unit_test(test_bad_frames_are_refused_with_ids),
        cmocka_unit_test(test_action_inside_a_sentence_by_its_label),
        cmocka_unit_test(test_audit_actions_by_their_labels),
        cmocka_unit_test(test_unit_history_part_in_one_language),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
