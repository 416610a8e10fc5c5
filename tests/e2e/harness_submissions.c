/* Report submissions sent by hand on raw connections, for the tests of
 * group commit (test_group_commit.c, test_group_submit.c): they need
 * several clients' submissions in flight at once and in a known order,
 * which cchc run as a subprocess cannot give. A batch is made without
 * timing: the test holds a period row FOR UPDATE on its own connection,
 * one submission waits for that lock inside PostgreSQL, the others queue
 * in cchcd behind it (its log says so for each), and the test lets go.
 * Both test files had their own copy of all this before it was folded
 * here. */
#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

void fixture_start_group_commit(test_fixture *fx, const char *tag, const test_person *people,
                                int n, char tokens[][HARNESS_TOKEN_SIZE])
{
    const char *const args[] = {HARNESS_ONE_GROUP_COMMIT, NULL};
    fixture_start(fx, tag, args);
    fixture_add_people(fx, people, n, 1);
    for (int i = 0; i < n; i++)
        harness_home_token(fx->homes[i], tokens[i], HARNESS_TOKEN_SIZE);
}

void raw_submission_start(raw_submission *s, const test_server *srv, const char *unit,
                          const char *token, const char *period, int task)
{
    memset(s, 0, sizeof(*s));
    s->unit = unit;
    s->token = token;
    s->period = period;
    s->task = task;
    s->fd = raw_connect_greeted(srv);
}

void raw_submission_send(const raw_submission *s, uint64_t request_id)
{
    Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT, row2 = CCHC__V1__REPORT_ROW__INIT;
    Cchc__V1__ReportRow *rows[] = {&row, &row2};
    row.line = 2;
    row.task_id = s->task;
    row.status = "in_progress";
    row.progress = "50";
    row.results = (char *)s->text;
    row.idempotency_key = (char *)s->row_key;
    row.base_revision = s->base;
    row2 = row;
    row2.line = 3;
    row2.task_id = s->task2;
    row2.idempotency_key = (char *)s->row_key2;
    row2.base_revision = 0;
    Cchc__V1__ReportSubmitRequest submit = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    submit.period_id = (char *)s->period;
    submit.rows = rows;
    submit.n_rows = s->task2 ? 2 : 1;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = request_id;
    req.session_token = (char *)s->token;
    req.request_key = (char *)s->request_key;
    req.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req.report_submit = &submit;
    raw_send_request(s->fd, &req);
}

Cchc__V1__Response *raw_submission_answer(const raw_submission *s)
{
    Cchc__V1__Response *r = raw_read_response(s->fd, 60000);
    if (!r)
        fail_msg("no answer to %s's submission of task %d", s->unit, s->task);
    return r;
}

void raw_submission_expect_saved(const raw_submission *s, Cchc__V1__Response *r, int revision,
                                 int replayed)
{
    if (r->error)
        fail_msg("%s task %d answered %s", s->unit, s->task, r->error->message);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_REPORT_SUBMIT);
    assert_int_equal(r->report_submit->n_saved, 1);
    assert_int_equal(r->report_submit->saved[0]->task_id, s->task);
    assert_int_equal(r->report_submit->saved[0]->revision, revision);
    assert_int_equal(r->report_submit->saved[0]->replayed, replayed);
}

void raw_submission_expect_stored(const test_db *db, const raw_submission *s, int revision,
                                  int latest)
{
    char *text = harness_db_queryf(db,
                                   "SELECT v.results FROM report x JOIN report_revision v ON "
                                   "v.report_id = x.id AND v.revision = %d WHERE x.period_id = "
                                   "'%s' AND x.unit_code = '%s' AND x.task_id = %d%s",
                                   revision, s->period, s->unit, s->task,
                                   latest ? " AND x.revision = v.revision" : "");
    if (!text)
        fail_msg("%s task %d: no revision %d stored%s", s->unit, s->task, revision,
                 latest ? " as the latest" : "");
    assert_string_equal(text, s->text);
    free(text);
}

PGconn *harness_hold_period(const test_db *db, const char *period)
{
    PGconn *holder = PQconnectdb(db->conninfo);
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    PQclear(PQexec(holder, "BEGIN"));
    const char *params[] = {period};
    PGresult *res = PQexecParams(holder, "SELECT 1 FROM report_period WHERE id = $1 FOR UPDATE",
                                 1, NULL, params, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    return holder;
}

void harness_release_period(PGconn *holder)
{
    PQclear(PQexec(holder, "COMMIT"));
    PQfinish(holder);
}

#define QUEUED "queued for group commit"

void raw_submissions_behind_blocker(const test_db *db, const test_server *srv,
                                    raw_submission *first, raw_submission *others, int n,
                                    int one_by_one)
{
    raw_submission_send(first, 2);
    harness_wait_for(harness_someone_waits_for_lock, (void *)db, 30000,
                     "the first submission to wait for the period");
    if (one_by_one) {
        for (int i = 0; i < n; i++) {
            int queued = harness_log_count(srv, QUEUED) + 1;
            raw_submission_send(&others[i], 2);
            harness_wait_log_count(srv, QUEUED, queued, 30000, "cchcd to queue a submission");
        }
        return;
    }
    int queued = harness_log_count(srv, QUEUED) + n;
    for (int i = 0; i < n; i++)
        raw_submission_send(&others[i], 2);
    harness_wait_log_count(srv, QUEUED, queued, 30000, "cchcd to queue the other submissions");
}
