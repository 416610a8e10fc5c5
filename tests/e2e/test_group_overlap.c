/* Issue 15: with the default group commit settings, a second shared
 * transaction starts only once the one in the database has run
 * --group-commit-overlap-us (server/db/db_group.c, may_send), so the
 * submissions arriving meanwhile go together instead of splitting into
 * small transactions. What that must never cost: a transaction stuck
 * behind a lock (here a period row the test holds FOR UPDATE, as an
 * administrator's period action would) must not hold every other clerk's
 * submission for as long as it is stuck. The overlap's timer lets the
 * next one start: another district's submission for another period is
 * saved while the first still waits (not freed by --db-lock-timeout: it is
 * still waiting after), and the first is saved once the lock goes. With
 * one transaction at a time (--group-commit-inflight 1) this test fails.
 * The gain itself is a figure of scripts/bench, not asserted here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { NK, CR, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"ov.ninhkieu", "Bao-cao-Ninh-Kieu-Tap-2024", "Q-NINHKIEU", "reporter"},
    {"ov.cairang", "Bao-cao-Cai-Rang-Tap-2024", "Q-CAIRANG", "reporter"},
};
static const char *units[NPEOPLE] = {"Q-NINHKIEU", "Q-CAIRANG"};
static char tokens[NPEOPLE][HARNESS_TOKEN_SIZE];

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "groupoverlap", NULL); /* the default group settings */
    fixture_add_people(&fx, people, NPEOPLE, 1);
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

static void prepare(raw_submission *s, int who, const char *period, int task)
{
    raw_submission_start(s, srv, units[who], tokens[who], period, task);
    snprintf(s->text, sizeof(s->text), "Chồng lấn: %s %s nhiệm vụ %d", units[who], period, task);
    snprintf(s->row_key, sizeof(s->row_key), "ov-%d-%s-%d-row", who, period, task);
    snprintf(s->row_key2, sizeof(s->row_key2), "ov-%d-%s-%d-row2", who, period, task);
    snprintf(s->request_key, sizeof(s->request_key), "ov-%d-%s-%d-request", who, period, task);
}

static void test_stuck_transaction_does_not_hold_the_next(void **state)
{
    (void)state;
    raw_submission stuck, next;
    prepare(&stuck, NK, "2024-Q1", 101);
    prepare(&next, CR, "2024-6M", 101);

    PGconn *admin = harness_hold_period(&fx.db, "2024-Q1");
    raw_submission_send(&stuck, 2);
    harness_wait_for(harness_someone_waits_for_lock, (void *)&fx.db, 30000,
                     "the first submission to wait for the period");
    raw_submission_send(&next, 3);
    Cchc__V1__Response *r = raw_submission_answer(&next);
    raw_submission_expect_saved(&next, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    raw_submission_expect_stored(&fx.db, &next, 1, 1);
    /* the first is still where it was, and nothing of it is stored */
    assert_true(harness_someone_waits_for_lock(&fx.db));
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM report WHERE period_id = '2024-Q1' "
                                      "AND unit_code = 'Q-NINHKIEU' AND task_id = 101"),
                     0);

    harness_release_period(admin);
    r = raw_submission_answer(&stuck);
    raw_submission_expect_saved(&stuck, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    raw_submission_expect_stored(&fx.db, &stuck, 1, 1);
    close(stuck.fd);
    close(next.fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stuck_transaction_does_not_hold_the_next),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
