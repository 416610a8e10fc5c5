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
static char tokens[NPEOPLE][HARNESS_TOKEN_SIZE];

static const char *const server_args[] = {HARNESS_ONE_GROUP_COMMIT, NULL};

static int setup(void **state)
{
    (void)state;
    fixture_start_group_commit(&fx, "groupcommit", people, NPEOPLE, tokens);
    harness_open_period(srv, "2023-6M");
    harness_open_period(srv, "2023-9M");
    harness_open_period(srv, "2023-Y");
    harness_open_period(srv, "2024-Q1");
    harness_open_period(srv, "2024-6M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- helpers ------------------------------------------------------------------- */

/* tag names the test in the text, key_tag (base64url) in the keys */
static void prepare(raw_submission *s, int who, const char *period, int task, const char *tag,
                    const char *key_tag)
{
    raw_submission_start(s, srv, people[who].unit, tokens[who], period, task);
    snprintf(s->text, sizeof(s->text), "Nhóm %s: %s nhiệm vụ %d", tag, people[who].unit, task);
    snprintf(s->row_key, sizeof(s->row_key), "gc-%s-%d-%d-row", key_tag, who, task);
    snprintf(s->request_key, sizeof(s->request_key), "gc-%s-%d-%d-request", key_tag, who, task);
}

/* s's one row saved as revision, not replayed. */
static void expect_saved(const raw_submission *s, Cchc__V1__Response *r, int revision)
{
    raw_submission_expect_saved(s, r, revision, 0);
}

/* The latest revision of s's report, and whether its text is s's. */
static void expect_stored(const raw_submission *s, int revision)
{
    raw_submission_expect_stored(&fx.db, s, revision, 1);
}

/* Sends first alone into the database, where it waits for held's lock,
 * then the others, and waits until cchcd has queued every one of them
 * behind it. */
static void send_behind_blocker(raw_submission *first, raw_submission *others, int n)
{
    raw_submissions_behind_blocker(&fx.db, srv, first, others, n, 0);
}

/* ---- tests ----------------------------------------------------------------------- */

/* Twenty clients of four districts at once: each answer is the client's
 * own, each stored revision is what that client sent, and the nineteen
 * that waited went in one transaction. */
static void test_twenty_clients_one_commit(void **state)
{
    (void)state;
    enum { N = 20 };
    raw_submission subs[N];
    for (int i = 0; i < N; i++)
    {
        prepare(&subs[i], i % NPEOPLE, "2023-6M", 101 + i / NPEOPLE, "hai mươi", "twenty");
        if (i % 2)
            subs[i].request_key[0] = '\0'; /* an older client's: row keys only */
    }
    int batches = harness_log_count(srv, "group commit: 19 writes in one transaction");
    PGconn *admin = harness_hold_period(&fx.db, "2023-6M");
    send_behind_blocker(&subs[0], subs + 1, N - 1);
    harness_release_period(admin);

    for (int i = 0; i < N; i++) {
        Cchc__V1__Response *r = raw_submission_answer(&subs[i]);
        expect_saved(&subs[i], r, 1);
        cchc__v1__response__free_unpacked(r, NULL);
        expect_stored(&subs[i], 1);
        close(subs[i].fd);
    }
    /* one transaction for the first, one for the nineteen behind it */
    assert_int_equal(harness_log_count(srv, "group commit: 19 writes in one transaction"),
                     batches + 1);
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
    raw_submission first, others[4];
    prepare(&first, NK, "2023-9M", 101, "riêng", "own");
    prepare(&others[0], CR, "2023-9M", 101, "riêng", "own");
    prepare(&others[1], BT, "2023-9M", 999, "riêng", "own"); /* no such task for the unit */
    prepare(&others[2], OM, "2023-9M", 102, "riêng", "own");
    prepare(&others[3], NK, "2023-9M", 103, "riêng", "own");
    /* Ô Môn's task 102 is at revision 1 before the batch, and the
     * conflicting row is made from "nothing" (base 0) */
    raw_submission earlier;
    prepare(&earlier, OM, "2023-9M", 102, "trước", "before");
    raw_submission_send(&earlier, 2);
    Cchc__V1__Response *r = raw_submission_answer(&earlier);
    expect_saved(&earlier, r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    close(earlier.fd);

    int batches = harness_log_count(srv, "group commit: 4 writes in one transaction");
    PGconn *admin = harness_hold_period(&fx.db, "2023-9M");
    send_behind_blocker(&first, others, 4);
    harness_release_period(admin);

    r = raw_submission_answer(&first);
    expect_saved(&first, r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&others[0]);
    expect_saved(&others[0], r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&others[1]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
    assert_true(r->error->n_details >= 1);
    assert_non_null(strstr(r->error->details[0]->message, "999"));
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&others[2]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__CONFLICT);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&others[3]);
    expect_saved(&others[3], r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_log_count(srv, "group commit: 4 writes in one transaction"),
                     batches + 1);

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
    raw_submission first, twice[2];
    prepare(&first, CR, "2023-Y", 104, "khóa", "key");
    prepare(&twice[0], NK, "2023-Y", 105, "khóa", "key");
    twice[1] = twice[0];
    twice[1].fd = raw_connect_greeted(srv);
    snprintf(twice[0].request_key, sizeof(twice[0].request_key), "gc-same-key-twice-0001");
    snprintf(twice[1].request_key, sizeof(twice[1].request_key), "gc-same-key-twice-0001");
    int from_record = harness_log_count(srv, "answered from its request key");
    int batches = harness_log_count(srv, "group commit: 2 writes in one transaction");

    PGconn *admin = harness_hold_period(&fx.db, "2023-Y");
    send_behind_blocker(&first, twice, 2);
    harness_release_period(admin);

    Cchc__V1__Response *r = raw_submission_answer(&first);
    expect_saved(&first, r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    Cchc__V1__Response *a = raw_submission_answer(&twice[0]), *b = raw_submission_answer(&twice[1]);
    expect_saved(&twice[0], a, 1);
    expect_saved(&twice[1], b, 1);
    assert_int_equal(a->report_submit->saved[0]->report_id, b->report_submit->saved[0]->report_id);
    cchc__v1__response__free_unpacked(a, NULL);
    cchc__v1__response__free_unpacked(b, NULL);
    assert_int_equal(harness_log_count(srv, "group commit: 2 writes in one transaction"),
                     batches + 1);
    assert_int_equal(harness_log_count(srv, "answered from its request key"), from_record + 1);
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
    raw_submission first, others[3];
    prepare(&first, NK, "2024-6M", 101, "lành", "fine");
    prepare(&others[0], CR, "2024-6M", 101, "lành", "fine");
    prepare(&others[1], BT, "2024-6M", 101, "hỏng", "broken");
    prepare(&others[2], OM, "2024-6M", 101, "lành", "fine");
    int split = harness_log_count(srv, "a transaction of 3 writes failed; sending each alone");
    PGconn *admin = harness_hold_period(&fx.db, "2024-6M");
    send_behind_blocker(&first, others, 3);
    harness_release_period(admin);

    Cchc__V1__Response *r = raw_submission_answer(&first);
    expect_saved(&first, r, 1);
    cchc__v1__response__free_unpacked(r, NULL);
    for (int i = 0; i < 3; i++) {
        r = raw_submission_answer(&others[i]);
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
    assert_int_equal(harness_log_count(srv, "a transaction of 3 writes failed; sending each alone"),
                     split + 1);
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
    raw_submission subs[N];
    for (int i = 0; i < N; i++)
        prepare(&subs[i], i % NPEOPLE, "2024-Q1", 110 + i / NPEOPLE, "giết", "killed");
    for (int i = 0; i < N; i++)
        raw_submission_send(&subs[i], 2);
    for (int i = 0; i < N; i++) {
        Cchc__V1__Response *r = raw_submission_answer(&subs[i]);
        expect_saved(&subs[i], r, 1);
        cchc__v1__response__free_unpacked(r, NULL);
    }

    /* a transaction in the database, not committed, when cchcd dies */
    raw_submission open[3];
    for (int i = 0; i < 3; i++)
        prepare(&open[i], i, "2024-Q1", 120, "dở dang", "open");
    PGconn *admin = harness_hold_period(&fx.db, "2024-Q1");
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
    harness_release_period(admin);
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
