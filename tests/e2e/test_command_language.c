/* The commands of reports, review, status, plan, units and user (issue 14,
 * part H1b) speak the reader's language, end to end through the real
 * client: by default (no --lang, no LANG: Vietnamese) and with --lang en
 * the same command shows its sentences, column titles and labels in one
 * language — report and period states, roles, unit kinds, the fields a
 * revision changed, the review's level and action, plan check severities —
 * while --json keeps the codes. Each check names a word that only the
 * other language would print, so mixing the two fails. */
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

#define PERIOD "2023-6M"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, LEAD_REVIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2023", "VP-UBND", "reviewer"}, /* leads 105 */
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "command_language", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* Runs cchc ARGS (NULL-terminated) in English or in the default language,
 * fails unless it exits 0, and returns its standard output. */
static char *output_in(int english, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    if (english) {
        argv[n++] = "--lang";
        argv[n++] = "en";
    }
    for (int i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    run_result r;
    harness_cchc(&r, srv, argv);
    if (r.exit_code != 0)
        fprintf(stderr, "cchc exited %d:\n%s\n%s\n", r.exit_code, r.out, r.err);
    assert_int_equal(r.exit_code, 0);
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

static void assert_has(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fprintf(stderr, "missing \"%s\" in:\n%s\n", needle, text);
    assert_non_null(strstr(text, needle));
}

static void assert_lacks(const char *text, const char *needle)
{
    if (strstr(text, needle))
        fprintf(stderr, "unexpected \"%s\" in:\n%s\n", needle, text);
    assert_null(strstr(text, needle));
}

/* The district sends task 105 twice (only progress changes), and the lead
 * agency accepts the second revision, in English: what it is told. */
static void test_submit_and_review(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *first[] = {"submit", "--task", "105", "--period", PERIOD, "--status",
                           "đang triển khai", "--progress", "30", "--result", "Đã tiếp nhận", NULL};
    char *sent = output_in(1, first);
    assert_has(sent, "Sent 1 report of period " PERIOD);
    free(sent);
    const char *second[] = {"submit", "--task", "105", "--period", PERIOD, "--status",
                            "đang triển khai", "--progress", "40", "--result", "Đã tiếp nhận", NULL};
    sent = output_in(0, second);
    assert_has(sent, "Đã gửi 1 báo cáo kỳ " PERIOD);
    free(sent);

    fixture_as(&fx, LEAD_REVIEWER);
    const char *list[] = {"review", "list", "--period", PERIOD, "--task", "105", NULL};
    char *vi = output_in(0, list);
    assert_has(vi, "Tình trạng");
    assert_has(vi, "đã gửi");
    assert_lacks(vi, "submitted");
    free(vi);
    char *en = output_in(1, list);
    assert_has(en, "State");
    assert_has(en, "submitted");
    assert_lacks(en, "đã gửi");
    assert_lacks(en, "Tình trạng");
    free(en);
    /* --json keeps the code */
    json_t *listed = harness_cchc_json(srv, list);
    json_t *report = json_array_get(json_object_get(listed, "reports"), 0);
    assert_string_equal(jstr(report, "state"), "submitted");
    char item[48];
    snprintf(item, sizeof(item), "%lld@%lld", jint(report, "report_id"), jint(report, "revision"));
    json_decref(listed);

    const char *accept[] = {"review", "accept", item, NULL};
    char *accepted = output_in(1, accept);
    assert_has(accepted, "Accepted 1 report:");
    assert_has(accepted, "accepted");
    assert_lacks(accepted, "Đã chấp nhận");
    free(accepted);
}

/* The report's history: the fields a revision changed and the review line
 * (level, revision, action) in one language each. */
static void test_history(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *history[] = {"report", "history", "--task", "105", "--period", PERIOD, NULL};
    char *vi = output_in(0, history);
    assert_has(vi, "Tình trạng: đã chấp nhận, lần 2");
    assert_has(vi, "Thay đổi: tiến độ");
    assert_has(vi, "(cơ quan chủ trì, lần 2) chấp nhận");
    assert_lacks(vi, "progress");
    assert_lacks(vi, "(lead");
    free(vi);
    char *en = output_in(1, history);
    assert_has(en, "State: accepted, revision 2");
    assert_has(en, "Changed: progress");
    assert_has(en, "(lead agency, revision 2) accept");
    assert_lacks(en, "Thay đổi");
    assert_lacks(en, "chấp nhận");
    free(en);

    const char *outbox[] = {"outbox", NULL};
    char *box = output_in(1, outbox);
    assert_has(box, "Outbox: 0 submissions waiting for the server");
    free(box);
    box = output_in(0, outbox);
    assert_has(box, "Hộp thư đi: 0 lần gửi đang chờ máy chủ");
    free(box);
}

/* What Sở Nội vụ reads: the status heading with the period's state, the
 * accounts with their roles, the unit tree with unit kinds, plan check. */
static void test_admin_views(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *status[] = {"status", "--period", PERIOD, NULL};
    char *vi = output_in(0, status);
    assert_has(vi, "(đang mở)");
    assert_has(vi, "Báo cáo: phải có");
    free(vi);
    char *en = output_in(1, status);
    assert_has(en, "Period " PERIOD " (open)");
    assert_has(en, "Reports: ");
    assert_lacks(en, "phải có");
    free(en);

    const char *users[] = {"user", "list", "--unit", "Q-NINHKIEU", NULL};
    vi = output_in(0, users);
    assert_has(vi, "người báo cáo");
    assert_lacks(vi, "reporter");
    free(vi);
    en = output_in(1, users);
    assert_has(en, "Roles");
    assert_has(en, "reporter");
    assert_lacks(en, "người báo cáo");
    free(en);

    const char *units[] = {"units", NULL};
    vi = output_in(0, units);
    assert_has(vi, "(Q-NINHKIEU, quận/huyện)");
    free(vi);
    en = output_in(1, units);
    assert_has(en, "(Q-NINHKIEU, district)");
    assert_has(en, " units (today).");
    free(en);

    /* the CSV export: headers, the report's state and its last review
     * (action and level) in the reader's language */
    const char *csv[] = {"export", "--period", PERIOD, NULL};
    vi = output_in(0, csv);
    assert_has(vi, "\"Tình trạng báo cáo\"");
    assert_has(vi, "\"đã chấp nhận\"");
    assert_has(vi, "\"chấp nhận (cơ quan chủ trì) vp.kiemtra ");
    assert_lacks(vi, "(lead)");
    free(vi);
    en = output_in(1, csv);
    assert_has(en, "\"Report state\"");
    assert_has(en, "\"accepted\"");
    assert_has(en, "\"accept (lead agency) vp.kiemtra ");
    assert_lacks(en, "Tình trạng");
    free(en);

    /* Plan 121 as printed has errors and warnings (docs/plan-data.md) */
    const char *check[] = {"plan", "check", NULL};
    vi = output_in(0, check);
    assert_has(vi, "[lỗi] ");
    assert_lacks(vi, "[error] ");
    free(vi);
    en = output_in(1, check);
    assert_has(en, "[error] ");
    assert_has(en, "points to note in the plan");
    free(en);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_submit_and_review),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_admin_views),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
