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

/* The district sends task 105 twice (only progress changes), and the lead
 * agency accepts the second revision, in English: what it is told. */
static void test_submit_and_review(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *first[] = {"submit", "--task", "105", "--period", PERIOD, "--status",
                           "đang triển khai", "--progress", "30", "--result", "Đã tiếp nhận", NULL};
    char *sent = harness_cchc_output_in(srv, 1, first);
    harness_expect_has(sent, "Sent 1 report of period " PERIOD);
    free(sent);
    const char *second[] = {"submit", "--task", "105", "--period", PERIOD, "--status",
                            "đang triển khai", "--progress", "40", "--result", "Đã tiếp nhận", NULL};
    sent = harness_cchc_output_in(srv, 0, second);
    harness_expect_has(sent, "Đã gửi 1 báo cáo kỳ " PERIOD);
    free(sent);

    fixture_as(&fx, LEAD_REVIEWER);
    const char *list[] = {"review", "list", "--period", PERIOD, "--task", "105", NULL};
    char *vi = harness_cchc_output_in(srv, 0, list);
    harness_expect_has(vi, "Tình trạng");
    harness_expect_has(vi, "đã gửi");
    harness_expect_lacks(vi, "submitted");
    free(vi);
    char *en = harness_cchc_output_in(srv, 1, list);
    harness_expect_has(en, "State");
    harness_expect_has(en, "submitted");
    harness_expect_lacks(en, "đã gửi");
    harness_expect_lacks(en, "Tình trạng");
    free(en);
    /* --json keeps the code */
    json_t *listed = harness_cchc_json(srv, list);
    json_t *report = json_array_get(json_object_get(listed, "reports"), 0);
    assert_string_equal(jstr(report, "state"), "submitted");
    char item[48];
    snprintf(item, sizeof(item), "%lld@%lld", jint(report, "report_id"), jint(report, "revision"));
    json_decref(listed);

    const char *accept[] = {"review", "accept", item, NULL};
    char *accepted = harness_cchc_output_in(srv, 1, accept);
    harness_expect_has(accepted, "Accepted 1 report:");
    harness_expect_has(accepted, "accepted");
    harness_expect_lacks(accepted, "Đã chấp nhận");
    free(accepted);
}

/* The report's history: the fields a revision changed and the review line
 * (level, revision, action) in one language each. */
static void test_history(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *history[] = {"report", "history", "--task", "105", "--period", PERIOD, NULL};
    char *vi = harness_cchc_output_in(srv, 0, history);
    harness_expect_has(vi, "Tình trạng: đã chấp nhận, lần 2");
    harness_expect_has(vi, "Thay đổi: tiến độ");
    harness_expect_has(vi, "(cơ quan chủ trì, lần 2) chấp nhận");
    harness_expect_lacks(vi, "progress");
    harness_expect_lacks(vi, "(lead");
    free(vi);
    char *en = harness_cchc_output_in(srv, 1, history);
    harness_expect_has(en, "State: accepted, revision 2");
    harness_expect_has(en, "Changed: progress");
    harness_expect_has(en, "(lead agency, revision 2) accept");
    harness_expect_lacks(en, "Thay đổi");
    harness_expect_lacks(en, "chấp nhận");
    free(en);

    const char *outbox[] = {"outbox", NULL};
    char *box = harness_cchc_output_in(srv, 1, outbox);
    harness_expect_has(box, "Outbox: 0 submissions waiting for the server");
    free(box);
    box = harness_cchc_output_in(srv, 0, outbox);
    harness_expect_has(box, "Hộp thư đi: 0 lần gửi đang chờ máy chủ");
    free(box);
}

/* What Sở Nội vụ reads: the status heading with the period's state, the
 * accounts with their roles, the unit tree with unit kinds, plan check. */
static void test_admin_views(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *status[] = {"status", "--period", PERIOD, NULL};
    char *vi = harness_cchc_output_in(srv, 0, status);
    harness_expect_has(vi, "(đang mở)");
    harness_expect_has(vi, "Báo cáo: phải có");
    free(vi);
    char *en = harness_cchc_output_in(srv, 1, status);
    harness_expect_has(en, "Period " PERIOD " (open)");
    harness_expect_has(en, "Reports: ");
    harness_expect_lacks(en, "phải có");
    free(en);

    const char *users[] = {"user", "list", "--unit", "Q-NINHKIEU", NULL};
    vi = harness_cchc_output_in(srv, 0, users);
    harness_expect_has(vi, "người báo cáo");
    harness_expect_lacks(vi, "reporter");
    free(vi);
    en = harness_cchc_output_in(srv, 1, users);
    harness_expect_has(en, "Roles");
    harness_expect_has(en, "reporter");
    harness_expect_lacks(en, "người báo cáo");
    free(en);

    const char *units[] = {"units", NULL};
    vi = harness_cchc_output_in(srv, 0, units);
    harness_expect_has(vi, "(Q-NINHKIEU, quận/huyện)");
    free(vi);
    en = harness_cchc_output_in(srv, 1, units);
    harness_expect_has(en, "(Q-NINHKIEU, district)");
    harness_expect_has(en, " units (today).");
    free(en);

    /* the CSV export: headers, the report's state and its last review
     * (action and level) in the reader's language */
    const char *csv[] = {"export", "--period", PERIOD, NULL};
    vi = harness_cchc_output_in(srv, 0, csv);
    harness_expect_has(vi, "\"Tình trạng báo cáo\"");
    harness_expect_has(vi, "\"đã chấp nhận\"");
    harness_expect_has(vi, "\"chấp nhận (cơ quan chủ trì) vp.kiemtra ");
    harness_expect_lacks(vi, "(lead)");
    free(vi);
    en = harness_cchc_output_in(srv, 1, csv);
    harness_expect_has(en, "\"Report state\"");
    harness_expect_has(en, "\"accepted\"");
    harness_expect_has(en, "\"accept (lead agency) vp.kiemtra ");
    harness_expect_lacks(en, "Tình trạng");
    free(en);

    /* Plan 121 as printed has errors and warnings (docs/plan-data.md) */
    const char *check[] = {"plan", "check", NULL};
    vi = harness_cchc_output_in(srv, 0, check);
    harness_expect_has(vi, "[lỗi] ");
    harness_expect_lacks(vi, "[error] ");
    free(vi);
    en = harness_cchc_output_in(srv, 1, check);
    harness_expect_has(en, "[error] ");
    harness_expect_has(en, "points to note in the plan");
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
