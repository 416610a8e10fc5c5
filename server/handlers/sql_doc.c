/* See sql_doc.h. */
#include "sql_doc.h"

#include <stdlib.h>

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
