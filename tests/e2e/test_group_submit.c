/* Issue 15, deliver 1, end to end: the submissions of one group
 * transaction go to the database as ONE statement (submit_reports_many,
 * server/db/db_group_merge.c) and their stored answers as one, and each
 * client still gets exactly the answer its submission would get sent
 * alone, one after the other in the group's order. test_group_commit.c
 * covers the shared transaction itself (twenty clients, a refused row and
 * a conflict beside good ones, one key twice, a statement error, SIGKILL),
 * all of which now run through the merged statement; this file covers
 * what merging could break: a document's all-or-nothing inside the merged
 * statement, the same report in two documents of one statement, and a
 * resend after the merged commit.
 *
 * As in test_group_commit.c, a batch is made without timing: one
 * submission waits inside PostgreSQL for a period row the test holds FOR
 * UPDATE, the others queue in cchcd behind it (the log says so for each,
 * and each is sent only once the one before is queued, so their order is
 * known), and the test lets go. */
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
#include <libpq-fe.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

/* Reporters of three districts: every district owes tasks 101-131. */
enum { NK, CR, OM, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"gs.ninhkieu", "Bao-cao-Ninh-Kieu-Gop-2024", "Q-NINHKIEU", "reporter"},
    {"gs.cairang", "Bao-cao-Cai-Rang-Gop-2024", "Q-CAIRANG", "reporter"},
    {"gs.omon", "Bao-cao-O-Mon-Gop-2024", "Q-OMON", "reporter"},
};
static char tokens[NPEOPLE][HARNESS_TOKEN_SIZE];

static int setup(void **state)
{
    (void)state;
    fixture_start_group_commit(&fx, "groupsubmit", people, NPEOPLE, tokens);
    harness_open_period(srv, "2024-Q1");
    harness_open_period(srv, "2024-6M");
    harness_open_period(srv, "2024-9M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- helpers ------------------------------------------------------------------- */

/* tag names the test in the text and the keys (base64url) */
static void prepare(raw_submission *s, int who, const char *period, int task, const char *tag)
{
    raw_submission_start(s, srv, people[who].unit, tokens[who], period, task);
    snprintf(s->text, sizeof(s->text), "Gộp %s: %s nhiệm vụ %d", tag, people[who].unit, task);
    snprintf(s->row_key, sizeof(s->row_key), "gs-%s-%d-%d-row", tag, who, task);
    snprintf(s->row_key2, sizeof(s->row_key2), "gs-%s-%d-%d-row2", tag, who, task);
    snprintf(s->request_key, sizeof(s->request_key), "gs-%s-%d-%d-request", tag, who, task);
}

/* Revisions stored of a unit's report on a task in a period. */
static long long revisions(const char *period, int who, int task)
{
    return harness_db_count(&fx.db,
                            "SELECT count(*) FROM report_revision v JOIN report x ON x.id = "
                            "v.report_id WHERE x.period_id = '%s' AND x.unit_code = '%s' AND "
                            "x.task_id = %d",
                            period, people[who].unit, task);
}

/* Revision `revision` of s's report holds s's text. */
static void expect_stored(const raw_submission *s, int revision)
{
    raw_submission_expect_stored(&fx.db, s, revision, 0);
}

/* Sends first alone into the database, where it waits for the held lock,
 * then each of the others once the one before is queued in cchcd: they
 * wait in that order and, submissions of one unit and period, run in it. */
static void send_behind_blocker(raw_submission *first, raw_submission *others, int n)
{
    raw_submissions_behind_blocker(&fx.db, srv, first, others, n, 1);
}

static void save_alone(raw_submission *s, int revision)
{
    raw_submission_send(s, 2);
    Cchc__V1__Response *r = raw_submission_answer(s);
    raw_submission_expect_saved(s, r, revision, 0);
    cchc__v1__response__free_unpacked(r, NULL);
}

/* ---- tests ----------------------------------------------------------------------- */

/* Two clients in one statement: one document holds a good row and a row
 * of a task its unit does not owe. That document writes nothing at all
 * and its client gets its own error; the other client's document beside
 * it in the same statement is saved. */
static void test_invalid_document_writes_nothing(void **state)
{
    (void)state;
    raw_submission first, others[2];
    prepare(&first, NK, "2024-Q1", 101, "loi");
    prepare(&others[0], CR, "2024-Q1", 101, "loi");
    others[0].task2 = 999; /* no such task for the unit */
    prepare(&others[1], OM, "2024-Q1", 101, "loi");
    int merged = harness_log_count(srv, "2 writes in one transaction, one statement");

    PGconn *admin = harness_hold_period(&fx.db, "2024-Q1");
    send_behind_blocker(&first, others, 2);
    harness_release_period(admin);

    Cchc__V1__Response *r = raw_submission_answer(&first);
    raw_submission_expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&others[0]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
    assert_int_equal(r->error->n_details, 1);
    assert_non_null(strstr(r->error->details[0]->message, "999"));
    assert_non_null(strstr(r->error->details[0]->field, "line 3"));
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&others[1]);
    raw_submission_expect_saved(&others[1], r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    /* the two behind the blocker went as one statement */
    assert_int_equal(harness_log_count(srv, "2 writes in one transaction, one statement"),
                     merged + 1);

    expect_stored(&others[1], 1);
    /* all or nothing: the refused document's good row was not written */
    assert_int_equal(revisions("2024-Q1", CR, 101), 0);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report WHERE task_id = 999"),
                     0);
    /* every keyed answer of the statement is stored with its key, the
     * refusal's too (a resend is refused the same), by one statement */
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM request_key WHERE key LIKE "
                                      "'gs-loi-%%' AND response IS NOT NULL"),
                     3);
    close(first.fd);
    close(others[0].fd);
    close(others[1].fd);
}

/* The same report in three documents of one statement, all made from its
 * revision 1: judged one after the other as if sent so, the first is
 * saved as revision 2, the second (another text) is a conflict with it,
 * and the third (the first's text word for word) is unchanged: it writes
 * nothing and is answered as revision 2, replayed. */
static void test_same_report_twice_as_sequential(void **state)
{
    (void)state;
    raw_submission earlier, first, same[3];
    prepare(&earlier, OM, "2024-6M", 102, "truoc");
    save_alone(&earlier, 1);
    prepare(&first, NK, "2024-6M", 102, "lan");
    prepare(&same[0], OM, "2024-6M", 102, "lan-a");
    prepare(&same[1], OM, "2024-6M", 102, "lan-b");
    prepare(&same[2], OM, "2024-6M", 102, "lan-c");
    memcpy(same[2].text, same[0].text, sizeof(same[2].text));
    for (int i = 0; i < 3; i++)
        same[i].base = 1;
    int merged = harness_log_count(srv, "3 writes in one transaction, one statement");

    PGconn *admin = harness_hold_period(&fx.db, "2024-6M");
    send_behind_blocker(&first, same, 3);
    harness_release_period(admin);

    Cchc__V1__Response *r = raw_submission_answer(&first);
    raw_submission_expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&same[0]);
    raw_submission_expect_saved(&same[0], r, 2, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&same[1]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__CONFLICT);
    assert_true(r->error->n_details >= 1);
    assert_non_null(strstr(r->error->details[0]->message, "gs.omon"));
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&same[2]);
    raw_submission_expect_saved(&same[2], r, 2, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_log_count(srv, "3 writes in one transaction, one statement"),
                     merged + 1);

    assert_int_equal(revisions("2024-6M", OM, 102), 2);
    expect_stored(&same[0], 2);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report_revision WHERE results "
                                              "LIKE 'Gộp lan-b:%%'"),
                     0);
    close(earlier.fd);
    close(first.fd);
    for (int i = 0; i < 3; i++)
        close(same[i].fd);
}

/* After a merged commit, a submission sent again with its request key (a
 * retry on a new connection: its answer was lost) is answered from the
 * answer stored by the merged statement, the same answer, and writes
 * nothing; each keyed submission of the statement has its answer stored. */
static void test_resend_after_merged_commit(void **state)
{
    (void)state;
    raw_submission first, others[2];
    prepare(&first, NK, "2024-9M", 103, "gui-lai");
    prepare(&others[0], CR, "2024-9M", 103, "gui-lai");
    prepare(&others[1], OM, "2024-9M", 104, "gui-lai");
    int merged = harness_log_count(srv, "2 writes in one transaction, one statement");

    PGconn *admin = harness_hold_period(&fx.db, "2024-9M");
    send_behind_blocker(&first, others, 2);
    harness_release_period(admin);

    Cchc__V1__Response *r = raw_submission_answer(&first);
    raw_submission_expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    Cchc__V1__Response *original = raw_submission_answer(&others[1]);
    raw_submission_expect_saved(&others[1], original, 1, 0);
    r = raw_submission_answer(&others[0]);
    raw_submission_expect_saved(&others[0], r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_log_count(srv, "2 writes in one transaction, one statement"),
                     merged + 1);
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM request_key WHERE key LIKE "
                                      "'gs-gui-lai-%%' AND response IS NOT NULL"),
                     3);

    int from_record = harness_log_count(srv, "answered from its request key");
    raw_submission again = others[1];
    again.fd = raw_connect_greeted(srv);
    raw_submission_send(&again, 7);
    r = raw_submission_answer(&again);
    raw_submission_expect_saved(&again, r, 1, 0);
    assert_int_equal(r->report_submit->saved[0]->report_id,
                     original->report_submit->saved[0]->report_id);
    assert_int_equal(harness_log_count(srv, "answered from its request key"), from_record + 1);
    cchc__v1__response__free_unpacked(r, NULL);
    cchc__v1__response__free_unpacked(original, NULL);
    assert_int_equal(revisions("2024-9M", OM, 104), 1);
    expect_stored(&others[1], 1);
    close(again.fd);
    close(first.fd);
    close(others[0].fd);
    close(others[1].fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_document_writes_nothing),
        cmocka_unit_test(test_same_report_twice_as_sequential),
        cmocka_unit_test(test_resend_after_merged_commit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
