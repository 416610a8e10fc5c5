/* From a frame's payload to a handler: decode, check the envelope, enforce
 * the hello-first rule, check the session and the access rule (authz.c),
 * route by request type. Also the two ways a request
 * ends (request_reply / request_fail), so that bookkeeping — the client's
 * in-flight count, its reference, the log line — lives in one place. */
#include <stdarg.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "handlers.h"
#include "request_helpers.h"
#include "log.h"
#include "request.h"
#include "server.h"
#include "wire.h"

typedef void (*handler_fn)(request *req);

/* The routing table: which handler serves which request type. */
static handler_fn handler_for(Cchc__V1__Request__BodyCase body)
{
    switch (body) {
    case CCHC__V1__REQUEST__BODY_HELLO: return handle_hello;
    case CCHC__V1__REQUEST__BODY_PING: return handle_ping;
    case CCHC__V1__REQUEST__BODY_PLAN_OVERVIEW: return handle_plan_overview;
    case CCHC__V1__REQUEST__BODY_CRITERIA: return handle_criteria;
    case CCHC__V1__REQUEST__BODY_TASK_LIST: return handle_task_list;
    case CCHC__V1__REQUEST__BODY_TASK_GET: return handle_task_get;
    case CCHC__V1__REQUEST__BODY_PLAN_CHECK: return handle_plan_check;
    case CCHC__V1__REQUEST__BODY_INDEX_RESULT_SET: return handle_index_result_set;
    case CCHC__V1__REQUEST__BODY_UNIT_LIST: return handle_unit_list;
    case CCHC__V1__REQUEST__BODY_UNIT_IMPORT: return handle_unit_import;
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE: return handle_unit_change;
    case CCHC__V1__REQUEST__BODY_LOGIN: return handle_login;
    case CCHC__V1__REQUEST__BODY_LOGOUT: return handle_logout;
    case CCHC__V1__REQUEST__BODY_WHOAMI: return handle_whoami;
    case CCHC__V1__REQUEST__BODY_PASSWORD_CHANGE: return handle_password_change;
    case CCHC__V1__REQUEST__BODY_USER_ADD: return handle_user_add;
    case CCHC__V1__REQUEST__BODY_USER_LIST: return handle_user_list;
    case CCHC__V1__REQUEST__BODY_USER_SHOW: return handle_user_show;
    case CCHC__V1__REQUEST__BODY_USER_SET_ENABLED: return handle_user_set_enabled;
    case CCHC__V1__REQUEST__BODY_USER_RESET_PASSWORD: return handle_user_reset_password;
    case CCHC__V1__REQUEST__BODY_USER_SET_ROLES: return handle_user_set_roles;
    case CCHC__V1__REQUEST__BODY_AUDIT_LIST: return handle_audit_list;
    case CCHC__V1__REQUEST__BODY_REPORT_SUBMIT: return handle_report_submit;
    case CCHC__V1__REQUEST__BODY_MY_TASKS: return handle_my_tasks;
    case CCHC__V1__REQUEST__BODY_REPORT_LIST: return handle_report_list;
    case CCHC__V1__REQUEST__BODY_REVIEW: return handle_review;
    case CCHC__V1__REQUEST__BODY_REPORT_GET: return handle_report_get;
    case CCHC__V1__REQUEST__BODY_PERIOD_LIST: return handle_period_list;
    case CCHC__V1__REQUEST__BODY_PERIOD_ACTION: return handle_period_action;
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_LIST: return handle_unit_plan_list;
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_RECORD: return handle_unit_plan_record;
    case CCHC__V1__REQUEST__BODY_STATUS: return handle_status;
    case CCHC__V1__REQUEST__BODY_TREND: return handle_trend;
    case CCHC__V1__REQUEST__BODY_MISSING: return handle_missing;
    case CCHC__V1__REQUEST__BODY_STATUS_TASK: return handle_status_task;
    case CCHC__V1__REQUEST__BODY_EXPORT: return handle_export;
    default: return NULL;
    }
}

static double elapsed_ms(uint64_t started_ns)
{
    return (double)(uv_hrtime() - started_ns) / 1e6;
}

/* Passwords a request carried are wiped before its memory is released. */
static void wipe(char *secret)
{
    if (secret)
        sodium_memzero(secret, strlen(secret));
}

static void wipe_secrets(Cchc__V1__Request *msg)
{
    wipe(msg->session_token);
    switch (msg->body_case) {
    case CCHC__V1__REQUEST__BODY_LOGIN: wipe(msg->login->password); break;
    case CCHC__V1__REQUEST__BODY_PASSWORD_CHANGE:
        wipe(msg->password_change->current_password);
        wipe(msg->password_change->new_password);
        break;
    case CCHC__V1__REQUEST__BODY_USER_ADD: wipe(msg->user_add->password); break;
    case CCHC__V1__REQUEST__BODY_USER_RESET_PASSWORD:
        wipe(msg->user_reset_password->new_password);
        break;
    default: break;
    }
}

static void request_free(request *req)
{
    client *c = req->conn;
    server *srv = c->srv;
    wipe_secrets(req->msg);
    cchc__v1__request__free_unpacked(req->msg, NULL);
    sodium_memzero(&req->auth, sizeof(req->auth));
    free(req);
    client_request_done(c);
    client_unref(c);
    /* the last request of a closed connection may be what the drain waits for */
    server_request_finished(srv);
}

void request_reply(request *req, Cchc__V1__Response *response)
{
    response->request_id = req->id;
    client_send(req->conn, response);
    log_debug("client %llu request %llu %s: ok in %.3f ms",
              (unsigned long long)req->conn->id, (unsigned long long)req->id,
              wire_request_name(req->msg->body_case), elapsed_ms(req->started_ns));
    request_free(req);
}

static void send_error(client *c, uint64_t request_id, Cchc__V1__ErrorCode code,
                       const char *message)
{
    Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    err.code = code;
    err.message = (char *)message;
    response.request_id = request_id;
    response.error = &err;
    client_send(c, &response);
}

void request_fail(request *req, Cchc__V1__ErrorCode code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    send_error(req->conn, req->id, code, message);
    log_info("client %llu request %llu %s: %s: %s",
             (unsigned long long)req->conn->id, (unsigned long long)req->id,
             wire_request_name(req->msg->body_case), wire_error_code_name(code),
             message);
    request_free(req);
}

void request_fail_error(request *req, const Cchc__V1__Error *error)
{
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.request_id = req->id;
    response.error = (Cchc__V1__Error *)error;
    client_send(req->conn, &response);
    log_info("client %llu request %llu %s: %s: %s (%zu field errors)",
             (unsigned long long)req->conn->id, (unsigned long long)req->id,
             wire_request_name(req->msg->body_case), wire_error_code_name(error->code),
             error->message, error->n_details);
    request_free(req);
}

void dispatch_protocol_error(client *c, Cchc__V1__ErrorCode code,
                             const char *message)
{
    log_warn("client %llu (%s): %s", (unsigned long long)c->id, c->peer, message);
    send_error(c, 0, code, message);
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
    req->handler(req);
}

void dispatch_payload(client *c, const uint8_t *payload, size_t len)
{
    Cchc__V1__Request *msg = wire_decode_request(payload, len);
    if (!msg) {
        dispatch_protocol_error(c, CCHC__V1__ERROR_CODE__MALFORMED,
                                "frame payload is not a cchc.v1.Request message");
        return;
    }
    if (msg->request_id == 0) {
        cchc__v1__request__free_unpacked(msg, NULL);
        dispatch_protocol_error(c, CCHC__V1__ERROR_CODE__MALFORMED,
                                "request_id must be non-zero");
        return;
    }
    request *req = calloc(1, sizeof(*req));
    if (!req) {
        send_error(c, msg->request_id, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                   "server out of memory");
        cchc__v1__request__free_unpacked(msg, NULL);
        return;
    }
    req->conn = c;
    req->msg = msg;
    req->id = msg->request_id;
    req->started_ns = uv_hrtime();
    client_ref(c);
    c->inflight++;

    handler_fn handler = handler_for(msg->body_case);
    if (!handler) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNSUPPORTED,
                     "this server (cchcd %s) does not know request type %d; "
                     "upgrade the server or use an older client",
                     CCHC_VERSION, (int)msg->body_case);
        return;
    }
    if (!c->hello_done && msg->body_case != CCHC__V1__REQUEST__BODY_HELLO) {
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
    snprintf(idle, sizeof(idle), "%d", c->srv->config.session_idle_s);
    const char *params[] = {req->auth.token_hash, idle};
    const db_step step = {STMT_SESSION_CHECK, 2, params};
    request_query(req, &step, 1, on_session_checked);
}
