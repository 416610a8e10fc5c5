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
    if (request_fail_rows(req, r[0], PQfnumber(r[0], "line"), "không nhập dòng nào, số lỗi "
                                                             "(nothing imported; errors)"))
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
                     "rows: cần từ 1 đến %d dòng, có %zu (need 1 to %d rows)", MAX_IMPORT_ROWS,
                     in->n_rows, MAX_IMPORT_ROWS);
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

/* ---- close, rename, merge, split ------------------------------------------------ */

static void on_unit_change(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (request_fail_rows(req, r[0], -1, "không ghi nhận thay đổi, số lỗi (change not recorded; errors)"))
        return;
    Cchc__V1__UnitChangeResponse body = CCHC__V1__UNIT_CHANGE_RESPONSE__INIT;
    request_reply_body(req, NULL, CCHC__V1__RESPONSE__BODY_UNIT_CHANGE, &body);
}

void handle_unit_change(request *req)
{
    const Cchc__V1__UnitChangeRequest *in = req->msg->unit_change;
    if (request_check_date(req, "effective_on", in->effective_on) != 0 ||
        request_check_text(req, "op", in->op, 16) != 0 ||
        request_check_text(req, "legal_basis", in->legal_basis, 1000) != 0)
        return;
    if (!*in->effective_on) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "effective_on: thiếu ngày hiệu lực (effective date required)");
        return;
    }
    json_t *from = json_array(), *to = json_array();
    for (size_t i = 0; i < in->n_from; i++) {
        if (request_check_text(req, "from", in->from[i], 300) != 0)
            goto out;
        json_array_append_new(from, json_string(in->from[i]));
    }
    for (size_t i = 0; i < in->n_to; i++) {
        const Cchc__V1__NewUnit *u = in->to[i];
        if (request_check_text(req, "to.code", u->code, 64) != 0 ||
            request_check_text(req, "to.name", u->name, 300) != 0 ||
            request_check_text(req, "to.kind", u->kind, 32) != 0 ||
            request_check_text(req, "to.parent", u->parent, 300) != 0)
            goto out;
        json_t *o = json_pack("{s:s}", "code", u->code);
        if (*u->name)
            json_object_set_new(o, "name", json_string(u->name));
        if (*u->kind)
            json_object_set_new(o, "kind", json_string(u->kind));
        if (*u->parent)
            json_object_set_new(o, "parent", json_string(u->parent));
        json_array_append_new(to, o);
    }
    json_t *doc = json_pack("{s:s, s:O, s:O, s:s, s:s, s:o}", "op", in->op, "from", from, "to", to,
                            "effective_on", in->effective_on, "legal_basis", in->legal_basis,
                            "actor", sql_doc_actor(req));
    const statement_id change[] = {STMT_UNIT_CHANGE};
    sql_doc_query(req, doc, change, 1, on_unit_change);
out:
    json_decref(from);
    json_decref(to);
}
