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

/* ---- plan overview ------------------------------------------------------ */

static void on_overview(void *ctx, db_status status, PGresult *const *r, int n, const char *msg)
{
    (void)n;
    request *req = ctx;
    if (status != DB_OK) {
        request_fail_db(req, status, msg);
        return;
    }
    const PGresult *plan = r[0], *idx = r[1], *res = r[2];
    arena a = {0};
    Cchc__V1__PlanOverviewResponse body = CCHC__V1__PLAN_OVERVIEW_RESPONSE__INIT;
    if (PQntuples(plan) > 0) {
        Cchc__V1__PlanInfo *info = ARENA_NEW(&a, Cchc__V1__PlanInfo, CCHC__V1__PLAN_INFO__INIT);
        if (info) {
            info->code = pg_text(plan, 0, 0);
            info->number_printed = pg_text(plan, 0, 1);
            info->issued_on = pg_text(plan, 0, 2);
            info->title = pg_text(plan, 0, 3);
            info->unit_plan_deadline = pg_text(plan, 0, 4);
            info->base_year = pg_int(plan, 0, 5);
        }
        body.plan = info;
    }
    int nidx = PQntuples(idx);
    body.indices = arena_array(&a, (size_t)nidx, sizeof(*body.indices));
    for (int i = 0; i < nidx && body.indices; i++) {
        Cchc__V1__IndexSummary *s = ARENA_NEW(&a, Cchc__V1__IndexSummary, CCHC__V1__INDEX_SUMMARY__INIT);
        if (!s)
            break;
        s->code = pg_text(idx, i, 0);
        s->name = pg_text(idx, i, 1);
        s->unit = pg_text(idx, i, 2);
        s->target_rank = pg_int(idx, i, 3);
        s->target_from_year = pg_int(idx, i, 4);
        s->target_text = pg_text(idx, i, 5);
        s->criteria = pg_int(idx, i, 6);
        s->tasks = pg_int(idx, i, 7);
        s->max_points = pg_text(idx, i, 8);
        s->score = pg_text(idx, i, 9);
        s->points_lost = pg_text(idx, i, 10);
        int nres = PQntuples(res);
        s->results = arena_array(&a, (size_t)nres, sizeof(*s->results));
        for (int j = 0; j < nres && s->results; j++) {
            if (strcmp(pg_text(res, j, 0), s->code) != 0)
                continue;
            Cchc__V1__IndexResult *ir = ARENA_NEW(&a, Cchc__V1__IndexResult, CCHC__V1__INDEX_RESULT__INIT);
            if (!ir)
                break;
            ir->year = pg_int(res, j, 1);
            ir->value = pg_text(res, j, 2);
            ir->unit = pg_text(res, j, 3);
            ir->rank = pg_int(res, j, 4);
            ir->out_of = pg_int(res, j, 5);
            ir->change = pg_text(res, j, 6);
            ir->rank_change = pg_int(res, j, 7);
            ir->value_derived = pg_bool(res, j, 8);
            s->results[s->n_results++] = ir;
        }
        body.indices[body.n_indices++] = s;
    }
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.body_case = CCHC__V1__RESPONSE__BODY_PLAN_OVERVIEW;
    response.plan_overview = &body;
    request_reply_arena(req, &a, &response);
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

static void on_criteria(void *ctx, db_status status, PGresult *const *r, int n, const char *msg)
{
    (void)n;
    request *req = ctx;
    if (status != DB_OK) {
        request_fail_db(req, status, msg);
        return;
    }
    const PGresult *res = r[0];
    int rows = PQntuples(res);
    const char *index = req->msg->criteria->index_code;
    if (rows == 0 && index && *index) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "không có chỉ số \"%s\" (unknown index; use PAR-INDEX, SIPAS or PAPI)", index);
        return;
    }
    arena a = {0};
    Cchc__V1__CriteriaResponse body = CCHC__V1__CRITERIA_RESPONSE__INIT;
    body.criteria = arena_array(&a, (size_t)rows, sizeof(*body.criteria));
    for (int i = 0; i < rows && body.criteria; i++) {
        Cchc__V1__Criterion *c = ARENA_NEW(&a, Cchc__V1__Criterion, CCHC__V1__CRITERION__INIT);
        if (!c)
            break;
        c->index_code = pg_text(res, i, 0);
        c->code = pg_text(res, i, 1);
        c->printed_code = pg_text(res, i, 2);
        c->name = pg_text(res, i, 3);
        c->parent_code = pg_text(res, i, 4);
        c->depth = pg_int(res, i, 5);
        c->max_points = pg_text(res, i, 6);
        c->score = pg_text(res, i, 7);
        c->points_lost = pg_text(res, i, 8);
        c->note = pg_text(res, i, 9);
        c->tasks = pg_int(res, i, 10);
        c->annex = pg_text(res, i, 11);
        body.year = pg_int(res, i, 12);
        body.criteria[body.n_criteria++] = c;
    }
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.body_case = CCHC__V1__RESPONSE__BODY_CRITERIA;
    response.criteria = &body;
    request_reply_arena(req, &a, &response);
}

void handle_criteria(request *req)
{
    const Cchc__V1__CriteriaRequest *in = req->msg->criteria;
    if (request_check_text(req, "index_code", in->index_code, 32) != 0)
        return;
    if (in->year < 0 || in->year > 2200) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "year: %d không hợp lệ (invalid year)",
                     in->year);
        return;
    }
    char year[16];
    snprintf(year, sizeof(year), "%d", in->year);
    const char *params[] = {in->index_code, year};
    const db_step step = {STMT_CRITERIA, 2, params};
    request_query(req, &step, 1, on_criteria);
}

/* ---- task list ----------------------------------------------------------- */

static void on_task_list(void *ctx, db_status status, PGresult *const *r, int n, const char *msg)
{
    (void)n;
    request *req = ctx;
    if (status != DB_OK) {
        request_fail_db(req, status, msg);
        return;
    }
    const Cchc__V1__TaskListRequest *in = req->msg->task_list;
    const PGresult *resolved = r[0], *res = r[1];
    if (*in->unit && PQgetisnull(resolved, 0, 0)) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "không tìm thấy đơn vị \"%s\" (unknown unit; see 'cchc units')", in->unit);
        return;
    }
    if (*in->lead && PQgetisnull(resolved, 0, 1)) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "không tìm thấy cơ quan chủ trì \"%s\" (unknown unit; see 'cchc units')", in->lead);
        return;
    }
    arena a = {0};
    int rows = PQntuples(res);
    Cchc__V1__TaskListResponse body = CCHC__V1__TASK_LIST_RESPONSE__INIT;
    body.as_of = in->as_of;
    body.tasks = arena_array(&a, (size_t)rows, sizeof(*body.tasks));
    for (int i = 0; i < rows && body.tasks; i++) {
        Cchc__V1__TaskSummary *t = ARENA_NEW(&a, Cchc__V1__TaskSummary, CCHC__V1__TASK_SUMMARY__INIT);
        if (!t)
            break;
        t->id = pg_int(res, i, 0);
        t->ref = pg_text(res, i, 1);
        t->annex = pg_text(res, i, 2);
        t->text = pg_text(res, i, 3);
        t->criteria = pg_split(&a, res, i, 4, PG_LIST_SEP, &t->n_criteria);
        t->leads = pg_split(&a, res, i, 5, PG_LIST_SEP, &t->n_leads);
        t->cadence = pg_text(res, i, 6);
        body.tasks[body.n_tasks++] = t;
    }
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.body_case = CCHC__V1__RESPONSE__BODY_TASK_LIST;
    response.task_list = &body;
    request_reply_arena(req, &a, &response);
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

enum { R_TASK, R_CRITERIA, R_ITEMS, R_TARGETS, R_ASSIGNMENTS, R_LEADS, R_IMPLEMENTERS, R_UNITS, R_COUNT };

static Cchc__V1__UnitRef *unit_ref(arena *a, char *code, char *name)
{
    Cchc__V1__UnitRef *u = ARENA_NEW(a, Cchc__V1__UnitRef, CCHC__V1__UNIT_REF__INIT);
    if (u) {
        u->code = code;
        u->name = name;
    }
    return u;
}

/* Fills one assignment's leads and implementers from the joined results. */
static void fill_assignment(arena *a, Cchc__V1__Assignment *as, PGresult *const *r)
{
    const PGresult *leads = r[R_LEADS], *impl = r[R_IMPLEMENTERS], *units = r[R_UNITS];
    int nl = PQntuples(leads), ni = PQntuples(impl), nu = PQntuples(units);
    as->leads = arena_array(a, (size_t)nl, sizeof(*as->leads));
    for (int i = 0; i < nl && as->leads; i++) {
        if (pg_int(leads, i, 0) != as->id)
            continue;
        Cchc__V1__Lead *l = ARENA_NEW(a, Cchc__V1__Lead, CCHC__V1__LEAD__INIT);
        if (!l)
            return;
        l->printed_text = pg_text(leads, i, 1);
        l->unit = unit_ref(a, pg_text(leads, i, 2), pg_text(leads, i, 3));
        l->assigned_code = pg_text(leads, i, 4);
        as->leads[as->n_leads++] = l;
    }
    as->implementers = arena_array(a, (size_t)ni, sizeof(*as->implementers));
    for (int i = 0; i < ni && as->implementers; i++) {
        if (pg_int(impl, i, 0) != as->id)
            continue;
        Cchc__V1__Implementer *im = ARENA_NEW(a, Cchc__V1__Implementer, CCHC__V1__IMPLEMENTER__INIT);
        if (!im)
            return;
        int seq = pg_int(impl, i, 1);
        im->printed_text = pg_text(impl, i, 2);
        im->unit_code = pg_text(impl, i, 3);
        im->class_code = pg_text(impl, i, 4);
        im->class_name = pg_text(impl, i, 5);
        im->units = arena_array(a, (size_t)nu, sizeof(*im->units));
        for (int j = 0; j < nu && im->units; j++)
            if (pg_int(units, j, 0) == as->id && pg_int(units, j, 1) == seq)
                im->units[im->n_units++] = unit_ref(a, pg_text(units, j, 2), pg_text(units, j, 3));
        as->implementers[as->n_implementers++] = im;
    }
}

static void on_task_get(void *ctx, db_status status, PGresult *const *r, int n, const char *msg)
{
    (void)n;
    request *req = ctx;
    if (status != DB_OK) {
        request_fail_db(req, status, msg);
        return;
    }
    if (PQntuples(r[R_TASK]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "không có nhiệm vụ %d (unknown task; see 'cchc plan tasks')",
                     req->msg->task_get->id);
        return;
    }
    arena a = {0};
    const PGresult *tr = r[R_TASK];
    Cchc__V1__TaskDetail *t = ARENA_NEW(&a, Cchc__V1__TaskDetail, CCHC__V1__TASK_DETAIL__INIT);
    if (t) {
        t->id = pg_int(tr, 0, 0);
        t->ref = pg_text(tr, 0, 1);
        t->annex = pg_text(tr, 0, 2);
        t->text = pg_text(tr, 0, 3);
        t->note = pg_text(tr, 0, 4);
        t->cells_printed_with_task = pg_int(tr, 0, 5);

        int nc = PQntuples(r[R_CRITERIA]);
        t->criteria = arena_array(&a, (size_t)nc, sizeof(char *));
        t->criteria_names = arena_array(&a, (size_t)nc, sizeof(char *));
        for (int i = 0; i < nc && t->criteria && t->criteria_names; i++) {
            t->criteria[t->n_criteria++] = pg_text(r[R_CRITERIA], i, 0);
            t->criteria_names[t->n_criteria_names++] = pg_text(r[R_CRITERIA], i, 1);
        }
        int ni = PQntuples(r[R_ITEMS]);
        t->items = arena_array(&a, (size_t)ni, sizeof(*t->items));
        for (int i = 0; i < ni && t->items; i++) {
            Cchc__V1__TaskItem *it = ARENA_NEW(&a, Cchc__V1__TaskItem, CCHC__V1__TASK_ITEM__INIT);
            if (!it)
                break;
            it->label = pg_text(r[R_ITEMS], i, 0);
            it->text = pg_text(r[R_ITEMS], i, 1);
            t->items[t->n_items++] = it;
        }
        const PGresult *tg = r[R_TARGETS];
        int nt = PQntuples(tg);
        t->targets = arena_array(&a, (size_t)nt, sizeof(*t->targets));
        for (int i = 0; i < nt && t->targets; i++) {
            Cchc__V1__TaskTarget *x = ARENA_NEW(&a, Cchc__V1__TaskTarget, CCHC__V1__TASK_TARGET__INIT);
            if (!x)
                break;
            x->printed_text = pg_text(tg, i, 0);
            x->kind = pg_text(tg, i, 1);
            x->min_value = pg_text(tg, i, 2);
            x->max_value = pg_text(tg, i, 3);
            x->unit = pg_text(tg, i, 4);
            x->item_label = pg_text(tg, i, 5);
            x->relative_to = pg_text(tg, i, 6);
            t->targets[t->n_targets++] = x;
        }
        const PGresult *as = r[R_ASSIGNMENTS];
        int na = PQntuples(as);
        t->assignments = arena_array(&a, (size_t)na, sizeof(*t->assignments));
        for (int i = 0; i < na && t->assignments; i++) {
            Cchc__V1__Assignment *x = ARENA_NEW(&a, Cchc__V1__Assignment, CCHC__V1__ASSIGNMENT__INIT);
            if (!x)
                break;
            x->id = pg_int(as, i, 0);
            x->items_basis = pg_text(as, i, 1);
            x->timeline_text = pg_text(as, i, 2);
            x->cadence = pg_text(as, i, 3);
            x->item_labels = pg_split(&a, as, i, 4, PG_LIST_SEP, &x->n_item_labels);
            x->report_periods = pg_split(&a, as, i, 5, PG_LIST_SEP, &x->n_report_periods);
            fill_assignment(&a, x, r);
            t->assignments[t->n_assignments++] = x;
        }
    }
    Cchc__V1__TaskGetResponse body = CCHC__V1__TASK_GET_RESPONSE__INIT;
    body.task = t;
    body.as_of = req->msg->task_get->as_of;
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.body_case = CCHC__V1__RESPONSE__BODY_TASK_GET;
    response.task_get = &body;
    request_reply_arena(req, &a, &response);
}

void handle_task_get(request *req)
{
    const Cchc__V1__TaskGetRequest *in = req->msg->task_get;
    if (in->id <= 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "id: mã nhiệm vụ phải là số dương (task id must be a positive number)");
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
        [R_CRITERIA] = {STMT_TASK_CRITERIA, 1, by_id},
        [R_ITEMS] = {STMT_TASK_ITEMS, 1, by_id},
        [R_TARGETS] = {STMT_TASK_TARGETS, 1, by_id},
        [R_ASSIGNMENTS] = {STMT_TASK_ASSIGNMENTS, 1, by_id},
        [R_LEADS] = {STMT_TASK_LEADS, 2, by_id_date},
        [R_IMPLEMENTERS] = {STMT_TASK_IMPLEMENTERS, 1, by_id},
        [R_UNITS] = {STMT_TASK_IMPLEMENTER_UNITS, 2, by_id_date},
    };
    request_query(req, steps, R_COUNT, on_task_get);
}

/* ---- plan check ------------------------------------------------------------ */

static void on_plan_check(void *ctx, db_status status, PGresult *const *r, int n, const char *msg)
{
    (void)n;
    request *req = ctx;
    if (status != DB_OK) {
        request_fail_db(req, status, msg);
        return;
    }
    const PGresult *res = r[0];
    int rows = PQntuples(res);
    arena a = {0};
    Cchc__V1__PlanCheckResponse body = CCHC__V1__PLAN_CHECK_RESPONSE__INIT;
    body.findings = arena_array(&a, (size_t)rows, sizeof(*body.findings));
    for (int i = 0; i < rows && body.findings; i++) {
        Cchc__V1__Inconsistency *f = ARENA_NEW(&a, Cchc__V1__Inconsistency, CCHC__V1__INCONSISTENCY__INIT);
        if (!f)
            break;
        f->kind = pg_text(res, i, 0);
        f->severity = pg_text(res, i, 1);
        f->codes = pg_split(&a, res, i, 2, PG_LIST_SEP, &f->n_codes);
        f->detail = pg_text(res, i, 3);
        body.findings[body.n_findings++] = f;
    }
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.body_case = CCHC__V1__RESPONSE__BODY_PLAN_CHECK;
    response.plan_check = &body;
    request_reply_arena(req, &a, &response);
}

void handle_plan_check(request *req)
{
    const db_step step = {STMT_PLAN_CHECK, 0, NULL};
    request_query(req, &step, 1, on_plan_check);
}
