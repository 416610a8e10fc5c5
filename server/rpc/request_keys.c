/* See request_keys.h and docs/retry.md. The answer is stored as the
 * encoded cchc.v1.Response (request_id 0) by the last statement of the
 * write's own transaction: the answer hook of request.h takes it from the
 * handler before it is sent, and it is sent only once the transaction has
 * committed, so a client never hears of an effect that was rolled back and
 * a retry never finds a key without its answer. */
#include "request_keys.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "request_helpers.h"
#include "request_internal.h"
#include "request_kind.h"
#include "wire.h"

/* A keyed write between its batch's results and its commit. */
typedef struct keyed_write {
    request *req;
    db_hold *hold;     /* the open transaction, until the answer is taken */
    uint8_t *packed;   /* the answer as stored, sent once committed */
    size_t len;
} keyed_write;

int request_keyed(const request *req)
{
    return request_kind_is_write(req->msg->body_case) && *req->msg->request_key &&
           req->auth.authenticated;
}

/* SHA-256 (hex) of the encoded request body: a key sent again with another
 * body is a mistake, not a retry. -1 when memory is short. */
int request_body_digest(const Cchc__V1__Request *msg, char out[65])
{
    const ProtobufCFieldDescriptor *field = protobuf_c_message_descriptor_get_field(
        &cchc__v1__request__descriptor, (unsigned)msg->body_case);
    const ProtobufCMessage *body =
        field ? *(const ProtobufCMessage *const *)((const char *)msg + field->offset) : NULL;
    size_t len = body ? protobuf_c_message_get_packed_size(body) : 0;
    uint8_t *bytes = malloc(len ? len : 1);
    if (!bytes)
        return -1;
    if (body)
        protobuf_c_message_pack(body, bytes);
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, bytes, len);
    free(bytes);
    sodium_bin2hex(out, 65, hash, sizeof(hash));
    return 0;
}

/* rec: request_type, request_digest, response (hex) of the key's record,
 * in columns first to first + 2. */
static void answer_from_record(request *req, const PGresult *rec, int first)
{
    char digest[65];
    if (request_body_digest(req->msg, digest) != 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    if (atoi(PQgetvalue(rec, 0, first)) != (int)req->msg->body_case ||
        strcmp(PQgetvalue(rec, 0, first + 1), digest) != 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "this request_key was used for a different request; a new request needs a "
                     "new key");
        return;
    }
    const char *hex = PQgetvalue(rec, 0, first + 2);
    size_t hex_len = strlen(hex), len = 0;
    uint8_t *bytes = malloc(hex_len / 2 + 1);
    Cchc__V1__Response *answer = NULL;
    if (bytes && sodium_hex2bin(bytes, hex_len / 2 + 1, hex, hex_len, NULL, &len, NULL) == 0)
        answer = wire_decode_response(bytes, len);
    free(bytes);
    if (!answer) {
        request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL,
                     "this write was applied, but its recorded answer cannot be read; check its "
                     "effect");
        return;
    }
    log_info("client %llu request %llu %s: answered from its request key",
             (unsigned long long)req->conn_id, (unsigned long long)req->id,
             wire_request_name(req->msg->body_case));
    request_reply(req, answer);
    cchc__v1__response__free_unpacked(answer, NULL);
}

static void on_key_looked_up(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (PQntuples(r[0]) == 0)
        req->handler(req);
    else
        answer_from_record(req, r[0], 0);
}

int request_key_fetched_early(const Cchc__V1__Request *msg)
{
    return request_kind_is_write(msg->body_case) && *msg->request_key &&
           request_key_valid(msg->request_key);
}

void request_keys_serve_fetched(request *req, const PGresult *rec, int first)
{
    if (!request_keyed(req)) {
        req->handler(req);
        return;
    }
    if (strcmp(PQgetvalue(rec, 0, first + 3), "t") != 0)
        req->handler(req);
    else
        answer_from_record(req, rec, first);
}

static void look_up_key(request *req, request_rows_fn then)
{
    const char *params[] = {req->auth.account_id, req->msg->request_key};
    const db_step step = {STMT_REQUEST_KEY_GET, 2, params};
    request_query(req, &step, 1, then);
}

void request_keys_serve(request *req)
{
    if (!request_keyed(req)) {
        req->handler(req);
        return;
    }
    if (!request_key_valid(req->msg->request_key)) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "a request_key is %s-%s characters of A-Z, a-z, 0-9, _ or -",
                     REQUEST_NUM(REQUEST_KEY_MIN), REQUEST_NUM(REQUEST_KEY_MAX));
        return;
    }
    look_up_key(req, on_key_looked_up);
}

/* ---- a keyed write's transaction ------------------------------------------- */

void request_answer_send(request *req, db_status status, const char *message,
                         const uint8_t *packed, size_t len)
{
    Cchc__V1__Response *answer = NULL;
    if (status != DB_OK)
        request_fail_write(req, status, message);
    else if (!packed || !(answer = wire_decode_response(packed, len)))
        request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL,
                     "applied, but the server ran out of memory answering; check its effect");
    else
        request_reply(req, answer);
    if (answer)
        cchc__v1__response__free_unpacked(answer, NULL);
}

static void on_committed(void *ctx, db_status status, PGresult *const *results, int nresults,
                         const char *message)
{
    (void)results;
    (void)nresults;
    keyed_write *kw = ctx;
    request_answer_send(kw->req, status, message, kw->packed, kw->len);
    free(kw->packed);
    free(kw);
}

uint8_t *request_answer_pack(Cchc__V1__Response *response, size_t *len, char **hex)
{
    uint64_t id = response->request_id;
    response->request_id = 0;
    *len = protobuf_c_message_get_packed_size(&response->base);
    uint8_t *packed = malloc(*len ? *len : 1);
    char *text = hex ? malloc(*len * 2 + 1) : NULL;
    if (packed && (!hex || text)) {
        protobuf_c_message_pack(&response->base, packed);
        if (hex)
            sodium_bin2hex(text, *len * 2 + 1, packed, *len);
    } else {
        free(packed);
        free(text);
        packed = NULL;
        text = NULL;
    }
    response->request_id = id;
    if (hex)
        *hex = text;
    return packed;
}

/* The answer hook: the handler's answer is stored by the transaction's
 * last statement and sent once it has committed. */
static int take_answer(request *req, Cchc__V1__Response *response)
{
    keyed_write *kw = req->answer_ctx;
    char *hex = NULL;
    kw->packed = request_answer_pack(response, &kw->len, &hex);
    const char *params[] = {req->auth.account_id, req->msg->request_key, hex};
    const db_step store = {STMT_REQUEST_KEY_STORE, 3, params};
    db_hold *hold = kw->hold;
    kw->hold = NULL;
    db_hold_commit(hold, kw->packed ? &store : NULL, on_committed, kw);
    free(hex);
    return 1;
}

static int is_key_taken(const PGresult *claim)
{
    const char *state = claim ? PQresultErrorField(claim, PG_DIAG_SQLSTATE) : NULL;
    return state && strcmp(state, "23505") == 0;
}

static void on_key_recorded(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (PQntuples(r[0]) > 0)
        answer_from_record(req, r[0], 0);
    else
        request_fail(req, CCHC__V1__ERROR_CODE__UNAVAILABLE,
                     "another attempt with this request_key is running; try again");
}

void request_keys_answer_recorded(request *req)
{
    look_up_key(req, on_key_recorded);
}

static void on_held_rows(void *ctx, db_status status, PGresult *const *results, int nresults,
                         const char *message, db_hold *hold)
{
    keyed_write *kw = ctx;
    request *req = kw->req;
    if (status != DB_OK) {
        free(kw);
        if (status == DB_QUERY_ERROR && is_key_taken(results[0]))
            request_keys_answer_recorded(req); /* an attempt with this key committed meanwhile */
        else
            request_fail_write(req, status, message);
        return;
    }
    kw->hold = hold;
    req->answer_hook = take_answer;
    req->answer_ctx = kw;
    req->on_rows(req, results + 1, nresults - 1);
    if (kw->hold) {
        /* the handler has not answered from these rows: its answer cannot
         * be stored with the effect (a keyed batch must be a write's last) */
        log_error("client %llu request %llu %s: keyed write answered later than its batch",
                  (unsigned long long)req->conn_id, (unsigned long long)req->id,
                  wire_request_name(req->msg->body_case));
        req->answer_hook = NULL;
        db_hold_commit(kw->hold, NULL, NULL, NULL);
        free(kw);
    }
}

int request_keys_write(request *req, const db_step *steps, int nsteps, request_rows_fn on_rows)
{
    if (!request_keyed(req) || !req->ctx->db || request_client_gone(req))
        return -1; /* request_write's own path answers those */
    char type[16], digest[65];
    keyed_write *kw = calloc(1, sizeof(*kw));
    if (!kw || nsteps + 2 > DB_MAX_BATCH || request_body_digest(req->msg, digest) != 0) {
        free(kw);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return 0;
    }
    kw->req = req;
    snprintf(type, sizeof(type), "%d", (int)req->msg->body_case);
    const char *claim[] = {req->auth.account_id, req->msg->request_key, type, digest};
    db_step all[DB_MAX_BATCH];
    all[0] = (db_step){STMT_REQUEST_KEY_CLAIM, 4, claim};
    for (int i = 0; i < nsteps; i++)
        all[i + 1] = steps[i];
    req->on_rows = on_rows;
    db_owner owner = request_db_owner(req);
    db_submit submitted =
        db_pool_submit_held(req->ctx->db, &owner, all, nsteps + 1, on_held_rows, kw);
    if (submitted != DB_SUBMIT_OK) {
        free(kw);
        request_submit_failed(req, submitted);
    }
    return 0;
}
