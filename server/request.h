/* A request being served: the decoded message, who sent it, and the two
 * ways to finish it. Every handler finishes its request exactly once, now or
 * from a database callback; the client connection stays allocated until
 * then even if the peer disconnects. */
#ifndef CCHCD_REQUEST_H
#define CCHCD_REQUEST_H

#include <libpq-fe.h>
#include <stdint.h>

#include "cchc/v1/envelope.pb-c.h"
#include "auth.h"
#include "client.h"

typedef struct request {
    client *conn;
    Cchc__V1__Request *msg;
    uint64_t id;
    uint64_t started_ns;
    auth_identity auth;              /* filled once the session is checked */
    void (*handler)(struct request *); /* runs after the session check */
    /* the rows callback of the batch in flight (request_helpers.c) */
    void (*on_rows)(struct request *, PGresult *const *results, int nresults);
} request;

/* Sends response (its request_id is filled in) and frees the request. */
void request_reply(request *req, Cchc__V1__Response *response);
/* Sends an error response and frees the request. */
void request_fail(request *req, Cchc__V1__ErrorCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sends a prepared error (with field details) and frees the request. */
void request_fail_error(request *req, const Cchc__V1__Error *error);

/* Handles one decoded frame payload from a client. */
void dispatch_payload(client *c, const uint8_t *payload, size_t len);
/* Replies to a frame that could not be read at all (request id 0). */
void dispatch_protocol_error(client *c, Cchc__V1__ErrorCode code,
                             const char *message);

#endif
