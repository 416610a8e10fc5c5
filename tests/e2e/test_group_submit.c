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
static const char *units[NPEOPLE] = {"Q-NINHKIEU", "Q-CAIRANG", "Q-OMON"};
static char tokens[NPEOPLE][128];

static const char *const server_args[] = {"--group-commit-inflight", "1", "--group-commit-max",
                                          "64", NULL};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "groupsubmit", server_args);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2024-Q1");
    harness_open_period(srv, "2024-6M");
    harness_open_period(srv, "2024-9M");
    for (int i = 0; i < NPEOPLE; i++)
        harness_home_token(fx.homes[i], tokens[i], sizeof(tokens[i]));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- helpers ------------------------------------------------------------------- */

static int log_count(const char *needle)
{
    char *log = harness_read_file(srv->log_path);
    int n = 0;
    for (const char *p = log; (p = strstr(p, needle)) != NULL; p++)
        n++;
    free(log);
    return n;
}

typedef struct log_wait {
    const char *needle;
    int at_least;
} log_wait;

static int log_reached(void *arg)
{
    const log_wait *w = arg;
    return log_count(w->needle) >= w->at_least;
}

/* One submission of one or two rows, as cchc would send it. */
typedef struct submission {
    int who; /* index into people */
    const char *period;
    int task, task2; /* task2 0: one row */
    int base;        /* base_revision of the first row */
    char text[128];  /* results */
    char row_key[48], row_key2[48];
    char request_key[48];
    int fd;
} submission;

static void send_submission(submission *s, uint64_t request_id)
{
    Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT, row2 = CCHC__V1__REPORT_ROW__INIT;
    Cchc__V1__ReportRow *rows[] = {&row, &row2};
    row.line = 2;
    row.task_id = s->task;
    row.status = "in_progress";
    row.progress = "50";
    row.results = s->text;
    row.idempotency_key = s->row_key;
    row.base_revision = s->base;
    row2 = row;
    row2.line = 3;
    row2.task_id = s->task2;
    row2.idempotency_key = s->row_key2;
    row2.base_revision = 0;
    Cchc__V1__ReportSubmitRequest submit = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    submit.period_id = (char *)s->period;
    submit.rows = rows;
    submit.n_rows = s->task2 ? 2 : 1;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = request_id;
    req.session_token = tokens[s->who];
    req.request_key = s->request_key;
    req.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req.report_submit = &submit;
    raw_send_request(s->fd, &req);
}

/* tag names the test in the text and the keys (base64url) */
static void prepare(submission *s, int who, const char *period, int task, const char *tag)
{
    memset(s, 0, sizeof(*s));
    s->who = who;
    s->period = period;
    s->task = task;
    snprintf(s->text, sizeof(s->text), "Gộp %s: %s nhiệm vụ %d", tag, units[who], task);
    snprintf(s->row_key, sizeof(s->row_key), "gs-%s-%d-%d-row", tag, who, task);
    snprintf(s->row_key2, sizeof(s->row_key2), "gs-%s-%d-%d-row2", tag, who, task);
    snprintf(s->request_key, sizeof(s->request_key), "gs-%s-%d-%d-request", tag, who, task);
    s->fd = raw_connect(srv);
    raw_hello(s->fd, 1);
}

static Cchc__V1__Response *read_answer(const submission *s)
{
    Cchc__V1__Response *r = raw_read_response(s->fd, 60000);
    if (!r)
        fail_msg("no answer to %s's submission of task %d", units[s->who], s->task);
    return r;
}

static void expect_saved(const submission *s, Cchc__V1__Response *r, int revision, int replayed)
{
    if (r->error)
        fail_msg("%s task %d answered %s", units[s->who], s->task, r->error->message);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_REPORT_SUBMIT);
    assert_int_equal(r->report_submit->n_saved, 1);
    assert_int_equal(r->report_submit->saved[0]->task_id, s->task);
    assert_int_equal(r->report_submit->saved[0]->revision, revision);
    assert_int_equal(r->report_submit->saved[0]->replayed, replayed);
}

/* Revisions stored of a unit's report on a task in a period. */
static long long revisions(const char *period, int who, int task)
{
    return harness_db_count(&fx.db,
                            "SELECT count(*) FROM report_revision v JOIN report x ON x.id = "
                            "v.report_id WHERE x.period_id = '%s' AND x.unit_code = '%s' AND "
                            "x.task_id = %d",
                            period, units[who], task);
}

/* The text of revision `revision` of s's report ("" when none). */
static void expect_stored(const submission *s, int revision)
{
    char *text = harness_db_queryf(&fx.db,
                                   "SELECT v.results FROM report x JOIN report_revision v ON "
                                   "v.report_id = x.id AND v.revision = %d WHERE x.period_id = "
                                   "'%s' AND x.unit_code = '%s' AND x.task_id = %d",
                                   revision, s->period, units[s->who], s->task);
    if (!text)
        fail_msg("%s task %d: no revision %d stored", units[s->who], s->task, revision);
    assert_string_equal(text, s->text);
    free(text);
}

/* The test's own connection, holding a period row FOR UPDATE: a
 * submission for that period waits for it inside PostgreSQL. */
static PGconn *hold_period(const char *period)
{
    PGconn *admin = PQconnectdb(fx.db.conninfo);
    assert_int_equal(PQstatus(admin), CONNECTION_OK);
    PQclear(PQexec(admin, "BEGIN"));
    const char *params[] = {period};
    PGresult *res = PQexecParams(admin, "SELECT 1 FROM report_period WHERE id = $1 FOR UPDATE", 1,
                                 NULL, params, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    return admin;
}

static void release_period(PGconn *admin)
{
    PQclear(PQexec(admin, "COMMIT"));
    PQfinish(admin);
}

/* Sends first alone into the database, where it waits for the held lock,
 * then each of the others once the one before is queued in cchcd: they
 * wait in that order and, submissions of one unit and period, run in it. */
static void send_behind_blocker(submission *first, submission *others, int n)
{
    send_submission(first, 2);
    harness_wait_for(harness_someone_waits_for_lock, &fx.db, 30000,
                     "the first submission to wait for the period");
    for (int i = 0; i < n; i++) {
        log_wait queued = {"queued for group commit", log_count("queued for group commit") + 1};
        send_submission(&others[i], 2);
        harness_wait_for(log_reached, &queued, 30000, "cchcd to queue a submission");
    }
}

static void save_alone(submission *s, int revision)
{
    send_submission(s, 2);
    Cchc__V1__Response *r = read_answer(s);
    expect_saved(s, r, revision, 0);
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
    submission first, others[2];
    prepare(&first, NK, "2024-Q1", 101, "loi");
    prepare(&others[0], CR, "2024-Q1", 101, "loi");
    others[0].task2 = 999; /* no such task for the unit */
    prepare(&others[1], OM, "2024-Q1", 101, "loi");
    int merged = log_count("2 writes in one transaction, one statement");

    PGconn *admin = hold_period("2024-Q1");
    send_behind_blocker(&first, others, 2);
    release_period(admin);

    Cchc__V1__Response *r = read_answer(&first);
    expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&others[0]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
    assert_int_equal(r->error->n_details, 1);
    assert_non_null(strstr(r->error->details[0]->message, "999"));
    assert_non_null(strstr(r->error->details[0]->field, "line 3"));
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&others[1]);
    expect_saved(&others[1], r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    /* the two behind the blocker went as one statement */
    assert_int_equal(log_count("2 writes in one transaction, one statement"), merged + 1);

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
    submission earlier, first, same[3];
    prepare(&earlier, OM, "2024-6M", 102, "truoc");
    save_alone(&earlier, 1);
    prepare(&first, NK, "2024-6M", 102, "lan");
    prepare(&same[0], OM, "2024-6M", 102, "lan-a");
    prepare(&same[1], OM, "2024-6M", 102, "lan-b");
    prepare(&same[2], OM, "2024-6M", 102, "lan-c");
    memcpy(same[2].text, same[0].text, sizeof(same[2].text));
    for (int i = 0; i < 3; i++)
        same[i].base = 1;
    int merged = log_count("3 writes in one transaction, one statement");

    PGconn *admin = hold_period("2024-6M");
    send_behind_blocker(&first, same, 3);
    release_period(admin);

    Cchc__V1__Response *r = read_answer(&first);
    expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&same[0]);
    expect_saved(&same[0], r, 2, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&same[1]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__CONFLICT);
    assert_true(r->error->n_details >= 1);
    assert_non_null(strstr(r->error->details[0]->message, "gs.omon"));
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&same[2]);
    expect_saved(&same[2], r, 2, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(log_count("3 writes in one transaction, one statement"), merged + 1);

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
    submission first, others[2];
    prepare(&first, NK, "2024-9M", 103, "gui-lai");
    prepare(&others[0], CR, "2024-9M", 103, "gui-lai");
    prepare(&others[1], OM, "2024-9M", 104, "gui-lai");
    int merged = log_count("2 writes in one transaction, one statement");

    PGconn *admin = hold_period("2024-9M");
    send_behind_blocker(&first, others, 2);
    release_period(admin);

    Cchc__V1__Response *r = read_answer(&first);
    expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    Cchc__V1__Response *original = read_answer(&others[1]);
    expect_saved(&others[1], original, 1, 0);
    r = read_answer(&others[0]);
    expect_saved(&others[0], r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(log_count("2 writes in one transaction, one statement"), merged + 1);
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM request_key WHERE key LIKE "
                                      "'gs-gui-lai-%%' AND response IS NOT NULL"),
                     3);

    int from_record = log_count("answered from its request key");
    submission again = others[1];
    again.fd = raw_connect(srv);
    raw_hello(again.fd, 1);
    send_submission(&again, 7);
    r = read_answer(&again);
    expect_saved(&again, r, 1, 0);
    assert_int_equal(r->report_submit->saved[0]->report_id,
                     original->report_submit->saved[0]->report_id);
    assert_int_equal(log_count("answered from its request key"), from_record + 1);
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
