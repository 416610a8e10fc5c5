/* Browsing the plan: overview of the indices, the criteria tree, task lists
 * with filters, one task in full, and the inconsistency report. Each
 * handler validates its fields, sends one batch of prepared statements
 * (one round trip) and builds the reply from the results in an arena. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "handlers.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "validate.h"

/* ---- plan overview ------------------------------------------------------ */

static void on_overview(request *req, PGresult *const *r, int n)
{
    (void)n;
    const PGresult *plan = r[0], *results = r[2];
    arena a = {0};
    Cchc__V1__PlanOverviewResponse body = CCHC__V1__PLAN_OVERVIEW_RESPONSE__INIT;
    size_t nplan;
    Cchc__V1__PlanInfo **info =
        (Cchc__V1__PlanInfo **)pg_messages(&a, &cchc__v1__plan_info__descriptor, plan, &nplan);
    body.plan = nplan ? info[0] : NULL;
    body.indices = (Cchc__V1__IndexSummary **)pg_messages(
        &a, &cchc__v1__index_summary__descriptor, r[1], &body.n_indices);
    /* each index takes its own rows of the results query */
    int code_col = PQfnumber(results, "index_code");
    for (size_t i = 0; i < body.n_indices; i++) {
        Cchc__V1__IndexSummary *s = body.indices[i];
        int rows = PQntuples(results);
        s->results = arena_array(&a, (size_t)rows, sizeof(*s->results));
        for (int j = 0; j < rows && s->results; j++) {
            if (strcmp(pg_text(results, j, code_col), s->code) != 0)
                continue;
            Cchc__V1__IndexResult *ir = ARENA_NEW(&a, Cchc__V1__IndexResult, CCHC__V1__INDEX_RESULT__INIT);
            if (!ir)
                break;
            pg_fill(&a, &ir->base, results, j);
            s->results[s->n_results++] = ir;
        }
    }
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_PLAN_OVERVIEW, &body);
}

void handle_plan_overview(request *req)
{
    const db_step steps[] = {
        {STMT_PLAN_INFO, 0, NULL},
        {STMT_INDEX_SUMMARY, 0, NULL},
        {STMT_INDEX_RESULTS, 0, NULL},
    };
    request_query(req, steps, 3, on_overview);
}

/* ---- criteria ------------------------------------------------------------ */

static void on_criteria(request *req, PGresult *const *r, int n)
{
    (void)n;
    const PGresult *res = r[0];
    const char *index = req->msg->criteria->index_code;
    if (PQntuples(res) == 0 && *index) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "unknown index \"%s\"; use PAR-INDEX, SIPAS or PAPI", index);
        return;
    }
    arena a = {0};
    Cchc__V1__CriteriaResponse body = CCHC__V1__CRITERIA_RESPONSE__INIT;
    body.criteria = (Cchc__V1__Criterion **)pg_messages(&a, &cchc__v1__criterion__descriptor, res,
                                                         &body.n_criteria);
    if (body.n_criteria > 0)
        body.year = pg_int(res, 0, PQfnumber(res, "year"));
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_CRITERIA, &body);
}

void handle_criteria(request *req)
{
    const Cchc__V1__CriteriaRequest *in = req->msg->criteria;
    if (request_check_text(req, "index_code", in->index_code, 32) != 0)
        return;
    if (in->year < 0 || in->year > 2200) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "year %s is not valid",
                     REQUEST_NUM(in->year));
        return;
    }
    char year[16];
    snprintf(year, sizeof(year), "%d", in->year);
    const char *params[] = {in->index_code, year};
    const db_step step = {STMT_CRITERIA, 2, params};
    request_query(req, &step, 1, on_criteria);
}

/* ---- task list ----------------------------------------------------------- */

static void on_task_list(request *req, PGresult *const *r, int n)
{
    (void)n;
    const Cchc__V1__TaskListRequest *in = req->msg->task_list;
    const PGresult *resolved = r[0], *res = r[1];
    /* unit_resolve_problem's words: ambiguous, or the closest names */
    if (*in->unit && PQgetisnull(resolved, 0, 0)) {
        request_fail_sql(req, CCHC__V1__ERROR_CODE__NOT_FOUND, pg_text(resolved, 0, 2));
        return;
    }
    if (*in->lead && PQgetisnull(resolved, 0, 1)) {
        request_fail_sql(req, CCHC__V1__ERROR_CODE__NOT_FOUND, pg_text(resolved, 0, 3));
        return;
    }
    arena a = {0};
    Cchc__V1__TaskListResponse body = CCHC__V1__TASK_LIST_RESPONSE__INIT;
    body.as_of = in->as_of;
    body.tasks = (Cchc__V1__TaskSummary **)pg_messages(&a, &cchc__v1__task_summary__descriptor, res,
                                                        &body.n_tasks);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_TASK_LIST, &body);
}

void handle_task_list(request *req)
{
    const Cchc__V1__TaskListRequest *in = req->msg->task_list;
    const struct { const char *name, *value; } fields[] = {
        {"unit", in->unit}, {"lead", in->lead}, {"criterion", in->criterion},
        {"index_code", in->index_code}};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (request_check_text(req, fields[i].name, fields[i].value, 300) != 0)
            return;
    if (request_check_date(req, "as_of", in->as_of) != 0)
        return;
    const char *resolve[] = {in->unit, in->lead};
    const char *list[] = {in->as_of, in->unit, in->lead, in->criterion, in->index_code};
    const db_step steps[] = {
        {STMT_RESOLVE_UNITS, 2, resolve},
        {STMT_TASK_LIST, 5, list},
    };
    request_query(req, steps, 2, on_task_list);
}

/* ---- one task -------------------------------------------------------------- */

enum { R_TASK, R_ITEMS, R_TARGETS, R_ASSIGNMENTS, R_LEADS, R_IMPLEMENTERS, R_UNITS, R_AMENDMENTS, R_COUNT };

/* Fills one assignment's leads and implementers from the rows of the
 * leads, implementers and implementer-units queries that belong to it. */
static void fill_assignment(arena *a, Cchc__V1__Assignment *as, PGresult *const *r)
{
    const PGresult *leads = r[R_LEADS], *impl = r[R_IMPLEMENTERS], *units = r[R_UNITS];
    int nl = PQntuples(leads), ni = PQntuples(impl), nu = PQntuples(units);
    int l_as = PQfnumber(leads, "assignment_id"), l_code = PQfnumber(leads, "unit_code"),
        l_name = PQfnumber(leads, "unit_name");
    int i_as = PQfnumber(impl, "assignment_id"), i_seq = PQfnumber(impl, "seq");
    int u_as = PQfnumber(units, "assignment_id"), u_seq = PQfnumber(units, "implementer_seq");
    as->leads = arena_array(a, (size_t)nl, sizeof(*as->leads));
    for (int i = 0; i < nl && as->leads; i++) {
        if (pg_int(leads, i, l_as) != as->id)
            continue;
        Cchc__V1__Lead *l = ARENA_NEW(a, Cchc__V1__Lead, CCHC__V1__LEAD__INIT);
        Cchc__V1__UnitRef *u = ARENA_NEW(a, Cchc__V1__UnitRef, CCHC__V1__UNIT_REF__INIT);
        if (!l || !u)
            return;
        pg_fill(a, &l->base, leads, i);
        u->code = pg_text(leads, i, l_code);
        u->name = pg_text(leads, i, l_name);
        l->unit = u;
        as->leads[as->n_leads++] = l;
    }
    as->implementers = arena_array(a, (size_t)ni, sizeof(*as->implementers));
    for (int i = 0; i < ni && as->implementers; i++) {
        if (pg_int(impl, i, i_as) != as->id)
            continue;
        Cchc__V1__Implementer *im = ARENA_NEW(a, Cchc__V1__Implementer, CCHC__V1__IMPLEMENTER__INIT);
        if (!im)
            return;
        pg_fill(a, &im->base, impl, i);
        int seq = pg_int(impl, i, i_seq);
        im->units = arena_array(a, (size_t)nu, sizeof(*im->units));
        for (int j = 0; j < nu && im->units; j++) {
            if (pg_int(units, j, u_as) != as->id || pg_int(units, j, u_seq) != seq)
                continue;
            Cchc__V1__UnitRef *u = ARENA_NEW(a, Cchc__V1__UnitRef, CCHC__V1__UNIT_REF__INIT);
            if (!u)
                return;
            pg_fill(a, &u->base, units, j);
            im->units[im->n_units++] = u;
        }
        as->implementers[as->n_implementers++] = im;
    }
    /* dated amendments (issue 12); the one in force on as_of says whose
     * leads and implementers are shown above */
    const PGresult *am = r[R_AMENDMENTS];
    int na = PQntuples(am), m_as = PQfnumber(am, "assignment_id"), m_now = PQfnumber(am, "in_force"),
        m_from = PQfnumber(am, "effective_from");
    as->amendments = arena_array(a, (size_t)na, sizeof(*as->amendments));
    for (int i = 0; i < na && as->amendments; i++) {
        if (pg_int(am, i, m_as) != as->id)
            continue;
        Cchc__V1__AssignmentAmendment *m =
            ARENA_NEW(a, Cchc__V1__AssignmentAmendment, CCHC__V1__ASSIGNMENT_AMENDMENT__INIT);
        if (!m)
            return;
        pg_fill(a, &m->base, am, i);
        if (pg_bool(am, i, m_now))
            as->amended_from = pg_text(am, i, m_from);
        as->amendments[as->n_amendments++] = m;
    }
}

static void on_task_get(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (PQntuples(r[R_TASK]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "unknown task %s; see 'cchc plan tasks'",
                     REQUEST_NUM(req->msg->task_get->id));
        return;
    }
    arena a = {0};
    Cchc__V1__TaskDetail *t = ARENA_NEW(&a, Cchc__V1__TaskDetail, CCHC__V1__TASK_DETAIL__INIT);
    if (t) {
        pg_fill(&a, &t->base, r[R_TASK], 0);
        t->items = (Cchc__V1__TaskItem **)pg_messages(&a, &cchc__v1__task_item__descriptor,
                                                      r[R_ITEMS], &t->n_items);
        t->targets = (Cchc__V1__TaskTarget **)pg_messages(&a, &cchc__v1__task_target__descriptor,
                                                          r[R_TARGETS], &t->n_targets);
        t->assignments = (Cchc__V1__Assignment **)pg_messages(
            &a, &cchc__v1__assignment__descriptor, r[R_ASSIGNMENTS], &t->n_assignments);
        for (size_t i = 0; i < t->n_assignments; i++)
            fill_assignment(&a, t->assignments[i], r);
    }
    Cchc__V1__TaskGetResponse body = CCHC__V1__TASK_GET_RESPONSE__INIT;
    body.task = t;
    body.as_of = req->msg->task_get->as_of;
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_TASK_GET, &body);
}

void handle_task_get(request *req)
{
    const Cchc__V1__TaskGetRequest *in = req->msg->task_get;
    if (in->id <= 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a task id is a positive number");
        return;
    }
    if (request_check_date(req, "as_of", in->as_of) != 0)
        return;
    char id[16];
    snprintf(id, sizeof(id), "%d", in->id);
    const char *by_id[] = {id};
    const char *by_id_date[] = {id, in->as_of};
    const db_step steps[R_COUNT] = {
        [R_TASK] = {STMT_TASK, 1, by_id},
        [R_ITEMS] = {STMT_TASK_ITEMS, 1, by_id},
        [R_TARGETS] = {STMT_TASK_TARGETS, 1, by_id},
        [R_ASSIGNMENTS] = {STMT_TASK_ASSIGNMENTS, 1, by_id},
        [R_LEADS] = {STMT_TASK_LEADS, 2, by_id_date},
        [R_IMPLEMENTERS] = {STMT_TASK_IMPLEMENTERS, 2, by_id_date},
        [R_UNITS] = {STMT_TASK_IMPLEMENTER_UNITS, 2, by_id_date},
        [R_AMENDMENTS] = {STMT_TASK_AMENDMENTS, 2, by_id_date},
    };
    request_query(req, steps, R_COUNT, on_task_get);
}

/* ---- plan check ------------------------------------------------------------ */

static void on_plan_check(request *req, PGresult *const *r, int n)
{
    (void)n;
    request_reply_rows(req, CCHC__V1__RESPONSE__BODY_PLAN_CHECK, r[0]);
}

void handle_plan_check(request *req)
{
    const db_step step = {STMT_PLAN_CHECK, 0, NULL};
    request_query(req, &step, 1, on_plan_check);
}

/* ---- index results of later years ------------------------------------------ */

static void on_index_result_set(request *req, PGresult *const *r, int n)
{
    (void)n;
    const Cchc__V1__IndexResultSetRequest *in = req->msg->index_result_set;
    if (!pg_bool(r[0], 0, 0)) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "unknown index \"%s\"; use PAR-INDEX, SIPAS or PAPI",
                     in->index_code);
        return;
    }
    if (PQntuples(r[1]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__FAILED_PRECONDITION,
                     "the results of %s are printed in the plan and cannot be changed; enter "
                     "only years after %s",
                     REQUEST_NUM(in->year), pg_text(r[0], 0, 1));
        return;
    }
    arena a = {0};
    Cchc__V1__IndexResultSetResponse body = CCHC__V1__INDEX_RESULT_SET_RESPONSE__INIT;
    size_t got;
    Cchc__V1__IndexResult **rows = (Cchc__V1__IndexResult **)pg_messages(
        &a, &cchc__v1__index_result__descriptor, r[1], &got);
    body.result = got ? rows[0] : NULL;
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_INDEX_RESULT_SET, &body);
}

void handle_index_result_set(request *req)
{
    const Cchc__V1__IndexResultSetRequest *in = req->msg->index_result_set;
    char why[200];
    if (request_check_text(req, "index_code", in->index_code, 32) != 0)
        return;
    if (validate_decimal(in->value, 5, 4, why, sizeof(why)) != 0) {
        request_fail_field(req, "value", why);
        return;
    }
    if (in->year < 2000 || in->year > 2100 || in->rank < 0 || in->out_of < 0 ||
        (in->out_of > 0 && in->rank > in->out_of)) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "year %s, rank %s/%s: the year is 2000 to 2100, the rank at most the "
                     "number of provinces",
                     REQUEST_NUM(in->year), REQUEST_NUM(in->rank), REQUEST_NUM(in->out_of));
        return;
    }
    char year[16], rank[16], out_of[16];
    snprintf(year, sizeof(year), "%d", in->year);
    snprintf(rank, sizeof(rank), "%d", in->rank);
    snprintf(out_of, sizeof(out_of), "%d", in->out_of);
    const char *context[] = {in->index_code};
    const char *values[] = {in->index_code, year, in->value, rank, out_of,
                            req->auth.account_id, req->auth.username, req->peer_ip};
    const db_step steps[] = {
        {STMT_INDEX_RESULT_CONTEXT, 1, context},
        {STMT_INDEX_RESULT_SET, 8, values},
    };
    request_write(req, steps, 2, on_index_result_set);
}
