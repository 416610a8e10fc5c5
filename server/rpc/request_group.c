/* A write whose transaction and commit may be shared with other clients'
 * writes (group commit, server/db/db_group.h; docs/concurrency.md). The
 * write is one statement; its results come back while the shared
 * transaction is still open, the handler builds its answer from them as
 * always, and the answer hook (request.h) takes that answer: stored with
 * the request key when the request has one (the statement that stores it
 * runs in the same transaction, docs/retry.md), and sent only once the
 * transaction has committed, keyed or not, so nothing is acknowledged that
 * a crash could still take back.
 *
 * A keyed write's statement claims its key itself (the keyed variant of
 * the statement): a key already recorded ends that write alone, with
 * key_taken, instead of failing the whole transaction as the claim's
 * unique violation would; such a write is answered from the record once
 * the transaction has committed, the same request sent twice into one
 * transaction included. */
#include <stdio.h>
#include <stdlib.h>

#include "db_group.h"
#include "log.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "request_internal.h"
#include "request_keys.h"
#include "wire.h"

typedef struct grouped_write {
    request *req;
    db_group_item *item; /* the write's part of the open transaction */
    int keyed;
    int key_taken;       /* answered from the record after the commit */
    uint8_t *packed;     /* the answer, sent once committed */
    size_t len;
} grouped_write;

static void on_group_committed(void *ctx, db_status status, PGresult *const *results,
                               int nresults, const char *message)
{
    (void)results;
    (void)nresults;
    grouped_write *gw = ctx;
    request *req = gw->req;
    if (status == DB_OK && gw->key_taken)
        request_keys_answer_recorded(req);
    else
        request_answer_send(req, status, message, gw->packed, gw->len);
    free(gw->packed);
    free(gw);
}

/* The answer hook: the answer waits for the commit, stored with the key. */
static int take_grouped_answer(request *req, Cchc__V1__Response *response)
{
    grouped_write *gw = req->answer_ctx;
    char *hex = NULL;
    gw->packed = request_answer_pack(response, &gw->len, gw->keyed ? &hex : NULL);
    const char *params[] = {req->auth.account_id, req->msg->request_key, hex};
    const db_step store = {STMT_REQUEST_KEY_STORE, 3, params};
    db_group_item *item = gw->item;
    gw->item = NULL;
    db_group_commit(item, gw->keyed && gw->packed ? &store : NULL, on_group_committed, gw);
    free(hex);
    return 1;
}

/* The claim found the key recorded: one row, key_taken true. */
static int key_taken(const PGresult *res)
{
    int col = PQfnumber(res, "key_taken");
    return col >= 0 && PQntuples(res) == 1 && pg_bool(res, 0, col);
}

static void on_group_rows(void *ctx, db_status status, PGresult *const *results, int nresults,
                          const char *message, db_group_item *item)
{
    (void)nresults;
    grouped_write *gw = ctx;
    request *req = gw->req;
    if (status != DB_OK) {
        free(gw);
        request_fail_write(req, status, message);
        return;
    }
    if (gw->keyed && key_taken(results[0])) {
        gw->key_taken = 1;
        db_group_commit(item, NULL, on_group_committed, gw);
        return;
    }
    gw->item = item;
    req->answer_hook = take_grouped_answer;
    req->answer_ctx = gw;
    req->on_rows(req, results, 1);
    if (gw->item) {
        /* the handler has not answered from these rows: its answer would
         * leave before the commit (a grouped write's statement must be its
         * last) */
        log_error("client %llu request %llu %s: grouped write answered later than its rows",
                  (unsigned long long)req->conn_id, (unsigned long long)req->id,
                  wire_request_name(req->msg->body_case));
        req->answer_hook = NULL;
        db_group_commit(gw->item, NULL, NULL, NULL);
        free(gw);
    }
}

void request_write_grouped(request *req, const db_step *step, statement_id keyed,
                           const char *order, request_rows_fn on_rows)
{
    db_group *group = req->ctx->group;
    if (!group || !req->ctx->db || request_client_gone(req) || step->nparams > 8) {
        request_write(req, step, 1, on_rows); /* alone, or answered there */
        return;
    }
    grouped_write *gw = calloc(1, sizeof(*gw));
    char type[16], digest[65];
    if (!gw || (request_keyed(req) && request_body_digest(req->msg, digest) != 0)) {
        free(gw);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    gw->req = req;
    gw->keyed = request_keyed(req);
    const char *params[12];
    db_step write = *step;
    if (gw->keyed) { /* its key's form was checked before the handler ran */
        snprintf(type, sizeof(type), "%d", (int)req->msg->body_case);
        params[0] = req->auth.account_id;
        params[1] = req->msg->request_key;
        params[2] = type;
        params[3] = digest;
        for (int i = 0; i < step->nparams; i++)
            params[4 + i] = step->values[i];
        write = (db_step){keyed, 4 + step->nparams, params};
    }
    req->on_rows = on_rows;
    db_owner owner = request_db_owner(req);
    db_submit submitted = db_group_submit(group, &owner, &write, order, on_group_rows, gw);
    if (submitted != DB_SUBMIT_OK) {
        free(gw);
        request_submit_failed(req, submitted);
        return;
    }
    log_debug("client %llu request %llu %s: queued for group commit",
              (unsigned long long)req->conn_id, (unsigned long long)req->id,
              wire_request_name(req->msg->body_case));
}
