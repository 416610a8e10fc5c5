/* Organisation units: the list as on a date, commune import and recorded
 * changes (close, rename, merge, split). The checks that need the database
 * (unknown district, duplicate code, unit not existing on the date) run in
 * SQL functions (sql/functions/030_unit_history.sql) in the same
 * transaction as the change, so a failed check leaves nothing half-written;
 * the rows of a request travel to them as one JSON parameter built here
 * with jansson. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "handlers.h"
#include "msg_format.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "sql_doc.h"

/* Most communes one import may carry (the merged city has a few hundred). */
#define MAX_IMPORT_ROWS 5000

/* ---- list ------------------------------------------------------------------ */

static Cchc__V1__Succession **split_successions(arena *a, const PGresult *res, int row,
                                                int col, size_t *n)
{
    size_t count;
    char **items = pg_split(a, res, row, col, PG_LIST_SEP, &count);
    *n = 0;
    Cchc__V1__Succession **out = arena_array(a, count, sizeof(*out));
    for (size_t i = 0; i < count && out; i++) {
        char *fields[4] = {"", "", "", ""};
        char *p = items[i];
        for (int f = 0; f < 4 && p; f++) {
            fields[f] = p;
            p = strchr(p, PG_FIELD_SEP);
            if (p)
                *p++ = '\0';
        }
        Cchc__V1__Succession *s = ARENA_NEW(a, Cchc__V1__Succession, CCHC__V1__SUCCESSION__INIT);
        if (!s)
            break;
        s->code = fields[0];
        s->name = fields[1];
        s->effective_on = fields[2];
        s->change = fields[3];
        out[(*n)++] = s;
    }
    return out;
}

static void on_unit_list(request *req, PGresult *const *r, int n)
{
    (void)n;
    const PGresult *res = r[0];
    arena a = {0};
    Cchc__V1__UnitListResponse body = CCHC__V1__UNIT_LIST_RESPONSE__INIT;
    body.as_of = req->msg->unit_list->as_of;
    body.units = (Cchc__V1__Unit **)pg_messages(&a, &cchc__v1__unit__descriptor, res, &body.n_units);
    int succ_col = PQfnumber(res, "successor_list"), pred_col = PQfnumber(res, "predecessor_list");
    for (size_t i = 0; i < body.n_units; i++) {
        Cchc__V1__Unit *u = body.units[i];
        u->successors = split_successions(&a, res, (int)i, succ_col, &u->n_successors);
        u->predecessors = split_successions(&a, res, (int)i, pred_col, &u->n_predecessors);
    }
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_UNIT_LIST, &body);
}

void handle_unit_list(request *req)
{
    const Cchc__V1__UnitListRequest *in = req->msg->unit_list;
    if (request_check_date(req, "as_of", in->as_of) != 0)
        return;
    const char *params[] = {in->as_of, in->all ? "t" : "f"};
    const db_step step = {STMT_UNIT_LIST, 2, params};
    request_query(req, &step, 1, on_unit_list);
}

/* ---- commune import ---------------------------------------------------------- */

static void on_unit_import(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (request_fail_rows(req, r[0], PQfnumber(r[0], "line"), "nothing imported; errors: %s"))
        return;
    Cchc__V1__UnitImportResponse body = CCHC__V1__UNIT_IMPORT_RESPONSE__INIT;
    body.imported = (int32_t)req->msg->unit_import->n_rows;
    request_reply_body(req, NULL, CCHC__V1__RESPONSE__BODY_UNIT_IMPORT, &body);
}

void handle_unit_import(request *req)
{
    const Cchc__V1__UnitImportRequest *in = req->msg->unit_import;
    if (in->n_rows == 0 || in->n_rows > MAX_IMPORT_ROWS) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "an import holds 1 to %s rows, this one %s",
                     REQUEST_NUM(MAX_IMPORT_ROWS), REQUEST_NUM(in->n_rows));
        return;
    }
    if (request_check_date(req, "valid_from", in->valid_from) != 0)
        return;
    json_t *rows = json_array();
    for (size_t i = 0; i < in->n_rows; i++) {
        const Cchc__V1__CommuneRow *row = in->rows[i];
        const struct { const char *name, *value; } fields[] = {
            {"code", row->code}, {"name", row->name}, {"district", row->district}};
        for (size_t f = 0; f < 3; f++) {
            char field[64];
            snprintf(field, sizeof(field), "dòng %d: %s", row->line, fields[f].name);
            if (request_check_text(req, field, fields[f].value, 300) != 0) {
                json_decref(rows);
                return;
            }
        }
        json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:s}", "line", row->line, "code",
                                              row->code, "name", row->name, "district",
                                              row->district));
    }
    json_t *doc = json_pack("{s:o, s:s?, s:o}", "rows", rows, "valid_from",
                            *in->valid_from ? in->valid_from : NULL, "actor", sql_doc_actor(req));
    const statement_id import[] = {STMT_UNIT_IMPORT};
    sql_doc_query(req, doc, import, 1, on_unit_import);
}

/* ---- changes: one (close, rename, merge, split) or a set ------------------------ */

/* Most changes one set may carry (the 2025 reform is 114). */
#define MAX_SET_CHANGES 5000

/* The successors of a change as JSON; NULL (answered) on a bad field. */
static json_t *new_units_json(request *req, Cchc__V1__NewUnit *const *to, size_t n)
{
    json_t *out = json_array();
    for (size_t i = 0; i < n && out; i++) {
        const Cchc__V1__NewUnit *u = to[i];
        if (request_check_text(req, "to.code", u->code, 64) != 0 ||
            request_check_text(req, "to.name", u->name, 300) != 0 ||
            request_check_text(req, "to.kind", u->kind, 32) != 0 ||
            request_check_text(req, "to.parent", u->parent, 300) != 0) {
            json_decref(out);
            return NULL;
        }
        json_t *o = json_pack("{s:s}", "code", u->code);
        if (*u->name)
            json_object_set_new(o, "name", json_string(u->name));
        if (*u->kind)
            json_object_set_new(o, "kind", json_string(u->kind));
        if (*u->parent)
            json_object_set_new(o, "parent", json_string(u->parent));
        json_array_append_new(out, o);
    }
    return out;
}

/* A list of short texts as a JSON array; NULL (answered) on a bad one. */
static json_t *texts_json(request *req, const char *field, char *const *items, size_t n)
{
    json_t *out = json_array();
    for (size_t i = 0; i < n && out; i++) {
        if (request_check_text(req, field, items[i], 300) != 0) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, json_string(items[i]));
    }
    return out;
}

/* One change as the JSON apply_unit_changes reads; NULL (answered) when a
 * field is too long or not UTF-8. */
static json_t *change_json(request *req, int line, const char *op, char *const *from, size_t n_from,
                           Cchc__V1__NewUnit *const *to, size_t n_to, const char *effective_on,
                           const char *legal_basis, char *const *partial, size_t n_partial,
                           const char *note)
{
    if (request_check_date(req, "effective_on", effective_on) != 0 ||
        request_check_text(req, "op", op, 16) != 0 ||
        request_check_text(req, "legal_basis", legal_basis, 1000) != 0 ||
        request_check_text(req, "note", note, 2000) != 0)
        return NULL;
    json_t *f = texts_json(req, "from", from, n_from);
    json_t *t = f ? new_units_json(req, to, n_to) : NULL;
    json_t *p = t ? texts_json(req, "partial", partial, n_partial) : NULL;
    if (!p) {
        json_decref(f);
        json_decref(t);
        return NULL;
    }
    return json_pack("{s:i, s:s, s:o, s:o, s:s, s:s, s:o, s:s}", "line", line, "op", op, "from", f,
                     "to", t, "effective_on", effective_on, "legal_basis", legal_basis, "partial", p,
                     "note", note);
}

/* The result document of apply_unit_changes, parsed; NULL (answered) when
 * the rows were errors or the document is not what the function writes. */
/* summary: a message id, its %s the count of errors (request_fail_rows) */
static json_t *change_result(request *req, const PGresult *res, const char *summary)
{
    if (request_fail_rows(req, res, PQfnumber(res, "line"), summary))
        return NULL;
    int col = PQfnumber(res, "result");
    json_t *doc = PQntuples(res) == 1 && col >= 0 ? json_loads(PQgetvalue(res, 0, col), 0, NULL) : NULL;
    if (!doc)
        request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL, "unexpected reply from the database");
    return doc;
}

static char *arena_json_string(arena *a, json_t *s)
{
    const char *v = json_string_value(s);
    return arena_strndup(a, v ? v : "", v ? strlen(v) : 0);
}

static char **arena_json_strings(arena *a, json_t *arr, size_t *n)
{
    *n = 0;
    char **out = arena_array(a, json_array_size(arr), sizeof(char *));
    for (size_t i = 0; out && i < json_array_size(arr); i++)
        out[(*n)++] = arena_json_string(a, json_array_get(arr, i));
    return out;
}

static void on_unit_change_set(request *req, PGresult *const *r, int n)
{
    (void)n;
    json_t *doc = change_result(req, r[0], MSG_ID("nothing applied; errors: %s"));
    if (!doc)
        return;
    arena a = {0};
    Cchc__V1__UnitChangeSetResponse body = CCHC__V1__UNIT_CHANGE_SET_RESPONSE__INIT;
    body.applied = (int32_t)json_integer_value(json_object_get(doc, "applied"));
    body.already = (int32_t)json_integer_value(json_object_get(doc, "already"));
    body.dry_run = json_is_true(json_object_get(doc, "dry_run"));
    body.digest = arena_json_string(&a, json_object_get(doc, "digest"));
    json_t *effects = json_object_get(doc, "effects");
    body.effects = arena_array(&a, json_array_size(effects), sizeof(*body.effects));
    for (size_t i = 0; body.effects && i < json_array_size(effects); i++) {
        json_t *e = json_array_get(effects, i);
        Cchc__V1__UnitChangeEffect *out = ARENA_NEW(&a, Cchc__V1__UnitChangeEffect,
                                                    CCHC__V1__UNIT_CHANGE_EFFECT__INIT);
        if (!out)
            break;
        out->line = (int32_t)json_integer_value(json_object_get(e, "line"));
        out->op = arena_json_string(&a, json_object_get(e, "op"));
        out->state = arena_json_string(&a, json_object_get(e, "state"));
        out->summary = arena_json_string(&a, json_object_get(e, "summary"));
        out->summary_id = arena_json_string(&a, json_object_get(e, "summary_id"));
        out->summary_args = arena_json_strings(&a, json_object_get(e, "summary_args"), &out->n_summary_args);
        json_t *aff = json_object_get(e, "affected");
        out->affected = arena_array(&a, json_array_size(aff), sizeof(*out->affected));
        for (size_t k = 0; out->affected && k < json_array_size(aff); k++) {
            json_t *x = json_array_get(aff, k);
            Cchc__V1__UnitAffected *u = ARENA_NEW(&a, Cchc__V1__UnitAffected, CCHC__V1__UNIT_AFFECTED__INIT);
            if (!u)
                break;
            u->unit = arena_json_string(&a, json_object_get(x, "unit"));
            u->successors = arena_json_strings(&a, json_object_get(x, "successors"), &u->n_successors);
            u->expected = arena_json_strings(&a, json_object_get(x, "expected"), &u->n_expected);
            u->accounts = arena_json_strings(&a, json_object_get(x, "accounts"), &u->n_accounts);
            out->affected[out->n_affected++] = u;
        }
        body.effects[body.n_effects++] = out;
    }
    json_decref(doc);
    if (a.failed) {
        arena_free(&a);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_UNIT_CHANGE_SET, &body);
}

void handle_unit_change_set(request *req)
{
    const Cchc__V1__UnitChangeSetRequest *in = req->msg->unit_change_set;
    if (in->n_changes == 0 || in->n_changes > MAX_SET_CHANGES) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a change set holds 1 to %s changes, this one %s",
                     REQUEST_NUM(MAX_SET_CHANGES), REQUEST_NUM(in->n_changes));
        return;
    }
    if (request_check_text(req, "source_name", in->source_name, 300) != 0)
        return;
    json_t *changes = json_array();
    for (size_t i = 0; i < in->n_changes; i++) {
        const Cchc__V1__UnitChange *c = in->changes[i];
        json_t *one = change_json(req, c->line > 0 ? c->line : (int)i + 1, c->op, c->from, c->n_from,
                                  c->to, c->n_to, c->effective_on, c->legal_basis, c->partial,
                                  c->n_partial, c->note);
        if (!one) {
            json_decref(changes);
            return;
        }
        json_array_append_new(changes, one);
    }
    json_t *doc = json_pack("{s:o, s:b, s:b, s:s, s:o}", "changes", changes, "dry_run", in->dry_run,
                            "strict", 0, "source_name", in->source_name, "actor", sql_doc_actor(req));
    const statement_id apply[] = {STMT_UNIT_CHANGE_SET};
    sql_doc_query(req, doc, apply, 1, on_unit_change_set);
}

static void on_unit_change(request *req, PGresult *const *r, int n)
{
    (void)n;
    json_t *doc = change_result(req, r[0], MSG_ID("change not recorded; errors: %s"));
    if (!doc)
        return;
    json_decref(doc);
    Cchc__V1__UnitChangeResponse body = CCHC__V1__UNIT_CHANGE_RESPONSE__INIT;
    request_reply_body(req, NULL, CCHC__V1__RESPONSE__BODY_UNIT_CHANGE, &body);
}

/* The one-change commands: a strict change set of one, so a change already
 * made (closing a unit twice) is refused rather than passed over. */
void handle_unit_change(request *req)
{
    const Cchc__V1__UnitChangeRequest *in = req->msg->unit_change;
    if (!*in->effective_on) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "the date the change takes effect is required");
        return;
    }
    json_t *one = change_json(req, 0, in->op, in->from, in->n_from, in->to, in->n_to, in->effective_on,
                              in->legal_basis, NULL, 0, "");
    if (!one)
        return;
    json_t *doc = json_pack("{s:[o], s:b, s:b, s:s, s:o}", "changes", one, "dry_run", 0, "strict", 1,
                            "source_name", "", "actor", sql_doc_actor(req));
    const statement_id change[] = {STMT_UNIT_CHANGE};
    sql_doc_query(req, doc, change, 1, on_unit_change);
}

/* ---- history ------------------------------------------------------------------------ */

/* A unit that resolved to none: unit_resolve_problem says why (ambiguous,
 * or the closest names). */
static void on_unit_problem(request *req, PGresult *const *r, int n)
{
    (void)n;
    request_fail_sql(req, CCHC__V1__ERROR_CODE__NOT_FOUND, pg_text(r[0], 0, 0));
}

static void on_unit_history(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (PQntuples(r[0]) == 0) {
        const char *params[] = {req->msg->unit_history->unit};
        const db_step step = {STMT_UNIT_PROBLEM, 1, params};
        request_query(req, &step, 1, on_unit_problem);
        return;
    }
    arena a = {0};
    Cchc__V1__UnitHistoryResponse body = CCHC__V1__UNIT_HISTORY_RESPONSE__INIT;
    size_t n_units = 0;
    Cchc__V1__Unit **units = (Cchc__V1__Unit **)pg_messages(&a, &cchc__v1__unit__descriptor, r[0], &n_units);
    body.unit = n_units ? units[0] : NULL;
    body.events = (Cchc__V1__UnitEvent **)pg_messages(&a, &cchc__v1__unit_event__descriptor, r[1],
                                                        &body.n_events);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_UNIT_HISTORY, &body);
}

void handle_unit_history(request *req)
{
    const Cchc__V1__UnitHistoryRequest *in = req->msg->unit_history;
    if (request_check_text(req, "unit", in->unit, 300) != 0)
        return;
    const char *params[] = {in->unit};
    const db_step steps[] = {{STMT_UNIT_GET, 1, params}, {STMT_UNIT_HISTORY, 1, params}};
    request_query(req, steps, 2, on_unit_history);
}
