/* Reviews name revisions (issue 10, part 3), end to end through the real
 * client: a review of a revision that is no longer the latest submitted
 * one is refused with CONFLICT and nothing is reviewed, even when only one
 * report among several is stale; the current revision is reviewed; a bulk
 * accept sends exactly the (report, revision) pairs it listed, says how
 * many it accepted, asks on a terminal (run on a pseudo-terminal here) and
 * refuses to act without --yes when no terminal can confirm; a bare
 * report number, or a review from a client that sends no
 * revisions, is refused rather than taken to mean "whatever is there". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"
#include "harness_terminal.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, LEAD_REVIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2023", "VP-UBND", "reviewer"}, /* leads 105, 106, 107 */
};

/* Each test works in a period of its own, so no test sees another's reports. */
static const char *const periods[] = {"2023-6M", "2023-9M", "2023-Y", "2024-6M", "2024-9M"};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "review", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
        harness_open_period(srv, periods[i]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* The district office sends its report on a task (a new revision each
 * time progress differs). */
static void submit(const char *period, int task, const char *progress)
{
    fixture_as(&fx, REPORTER);
    char t[16];
    snprintf(t, sizeof(t), "%d", task);
    const char *args[] = {"submit", "--task", t, "--period", period, "--status", "đang triển khai",
                          "--progress", progress, "--result", "Đã tiếp nhận hồ sơ", NULL};
    harness_cchc_ok(srv, args);
}

typedef struct listed {
    long long id;
    int revision;
} listed;

/* What the lead agency's reviewer is shown for a task: the report number
 * and its revision, as "ID@REV" in item. */
static listed list_one(const char *period, int task, char *item, size_t size)
{
    fixture_as(&fx, LEAD_REVIEWER);
    char t[16];
    snprintf(t, sizeof(t), "%d", task);
    const char *args[] = {"review", "list", "--period", period, "--task", t, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *reports = json_object_get(root, "reports");
    assert_int_equal(json_array_size(reports), 1);
    json_t *x = json_array_get(reports, 0);
    listed l = {jint(x, "report_id"), (int)jint(x, "revision")};
    json_decref(root);
    snprintf(item, size, "%lld@%d", l.id, l.revision);
    return l;
}

/* "state revision" of a report and the number of reviews recorded on it. */
static void assert_report(long long id, const char *state_revision, const char *reviews)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT state || ' ' || revision FROM report WHERE id = %lld", id);
    char *got = harness_db_query(&fx.db, sql);
    assert_non_null(got);
    assert_string_equal(got, state_revision);
    free(got);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM report_review WHERE report_id = %lld", id);
    got = harness_db_query(&fx.db, sql);
    assert_string_equal(got, reviews);
    free(got);
}

/* The revision a report's latest review names. */
static int reviewed_revision(long long id)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT revision FROM report_review WHERE report_id = %lld ORDER BY id DESC LIMIT 1", id);
    char *got = harness_db_query(&fx.db, sql);
    assert_non_null(got);
    int rev = atoi(got);
    free(got);
    return rev;
}

/* Runs cchc ARGS… (NULL-terminated) on a pseudo-terminal, as a reviewer at
 * a terminal would; once cchc asks "[c/K]" it types answer and Enter.
 * Returns the exit code; out gets everything the terminal showed. */
static int run_on_terminal(const char *const *args, const char *answer, char *out, size_t size)
{
    const harness_terminal t = {.question = "[c/K]", .answer = answer};
    return harness_cchc_on_terminal(srv, args, &t, out, size);
}

/* The reviewer read revision 1; the unit sent revision 2 before the click.
 * Accepting or returning revision 1 is refused with CONFLICT naming
 * revision 2, who sent it and how to read it; the report stays as it was.
 * Accepting revision 2 then works and records revision 2. */
static void test_superseded_revision_is_refused(void **state)
{
    (void)state;
    submit("2023-6M", 105, "40");
    char seen[48];
    listed l = list_one("2023-6M", 105, seen, sizeof(seen));
    assert_int_equal(l.revision, 1);
    submit("2023-6M", 105, "55"); /* between reading and clicking */

    fixture_as(&fx, LEAD_REVIEWER);
    run_result r;
    const char *accept[] = {"review", "accept", seen, NULL};
    harness_cchc(&r, srv, accept);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "cchc: đã có thay đổi mới hơn:"));
    assert_non_null(strstr(r.err, "đã có lần gửi 2 của"));
    assert_non_null(strstr(r.err, "nk.baocao"));
    assert_non_null(strstr(r.err, "cchc report show --period 2023-6M --task 105 --unit Q-NINHKIEU"));
    assert_non_null(strstr(r.err, "SỐ@LẦN")); /* what to do next */
    run_result_free(&r);
    assert_report(l.id, "submitted 2", "0");

    const char *ret[] = {"review", "return", seen, "--reason", "Thiếu số liệu", NULL};
    harness_cchc(&r, srv, ret);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "cchc: đã có thay đổi mới hơn:"));
    run_result_free(&r);
    assert_report(l.id, "submitted 2", "0");

    /* --json says conflict to scripts */
    const char *json_accept[] = {"--json", "review", "accept", seen, NULL};
    harness_cchc(&r, srv, json_accept);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "\"conflict\""));
    run_result_free(&r);

    /* the revision now shown is the one accepted; --revision says it too */
    char current[48];
    l = list_one("2023-6M", 105, current, sizeof(current));
    assert_int_equal(l.revision, 2);
    char id[24];
    snprintf(id, sizeof(id), "%lld", l.id);
    const char *accept_now[] = {"review", "accept", id, "--revision", "2", NULL};
    harness_cchc(&r, srv, accept_now);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Đã chấp nhận 1 báo cáo"));
    run_result_free(&r);
    assert_report(l.id, "accepted 2", "1");
    assert_int_equal(reviewed_revision(l.id), 2);
    fixture_as(&fx, -1);
}

/* A report number without the revision read is refused by the client
 * before anything is sent; a request without revisions (an older cchc) is
 * refused by the server with a request to upgrade; so is one whose lists
 * differ in length, and a revision that does not exist. */
static void test_review_without_revision_is_refused(void **state)
{
    (void)state;
    submit("2023-9M", 106, "30");
    char seen[48];
    listed l = list_one("2023-9M", 106, seen, sizeof(seen));
    char bare[24];
    snprintf(bare, sizeof(bare), "%lld", l.id);

    fixture_as(&fx, LEAD_REVIEWER);
    run_result r;
    const char *accept_bare[] = {"review", "accept", bare, NULL};
    harness_cchc(&r, srv, accept_bare);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "@LẦN"));
    run_result_free(&r);
    char future[48];
    snprintf(future, sizeof(future), "%lld@%d", l.id, l.revision + 1);
    const char *accept_future[] = {"review", "accept", future, NULL};
    harness_cchc(&r, srv, accept_future);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "không có lần gửi"));
    run_result_free(&r);
    assert_report(l.id, "submitted 1", "0");

    char token[128];
    harness_home_token(fx.homes[LEAD_REVIEWER], token, sizeof(token));
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    int64_t ids[] = {l.id};
    int32_t revisions[] = {1, 1};
    for (int attempt = 0; attempt < 2; attempt++) {
        Cchc__V1__ReviewRequest body = CCHC__V1__REVIEW_REQUEST__INIT;
        body.action = "accept";
        body.report_ids = ids;
        body.n_report_ids = 1;
        body.revisions = revisions;
        body.n_revisions = attempt == 0 ? 0 : 2; /* none (old client), then too many */
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = (uint64_t)(2 + attempt);
        req.session_token = token;
        req.body_case = CCHC__V1__REQUEST__BODY_REVIEW;
        req.review = &body;
        raw_send_request(fd, &req);
        Cchc__V1__Response *resp = raw_read_response(fd, 10000);
        assert_non_null(resp);
        assert_non_null(resp->error);
        assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
        assert_non_null(strstr(resp->error->message, attempt == 0 ? "upgrade cchc" : "one revision per report"));
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    close(fd);
    assert_report(l.id, "submitted 1", "0");
    fixture_as(&fx, -1);
}

/* Bulk accept lists what it will accept with the revisions; with no
 * terminal and no --yes it refuses and accepts nothing; with --yes it
 * accepts exactly the listed reports (the task's, not another task's) and
 * says how many. */
static void test_bulk_accept_lists_confirms_and_counts(void **state)
{
    (void)state;
    submit("2024-6M", 105, "20");
    submit("2024-6M", 106, "25");
    submit("2024-6M", 106, "35"); /* 106 at revision 2 */
    char item105[48], item106[48];
    listed l105 = list_one("2024-6M", 105, item105, sizeof(item105));
    listed l106 = list_one("2024-6M", 106, item106, sizeof(item106));

    fixture_as(&fx, LEAD_REVIEWER);
    run_result r;
    const char *unconfirmed[] = {"review", "accept", "--period", "2024-6M", "--all", NULL};
    harness_cchc(&r, srv, unconfirmed); /* stdin is a pipe, not a terminal */
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "--yes"));
    assert_non_null(strstr(r.out, "Báo cáo sẽ chấp nhận (2)")); /* listed, then refused */
    run_result_free(&r);
    assert_report(l105.id, "submitted 1", "0");
    assert_report(l106.id, "submitted 2", "0");

    const char *one_task[] = {"review", "accept", "--period", "2024-6M", "--task", "106", "--yes", NULL};
    harness_cchc(&r, srv, one_task);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Báo cáo sẽ chấp nhận (1)"));
    assert_non_null(strstr(r.out, "Đã chấp nhận 1 báo cáo"));
    run_result_free(&r);
    assert_report(l106.id, "accepted 2", "1");
    assert_int_equal(reviewed_revision(l106.id), 2);
    assert_report(l105.id, "submitted 1", "0"); /* not listed, not accepted */

    /* --all now lists only what is still submitted: 105 */
    const char *all[] = {"--json", "review", "accept", "--period", "2024-6M", "--all", "--yes", NULL};
    json_t *done = harness_cchc_json(srv, all);
    json_t *reviewed = json_object_get(done, "reviewed");
    assert_int_equal(json_array_size(reviewed), 1);
    assert_int_equal(jint(json_array_get(reviewed, 0), "report_id"), l105.id);
    assert_int_equal(jint(json_array_get(reviewed, 0), "revision"), 1);
    json_decref(done);
    assert_report(l105.id, "accepted 1", "1");
    assert_report(l106.id, "accepted 2", "1");

    const char *nothing_left[] = {"review", "accept", "--period", "2024-6M", "--all", NULL};
    harness_cchc(&r, srv, nothing_left);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Không có báo cáo nào chờ chấp nhận"));
    run_result_free(&r);
    fixture_as(&fx, -1);
}

/* On a terminal, a bulk accept shows the list and asks: "k" accepts
 * nothing, "c" accepts exactly the listed revisions. */
static void test_bulk_accept_asks_on_a_terminal(void **state)
{
    (void)state;
    submit("2023-Y", 107, "10");
    char item[48];
    listed l = list_one("2023-Y", 107, item, sizeof(item));

    fixture_as(&fx, LEAD_REVIEWER);
    const char *bulk[] = {"review", "accept", "--period", "2023-Y", "--task", "107", NULL};
    char shown[16384];
    assert_int_equal(run_on_terminal(bulk, "k", shown, sizeof(shown)), 0);
    assert_non_null(strstr(shown, "Báo cáo sẽ chấp nhận (1)"));
    assert_non_null(strstr(shown, "Không chấp nhận báo cáo nào"));
    assert_report(l.id, "submitted 1", "0");

    assert_int_equal(run_on_terminal(bulk, "c", shown, sizeof(shown)), 0);
    assert_non_null(strstr(shown, "Đã chấp nhận 1 báo cáo"));
    assert_report(l.id, "accepted 1", "1");
    fixture_as(&fx, -1);
}

/* The reviewer lists three reports; the unit resubmits one of them; the
 * reviewer then accepts the three listed pairs. One stale among several
 * refuses all: CONFLICT with exactly one detail (the stale report), none
 * of the three is reviewed. Listing again and accepting in bulk then takes
 * the new revision. */
static void test_resubmission_between_list_and_accept(void **state)
{
    (void)state;
    const int tasks[] = {105, 106, 107};
    char items[3][48];
    listed l[3];
    for (int i = 0; i < 3; i++)
        submit("2024-9M", tasks[i], "50");
    for (int i = 0; i < 3; i++)
        l[i] = list_one("2024-9M", tasks[i], items[i], sizeof(items[i]));
    submit("2024-9M", 106, "70"); /* after the list, before the accept */

    fixture_as(&fx, LEAD_REVIEWER);
    run_result r;
    const char *accept[] = {"review", "accept", items[0], items[1], items[2], NULL};
    harness_cchc(&r, srv, accept);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "cchc: đã có thay đổi mới hơn:"));
    assert_non_null(strstr(r.err, "không xét duyệt báo cáo nào: 1 báo cáo đã được gửi lại sau lần bạn xem"));
    char named[64];
    snprintf(named, sizeof(named), "báo cáo %lld (", l[1].id);
    assert_non_null(strstr(r.err, named));
    snprintf(named, sizeof(named), "báo cáo %lld (", l[0].id);
    assert_null(strstr(r.err, named));
    run_result_free(&r);
    assert_report(l[0].id, "submitted 1", "0");
    assert_report(l[1].id, "submitted 2", "0");
    assert_report(l[2].id, "submitted 1", "0");

    const char *bulk[] = {"review", "accept", "--period", "2024-9M", "--all", "--yes", NULL};
    harness_cchc(&r, srv, bulk);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Đã chấp nhận 3 báo cáo"));
    run_result_free(&r);
    assert_report(l[0].id, "accepted 1", "1");
    assert_report(l[1].id, "accepted 2", "1");
    assert_int_equal(reviewed_revision(l[1].id), 2);
    assert_report(l[2].id, "accepted 1", "1");
    fixture_as(&fx, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_superseded_revision_is_refused),
        cmocka_unit_test(test_review_without_revision_is_refused),
        cmocka_unit_test(test_bulk_accept_lists_confirms_and_counts),
        cmocka_unit_test(test_bulk_accept_asks_on_a_terminal),
        cmocka_unit_test(test_resubmission_between_list_and_accept),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
