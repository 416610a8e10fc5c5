/* From a frame's payload to a handler: decode, check the envelope, enforce
 * the hello-first rule (the hello itself is answered here), check the
 * session and the access rule (auth/authz.c), then route by request type
 * through the table the server handed over (handlers/routes.c), so this
 * layer never names a handler. */
#include <stdio.h>
#include <string.h>

#include "rpc.h"

#include "authz.h"
#include "connection.h"
#include "log.h"
#include "protocol.h"
#include "request_helpers.h"
#include "request_internal.h"
#include "request_keys.h"
#include "wire.h"

/* The hello rule: nothing else is served on a connection before a hello
 * whose protocol version matches. */
static void handle_hello(request *req)
{
    const Cchc__V1__HelloRequest *hello = req->msg->hello;
    if (hello->protocol_version != CCHC_PROTOCOL_VERSION) {
        request_fail(req, CCHC__V1__ERROR_CODE__VERSION_MISMATCH,
                     "client speaks protocol version %u but this server "
                     "(cchcd %s) speaks version %u; install a matching cchc",
                     hello->protocol_version, CCHC_VERSION, CCHC_PROTOCOL_VERSION);
        return;
    }
    req->conn->greeted = 1;
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
    rpc_send_error(ctx, c, 0,
                   status == FRAME_ERR_TOO_LARGE ? CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE
                                                 : CCHC__V1__ERROR_CODE__MALFORMED,
                   message);
}

/* A frame that is not a request at all: answered with request id 0; the
 * framing is intact, so the connection goes on. */
static void reject_frame(rpc_context *ctx, connection *c, const char *message)
{
    log_warn("client %llu (%s): %s", (unsigned long long)c->id, c->peer, message);
    rpc_send_error(ctx, c, 0, CCHC__V1__ERROR_CODE__MALFORMED, message);
}

/* The session is known (or not): apply the access rule, then the handler. */
static void on_session_checked(request *req, PGresult *const *r, int n)
{
    (void)n;
    const PGresult *res = r[0];
    if (PQntuples(res) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNAUTHENTICATED,
                     "phiên đăng nhập đã hết hạn hoặc bị thu hồi; hãy đăng nhập lại "
                     "(session expired or revoked: run cchc login)");
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
                     "tài khoản %s (%s) không có quyền %s (your roles do not allow this request)",
                     who->username, PQgetvalue(res, 0, 3), wire_request_name(req->msg->body_case));
        return;
    }
    request_keys_serve(req);
}

void rpc_on_frame(rpc_context *ctx, connection *c, const uint8_t *payload, size_t len)
{
    Cchc__V1__Request *msg = wire_decode_request(payload, len);
    if (!msg) {
        reject_frame(ctx, c, "frame payload is not a cchc.v1.Request message");
        return;
    }
    if (msg->request_id == 0) {
        cchc__v1__request__free_unpacked(msg, NULL);
        reject_frame(ctx, c, "request_id must be non-zero");
        return;
    }
    request *req = request_new(ctx, c, msg);
    if (!req) {
        rpc_send_error(ctx, c, msg->request_id, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                       "server out of memory");
        cchc__v1__request__free_unpacked(msg, NULL);
        return;
    }
    handler_fn handler = msg->body_case == CCHC__V1__REQUEST__BODY_HELLO
                             ? handle_hello
                             : ctx->route(msg->body_case);
    if (!handler) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNSUPPORTED,
                     "this server (cchcd %s) does not know request type %d; "
                     "upgrade the server or use an older client",
                     CCHC_VERSION, (int)msg->body_case);
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
        handler(req);
        return;
    }
    size_t token_len = strlen(msg->session_token);
    if (token_len == 0 || token_len > 128) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNAUTHENTICATED,
                     "chưa đăng nhập: hãy chạy 'cchc login' (not logged in: run cchc login)");
        return;
    }
    auth_token_hash(msg->session_token, req->auth.token_hash);
    req->handler = handler;
    char idle[16];
    snprintf(idle, sizeof(idle), "%d", ctx->session_idle_s);
    const char *params[] = {req->auth.token_hash, idle};
    const db_step step = {STMT_SESSION_CHECK, 2, params};
    request_query(req, &step, 1, on_session_checked);
}
