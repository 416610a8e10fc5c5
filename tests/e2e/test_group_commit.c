/* Issue 15, deliver 1, end to end: report submissions from many clients
 * share one transaction and one commit (server/db/db_group.c), and each
 * client still gets exactly its own answer. The server runs with one
 * shared transaction in flight at a time (--group-commit-inflight 1), so a
 * test makes a batch deterministically, without timing: it holds a period
 * row FOR UPDATE on its own connection, sends one submission (which goes
 * alone and waits for that lock inside PostgreSQL), sends the others (which
 * wait in cchcd: the log says "queued for group commit" for each), and
 * then lets go; the waiting ones leave together in the next transaction.
 * What is asserted: every client's answer and stored revision are its own;
 * one client's refused row and another's conflict fail only theirs; a
 * request sent twice with one request key in the same transaction is
 * applied once and answered twice the same; the batch really was one
 * transaction (its revisions share one xmin, and the log says so); a
 * statement error in a shared transaction fails only the submission at
 * fault (the others are sent again alone and saved); and
 * after cchcd is killed with SIGKILL, whatever it acknowledged is stored
 * while the transaction it had not committed left nothing. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

/* Reporters of four districts: every district owes tasks 101-131. */
enum { NK, CR, BT, OM, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"gc.ninhkieu", "Bao-cao-Ninh-Kieu-Nhom-2023", "Q-NINHKIEU", "reporter"},
    {"gc.cairang", "Bao-cao-Cai-Rang-Nhom-2023", "Q-CAIRANG", "reporter"},
    {"gc.binhthuy", "Bao-cao-Binh-Thuy-Nhom-2023", "Q-BINHTHUY", "reporter"},
    {"gc.omon", "Bao-cao-O-Mon-Nhom-2023", "Q-OMON", "reporter"},
};
static const char *units[NPEOPLE] = {"Q-NINHKIEU", "Q-CAIRANG", "Q-BINHTHUY", "Q-OMON"};
static char tokens[NPEOPLE][128];

static const char *const server_args[] = {"--group-commit-inflight", "1", "--group-commit-max",
                                          "64", NULL};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "groupcommit", server_args);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    harness_open_period(srv, "2023-9M");
    harness_open_period(srv, "2023-Y");
    harness_open_period(srv, "2024-Q1");
    harness_open_period(srv, "2024-6M");
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

/* One submission of one row, as cchc would send it. */
typedef struct submission {
    int who;          /* index into people */
    const char *period;
    int task;
    int base;         /* base_revision */
    char text[128];   /* results */
    char row_key[48];
    char request_key[48]; /* "" for none */
    int fd;
} submission;

static void send_submission(submission *s, uint64_t request_id)
{
    Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT;
    Cchc__V1__ReportRow *rows[] = {&row};
    row.line = 2;
    row.task_id = s->task;
    row.status = "in_progress";
    row.progress = "50";
    row.results = s->text;
    row.idempotency_key = s->row_key;
    row.base_revision = s->base;
    Cchc__V1__ReportSubmitRequest submit = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    submit.period_id = (char *)s->period;
    submit.rows = rows;
    submit.n_rows = 1;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = request_id;
    req.session_token = tokens[s->who];
    req.request_key = s->request_key;
    req.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req.report_submit = &submit;
    raw_send_request(s->fd, &req);
}

/* tag names the test in the text, key_tag (base64url) in the keys */
static void prepare(submission *s, int who, const char *period, int task, const char *tag,
                    const char *key_tag)
{
    memset(s, 0, sizeof(*s));
    s->who = who;
    s->period = period;
    s->task = task;
    snprintf(s->text, sizeof(s->text), "Nhóm %s: %s nhiệm vụ %d", tag, units[who], task);
    snprintf(s->row_key, sizeof(s->row_key), "gc-%s-%d-%d-row", key_tag, who, task);
    snprintf(s->request_key, sizeof(s->request_key), "gc-%s-%d-%d-request", key_tag, who, task);
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

static void expect_saved(const submission *s, Cchc__V1__Response *r, int revision)
{
    if (r->error)
        fail_msg("%s task %d answered %s", units[s->who], s->task, r->error->message);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_REPORT_SUBMIT);
    assert_int_equal(r->report_submit->n_saved, 1);
    assert_int_equal(r->report_submit->saved[0]->task_id, s->task);
    assert_int_equal(r->report_submit->saved[0]->revision, revision);
    assert_false(r->report_submit->saved[0]->replayed);
}

/* The latest revision of s's report, and whether its text is s's. */
static void expect_stored(const submission *s, int revision)
{
    char *text = harness_db_queryf(&fx.db, "SELECT v.results FROM report x JOIN report_revision v ON v.report_id = "
                         "x.id AND v.revision = x.revision WHERE x.period_id = '%s' AND "
                         "x.unit_code = '%s' AND x.task_id = %d AND x.revision = %d",
                         s->period, units[s->who], s->task, revision);
    if (!text)
        fail_msg("%s task %d: no revision %d stored", units[s->who], s->task, revision);
    assert_string_equal(text, s->text);
    free(text);
}

/* The administrator's own connection, holding a period row FOR UPDATE:
 * a submission for that period waits for it inside PostgreSQL. */
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

/* Sends first alone into the database, where it waits for held's lock,
 * then the others, and waits until cchcd has queued every one of them
 * behind it. */
static void send_behind_blocker(submission *first, submission *others, int n)
{
    send_submission(first, 2);
    harness_wait_for(harness_someone_waits_for_lock, &fx.db, 30000,
                     "the first submission to wait for the period");
    log_wait queued = {"queued for group commit", log_count("queued for group commit") + n};
    for (int i = 0; i < n; i++)
        send_submission(&others[i], 2);
    harness_wait_for(log_reached, &queued, 30000, "cchcd to queue the other submissions");
}

/* ---- tests ----------------------------------------------------------------------- */

/* Twenty clients of four districts at once: each answer is the client's
 * own, each stored revision is what that client sent, and the nineteen
 * that waited went in one transaction. */
static void test_twenty_clients_one_commit(void **state)
{
    (void)state;
    enum { N = 20 };
    submission subs[N];
    for (int i = 0; i < N; i++)
    {
        prepare(&subs[i], i % NPEOPLE, "2023-6M", 101 + i / NPEOPLE, "hai mươi", "twenty");
        if (i % 2)
            subs[i].request_key[0] = '\0'; /* an older client's: row keys only */
    }
    int batches = log_count("group commit: 19 writes in one transaction");
    PGconn *admin = hold_period("2023-6M");
    send_behind_blocker(&subs[0], subs + 1, N - 1);
    release_period(admin);

    for (int i = 0; i < N; i++) {
        Cchc__V1__Response *r = read_answer(&subs[i]);
        expect_saved(&subs[i], r, 1);
        cchc__v1__response__free_unpacked(r, NULL);
        expect_stored(&subs[i], 1);
        close(subs[i].fd);
    }
    /* one transaction for the first, one for the nineteen behind it */
    assert_int_equal(log_count("group commit: 19 writes in one transaction"), batches + 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(DISTINCT v.xmin::text) FROM report_revision v JOIN "
                              "report x ON x.id = v.report_id WHERE x.period_id = '2023-6M' AND "
                              "v.results LIKE 'Nhóm hai mươi:%%'"),
                     2);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report_revision WHERE results LIKE "
                              "'Nhóm hai mươi:%%'"),
                     N);
    /* the keyed half stored their answers with their keys */
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM request_key WHERE key LIKE 'gc-twenty-%%' "
                              "AND response IS NOT NULL"),
                     N / 2);
}

/* In one transaction: a refused row (a task the unit does not owe) and a
 * conflict (a row made from an older revision) fail only their own
 * requests; the two good ones beside them are saved. */
static void test_refusal_and_conflict_stay_their_own(void **state)
{
    (void)state;
    submission first, others[4];
    prepare(&first, NK, "2023-9M", 101, "riêng", "own");
    prepare(&others[0], CR, "2023-9M", 101, "riêng", "own");
    prepare(&others[1], BT, "2023-9M", 999, "riêng", "own"); /* no such task for the unit */
    prepare(&others[2], OM, "2023-9M", 102, "riêng", "own");
    prepare(&others[3], NK, "2023-9M", 103, "riêng", "own");
    /* Ô Môn's task 102 is at revision 1 before the batch, and the
     * conflicting row is made from "nothing" (base 0) */
    submission earlier;
    prepare(&earlier, OM, "2023-9M", 102, "trước", "before");
    send_submission(&earlier, 2);
    Cchc__V1__Response *r = read_answer(&earlier);
    expect_saved(&earlier, r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    close(earlier.fd);

    int batches = log_count("group commit: 4 writes in one transaction");
    PGconn *admin = hold_period("2023-9M");
    send_behind_blocker(&first, others, 4);
    release_period(admin);

    r = read_answer(&first);
    expect_saved(&first, r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&others[0]);
    expect_saved(&others[0], r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&others[1]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
    assert_true(r->error->n_details >= 1);
    assert_non_null(strstr(r->error->details[0]->message, "999"));
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&others[2]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__CONFLICT);
    cchc__v1__response__free_unpacked(r, NULL);
    r = read_answer(&others[3]);
    expect_saved(&others[3], r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(log_count("group commit: 4 writes in one transaction"), batches + 1);

    expect_stored(&first, 1);
    expect_stored(&others[0], 1);
    expect_stored(&others[3], 1);
    expect_stored(&earlier, 1); /* the conflict wrote nothing over it */
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report WHERE period_id = '2023-9M' AND "
                              "unit_code = 'Q-OMON' AND task_id = 102 AND revision = 1"),
                     1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report WHERE task_id = 999"), 0);
    for (int i = 0; i < 4; i++)
        close(others[i].fd);
    close(first.fd);
}

/* A request sent again with the same request key (a retry on a new
 * connection) while the first attempt still waits: both land in one
 * transaction, the report gets one revision, both answers are the same
 * (the second from the key's record). */
static void test_same_key_twice_in_one_commit(void **state)
{
    (void)state;
    submission first, twice[2];
    prepare(&first, CR, "2023-Y", 104, "khóa", "key");
    prepare(&twice[0], NK, "2023-Y", 105, "khóa", "key");
    twice[1] = twice[0];
    twice[1].fd = raw_connect(srv);
    raw_hello(twice[1].fd, 1);
    snprintf(twice[0].request_key, sizeof(twice[0].request_key), "gc-same-key-twice-0001");
    snprintf(twice[1].request_key, sizeof(twice[1].request_key), "gc-same-key-twice-0001");
    int from_record = log_count("answered from its request key");
    int batches = log_count("group commit: 2 writes in one transaction");

    PGconn *admin = hold_period("2023-Y");
    send_behind_blocker(&first, twice, 2);
    release_period(admin);

    Cchc__V1__Response *r = read_answer(&first);
    expect_saved(&first, r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    Cchc__V1__Response *a = read_answer(&twice[0]), *b = read_answer(&twice[1]);
    expect_saved(&twice[0], a, 1);
    expect_saved(&twice[1], b, 1);
    assert_int_equal(a->report_submit->saved[0]->report_id, b->report_submit->saved[0]->report_id);
    cchc__v1__response__free_unpacked(a, NULL);
    cchc__v1__response__free_unpacked(b, NULL);
    assert_int_equal(log_count("group commit: 2 writes in one transaction"), batches + 1);
    assert_int_equal(log_count("answered from its request key"), from_record + 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report_revision v JOIN report x ON x.id = "
                              "v.report_id WHERE x.period_id = '2023-Y' AND x.unit_code = "
                              "'Q-NINHKIEU' AND x.task_id = 105"),
                     1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM request_key WHERE key = "
                              "'gc-same-key-twice-0001' AND response IS NOT NULL"),
                     1);
    expect_stored(&twice[0], 1);
    close(first.fd);
    close(twice[0].fd);
    close(twice[1].fd);
}

/* A statement error (not a refused row: the database itself fails, here
 * by a trigger the test adds) rolls the whole shared transaction back;
 * each of its submissions is then sent again alone, so only the one at
 * fault fails and the others are saved. */
static void test_statement_error_fails_only_its_own(void **state)
{
    (void)state;
    char *created = harness_db_queryf(&fx.db, 
        "CREATE FUNCTION gc_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.results LIKE 'Nhóm hỏng:%%' THEN RAISE EXCEPTION 'gc test: broken row'; END IF; "
        "RETURN NEW; END $$; "
        "CREATE TRIGGER gc_test_fail BEFORE INSERT ON report_revision FOR EACH ROW "
        "EXECUTE FUNCTION gc_test_fail(); SELECT 1");
    assert_non_null(created);
    free(created);
    submission first, others[3];
    prepare(&first, NK, "2024-6M", 101, "lành", "fine");
    prepare(&others[0], CR, "2024-6M", 101, "lành", "fine");
    prepare(&others[1], BT, "2024-6M", 101, "hỏng", "broken");
    prepare(&others[2], OM, "2024-6M", 101, "lành", "fine");
    int split = log_count("a transaction of 3 writes failed; sending each alone");
    PGconn *admin = hold_period("2024-6M");
    send_behind_blocker(&first, others, 3);
    release_period(admin);

    Cchc__V1__Response *r = read_answer(&first);
    expect_saved(&first, r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    for (int i = 0; i < 3; i++) {
        r = read_answer(&others[i]);
        if (i == 1) {
            assert_non_null(r->error);
            assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__INTERNAL);
        } else {
            expect_saved(&others[i], r, 1);
            expect_stored(&others[i], 1);
        }
        cchc__v1__response__free_unpacked(r, NULL);
        close(others[i].fd);
    }
    close(first.fd);
    assert_int_equal(log_count("a transaction of 3 writes failed; sending each alone"), split + 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report_revision WHERE results LIKE "
                              "'Nhóm hỏng:%%'"),
                     0);
    free(harness_db_queryf(&fx.db, "DROP TRIGGER gc_test_fail ON report_revision; DROP FUNCTION gc_test_fail(); "
                 "SELECT 1"));
}

/* No backend of the test database but this query's own. */
static int backends_gone(void *arg)
{
    (void)arg;
    return harness_db_count(&fx.db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()") == 0;
}

/* cchcd killed with SIGKILL: every submission it acknowledged is stored;
 * the transaction it had sent but not committed (its writes were waiting
 * for a lock) left nothing, and none of those was acknowledged. */
static void test_killed_after_replies(void **state)
{
    (void)state;
    enum { N = 12 };
    submission subs[N];
    for (int i = 0; i < N; i++)
        prepare(&subs[i], i % NPEOPLE, "2024-Q1", 110 + i / NPEOPLE, "giết", "killed");
    for (int i = 0; i < N; i++)
        send_submission(&subs[i], 2);
    for (int i = 0; i < N; i++) {
        Cchc__V1__Response *r = read_answer(&subs[i]);
        expect_saved(&subs[i], r, 1);
        cchc__v1__response__free_unpacked(r, NULL);
    }

    /* a transaction in the database, not committed, when cchcd dies */
    submission open[3];
    for (int i = 0; i < 3; i++)
        prepare(&open[i], i, "2024-Q1", 120, "dở dang", "open");
    PGconn *admin = hold_period("2024-Q1");
    send_behind_blocker(&open[0], open + 1, 2);
    assert_int_equal(kill(srv->pid, SIGKILL), 0);
    int status;
    waitpid(srv->pid, &status, 0);
    srv->pid = 0;
    for (int i = 0; i < 3; i++) {
        Cchc__V1__Response *r = raw_read_response(open[i].fd, 30000);
        assert_null(r); /* the connection closed without an answer */
        close(open[i].fd);
    }
    release_period(admin);
    harness_wait_for(backends_gone, NULL, 30000, "the killed cchcd's backends to end");

    for (int i = 0; i < N; i++) {
        expect_stored(&subs[i], 1);
        close(subs[i].fd);
    }
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report_revision WHERE results LIKE "
                              "'Nhóm dở dang:%%'"),
                     0);
    harness_server_restart(srv, fx.db.conninfo, server_args);
    harness_assert_serves(srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twenty_clients_one_commit),
        cmocka_unit_test(test_refusal_and_conflict_stay_their_own),
        cmocka_unit_test(test_same_key_twice_in_one_commit),
        cmocka_unit_test(test_statement_error_fails_only_its_own),
        cmocka_unit_test(test_killed_after_replies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
