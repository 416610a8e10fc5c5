/* `cchc plan assign`: an administrator amends who implements and leads an
 * assignment from a date on (issue 12, the plan follows the city). The
 * checks and the write are one SQL call (plan_assign in
 * sql/functions/090_plan_assign.sql), so the amendment and its audit row
 * are recorded together or not at all; the printed plan is never changed. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "handlers.h"
#include "request_helpers.h"
#include "sql_doc.h"

/* Longest list of implementers or leads one amendment may name. */
#define MAX_ASSIGN_NAMES 64

static char *json_text(arena *a, json_t *s)
{
    const char *v = json_string_value(s);
    return arena_strndup(a, v ? v : "", v ? strlen(v) : 0);
}

static char **json_texts(arena *a, json_t *arr, size_t *n)
{
    *n = 0;
    char **out = arena_array(a, json_array_size(arr), sizeof(char *));
    for (size_t i = 0; out && i < json_array_size(arr); i++)
        out[(*n)++] = json_text(a, json_array_get(arr, i));
    return out;
}

static void on_plan_assign(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (request_fail_rows(req, r[0], -1, "nothing recorded; errors: %s"))
        return;
    int col = PQfnumber(r[0], "result");
    json_t *doc = PQntuples(r[0]) == 1 && col >= 0 ? json_loads(PQgetvalue(r[0], 0, col), 0, NULL) : NULL;
    if (!doc) {
        request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL, "unexpected reply from the database");
        return;
    }
    arena a = {0};
    Cchc__V1__PlanAssignResponse body = CCHC__V1__PLAN_ASSIGN_RESPONSE__INIT;
    Cchc__V1__AssignmentAmendment *m =
        ARENA_NEW(&a, Cchc__V1__AssignmentAmendment, CCHC__V1__ASSIGNMENT_AMENDMENT__INIT);
    body.assignment_id = (int32_t)json_integer_value(json_object_get(doc, "assignment_id"));
    if (m) {
        m->effective_from = json_text(&a, json_object_get(doc, "from"));
        m->implementers = json_texts(&a, json_object_get(doc, "implementers"), &m->n_implementers);
        m->leads = json_texts(&a, json_object_get(doc, "leads"), &m->n_leads);
        m->legal_basis = json_text(&a, json_object_get(doc, "legal_basis"));
        m->recorded_by = json_text(&a, json_object_get(doc, "recorded_by"));
        m->recorded_at = json_text(&a, json_object_get(doc, "recorded_at"));
    }
    body.amendment = m;
    json_decref(doc);
    if (a.failed) {
        arena_free(&a);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_PLAN_ASSIGN, &body);
}

static json_t *names_json(request *req, const char *field, char **names, size_t n)
{
    if (n > MAX_ASSIGN_NAMES) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "%s: at most %s names", field,
                     REQUEST_NUM(MAX_ASSIGN_NAMES));
        return NULL;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        if (request_check_text(req, field, names[i], 300) != 0) {
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, json_string(names[i]));
    }
    return arr;
}

void handle_plan_assign(request *req)
{
    const Cchc__V1__PlanAssignRequest *in = req->msg->plan_assign;
    if (in->task_id <= 0 || in->assignment < 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a task id is a positive number");
        return;
    }
    if (!*in->effective_from) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "the amendment needs the date it takes effect: --from 2025-07-01");
        return;
    }
    if (request_check_date(req, "effective_from", in->effective_from) != 0 ||
        request_check_text(req, "legal_basis", in->legal_basis, 1000) != 0)
        return;
    json_t *impl = names_json(req, "implementers", in->implementers, in->n_implementers);
    if (!impl)
        return;
    json_t *leads = names_json(req, "leads", in->leads, in->n_leads);
    if (!leads) {
        json_decref(impl);
        return;
    }
    json_t *doc = json_pack("{s:i, s:i, s:o, s:o, s:s, s:s, s:o}", "task", in->task_id, "assignment",
                            in->assignment, "implementers", impl, "leads", leads, "from", in->effective_from,
                            "legal_basis", in->legal_basis, "actor", sql_doc_actor(req));
    const statement_id assign[] = {STMT_PLAN_ASSIGN};
    sql_doc_query(req, doc, assign, 1, on_plan_assign);
}
