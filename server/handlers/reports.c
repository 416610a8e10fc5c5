/* Progress reports: a unit's tasks for a period, submitting reports (one
 * or a whole file, all or none), reading a report and its history,
 * reviewers' lists and decisions. Periods are periods.c's.
 *
 * The unit a report belongs to is the caller's unit, or a closed unit the
 * caller's unit succeeds when the request names one: the SQL decides
 * (may_report_for, sql/functions/050_reports.sql), so nobody can write
 * another unit's report by naming it. The rules
 * that need the data (assignment, period state, idempotency, review scope)
 * are SQL functions (sql/functions/050_reports.sql), run in the same
 * transaction as the write; the rules that need none are checked here
 * first (validate.c). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "handlers.h"
#include "msg_format.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "request_stream.h"
#include "sql_doc.h"
#include "validate.h"

/* Rows one submission may carry: a commune owes a few dozen. */
#define MAX_REPORT_ROWS 2000
/* Field problems listed for one submission, at most. */
#define MAX_PROBLEMS 200

/* ---- submit -------------------------------------------------------------------- */

/* When every error of submit_reports is a conflict (a changed row made
 * from an older revision), answers CONFLICT with one detail per row and
 * returns 1. Any other error is the clerk's to fix first, so a mix is
 * answered INVALID_ARGUMENT by request_fail_rows, the conflicts listed too. */
static int fail_conflicts(request *req, const PGresult *res)
{
    size_t n = request_conflict_count(res, "conflict");
    if (n == 0)
        return 0;
    (void)n;
    request_fail_conflicts(req, res, PQfnumber(res, "line"),
                           "nothing saved: %s rows were made from an older revision; someone "
                           "has saved a newer one");
    return 1;
}

static void on_submitted(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (!fail_conflicts(req, r[0]) &&
        !request_fail_rows(req, r[0], PQfnumber(r[0], "line"),
                           "nothing saved; errors: %s"))
        request_reply_rows(req, CCHC__V1__RESPONSE__BODY_REPORT_SUBMIT, r[0]);
}

void handle_report_submit(request *req)
{
    const Cchc__V1__ReportSubmitRequest *in = req->msg->report_submit;
    if (request_check_period(req, in->period_id) != 0 ||
        request_check_text(req, "unit", in->unit, 300) != 0)
        return;
    if (in->n_rows == 0 || in->n_rows > MAX_REPORT_ROWS) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a submission holds 1 to %s reports, this one %s",
                     REQUEST_NUM(MAX_REPORT_ROWS), REQUEST_NUM(in->n_rows));
        return;
    }
    /* every problem of every row, then all or nothing */
    field_problem *problems = calloc(MAX_PROBLEMS, sizeof(*problems));
    char(*labels)[96] = calloc(MAX_PROBLEMS, sizeof(*labels));
    const char **fields = calloc(MAX_PROBLEMS, sizeof(char *));
    const char **messages = calloc(MAX_PROBLEMS, sizeof(char *));
    json_t *rows = json_array();
    size_t nproblems = 0;
    if (!problems || !labels || !fields || !messages || !rows) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        goto out;
    }
    for (size_t i = 0; i < in->n_rows; i++) {
        const Cchc__V1__ReportRow *row = in->rows[i];
        const char *names[REPORT_INDICATORS_MAX], *values[REPORT_INDICATORS_MAX];
        size_t nind = row->n_indicators < REPORT_INDICATORS_MAX ? row->n_indicators
                                                                : REPORT_INDICATORS_MAX;
        json_t *indicators = json_object();
        for (size_t k = 0; k < nind; k++) {
            names[k] = row->indicators[k]->name;
            values[k] = row->indicators[k]->value;
            json_object_set_new(indicators, names[k], json_string(values[k]));
        }
        report_fields f = {row->task_id, row->status, row->progress, row->results,
                           row->difficulties, row->proposals, row->idempotency_key, names,
                           values, row->n_indicators}; /* validate reads at most nind */
        field_problem found[16];
        size_t nfound = validate_report(&f, found, 16);
        for (size_t k = 0; k < nfound && k < 16 && nproblems < MAX_PROBLEMS; k++, nproblems++) {
            snprintf(labels[nproblems], sizeof(labels[nproblems]), "line %d: %.64s", row->line,
                     found[k].field);
            problems[nproblems] = found[k];
            fields[nproblems] = labels[nproblems];
            messages[nproblems] = problems[nproblems].message;
        }
        if (row->base_revision < 0 && nproblems < MAX_PROBLEMS) {
            snprintf(labels[nproblems], sizeof(labels[nproblems]), "line %d: base_revision",
                     row->line);
            fields[nproblems] = labels[nproblems];
            messages[nproblems++] = MSG_ID("the base revision must not be negative");
        }
        json_t *doc_row = json_pack(
            "{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b}", "line", row->line, "task",
            row->task_id, "status", row->status, "progress", row->progress, "results",
            row->results, "difficulties", row->difficulties, "proposals", row->proposals, "key",
            row->idempotency_key, "base", row->base_revision, "resubmit", row->resubmit);
        /* none sent: absent, so submit_reports keeps the previous
         * revision's; {} only when the clerk clears them */
        if (nind > 0 || row->clear_indicators)
            json_object_set(doc_row, "indicators", indicators);
        json_decref(indicators);
        json_array_append_new(rows, doc_row);
    }
    if (nproblems > 0) {
        request_fail_details(req, "nothing saved; errors: %s", fields,
                             messages, nproblems);
        goto out;
    }
    json_t *doc = json_pack("{s:o, s:s, s:s, s:s, s:b, s:O}", "actor", sql_doc_actor(req),
                            "unit", *in->unit ? in->unit : req->auth.unit_code, "caller_unit",
                            req->auth.unit_code, "period", in->period_id, "draft", in->draft,
                            "rows", rows);
    /* many clerks' submissions share one transaction and commit (group
     * commit, docs/concurrency.md); each is judged alone by submit_reports,
     * whose first lock is the (period, unit) one: transactions run their
     * submissions in that order */
    char order[400];
    snprintf(order, sizeof(order), "%s %s", in->period_id,
             *in->unit ? in->unit : req->auth.unit_code);
    sql_doc_write_grouped(req, doc, STMT_REPORT_SUBMIT, STMT_REPORT_SUBMIT_KEYED, order,
                          on_submitted);
out:
    json_decref(rows);
    free(problems);
    free(labels);
    free(fields);
    free(messages);
}

/* ---- my tasks ---------------------------------------------------------------------- */

static void on_my_tasks(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (PQntuples(r[0]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "unknown period %s; see 'cchc period list'",
                     req->msg->my_tasks->period_id);
        return;
    }
    arena a = {0};
    Cchc__V1__MyTasksResponse body = CCHC__V1__MY_TASKS_RESPONSE__INIT;
    size_t np;
    Cchc__V1__Period **periods =
        (Cchc__V1__Period **)pg_messages(&a, &cchc__v1__period__descriptor, r[0], &np);
    body.period = np ? periods[0] : NULL;
    if (PQntuples(r[1]) > 0) {
        pg_fill(&a, &body.base, r[1], 0);
    } else if (*req->msg->my_tasks->unit) {
        request_fail(req, CCHC__V1__ERROR_CODE__PERMISSION_DENIED,
                     "your unit does not succeed unit \"%s\": only a successor of a closed unit "
                     "sees and writes its reports",
                     req->msg->my_tasks->unit);
        arena_free(&a);
        return;
    }
    body.tasks = (Cchc__V1__UnitTask **)pg_messages(&a, &cchc__v1__unit_task__descriptor, r[2],
                                                    &body.n_tasks);
    body.inherited = (Cchc__V1__UnitTask **)pg_messages(&a, &cchc__v1__unit_task__descriptor,
                                                        r[3], &body.n_inherited);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_MY_TASKS, &body);
}

void handle_my_tasks(request *req)
{
    const char *period = req->msg->my_tasks->period_id, *unit = req->msg->my_tasks->unit;
    if (request_check_period(req, period) != 0 || request_check_text(req, "unit", unit, 300) != 0)
        return;
    const char *by_period[] = {period};
    const char *by_unit[] = {period, unit, req->auth.unit_code, req->auth.username};
    /* a successor's inherited obligations come with its own tasks only */
    const char *inherited[] = {period, *unit ? "" : req->auth.unit_code};
    const db_step steps[] = {
        {STMT_PERIOD_GET, 1, by_period},
        {STMT_UNIT_PERIOD, 4, by_unit},
        {STMT_MY_TASKS, 3, by_unit},
        {STMT_MY_TASKS_INHERITED, 2, inherited},
    };
    request_query(req, steps, 4, on_my_tasks);
}

/* ---- reviewers' list and decisions ----------------------------------------------------- */

static int sees_everything(const request *req)
{
    return (req->auth.roles & (ROLE_ADMIN | ROLE_VIEWER)) != 0;
}

static void on_report_list(request *req, PGresult *const *r, int n)
{
    request_reply_rows_streamed(req, CCHC__V1__RESPONSE__BODY_REPORT_LIST, r, n, 0);
}

void handle_report_list(request *req)
{
    const Cchc__V1__ReportListRequest *in = req->msg->report_list;
    if (request_check_period(req, in->period_id) != 0 ||
        request_check_text(req, "state", in->state, 16) != 0 ||
        request_check_text(req, "unit", in->unit, 300) != 0)
        return;
    char task[16];
    snprintf(task, sizeof(task), "%d", in->task_id > 0 ? in->task_id : 0);
    const char *params[] = {in->period_id, in->state, task, in->unit, req->auth.unit_code,
                            sees_everything(req) ? "t" : "f"};
    const db_step step = {STMT_REPORT_LIST, 6, params};
    request_query(req, &step, 1, on_report_list);
}

/* When every error of review_reports is a newer revision than the one the
 * reviewer read (field "revision"), answers CONFLICT with one detail per
 * such report and returns 1: the client then tells the reviewer to read
 * the newer revision, which an INVALID_ARGUMENT would not say. */
static int fail_review_conflicts(request *req, const PGresult *res)
{
    size_t n = request_conflict_count(res, "revision");
    if (n == 0)
        return 0;
    (void)n;
    request_fail_conflicts(req, res, -1,
                           "nothing reviewed: %s reports have a newer revision than the one you "
                           "read");
    return 1;
}

static void on_reviewed(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (!fail_review_conflicts(req, r[0]) &&
        !request_fail_rows(req, r[0], -1, "nothing reviewed; errors: %s"))
        request_reply_rows(req, CCHC__V1__RESPONSE__BODY_REVIEW, r[1]);
}

void handle_review(request *req)
{
    const Cchc__V1__ReviewRequest *in = req->msg->review;
    int is_return = strcmp(in->action, "return") == 0;
    if (!is_return && strcmp(in->action, "accept") != 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "unknown review action; use accept or return");
        return;
    }
    if (in->n_report_ids == 0 || in->n_report_ids > MAX_REPORT_ROWS) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a review names 1 to %s reports",
                     REQUEST_NUM(MAX_REPORT_ROWS));
        return;
    }
    /* A review without revisions comes from a cchc older than the rule
     * that a review names what was read; taking "whatever is there now"
     * would accept revisions nobody read, so it is refused. */
    if (in->n_revisions == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "upgrade cchc: a review names the revision it read");
        return;
    }
    if (in->n_revisions != in->n_report_ids) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "one revision per report: %s needed, %s sent",
                     REQUEST_NUM(in->n_report_ids), REQUEST_NUM(in->n_revisions));
        return;
    }
    json_t *doc = sql_doc_review(req, in->action, in->reason, in->report_ids, in->revisions,
                                 in->n_report_ids);
    if (!doc)
        return;
    const statement_id review[] = {STMT_REVIEW, STMT_REVIEWED};
    sql_doc_query(req, doc, review, 2, on_reviewed);
}

/* ---- one report ------------------------------------------------------------------------- */

static void on_report_get(request *req, PGresult *const *r, int n)
{
    (void)n;
    const Cchc__V1__ReportGetRequest *in = req->msg->report_get;
    if (PQntuples(r[0]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "no report of task %s in period %s that you may see",
                     REQUEST_NUM(in->task_id), in->period_id);
        return;
    }
    arena a = {0};
    Cchc__V1__ReportGetResponse body = CCHC__V1__REPORT_GET_RESPONSE__INIT;
    size_t one;
    Cchc__V1__ReportSummary **summary = (Cchc__V1__ReportSummary **)pg_messages(
        &a, &cchc__v1__report_summary__descriptor, r[0], &one);
    body.report = one ? summary[0] : NULL;
    body.revisions = (Cchc__V1__ReportRevision **)pg_messages(
        &a, &cchc__v1__report_revision__descriptor, r[1], &body.n_revisions);
    body.reviews = (Cchc__V1__ReviewEntry **)pg_messages(&a, &cchc__v1__review_entry__descriptor,
                                                         r[2], &body.n_reviews);
    request_reply_streamed(req, &a, CCHC__V1__RESPONSE__BODY_REPORT_GET, &body, r, n);
}

void handle_report_get(request *req)
{
    const Cchc__V1__ReportGetRequest *in = req->msg->report_get;
    if (request_check_period(req, in->period_id) != 0 ||
        request_check_text(req, "unit", in->unit, 300) != 0)
        return;
    char task[16];
    snprintf(task, sizeof(task), "%d", in->task_id);
    const char *who[] = {in->period_id, task, in->unit, req->auth.unit_code,
                         sees_everything(req) ? "t" : "f"};
    const db_step steps[] = {
        {STMT_REPORT_GET, 5, who},
        {STMT_REPORT_REVISIONS, 4, who},
        {STMT_REPORT_REVIEWS, 4, who},
    };
    request_query(req, steps, 3, on_report_get);
}
