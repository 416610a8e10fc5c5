/* See sql_doc.h. */
#include "sql_doc.h"

#include <stdlib.h>
#include <string.h>

json_t *sql_doc_actor(const request *req)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "id", req->auth.account_id, "username",
                     req->auth.username, "address", req->peer_ip, "unit", req->auth.unit_code);
}

void sql_doc_query(request *req, json_t *doc, const statement_id *statements, int n,
                   request_rows_fn then)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    const char *params[] = {text};
    db_step steps[4];
    for (int i = 0; i < n && i < 4; i++)
        steps[i] = (db_step){statements[i], 1, params};
    request_write(req, steps, n < 4 ? n : 4, then);
    free(text); /* the pool copied the parameter */
}

void sql_doc_write_grouped(request *req, json_t *doc, statement_id statement, statement_id keyed,
                           const char *order, request_rows_fn then)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    const char *params[] = {text};
    const db_step step = {statement, 1, params};
    request_write_grouped(req, &step, keyed, order, then);
    free(text); /* copied */
}

json_t *sql_doc_review(request *req, const char *action, const char *reason, const int64_t *ids,
                       const int32_t *revisions, size_t n)
{
    if (request_check_text(req, "reason", reason, 4000) != 0)
        return NULL;
    if (strcmp(action, "return") == 0 && !*reason) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "returning a report needs a reason: --reason");
        return NULL;
    }
    json_t *id_array = json_array(), *revision_array = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(id_array, json_integer((json_int_t)ids[i]));
        json_array_append_new(revision_array, json_integer((json_int_t)revisions[i]));
    }
    json_t *doc = json_pack("{s:o, s:s, s:s, s:o, s:o}", "actor", sql_doc_actor(req), "action",
                            action, "reason", reason, "ids", id_array, "revisions", revision_array);
    if (!doc)
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
    return doc;
}
