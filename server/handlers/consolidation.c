/* Consolidated reports (issue 17, docs/consolidation.md): the template a
 * district, a lead agency or Sở Nội vụ starts from (its consolidation as
 * saved, the figures of the level below computed now, the texts gathered
 * from below), saving one, listing what a caller owes or reviews,
 * reviewing one level up, and the period's consolidation deadlines.
 *
 * As for units' reports (reports.c), the rules that need data — which
 * unit may write which consolidation, idempotency, base revision, review
 * scope — are SQL functions (sql/functions/095_consolidation.sql) run in
 * the write's transaction; the author is always the caller's unit (Sở Nội
 * vụ for the city report), never a unit the request names. Here only what
 * needs no data is checked. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "handlers.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "request_kind.h"
#include "sql_doc.h"

/* Consolidations one review may name. */
#define MAX_REVIEW_IDS 2000
/* The bytes of each text of a consolidation (a city report is long). */
#define MAX_TEXT_BYTES 60000

static int is_admin(const request *req)
{
    return (req->auth.roles & ROLE_ADMIN) != 0;
}

static int sees_everything(const request *req)
{
    return (req->auth.roles & (ROLE_ADMIN | ROLE_VIEWER)) != 0;
}

/* The answer for a problem the SQL functions name by field
 * (consolidation_scope_problem, consolidation_lookup_problem,
 * submit_consolidation): an unknown period or task is NOT_FOUND as for
 * every other command, a consolidation the caller may not write
 * PERMISSION_DENIED, a state that forbids it FAILED_PRECONDITION. */
static Cchc__V1__ErrorCode problem_code(const char *field)
{
    if (strcmp(field, "not_found") == 0)
        return CCHC__V1__ERROR_CODE__NOT_FOUND;
    if (strcmp(field, "scope") == 0)
        return CCHC__V1__ERROR_CODE__PERMISSION_DENIED;
    if (strcmp(field, "conflict") == 0)
        return CCHC__V1__ERROR_CODE__CONFLICT;
    if (strcmp(field, "state") == 0 || strcmp(field, "period") == 0 ||
        strcmp(field, "precondition") == 0)
        return CCHC__V1__ERROR_CODE__FAILED_PRECONDITION;
    return CCHC__V1__ERROR_CODE__INVALID_ARGUMENT;
}

/* Answers the first (field, message) row of res as its problem; 1 when
 * there was one. */
static int fail_problem(request *req, const PGresult *res)
{
    if (PQntuples(res) == 0 || PQgetisnull(res, 0, PQfnumber(res, "field")))
        return 0;
    request_fail_sql(req, problem_code(PQgetvalue(res, 0, PQfnumber(res, "field"))),
                     PQgetvalue(res, 0, PQfnumber(res, "message")));
    return 1;
}

/* The level named is one of the three, and a city report names no task. */
static int check_level(request *req, const char *level, int task_id)
{
    if (strcmp(level, "district") != 0 && strcmp(level, "lead") != 0 &&
        strcmp(level, "city") != 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "unknown level %s; use district, lead or city", level);
        return -1;
    }
    if ((strcmp(level, "city") == 0) != (task_id == 0)) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a district's or a lead agency's consolidated report names a task; the "
                     "city report names none");
        return -1;
    }
    return 0;
}

/* ---- template ------------------------------------------------------------------- */

static void on_template(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (fail_problem(req, r[0]))
        return;
    arena a = {0};
    Cchc__V1__ConsolidationTemplateResponse body =
        CCHC__V1__CONSOLIDATION_TEMPLATE_RESPONSE__INIT;
    size_t one;
    Cchc__V1__Consolidation **current = (Cchc__V1__Consolidation **)pg_messages(
        &a, &cchc__v1__consolidation__descriptor, r[1], &one);
    body.current = one ? current[0] : NULL;
    body.figures = PQntuples(r[2]) ? arena_strndup(&a, PQgetvalue(r[2], 0, 0),
                                                  (size_t)PQgetlength(r[2], 0, 0))
                                  : "";
    body.sources = (Cchc__V1__ConsolidationSource **)pg_messages(
        &a, &cchc__v1__consolidation_source__descriptor, r[3], &body.n_sources);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_CONSOLIDATION_TEMPLATE, &body);
}

void handle_consolidation_template(request *req)
{
    const Cchc__V1__ConsolidationTemplateRequest *in = req->msg->consolidation_template;
    if (request_check_period(req, in->period_id) != 0 || check_level(req, in->level, in->task_id) != 0 ||
        request_check_text(req, "unit", in->unit, 64) != 0)
        return;
    char task[16];
    snprintf(task, sizeof(task), "%d", in->task_id);
    const char *params[] = {in->period_id, in->level, req->auth.unit_code, task,
                            is_admin(req) ? "t" : "f", in->unit};
    const db_step steps[] = {
        {STMT_CONSOLIDATION_SCOPE, 6, params},
        {STMT_CONSOLIDATION_CURRENT, 6, params},
        {STMT_CONSOLIDATION_FIGURES, 6, params},
        {STMT_CONSOLIDATION_SOURCES, 6, params},
    };
    request_query(req, steps, 4, on_template);
}

/* ---- submit --------------------------------------------------------------------- */

static void on_submitted(request *req, PGresult *const *r, int n)
{
    (void)n;
    const PGresult *res = r[0];
    if (fail_problem(req, res))
        return;
    arena a = {0};
    Cchc__V1__ConsolidationSubmitResponse body = CCHC__V1__CONSOLIDATION_SUBMIT_RESPONSE__INIT;
    if (PQntuples(res) > 0)
        pg_fill(&a, &body.base, res, 0);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_CONSOLIDATION_SUBMIT, &body);
}

void handle_consolidation_submit(request *req)
{
    const Cchc__V1__ConsolidationSubmitRequest *in = req->msg->consolidation_submit;
    if (request_check_period(req, in->period_id) != 0 ||
        check_level(req, in->level, in->task_id) != 0 ||
        request_check_text(req, "assessment", in->assessment, MAX_TEXT_BYTES) != 0 ||
        request_check_text(req, "difficulties", in->difficulties, MAX_TEXT_BYTES) != 0 ||
        request_check_text(req, "proposals", in->proposals, MAX_TEXT_BYTES) != 0 ||
        request_check_text(req, "unit", in->unit, 64) != 0)
        return;
    if (!request_key_valid(in->idempotency_key)) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "bad idempotency key: 16-64 characters A-Z a-z 0-9 - _");
        return;
    }
    if (in->base_revision < 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "the base revision must not be negative");
        return;
    }
    if (!in->draft && !*in->assessment) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a consolidated report needs its assessment before it is submitted");
        return;
    }
    json_t *doc = json_pack("{s:o, s:b, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:i, s:b, s:s}", "actor",
                            sql_doc_actor(req), "admin", is_admin(req), "period", in->period_id,
                            "level", in->level, "task", in->task_id, "assessment", in->assessment,
                            "difficulties", in->difficulties, "proposals", in->proposals, "key",
                            in->idempotency_key, "base", in->base_revision, "draft", in->draft,
                            "unit", in->unit);
    const statement_id submit[] = {STMT_CONSOLIDATION_SUBMIT};
    sql_doc_query(req, doc, submit, 1, on_submitted);
}

/* ---- list ----------------------------------------------------------------------- */

static void on_list(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (fail_problem(req, r[0]))
        return;
    request_reply_rows(req, CCHC__V1__RESPONSE__BODY_CONSOLIDATION_LIST, r[1]);
}

void handle_consolidation_list(request *req)
{
    const Cchc__V1__ConsolidationListRequest *in = req->msg->consolidation_list;
    if (request_check_period(req, in->period_id) != 0 ||
        request_check_text(req, "level", in->level, 16) != 0 ||
        request_check_text(req, "state", in->state, 16) != 0)
        return;
    char task[16];
    snprintf(task, sizeof(task), "%d", in->task_id > 0 ? in->task_id : 0);
    const char *params[] = {in->period_id, req->auth.unit_code, is_admin(req) ? "t" : "f",
                            in->level, in->state, task, in->mine ? "t" : "f",
                            sees_everything(req) ? "t" : "f"};
    const char *lookup[] = {in->period_id, task};
    const db_step steps[] = {{STMT_CONSOLIDATION_LOOKUP, 2, lookup},
                             {STMT_CONSOLIDATION_LIST, 8, params}};
    request_query(req, steps, 2, on_list);
}

/* ---- review --------------------------------------------------------------------- */

/* The answer when every error of a review is of one kind (review_consolidations'
 * kind): all unknown ids NOT_FOUND, all not the caller's PERMISSION_DENIED;
 * else INVALID_ARGUMENT (-1: not one kind). */
static int review_code(const PGresult *res)
{
    int kind = PQfnumber(res, "kind"), field = PQfnumber(res, "field");
    const char *seen = NULL;
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, field))
            continue;
        const char *k = PQgetvalue(res, i, kind);
        if (seen && strcmp(seen, k) != 0)
            return -1;
        seen = k;
    }
    if (!seen)
        return -1;
    if (strcmp(seen, "not_found") == 0)
        return CCHC__V1__ERROR_CODE__NOT_FOUND;
    if (strcmp(seen, "scope") == 0)
        return CCHC__V1__ERROR_CODE__PERMISSION_DENIED;
    return -1;
}

static void on_reviewed(request *req, PGresult *const *r, int n)
{
    (void)n;
    int code = review_code(r[0]);
    if (code >= 0) {
        request_fail_rows_as(req, r[0], -1, (Cchc__V1__ErrorCode)code, "nothing reviewed; errors: %s");
        return;
    }
    if (request_conflict_count(r[0], "revision") > 0) {
        request_fail_conflicts(req, r[0], -1,
                               "nothing reviewed: %s consolidated reports have a newer revision "
                               "than the one you read");
        return;
    }
    if (!request_fail_rows(req, r[0], -1, "nothing reviewed; errors: %s"))
        request_reply_rows(req, CCHC__V1__RESPONSE__BODY_CONSOLIDATION_REVIEW, r[1]);
}

void handle_consolidation_review(request *req)
{
    const Cchc__V1__ConsolidationReviewRequest *in = req->msg->consolidation_review;
    int is_return = strcmp(in->action, "return") == 0;
    if (!is_return && strcmp(in->action, "accept") != 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "unknown review action; use accept or return");
        return;
    }
    if (in->n_ids == 0 || in->n_ids > MAX_REVIEW_IDS || in->n_revisions != in->n_ids) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a review names 1 to %s consolidated reports, each with the revision read",
                     REQUEST_NUM(MAX_REVIEW_IDS));
        return;
    }
    json_t *doc = sql_doc_review(req, in->action, in->reason, in->ids, in->revisions, in->n_ids);
    if (!doc)
        return;
    json_object_set_new(doc, "admin", json_boolean(is_admin(req)));
    const statement_id review[] = {STMT_CONSOLIDATION_REVIEW, STMT_CONSOLIDATION_REVIEWED};
    sql_doc_query(req, doc, review, 2, on_reviewed);
}

/* ---- deadlines ------------------------------------------------------------------ */

static void on_deadlines(request *req, PGresult *const *r, int n)
{
    (void)n;
    /* an unknown period: NOT_FOUND, as for every other command */
    if (request_conflict_count(r[0], "period") > 0) {
        request_fail_sql(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                         PQgetvalue(r[0], 0, PQfnumber(r[0], "message")));
        return;
    }
    if (request_fail_rows(req, r[0], -1, "nothing changed; errors: %s"))
        return;
    arena a = {0};
    Cchc__V1__ConsolidationDeadlinesResponse body =
        CCHC__V1__CONSOLIDATION_DEADLINES_RESPONSE__INIT;
    if (PQntuples(r[1]) > 0)
        pg_fill(&a, &body.base, r[1], 0);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_CONSOLIDATION_DEADLINES, &body);
}

void handle_consolidation_deadlines(request *req)
{
    const Cchc__V1__ConsolidationDeadlinesRequest *in = req->msg->consolidation_deadlines;
    if (request_check_period(req, in->period_id) != 0)
        return;
    if (request_check_date(req, "district_deadline", in->district_deadline) != 0 ||
        request_check_date(req, "city_deadline", in->city_deadline) != 0)
        return;
    json_t *doc = json_pack("{s:o, s:s, s:s, s:s}", "actor", sql_doc_actor(req), "period",
                            in->period_id, "district_deadline", in->district_deadline,
                            "city_deadline", in->city_deadline);
    const statement_id set[] = {STMT_CONSOLIDATION_DEADLINES, STMT_CONSOLIDATION_DEADLINES_OF};
    sql_doc_query(req, doc, set, 2, on_deadlines);
}
