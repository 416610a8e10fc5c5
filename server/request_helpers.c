/* See request_helpers.h. A statement error here is the server's fault (the
 * input was validated before), so it is logged and answered INTERNAL
 * without the database's text, which may name tables. */
#include "request_helpers.h"

#include "log.h"
#include "server.h"
#include "validate.h"
#include "wire.h"

void request_query(request *req, const db_step *steps, int nsteps, db_result_fn on_done)
{
    switch (db_pool_submit_batch(req->conn->srv->db, steps, nsteps, on_done, req)) {
    case DB_SUBMIT_OK:
        break;
    case DB_SUBMIT_BUSY:
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                     "server busy: too many requests waiting for the database; try again shortly");
        break;
    case DB_SUBMIT_UNAVAILABLE:
        request_fail(req, CCHC__V1__ERROR_CODE__UNAVAILABLE,
                     "database unavailable; the server keeps retrying, try again shortly");
        break;
    }
}

void request_fail_db(request *req, db_status status, const char *message)
{
    if (status == DB_UNAVAILABLE) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNAVAILABLE, "%s", message);
        return;
    }
    log_error("client %llu request %llu %s: database error: %s",
              (unsigned long long)req->conn->id, (unsigned long long)req->id,
              wire_request_name(req->msg->body_case), message);
    request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL,
                 "internal database error; the server log has the details");
}

void request_reply_arena(request *req, arena *a, Cchc__V1__Response *response)
{
    if (a->failed)
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
    else
        request_reply(req, response);
    arena_free(a);
}

int request_check_date(request *req, const char *field, const char *value)
{
    char why[160];
    if (validate_date(value, why, sizeof(why)) == 0)
        return 0;
    request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "%s: %s", field, why);
    return -1;
}

int request_check_text(request *req, const char *field, const char *value, size_t max_bytes)
{
    char why[160];
    if (validate_text(value, max_bytes, why, sizeof(why)) == 0)
        return 0;
    request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "%s: %s", field, why);
    return -1;
}
