/* Citywide status for Sở Nội vụ, viewers and lead agencies: the overview
 * of a period (completeness, roll-up, criteria at risk), trends, what is
 * missing, every unit's report on a task, and the rows of the consolidated
 * export. Every figure is computed in SQL (sql/functions/070_status.sql)
 * over the facts of the period; this file only chooses the scope and shapes
 * the reply. A reviewer sees the tasks its unit leads; admins and viewers
 * see all. */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "handlers.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "request_stream.h"
#include "status_figures.h"

static const char *sees_all(const request *req)
{
    return (req->auth.roles & (ROLE_ADMIN | ROLE_VIEWER)) ? "t" : "f";
}

/* ---- overview ------------------------------------------------------------------ */

static void on_status(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (!status_figures_found(r[0])) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "unknown period %s; see 'cchc period list'",
                     req->msg->status->period_id);
        return;
    }
    arena a = {0};
    /* out of memory (NULL) marks the arena failed, which the reply reports */
    Cchc__V1__StatusResponse *body =
        status_figures_response(&a, r[0], req->msg->status->by, *sees_all(req) == 't');
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_STATUS, body);
}

void handle_status(request *req)
{
    const Cchc__V1__StatusRequest *in = req->msg->status;
    if (request_check_period(req, in->period_id) != 0)
        return;
    static const char *const dims[] = {"", "unit", "district", "lead", "task", "index", "criterion"};
    int known = 0;
    for (size_t i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
        known |= strcmp(in->by, dims[i]) == 0;
    if (!known) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "unknown grouping; use unit, district, lead, task, index or criterion");
        return;
    }
    /* one statement: the period, the total, the groups and the criteria at
     * risk from the period's facts computed once (a grouping of the list
     * above is a valid array literal as it is) */
    char grouping[32];
    snprintf(grouping, sizeof(grouping), "{%s}", in->by);
    const char *params[] = {in->period_id, grouping, req->auth.unit_code, sees_all(req)};
    const db_step step = {STMT_STATUS_FIGURES, 4, params};
    request_query(req, &step, 1, on_status);
}

/* ---- trend, missing, export ---------------------------------------------------- */

static void on_trend(request *req, PGresult *const *r, int n)
{
    (void)n;
    request_reply_rows(req, CCHC__V1__RESPONSE__BODY_TREND, r[0]);
}

void handle_trend(request *req)
{
    int year = req->msg->trend->year;
    if (year < 0 || year > 2100) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "year %s is not valid", REQUEST_NUM(year));
        return;
    }
    char text[16];
    snprintf(text, sizeof(text), "%d", year);
    const char *params[] = {text, req->auth.unit_code, sees_all(req)};
    const db_step step = {STMT_TREND, 3, params};
    request_query(req, &step, 1, on_trend);
}

static void on_missing(request *req, PGresult *const *r, int n)
{
    (void)n;
    const Cchc__V1__MissingRequest *in = req->msg->missing;
    if ((*in->district && PQgetisnull(r[0], 0, 0)) || (*in->lead && PQgetisnull(r[0], 0, 1))) {
        /* unit_resolve_problem's words: ambiguous, or the closest names */
        request_fail_sql(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     pg_text(r[0], 0, *in->district && PQgetisnull(r[0], 0, 0) ? 2 : 3));
        return;
    }
    request_reply_rows_streamed(req, CCHC__V1__RESPONSE__BODY_MISSING, r, n, 1);
}

void handle_missing(request *req)
{
    const Cchc__V1__MissingRequest *in = req->msg->missing;
    if (request_check_period(req, in->period_id) != 0 ||
        request_check_text(req, "district", in->district, 300) != 0 ||
        request_check_text(req, "lead", in->lead, 300) != 0)
        return;
    const char *resolve[] = {in->district, in->lead};
    const char *params[] = {in->period_id, in->district, in->lead, req->auth.unit_code, sees_all(req)};
    const db_step steps[] = {
        {STMT_RESOLVE_UNITS, 2, resolve},
        {STMT_MISSING, 5, params},
    };
    request_query(req, steps, 2, on_missing);
}

static void on_export(request *req, PGresult *const *r, int n)
{
    request_reply_rows_streamed(req, CCHC__V1__RESPONSE__BODY_EXPORT, r, n, 0);
}

void handle_export(request *req)
{
    const Cchc__V1__ExportRequest *in = req->msg->export;
    if (request_check_period(req, in->period_id) != 0)
        return;
    const char *params[] = {in->period_id, req->auth.unit_code, sees_all(req)};
    const db_step step = {STMT_EXPORT, 3, params};
    request_query(req, &step, 1, on_export);
}

/* ---- one task, every unit ----------------------------------------------------------- */

static void on_status_task(request *req, PGresult *const *r, int n)
{
    (void)n;
    const Cchc__V1__StatusTaskRequest *in = req->msg->status_task;
    if (PQntuples(r[0]) == 0 || PQntuples(r[1]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "no task %s in period %s that you may see",
                     REQUEST_NUM(in->task_id), in->period_id);
        return;
    }
    arena a = {0};
    Cchc__V1__StatusTaskResponse body = CCHC__V1__STATUS_TASK_RESPONSE__INIT;
    body.task_id = pg_int(r[0], 0, PQfnumber(r[0], "id"));
    body.ref = pg_text(r[0], 0, PQfnumber(r[0], "ref"));
    body.text = pg_text(r[0], 0, PQfnumber(r[0], "text"));
    size_t one;
    Cchc__V1__StatusGroup **summary =
        (Cchc__V1__StatusGroup **)pg_messages(&a, &cchc__v1__status_group__descriptor, r[1], &one);
    body.summary = one ? summary[0] : NULL;
    body.reports = (Cchc__V1__UnitReport **)pg_messages(&a, &cchc__v1__unit_report__descriptor, r[2],
                                                        &body.n_reports);
    request_reply_streamed(req, &a, CCHC__V1__RESPONSE__BODY_STATUS_TASK, &body, r, n);
}

void handle_status_task(request *req)
{
    const Cchc__V1__StatusTaskRequest *in = req->msg->status_task;
    if (request_check_period(req, in->period_id) != 0)
        return;
    char task[16];
    snprintf(task, sizeof(task), "%d", in->task_id);
    const char *by_id[] = {task};
    const char *summary[] = {in->period_id, "task", req->auth.unit_code, sees_all(req), task};
    const char *units[] = {in->period_id, task, req->auth.unit_code, sees_all(req)};
    const db_step steps[] = {
        {STMT_TASK, 1, by_id},
        {STMT_STATUS_GROUPS, 5, summary},
        {STMT_STATUS_TASK_UNITS, 4, units},
    };
    request_query(req, steps, 3, on_status_task);
}
