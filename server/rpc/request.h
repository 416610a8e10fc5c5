/* A request being served: the decoded message, who sent it, the context a
 * handler needs (database, loop, configuration, the peer's address), and
 * the ways to finish it. Every handler finishes its request exactly once,
 * now or from a database or thread-pool callback; the connection stays
 * allocated until then even if the peer disconnects.
 *
 * Handlers see only this header (and request_helpers.h): the connection is
 * rpc's business, and the server's wiring hands everything else over in
 * the rpc_context. */
#ifndef CCHCD_RPC_REQUEST_H
#define CCHCD_RPC_REQUEST_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "arena.h"
#include "auth.h"
#include "cchc/v1/envelope.pb-c.h"
#include "db_group.h"
#include "db_pool.h"

struct request;
struct connection;

typedef void (*handler_fn)(struct request *req);
/* Which handler serves a request type; NULL when none (handlers/routes.c). */
typedef handler_fn (*handler_route_fn)(Cchc__V1__Request__BodyCase body);

/* What every request may use, owned by the server for its whole life. */
typedef struct rpc_context {
    uv_loop_t *loop;           /* for the password thread pool */
    db_pool *db;               /* NULL once the server is shutting down */
    db_group *group;           /* group commit of report submissions
                                  (request_write_grouped); NULL: each alone */
    uint32_t max_frame;        /* announced in the hello answer */
    uint32_t max_reply;        /* largest reply payload sent */
    int session_ttl_s;         /* a session ends this long after login */
    int session_idle_s;        /* … or this long after its last request */
    handler_route_fn route;
    const int *draining;       /* non-zero once a drain began (health) */
    uint64_t started_ms;       /* uv_now when the server started (health) */
    /* called after each request ends (the server's drain check) */
    void (*on_request_finished)(void *owner);
    void *owner;
} rpc_context;

typedef struct request {
    const rpc_context *ctx;
    struct connection *conn;         /* rpc's own; opaque to handlers */
    uint64_t conn_id;                /* for log lines */
    char peer_ip[48];                /* login throttling and audit */
    Cchc__V1__Request *msg;
    uint64_t id;
    uint64_t started_ns;
    auth_identity auth;              /* filled once the session is checked */
    handler_fn handler;              /* runs after the session check */
    /* the rows callback of the batch in flight (request_helpers.c) */
    void (*on_rows)(struct request *, PGresult *const *results, int nresults);
    /* a handler's own state across callbacks, freed with the request
     * however it ends (request_set_state) */
    void *state;
    void (*state_free)(void *state);
    /* takes the request's answer before it is sent, and returns 1 when it
     * will finish the request itself: a keyed write stores its answer with
     * its effect and sends it once committed (request_keys.c) */
    int (*answer_hook)(struct request *, Cchc__V1__Response *response);
    void *answer_ctx;
    /* the payload as received, kept undecoded (but for its envelope) until
     * the session is checked, and what the request counts against its
     * connection's budget (request_budget.c) */
    uint8_t *payload;
    size_t payload_len;
    size_t held_bytes;
    int held_unverified;
    size_t held_account;             /* … and against its account */
    /* where the request's message is decoded (pb_alloc: protobuf-c's
     * allocator on mem), its envelope and its body field by field without
     * a malloc each: small requests fit in mem_block, larger ones take a
     * few chunks; everything goes, wiped, when the request ends */
    arena mem;
    ProtobufCAllocator pb_alloc;
    max_align_t mem_block[1024 / sizeof(max_align_t)];
} request;

/* Gives the request a state of the handler's that is released (state_free)
 * when the request ends, whichever way it ends. */
void request_set_state(request *req, void *state, void (*state_free)(void *state));

/* Sends response (its request_id is filled in) and frees the request. */
void request_reply(request *req, Cchc__V1__Response *response);
/* Replies with body as the Response's oneof member body_case (set through
 * protobuf-c's descriptor, so no handler builds a Response by hand). When a
 * is not NULL the body's parts live there: on a failed arena the request
 * gets RESOURCE_EXHAUSTED instead, and a is freed either way. */
void request_reply_body(request *req, arena *a, Cchc__V1__Response__BodyCase body_case,
                        void *body);
/* Sends an error response and frees the request. id is the English
 * message as a format whose only conversions are %s (common/msg_format.h);
 * its arguments follow, all strings (the format attribute has the compiler
 * count and type them). The client shows the catalogue's translation of id
 * with the same arguments; message carries the English, for old clients
 * and the log. Each argument is cut at REQUEST_FAIL_ARG_MAX bytes, and at
 * most REQUEST_FAIL_MAX_ARGS are sent. xgettext extracts id (po/). */
#define REQUEST_FAIL_MAX_ARGS 16
#define REQUEST_FAIL_ARG_MAX 256
void request_fail(request *req, Cchc__V1__ErrorCode code, const char *id, ...)
    __attribute__((format(printf, 3, 4)));
/* A number as an argument of request_fail: REQUEST_NUM(n) is its decimal
 * text, valid until the end of the enclosing block. */
const char *request_num(char *buf, size_t size, long long n);
#define REQUEST_NUM(n) request_num((char[24]){""}, 24, (long long)(n))
/* Sends a prepared error (with field details) and frees the request. */
void request_fail_error(request *req, const Cchc__V1__Error *error);

#endif
