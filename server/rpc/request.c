/* The life cycle of a request and the one way replies leave the server:
 * every reply and error is encoded here (falling back to a short error
 * when an answer would exceed the reply limit) and handed to the
 * connection as a frame. Bookkeeping that must happen exactly once when a
 * request ends — secrets wiped, the handler's state freed, the
 * connection's in-flight count and reference released, the log line, the
 * drain check — lives in request_free alone. */
#include "request.h"

#include <sodium.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connection.h"
#include "log.h"
#include "msg_format.h"
#include "request_budget.h"
#include "request_internal.h"
#include "utf8.h"
#include "wire.h"
#include "wire_response.h"

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

static void *request_mem_alloc(void *mem, size_t size)
{
    return arena_alloc(mem, size);
}

/* protobuf-c frees what a failed unpack had built: the arena keeps it
 * until the request ends */
static void request_mem_keep(void *mem, void *pointer)
{
    (void)mem;
    (void)pointer;
}

request *request_new(rpc_context *ctx, connection *c, uint64_t id)
{
    /* zeroed up to the arena's block only: the block is handed out (and
     * zeroed) piece by piece, and a ping would otherwise clear 1 KiB it
     * never uses */
    request *req = malloc(sizeof(*req));
    if (!req)
        return NULL;
    memset(req, 0, offsetof(request, mem_block));
    req->ctx = ctx;
    req->conn = c;
    req->conn_id = c->id;
    _Static_assert(sizeof(req->peer_ip) == sizeof(c->ip), "peer_ip holds a connection's ip");
    memcpy(req->peer_ip, c->ip, sizeof(req->peer_ip));
    arena_init(&req->mem, req->mem_block, sizeof(req->mem_block));
    req->pb_alloc = (ProtobufCAllocator){request_mem_alloc, request_mem_keep, &req->mem};
    req->id = id;
    req->started_ns = uv_hrtime();
    connection_request_started(c);
    return req;
}

void request_set_state(request *req, void *state, void (*state_free)(void *state))
{
    req->state = state;
    req->state_free = state_free;
}

static void request_free(request *req)
{
    const rpc_context *ctx = req->ctx;
    if (req->state_free)
        req->state_free(req->state);
    rpc_budget_release(req); /* the bytes it held count against its connection */
    if (req->msg)
        wipe_secrets(req->msg);
    /* the message lived in the request's arena: wiped whole, since what
     * NFC normalisation replaced (a password's other form) was not */
    arena_wipe_free(&req->mem);
    connection *c = req->conn;
    /* what the arena handed out of its block was wiped with it */
    sodium_memzero(req, offsetof(request, mem_block));
    free(req);
    connection_request_finished(c);
    /* the last request of a closed connection may be what the drain waits for */
    if (ctx->on_request_finished)
        ctx->on_request_finished(ctx->owner);
}

void request_discard(request *req)
{
    request_free(req);
}

void rpc_send(const rpc_context *ctx, connection *c, const Cchc__V1__Response *response)
{
    if (c->closing)
        return;
    uint8_t *frame;
    size_t len, payload;
    if (wire_encode_response_frame(response, ctx->max_reply, &frame, &len, &payload) != 0) {
        log_error("client %llu: response of %zu bytes exceeds the frame limit",
                  (unsigned long long)c->id, payload);
        Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
        Cchc__V1__Response small = CCHC__V1__RESPONSE__INIT;
        err.code = CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED;
        err.message = "the answer is larger than the server's frame limit; "
                      "narrow the query";
        small.request_id = response->request_id;
        small.error = &err;
        if (wire_encode_response_frame(&small, ctx->max_reply, &frame, &len, NULL) != 0)
            return;
    }
    connection_send_frame(c, frame, len);
}

void rpc_send_error_id(const rpc_context *ctx, connection *c, uint64_t request_id,
                       Cchc__V1__ErrorCode code, char *english, size_t size, const char *id,
                       const char *const *args, size_t nargs)
{
    msg_format(english, size, id, args, nargs);
    Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    err.code = code;
    err.message = english;
    err.message_id = (char *)id;
    err.args = (char **)args;
    err.n_args = nargs;
    response.request_id = request_id;
    response.error = &err;
    rpc_send(ctx, c, &response);
}

/* The answer hook, once: 1 when it took the answer (request.h). */
static int answer_taken(request *req, Cchc__V1__Response *response)
{
    int (*hook)(request *, Cchc__V1__Response *) = req->answer_hook;
    req->answer_hook = NULL;
    return hook && hook(req, response);
}

void request_reply(request *req, Cchc__V1__Response *response)
{
    response->request_id = req->id;
    if (answer_taken(req, response))
        return;
    rpc_send(req->ctx, req->conn, response);
    if (log_enabled(LOG_DEBUG)) /* the clock is read only for a line that is written */
        log_debug("client %llu request %llu %s: ok in %.3f ms", (unsigned long long)req->conn_id,
                  (unsigned long long)req->id, wire_request_name(req->msg->body_case),
                  elapsed_ms(req->started_ns));
    request_free(req);
}

void request_end_parts(request *req, unsigned parts, const char *failure)
{
    if (failure)
        log_info("client %llu request %llu %s: %s after %u parts in %.3f ms",
                 (unsigned long long)req->conn_id, (unsigned long long)req->id,
                 wire_request_name(req->msg->body_case), failure, parts,
                 elapsed_ms(req->started_ns));
    else
        log_debug("client %llu request %llu %s: ok in %.3f ms, %u parts",
                  (unsigned long long)req->conn_id, (unsigned long long)req->id,
                  wire_request_name(req->msg->body_case), elapsed_ms(req->started_ns), parts);
    request_free(req);
}

void request_reply_body(request *req, arena *a, Cchc__V1__Response__BodyCase body_case,
                        void *body)
{
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field(&cchc__v1__response__descriptor, (unsigned)body_case);
    if (a && a->failed) {
        arena_free(a);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    /* body must be the message type of that oneof member: a mismatch
     * would be encoded silently as the wrong message */
    if (!field || field->type != PROTOBUF_C_TYPE_MESSAGE ||
        field->quantifier_offset != offsetof(Cchc__V1__Response, body_case) || !body ||
        ((const ProtobufCMessage *)body)->descriptor != field->descriptor) {
        if (a)
            arena_free(a);
        request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL, "no such reply");
        return;
    }
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.body_case = body_case;
    *(void **)((char *)&response + field->offset) = body;
    request_reply(req, &response);
    if (a)
        arena_free(a);
}

const char *request_num(char *buf, size_t size, long long n)
{
    snprintf(buf, size, "%lld", n);
    return buf;
}

void request_fail(request *req, Cchc__V1__ErrorCode code, const char *id, ...)
{
    /* the arguments, copied and cut: they may echo what a client sent, and
     * every one must still decode as a protobuf string */
    char copies[REQUEST_FAIL_MAX_ARGS][REQUEST_FAIL_ARG_MAX];
    char *args[REQUEST_FAIL_MAX_ARGS];
    int arity = msg_format_arity(id);
    size_t nargs = arity > 0 ? (size_t)arity : 0;
    if (nargs > REQUEST_FAIL_MAX_ARGS)
        nargs = REQUEST_FAIL_MAX_ARGS;
    va_list ap;
    va_start(ap, id);
    for (size_t i = 0; i < nargs; i++) {
        const char *arg = va_arg(ap, const char *);
        msg_format(copies[i], sizeof(copies[i]), "%s", &arg, 1);
        utf8_scrub(copies[i]);
        args[i] = copies[i];
    }
    va_end(ap);
    char message[512];
    msg_format(message, sizeof(message), id, (const char *const *)args, nargs);
    utf8_scrub(message);
    Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
    err.code = code;
    err.message = message;
    err.message_id = (char *)id;
    err.n_args = nargs;
    err.args = args;
    request_fail_error(req, &err);
}

/* A copy of text made valid UTF-8 (utf8_scrub), or NULL when memory is short. */
static char *scrubbed_copy(const char *text)
{
    size_t n = strlen(text);
    char *copy = malloc(n + 1);
    if (copy) {
        memcpy(copy, text, n + 1);
        utf8_scrub(copy);
    }
    return copy;
}

static int text_ok(const char *text)
{
    return !text || utf8_valid(text, strlen(text));
}

/* A message id and its arguments, all valid UTF-8 (or absent). */
static int id_ok(const char *id, char *const *args, size_t nargs)
{
    int ok = text_ok(id);
    for (size_t i = 0; ok && i < nargs; i++)
        ok = text_ok(args[i]);
    return ok;
}

/* Handlers' messages and field errors may quote what they were sent or
 * what they cut at a byte count; every reply must still decode as
 * protobuf strings, so any invalid text is scrubbed on a copy first. */
static void fail_error_scrubbed(request *req, const Cchc__V1__Error *error)
{
    Cchc__V1__Error copy = *error;
    Cchc__V1__FieldError *items = NULL, **ptrs = NULL;
    char *message = NULL;
    if (!text_ok(error->message))
        copy.message = message = scrubbed_copy(error->message);
    if (!id_ok(error->message_id, error->args, error->n_args)) {
        copy.message_id = ""; /* the English message alone, scrubbed */
        copy.n_args = 0;
    }
    if (error->n_details) {
        items = calloc(error->n_details, sizeof(*items));
        ptrs = calloc(error->n_details, sizeof(*ptrs));
    }
    int ok = (message || text_ok(error->message)) && (!error->n_details || (items && ptrs));
    for (size_t i = 0; ok && i < error->n_details; i++) {
        items[i] = *error->details[i];
        items[i].field = items[i].message = NULL;
        if (!id_ok(items[i].message_id, items[i].args, items[i].n_args)) {
            items[i].message_id = ""; /* the English message alone, scrubbed */
            items[i].n_args = 0;
        }
        items[i].field = scrubbed_copy(error->details[i]->field);
        items[i].message = scrubbed_copy(error->details[i]->message);
        ptrs[i] = &items[i];
        ok = items[i].field && items[i].message;
    }
    copy.details = ptrs;
    if (!ok) {
        copy.code = CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED;
        copy.message = "server out of memory";
        copy.n_details = 0;
    }
    request_fail_error(req, &copy);
    for (size_t i = 0; items && i < error->n_details; i++) {
        free(items[i].field);
        free(items[i].message);
    }
    free(items);
    free(ptrs);
    free(message);
}

void request_fail_error(request *req, const Cchc__V1__Error *error)
{
    int valid = text_ok(error->message) && id_ok(error->message_id, error->args, error->n_args);
    for (size_t i = 0; valid && i < error->n_details; i++)
        valid = text_ok(error->details[i]->field) && text_ok(error->details[i]->message) &&
                id_ok(error->details[i]->message_id, error->details[i]->args,
                      error->details[i]->n_args);
    if (!valid) {
        fail_error_scrubbed(req, error);
        return;
    }
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.request_id = req->id;
    response.error = (Cchc__V1__Error *)error;
    if (answer_taken(req, &response))
        return;
    rpc_send(req->ctx, req->conn, &response);
    /* nobody reads the answers of a client that has gone: the pool logs
     * one line for all its dropped work, not one per request */
    if (error->n_details)
        log_msg(req->conn->closing ? LOG_DEBUG : LOG_INFO,
                "client %llu request %llu %s: %s: %s (%zu field errors)",
                (unsigned long long)req->conn_id, (unsigned long long)req->id,
                wire_request_name(req->msg->body_case), wire_error_code_name(error->code),
                error->message, error->n_details);
    else
        log_msg(req->conn->closing ? LOG_DEBUG : LOG_INFO, "client %llu request %llu %s: %s: %s",
                (unsigned long long)req->conn_id, (unsigned long long)req->id,
                wire_request_name(req->msg->body_case), wire_error_code_name(error->code),
                error->message);
    request_free(req);
}
