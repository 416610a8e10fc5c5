/* Issue 15, deliver 1 and 6: a group's plain submissions — a unit's changed
 * rows of reports it sent before, each made from the report's latest
 * revision — are judged and written set-based inside submit_reports_many
 * (sql/functions/050_reports.sql), and so are first submissions of
 * reports the plan expects; every other one goes through submit_reports as
 * before. This file sends reports again and for the first time in groups,
 * so the set-based path runs, and checks that each client still gets exactly
 * what its submission would get alone: the new revision and its stored
 * text, the report's state and latest submitted revision, the revision's
 * changed fields, one audit row per submission, a refused or conflicting
 * document beside plain ones writing nothing, resends answered from the
 * stored answer or as replayed rows, and an account's expired request keys
 * deleted by its next keyed write on either path.
 *
 * Batches are made without timing, as in test_group_submit.c: one
 * submission waits inside PostgreSQL for a period row the test holds FOR
 * UPDATE, the others queue in cchcd behind it (the log says so), and the
 * test lets go. */
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
    {"sb.ninhkieu", "Bao-cao-Ninh-Kieu-Tap-2024", "Q-NINHKIEU", "reporter"},
    {"sb.cairang", "Bao-cao-Cai-Rang-Tap-2024", "Q-CAIRANG", "reporter"},
    {"sb.omon", "Bao-cao-O-Mon-Tap-2024", "Q-OMON", "reporter"},
};
static const char *units[NPEOPLE] = {"Q-NINHKIEU", "Q-CAIRANG", "Q-OMON"};
static char tokens[NPEOPLE][128];

static const char *const server_args[] = {"--group-commit-inflight", "1", "--group-commit-max",
                                          "64", NULL};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "groupsetbased", server_args);
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

/* One submission of one or two rows on a raw connection of its own. */
typedef raw_submission submission;

/* tag names the test in the text and the keys (base64url) */
static void prepare(submission *s, int who, const char *period, int task, const char *tag)
{
    raw_submission_start(s, srv, units[who], tokens[who], period, task);
    snprintf(s->text, sizeof(s->text), "Tập %s: %s nhiệm vụ %d", tag, units[who], task);
    snprintf(s->row_key, sizeof(s->row_key), "sb-%s-%d-%d-row", tag, who, task);
    snprintf(s->row_key2, sizeof(s->row_key2), "sb-%s-%d-%d-row2", tag, who, task);
    snprintf(s->request_key, sizeof(s->request_key), "sb-%s-%d-%d-request", tag, who, task);
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

static void save_alone(submission *s, int revision)
{
    raw_submission_send(s, 2);
    Cchc__V1__Response *r = raw_submission_answer(s);
    raw_submission_expect_saved(s, r, revision, 0);
    cchc__v1__response__free_unpacked(r, NULL);
}

/* The value of one SQL expression about s's report (text; "" for none). */
static char *report_fact(const submission *s, const char *expression)
{
    char *value = harness_db_queryf(&fx.db,
                                    "SELECT %s FROM report x WHERE x.period_id = '%s' AND "
                                    "x.unit_code = '%s' AND x.task_id = %d",
                                    expression, s->period, s->unit, s->task);
    if (!value)
        fail_msg("%s task %d: no report", s->unit, s->task);
    return value;
}

static void expect_fact(const submission *s, const char *expression, const char *want)
{
    char *value = report_fact(s, expression);
    if (strcmp(value, want) != 0)
        fail_msg("%s task %d: %s is %s, expected %s", s->unit, s->task, expression, value,
                 want);
    free(value);
}

/* ---- tests ----------------------------------------------------------------------- */

/* Three units send again a report each sent before, from its revision 1,
 * in one statement: each is saved as revision 2 with its own text, the
 * report is submitted at revision 2 (and so its latest submitted
 * revision), the revision says only the results changed and who saved
 * it, each submission has its own audit row and its stored answer. */
static void test_plain_submissions_written_together(void **state)
{
    (void)state;
    submission before[NPEOPLE], first, again[NPEOPLE];
    for (int i = 0; i < NPEOPLE; i++) {
        prepare(&before[i], i, "2024-Q1", 110, "dau");
        save_alone(&before[i], 1);
    }
    prepare(&first, NK, "2024-Q1", 111, "chan");
    for (int i = 0; i < NPEOPLE; i++) {
        prepare(&again[i], i, "2024-Q1", 110, "lai");
        again[i].base = 1;
    }
    int merged = harness_log_count(srv, "3 writes in one transaction, one statement");

    PGconn *admin = harness_hold_period(&fx.db, "2024-Q1");
    raw_submissions_behind_blocker(&fx.db, srv, &first, again, NPEOPLE, 1);
    harness_release_period(admin);

    Cchc__V1__Response *r = raw_submission_answer(&first);
    raw_submission_expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    for (int i = 0; i < NPEOPLE; i++) {
        r = raw_submission_answer(&again[i]);
        raw_submission_expect_saved(&again[i], r, 2, 0);
        cchc__v1__response__free_unpacked(r, NULL);
    }
    assert_int_equal(harness_log_count(srv, "3 writes in one transaction, one statement"),
                     merged + 1);

    for (int i = 0; i < NPEOPLE; i++) {
        assert_int_equal(revisions("2024-Q1", i, 110), 2);
        raw_submission_expect_stored(&fx.db, &again[i], 2, 0);
        expect_fact(&again[i], "x.state || ' ' || x.revision || ' ' || x.submitted_revision",
                    "submitted 2 2");
        expect_fact(&again[i],
                    "(SELECT v.changed::text || ' ' || v.username || ' ' || v.saved_as || ' ' || "
                    "v.late FROM report_revision v WHERE v.report_id = x.id AND v.revision = 2)",
                    i == NK   ? "{results} sb.ninhkieu submitted false"
                    : i == CR ? "{results} sb.cairang submitted false"
                              : "{results} sb.omon submitted false");
        /* one audit row for the first sending, one for this one */
        assert_int_equal(harness_db_count(&fx.db,
                                          "SELECT count(*) FROM audit_log WHERE action = "
                                          "'report.submit' AND target = '%s 2024-Q1' AND "
                                          "detail = '{\"late\": false, \"tasks\": [110], "
                                          "\"by_unit\": \"%s\", \"resubmitted\": []}'",
                                          units[i], units[i]),
                         2);
    }
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM request_key WHERE key LIKE "
                                      "'sb-lai-%%' AND response IS NOT NULL"),
                     NPEOPLE);
    close(first.fd);
    for (int i = 0; i < NPEOPLE; i++) {
        close(before[i].fd);
        close(again[i].fd);
    }
}

/* Beside a plain submission, in the same statement: one made from a
 * revision that is no longer the latest (a conflict, nothing written) and
 * one whose second row names a task its unit does not owe (refused whole:
 * its good first row, plain on its own, is not written either). */
static void test_plain_beside_refusals(void **state)
{
    (void)state;
    submission before[NPEOPLE], newer, first, group[NPEOPLE];
    for (int i = 0; i < NPEOPLE; i++) {
        prepare(&before[i], i, "2024-6M", 120, "dau");
        save_alone(&before[i], 1);
    }
    prepare(&newer, CR, "2024-6M", 120, "moi");
    newer.base = 1;
    save_alone(&newer, 2);
    prepare(&first, NK, "2024-6M", 121, "chan");
    for (int i = 0; i < NPEOPLE; i++) {
        prepare(&group[i], i, "2024-6M", 120, "tu-choi");
        group[i].base = 1;
    }
    group[OM].task2 = 999;
    int merged = harness_log_count(srv, "3 writes in one transaction, one statement");

    PGconn *admin = harness_hold_period(&fx.db, "2024-6M");
    raw_submissions_behind_blocker(&fx.db, srv, &first, group, NPEOPLE, 1);
    harness_release_period(admin);

    Cchc__V1__Response *r = raw_submission_answer(&first);
    raw_submission_expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&group[NK]);
    raw_submission_expect_saved(&group[NK], r, 2, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&group[CR]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__CONFLICT);
    assert_true(r->error->n_details >= 1);
    assert_non_null(strstr(r->error->details[0]->message, "sb.cairang"));
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&group[OM]);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
    assert_int_equal(r->error->n_details, 1);
    assert_non_null(strstr(r->error->details[0]->message, "999"));
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_log_count(srv, "3 writes in one transaction, one statement"),
                     merged + 1);

    raw_submission_expect_stored(&fx.db, &group[NK], 2, 0);
    raw_submission_expect_stored(&fx.db, &newer, 2, 0);
    assert_int_equal(revisions("2024-6M", CR, 120), 2);
    assert_int_equal(revisions("2024-6M", OM, 120), 1);
    expect_fact(&group[OM], "x.state || ' ' || x.revision", "submitted 1");
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report_revision WHERE results "
                                              "LIKE 'Tập tu-choi: Q-CAIRANG%%' OR results LIKE "
                                              "'Tập tu-choi: Q-OMON%%'"),
                     0);
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM audit_log WHERE action = "
                                      "'report.submit' AND target = 'Q-OMON 2024-6M'"),
                     1);
    close(first.fd);
    close(newer.fd);
    for (int i = 0; i < NPEOPLE; i++) {
        close(before[i].fd);
        close(group[i].fd);
    }
}

/* A plain submission's answer is stored with its request key: sent again
 * with that key it is answered from the record; sent again as a new
 * request (new request key, the same row key) its row is replayed, beside
 * another unit's plain submission in the same statement, which is saved. */
static void test_plain_resent(void **state)
{
    (void)state;
    submission before[2], first, group[2];
    for (int i = 0; i < 2; i++) {
        prepare(&before[i], i, "2024-9M", 130, "dau");
        save_alone(&before[i], 1);
    }
    prepare(&first, OM, "2024-9M", 131, "chan");
    for (int i = 0; i < 2; i++) {
        prepare(&group[i], i, "2024-9M", 130, "gui");
        group[i].base = 1;
    }
    PGconn *admin = harness_hold_period(&fx.db, "2024-9M");
    raw_submissions_behind_blocker(&fx.db, srv, &first, group, 2, 1);
    harness_release_period(admin);
    Cchc__V1__Response *r = raw_submission_answer(&first);
    raw_submission_expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    Cchc__V1__Response *original = raw_submission_answer(&group[CR]);
    raw_submission_expect_saved(&group[CR], original, 2, 0);
    r = raw_submission_answer(&group[NK]);
    raw_submission_expect_saved(&group[NK], r, 2, 0);
    cchc__v1__response__free_unpacked(r, NULL);

    /* the same request again: the stored answer */
    int from_record = harness_log_count(srv, "answered from its request key");
    submission same = group[CR];
    same.fd = raw_connect(srv);
    raw_hello(same.fd, 1);
    raw_submission_send(&same, 7);
    r = raw_submission_answer(&same);
    raw_submission_expect_saved(&same, r, 2, 0);
    assert_int_equal(r->report_submit->saved[0]->report_id,
                     original->report_submit->saved[0]->report_id);
    assert_int_equal(harness_log_count(srv, "answered from its request key"), from_record + 1);
    cchc__v1__response__free_unpacked(r, NULL);

    /* a new request with the same row, beside NK's next plain change */
    submission blocker, next[2];
    prepare(&blocker, OM, "2024-9M", 129, "chan2");
    next[0] = group[CR];
    snprintf(next[0].request_key, sizeof(next[0].request_key), "sb-gui-moi-request");
    next[0].fd = raw_connect(srv);
    raw_hello(next[0].fd, 1);
    prepare(&next[1], NK, "2024-9M", 130, "gui-tiep");
    next[1].base = 2;
    admin = harness_hold_period(&fx.db, "2024-9M");
    raw_submissions_behind_blocker(&fx.db, srv, &blocker, next, 2, 1);
    harness_release_period(admin);
    r = raw_submission_answer(&blocker);
    raw_submission_expect_saved(&blocker, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&next[0]);
    raw_submission_expect_saved(&next[0], r, 2, 1);
    assert_int_equal(r->report_submit->saved[0]->report_id,
                     original->report_submit->saved[0]->report_id);
    cchc__v1__response__free_unpacked(r, NULL);
    r = raw_submission_answer(&next[1]);
    raw_submission_expect_saved(&next[1], r, 3, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    cchc__v1__response__free_unpacked(original, NULL);

    assert_int_equal(revisions("2024-9M", CR, 130), 2);
    assert_int_equal(revisions("2024-9M", NK, 130), 3);
    raw_submission_expect_stored(&fx.db, &group[CR], 2, 0);
    raw_submission_expect_stored(&fx.db, &next[1], 3, 0);
    close(first.fd);
    close(same.fd);
    close(blocker.fd);
    for (int i = 0; i < 2; i++) {
        close(before[i].fd);
        close(group[i].fd);
        close(next[i].fd);
    }
}

/* First submissions in one statement: reports never written, which the
 * plan expects of each unit, are created at revision 1 (submitted, sent
 * now, every field changed) with their audit rows; beside them a document
 * whose row names a base revision of a report that does not exist is
 * refused whole, and writes nothing. */
static void test_first_submissions_written_together(void **state)
{
    (void)state;
    submission first, group[NPEOPLE];
    prepare(&first, NK, "2024-Q1", 113, "chan-moi");
    for (int i = 0; i < NPEOPLE; i++)
        prepare(&group[i], i, "2024-Q1", 112, "moi");
    group[OM].base = 3; /* no report yet, so no revision 3 */
    int merged = harness_log_count(srv, "3 writes in one transaction, one statement");

    PGconn *admin = harness_hold_period(&fx.db, "2024-Q1");
    raw_submissions_behind_blocker(&fx.db, srv, &first, group, NPEOPLE, 1);
    harness_release_period(admin);

    Cchc__V1__Response *r = raw_submission_answer(&first);
    raw_submission_expect_saved(&first, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    long long ids[2];
    for (int i = NK; i <= CR; i++) {
        r = raw_submission_answer(&group[i]);
        raw_submission_expect_saved(&group[i], r, 1, 0);
        ids[i] = (long long)r->report_submit->saved[0]->report_id;
        cchc__v1__response__free_unpacked(r, NULL);
    }
    assert_true(ids[NK] != ids[CR]);
    r = raw_submission_answer(&group[OM]);
    assert_non_null(r->error);
    assert_true(r->error->n_details >= 1);
    assert_non_null(strstr(r->error->details[0]->message, "3"));
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_log_count(srv, "3 writes in one transaction, one statement"),
                     merged + 1);

    for (int i = NK; i <= CR; i++) {
        raw_submission_expect_stored(&fx.db, &group[i], 1, 0);
        char want[32];
        snprintf(want, sizeof(want), "%lld", ids[i]);
        expect_fact(&group[i], "x.id", want);
        expect_fact(&group[i],
                    "x.state || ' ' || x.revision || ' ' || x.submitted_revision || ' ' || "
                    "(x.first_submitted_at IS NOT NULL) || ' ' || x.late",
                    "submitted 1 1 true false");
        expect_fact(&group[i],
                    "(SELECT v.changed::text FROM report_revision v WHERE v.report_id = x.id)",
                    "{status,progress,results,difficulties,proposals,indicators}");
        assert_int_equal(harness_db_count(&fx.db,
                                          "SELECT count(*) FROM audit_log WHERE action = "
                                          "'report.submit' AND target = '%s 2024-Q1' AND "
                                          "detail -> 'tasks' = '[112]'",
                                          units[i]),
                         1);
    }
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM report WHERE period_id = '2024-Q1' "
                                      "AND unit_code = 'Q-OMON' AND task_id = 112"),
                     0);
    close(first.fd);
    for (int i = 0; i < NPEOPLE; i++)
        close(group[i].fd);
}

/* How many request keys named key the database holds. */
static long long keys_named(const char *key)
{
    return harness_db_count(&fx.db, "SELECT count(*) FROM request_key WHERE key = '%s'", key);
}

static void age_key(const char *key, const char *age)
{
    free(harness_db_queryf(&fx.db,
                           "UPDATE request_key SET created_at = now() - interval '%s' "
                           "WHERE key = '%s' RETURNING 1",
                           age, key));
    if (keys_named(key) != 1)
        fail_msg("request key %s is not stored", key);
}

/* An account's request keys older than their 7 days go with its next
 * keyed write, alone (submit_reports_keyed) or in a group's one statement
 * (submit_reports_many), found by age (sql/0023_request_key_age.sql);
 * younger keys, and other accounts' old ones, stay. */
static void test_expired_keys_deleted(void **state)
{
    (void)state;
    submission old, young, lone, blocker, group[2];
    prepare(&old, CR, "2024-6M", 124, "het-han");
    save_alone(&old, 1);
    prepare(&young, CR, "2024-6M", 125, "con-han");
    save_alone(&young, 1);
    submission other;
    prepare(&other, NK, "2024-6M", 124, "het-han-khac");
    save_alone(&other, 1);
    age_key(old.request_key, "8 days");
    age_key(young.request_key, "6 days");
    age_key(other.request_key, "8 days");

    prepare(&lone, CR, "2024-6M", 126, "mot-minh");
    save_alone(&lone, 1);
    assert_int_equal(keys_named(old.request_key), 0);
    assert_int_equal(keys_named(young.request_key), 1);
    assert_int_equal(keys_named(lone.request_key), 1);
    assert_int_equal(keys_named(other.request_key), 1);

    /* now in a group of two (CR's and OM's), behind NK's blocker */
    age_key(young.request_key, "7 days 1 minute");
    age_key(lone.request_key, "30 days");
    prepare(&blocker, NK, "2024-6M", 127, "chan-het-han");
    prepare(&group[0], CR, "2024-6M", 127, "nhom-het-han");
    prepare(&group[1], OM, "2024-6M", 127, "nhom-het-han");
    int merged = harness_log_count(srv, "2 writes in one transaction, one statement");
    PGconn *admin = harness_hold_period(&fx.db, "2024-6M");
    raw_submissions_behind_blocker(&fx.db, srv, &blocker, group, 2, 1);
    harness_release_period(admin);
    Cchc__V1__Response *r = raw_submission_answer(&blocker);
    raw_submission_expect_saved(&blocker, r, 1, 0);
    cchc__v1__response__free_unpacked(r, NULL);
    for (int i = 0; i < 2; i++) {
        r = raw_submission_answer(&group[i]);
        raw_submission_expect_saved(&group[i], r, 1, 0);
        cchc__v1__response__free_unpacked(r, NULL);
    }
    assert_int_equal(harness_log_count(srv, "2 writes in one transaction, one statement"),
                     merged + 1);
    assert_int_equal(keys_named(young.request_key), 0);
    assert_int_equal(keys_named(lone.request_key), 0);
    assert_int_equal(keys_named(group[0].request_key), 1);
    assert_int_equal(keys_named(group[1].request_key), 1);
    /* NK's blocker went alone before the group: its old key went then */
    assert_int_equal(keys_named(other.request_key), 0);
    close(old.fd);
    close(young.fd);
    close(other.fd);
    close(lone.fd);
    close(blocker.fd);
    for (int i = 0; i < 2; i++)
        close(group[i].fd);
}

/* A request key is looked up with the session check
 * (cchc_session_check_keyed): a resend with it is answered from the
 * record; a different request under the same key is refused and writes
 * nothing. */
static void test_key_of_another_request(void **state)
{
    (void)state;
    submission first, other;
    prepare(&first, OM, "2024-6M", 128, "khoa");
    save_alone(&first, 1);
    prepare(&other, OM, "2024-6M", 128, "khoa-khac");
    other.base = 1;
    snprintf(other.request_key, sizeof(other.request_key), "%s", first.request_key);
    raw_submission_send(&other, 3);
    Cchc__V1__Response *r = raw_submission_answer(&other);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
    assert_non_null(strstr(r->error->message, "used for a different request"));
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(revisions("2024-6M", OM, 128), 1);
    raw_submission_expect_stored(&fx.db, &first, 1, 1);
    close(first.fd);
    close(other.fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_submissions_written_together),
        cmocka_unit_test(test_plain_beside_refusals),
        cmocka_unit_test(test_plain_resent),
        cmocka_unit_test(test_first_submissions_written_together),
        cmocka_unit_test(test_expired_keys_deleted),
        cmocka_unit_test(test_key_of_another_request),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
