/* From a frame's payload to a handler: decode, check the envelope, enforce
 * the hello-first rule (the hello itself is answered here), check the
 * session and the access rule (auth/authz.c), then route by request type
 * through the table the server handed over (handlers/routes.c), so this
 * layer never names a handler. A request that needs a session is decoded
 * only as far as its envelope until the session is checked; every string
 * field of every request is checked on the wire (valid UTF-8, no NUL)
 * before it is decoded (wire_check.h, request_budget.h), and put in NFC
 * once decoded (wire_nfc.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"

#include "authz.h"
#include "authz_purpose.h"
#include "connection.h"
#include "log.h"
#include "msg_format.h"
#include "protocol.h"
#include "request_budget.h"
#include "request_helpers.h"
#include "request_internal.h"
#include "request_keys.h"
#include "wire.h"
#include "wire_check.h"
#include "wire_nfc.h"

/* The hello rule: nothing else is served on a connection before a hello
 * whose protocol version matches. */
static void handle_hello(request *req)
{
    const Cchc__V1__HelloRequest *hello = req->msg->hello;
    if (hello->protocol_version != CCHC_PROTOCOL_VERSION) {
        request_fail(req, CCHC__V1__ERROR_CODE__VERSION_MISMATCH,
                     "this cchc speaks protocol version %s but the server "
                     "(cchcd %s) speaks version %s; install a matching cchc",
                     REQUEST_NUM(hello->protocol_version), CCHC_VERSION,
                     REQUEST_NUM(CCHC_PROTOCOL_VERSION));
        return;
    }
    connection_greeted(req->conn);
    req->conn->accepts_parts = hello->accepts_parts; /* request_stream.c */
    Cchc__V1__HelloResponse body = CCHC__V1__HELLO_RESPONSE__INIT;
    body.protocol_version = CCHC_PROTOCOL_VERSION;
    body.server_name = "cchcd";
    body.server_version = CCHC_VERSION;
    body.max_frame_size = req->ctx->max_frame;
    request_reply_body(req, NULL, CCHC__V1__RESPONSE__BODY_HELLO, &body);
}

void rpc_on_bad_frame(rpc_context *ctx, connection *c, frame_status status, const char *message)
{
    /* message is an id with its arguments (server/net/connection.c) */
    char copy[160], english[200];
    snprintf(copy, sizeof(copy), "%s", message);
    const char *id, *args[MSG_FORMAT_MAX_ARGS];
    int n = msg_format_split(copy, &id, args, MSG_FORMAT_MAX_ARGS);
    rpc_send_error_id(ctx, c, 0,
                      status == FRAME_ERR_TOO_LARGE ? CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE
                                                    : CCHC__V1__ERROR_CODE__MALFORMED,
                      english, sizeof(english), id, args,
                      n < MSG_FORMAT_MAX_ARGS ? (size_t)n : MSG_FORMAT_MAX_ARGS);
}

/* A frame that is not a request at all: answered with request id 0; the
 * framing is intact, so the connection goes on. id is a message id
 * without arguments, so the client says it in its reader's language. */
static void reject_frame(rpc_context *ctx, connection *c, const char *id)
{
    char english[160];
    log_warn("client %llu (%s): %s", (unsigned long long)c->id, c->peer, id);
    rpc_send_error_id(ctx, c, 0, CCHC__V1__ERROR_CODE__MALFORMED, english, sizeof(english), id, NULL,
                      0);
}

/* The error for a string field that is not UTF-8 or holds a NUL byte:
 * refused naming the field, never cut or repaired. path is a field path
 * made of descriptor names (ASCII). */
static void bad_text_error(Cchc__V1__Error *err, Cchc__V1__FieldError *detail,
                           Cchc__V1__FieldError **details, char *message, size_t size,
                           const char *path, const char **args)
{
    static const char *const id = MSG_ID("field %s is not valid UTF-8 or holds a NUL byte");
    args[0] = path; /* the caller's array: it outlives the error */
    msg_format(message, size, id, args, 1);
    err->message_id = (char *)id;
    err->args = (char **)args;
    err->n_args = 1;
    detail->field = (char *)path;
    detail->message = "invalid UTF-8 or NUL byte";
    details[0] = detail;
    err->code = CCHC__V1__ERROR_CODE__INVALID_ARGUMENT;
    err->message = message;
    err->n_details = 1;
    err->details = details;
}

static void send_bad_text(rpc_context *ctx, connection *c, uint64_t request_id, const char *path)
{
    Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
    Cchc__V1__FieldError detail = CCHC__V1__FIELD_ERROR__INIT, *details[1];
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    char message[512];
    const char *args[1];
    bad_text_error(&err, &detail, details, message, sizeof(message), path, args);
    response.request_id = request_id;
    response.error = &err;
    log_info("client %llu request %llu: %s", (unsigned long long)c->id,
             (unsigned long long)request_id, message);
    rpc_send(ctx, c, &response);
}

/* A wire_nfc store for messages decoded into a request's arena: the NFC
 * form is copied there too, the old string stays until the arena goes. */
static int nfc_store_in_arena(void *mem, char **slot, const char *nfc, size_t len)
{
    char *copy = arena_strndup(mem, nfc, len);
    if (!copy)
        return -1;
    *slot = copy;
    return 0;
}

/* Decodes the body of req from the payload it kept: the strings are
 * checked and the decoded size estimated on the wire first, so a body
 * over the connection's budget is refused without being decoded. 0 when
 * the request was answered with an error instead. */
static int decode_body(request *req)
{
    wire_text_report text;
    wire_check_status status = wire_check_text(&cchc__v1__request__descriptor, req->payload,
                                               req->payload_len, 1, &text);
    if (status == WIRE_CHECK_BAD_TEXT) {
        Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
        Cchc__V1__FieldError detail = CCHC__V1__FIELD_ERROR__INIT, *details[1];
        char message[512];
        const char *args[1];
        bad_text_error(&err, &detail, details, message, sizeof(message), text.path, args);
        request_fail_error(req, &err);
        return 0;
    }
    if (status != WIRE_CHECK_OK) {
        request_fail(req, CCHC__V1__ERROR_CODE__MALFORMED,
                     "the body of request %s is not protobuf wire format",
                     wire_request_name(req->msg->body_case));
        return 0;
    }
    request_budget_hold(req, 0, 0);
    if (!request_budget_fits(req->conn, text.decoded_estimate, 0)) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                     "request too large to decode: about %s bytes of at most %s per "
                     "connection; send fewer rows or fewer requests at once",
                     REQUEST_NUM(text.decoded_estimate), REQUEST_NUM(REQUEST_BUDGET_CONNECTION));
        return 0;
    }
    if (req->auth.authenticated && !request_budget_hold_account(req, text.decoded_estimate)) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                     "account %s has too many large unanswered requests; wait for the answers",
                     req->auth.username);
        return 0;
    }
    /* into the request's arena, as the envelope (request.h) */
    Cchc__V1__Request *full = wire_decode_request_in(req->payload, req->payload_len, &req->pb_alloc);
    if (!full || full->body_case != req->msg->body_case || full->request_id != req->id) {
        request_fail(req, CCHC__V1__ERROR_CODE__MALFORMED,
                     "frame payload is not a cchc.v1.Request message");
        return 0;
    }
    /* text normalised once, here, before any handler validates or stores
     * it (wire_nfc.h); the strings are checked UTF-8 already */
    if (wire_nfc_message(&full->base, nfc_store_in_arena, &req->mem) < 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return 0;
    }
    request_budget_hold(req, text.decoded_estimate, 0);
    Cchc__V1__Request *envelope = req->msg;
    sodium_memzero(envelope->session_token, strlen(envelope->session_token));
    req->msg = full; /* the envelope stays in the arena until the request ends */
    sodium_memzero(req->payload, req->payload_len);
    free(req->payload);
    req->payload = NULL;
    req->payload_len = 0;
    return 1;
}

/* The session is known (or not): apply the access rule, decode the body,
 * then the handler. */
/* id, username, unit_code, roles; cchc_session_check_keyed adds the
 * request key's record after them */
#define SESSION_COLUMNS 4

static void on_session_checked(request *req, PGresult *const *r, int n)
{
    (void)n;
    const PGresult *res = r[0];
    if (PQntuples(res) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNAUTHENTICATED,
                     "the session expired or was revoked: log in again (cchc login)");
        return;
    }
    auth_identity *who = &req->auth;
    who->authenticated = 1;
    snprintf(who->account_id, sizeof(who->account_id), "%s", PQgetvalue(res, 0, 0));
    snprintf(who->username, sizeof(who->username), "%s", PQgetvalue(res, 0, 1));
    snprintf(who->unit_code, sizeof(who->unit_code), "%s", PQgetvalue(res, 0, 2));
    if (auth_roles_parse(PQgetvalue(res, 0, 3), &who->roles) != 0)
        who->roles = 0;
    const authz_rule *rule = authz_rule_for(req->msg->body_case);
    if (!authz_allows(rule, who)) {
        request_fail(req, CCHC__V1__ERROR_CODE__PERMISSION_DENIED,
                     "account %s (%s) may not %s",
                     who->username, PQgetvalue(res, 0, 3),
                     authz_purpose(req->msg->body_case));
        return;
    }
    if (!decode_body(req))
        return;
    if (PQnfields(res) > SESSION_COLUMNS)
        request_keys_serve_fetched(req, res, SESSION_COLUMNS);
    else
        request_keys_serve(req);
}

/* The common case of a request served without a session (a pipelined
 * ping, a hello, a login) that the general path below would let through
 * every gate: decoded once, whole, straight from the frame into the
 * request's arena, without the envelope-first decode and the copy of the
 * payload that a request waiting for its session check needs. Anything
 * unusual (a gate that refuses, bad text, a body over the budget, bytes
 * protobuf-c refuses) returns 0 and the general path decides and answers
 * exactly as before; what a refused attempt left in the arena stays there
 * until the request ends. */
static int serve_public_whole(rpc_context *ctx, connection *c, request *req,
                              const wire_envelope *env, const wire_text_report *whole,
                              const uint8_t *payload, size_t len)
{
    if (!whole) /* not a public request, or its text did not pass */
        return 0;
    int hello = env->body_case == CCHC__V1__REQUEST__BODY_HELLO;
    handler_fn handler = hello ? handle_hello : ctx->route(env->body_case);
    if (!handler || (!c->greeted && !hello) || !request_budget_fits(c, whole->decoded_estimate, 0))
        return 0;
    Cchc__V1__Request *full = wire_decode_request_in(payload, len, &req->pb_alloc);
    if (!full || full->body_case != env->body_case || full->request_id != req->id)
        return 0;
    if (wire_nfc_message(&full->base, nfc_store_in_arena, &req->mem) < 0)
        return 0;
    req->msg = full;
    request_budget_hold(req, whole->decoded_estimate, 0);
    handler(req);
    return 1;
}

void rpc_on_frame(rpc_context *ctx, connection *c, const uint8_t *payload, size_t len)
{
    wire_envelope env;
    wire_text_report text;
    if (wire_scan_envelope(payload, len, &env) != WIRE_CHECK_OK) {
        reject_frame(ctx, c, MSG_ID("frame payload is not a cchc.v1.Request message"));
        return;
    }
    /* a request served without a session has its whole text checked
     * here, once (serve_public_whole); passing implies the top level
     * passes. Otherwise the top level alone, as a session check comes
     * before the body is looked at. */
    const authz_rule *type_rule = authz_rule_for(env.body_case);
    int is_public = type_rule && type_rule->roles == AUTHZ_PUBLIC;
    int whole_ok = is_public && wire_check_text(&cchc__v1__request__descriptor, payload, len, 1,
                                                &text) == WIRE_CHECK_OK;
    if (!whole_ok && wire_check_text(&cchc__v1__request__descriptor, payload, len, 0, &text) ==
                         WIRE_CHECK_MALFORMED) {
        reject_frame(ctx, c, MSG_ID("frame payload is not a cchc.v1.Request message"));
        return;
    }
    if (env.request_id == 0) {
        reject_frame(ctx, c, MSG_ID("request_id must be non-zero"));
        return;
    }
    if (text.path[0]) { /* session_token or request_key */
        send_bad_text(ctx, c, env.request_id, text.path);
        return;
    }
    int unverified = !is_public;
    size_t cap = request_budget_body_cap(env.body_case, !unverified, ctx->max_frame);
    if (env.body_len > cap || !request_budget_fits(c, len, unverified)) {
        char message[256], got[24], most[24];
        snprintf(got, sizeof(got), "%zu", env.body_len);
        snprintf(most, sizeof(most), "%zu", cap);
        const char *args[] = {wire_request_name(env.body_case), got, most};
        if (env.body_len > cap)
            rpc_send_error_id(ctx, c, env.request_id, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                              message, sizeof(message),
                              MSG_ID("request %s too large: %s bytes of at most %s"), args, 3);
        else
            rpc_send_error_id(ctx, c, env.request_id, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                              message, sizeof(message),
                              MSG_ID("too many unanswered request bytes on this connection; wait "
                                     "for the answers"),
                              NULL, 0);
        log_warn("client %llu (%s) request %llu: %s", (unsigned long long)c->id, c->peer,
                 (unsigned long long)env.request_id, message);
        return;
    }
    request *req = request_new(ctx, c, env.request_id);
    if (req && serve_public_whole(ctx, c, req, &env, whole_ok ? &text : NULL, payload, len))
        return;
    /* the envelope is decoded into the new request's arena (request.h) */
    Cchc__V1__Request *msg = req ? wire_decode_envelope_in(&env, &req->pb_alloc) : NULL;
    if (req && msg)
        req->msg = msg;
    uint8_t *kept = msg ? malloc(len) : NULL;
    if (!kept) {
        if (msg) {
            request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
            return;
        }
        if (req)
            request_discard(req);
        char english[64];
        rpc_send_error_id(ctx, c, env.request_id, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, english,
                          sizeof(english), MSG_ID("server out of memory"), NULL, 0);
        return;
    }
    memcpy(kept, payload, len);
    req->payload = kept;
    req->payload_len = len;
    request_budget_hold(req, len, unverified);
    handler_fn handler = msg->body_case == CCHC__V1__REQUEST__BODY_HELLO
                             ? handle_hello
                             : ctx->route(msg->body_case);
    if (!handler) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNSUPPORTED,
                     "this server (cchcd %s) does not know request type %s; "
                     "upgrade the server or use an older client",
                     CCHC_VERSION, REQUEST_NUM(msg->body_case));
        return;
    }
    if (!c->greeted && msg->body_case != CCHC__V1__REQUEST__BODY_HELLO) {
        request_fail(req, CCHC__V1__ERROR_CODE__FAILED_PRECONDITION,
                     "send hello before any other request");
        return;
    }
    const authz_rule *rule = authz_rule_for(msg->body_case);
    if (!rule) {
        request_fail(req, CCHC__V1__ERROR_CODE__PERMISSION_DENIED,
                     "no access rule for request %s", wire_request_name(msg->body_case));
        return;
    }
    if (rule->roles == AUTHZ_PUBLIC) {
        if (decode_body(req))
            handler(req);
        return;
    }
    size_t token_len = strlen(msg->session_token);
    if (token_len == 0 || token_len > 128) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNAUTHENTICATED,
                     "not logged in: run 'cchc login'");
        return;
    }
    auth_token_hash(msg->session_token, req->auth.token_hash);
    req->handler = handler;
    char idle[16];
    snprintf(idle, sizeof(idle), "%d", ctx->session_idle_s);
    const char *params[] = {req->auth.token_hash, idle, msg->request_key};
    const db_step step = request_key_fetched_early(msg)
                             ? (db_step){STMT_SESSION_CHECK_KEYED, 3, params}
                             : (db_step){STMT_SESSION_CHECK, 2, params};
    request_query(req, &step, 1, on_session_checked);
}
