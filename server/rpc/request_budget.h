/* How much of a connection's requests the server holds at once, in bytes,
 * so that requests nobody has vouched for cannot take its memory: before
 * the session is checked a request is held as its raw payload (its body
 * not decoded) under a small budget; once decoded it counts what
 * protobuf-c allocated for it (estimated from the wire, before decoding)
 * under a larger one; and each request type has a ceiling on its body.
 * Over any of them the request is refused with RESOURCE_EXHAUSTED without
 * being decoded. docs/security.md, "Input". */
#ifndef CCHCD_RPC_REQUEST_BUDGET_H
#define CCHCD_RPC_REQUEST_BUDGET_H

#include <stddef.h>

#include "connection.h"
#include "request.h"

/* Raw payload bytes of requests waiting for their session check, per
 * connection. */
#define REQUEST_BUDGET_UNVERIFIED (4u << 20)
/* … and over all connections: many connections with made-up tokens
 * cannot multiply the per-connection budget without bound. */
#define REQUEST_BUDGET_UNVERIFIED_TOTAL (64u << 20)
/* Bytes of requests decoded (or held) and not yet answered, per
 * connection: a report of a few thousand rows is well under 1 MiB. */
#define REQUEST_BUDGET_CONNECTION (32u << 20)
/* Bytes of decoded requests not yet answered, per account over all its
 * connections: one account cannot multiply its budget by connecting
 * more often. */
#define REQUEST_BUDGET_ACCOUNT (64u << 20)
/* The body of a request served without a session (hello, ping, login). */
#define REQUEST_BODY_CAP_PUBLIC (8u << 10)
/* The body of any request but the bulk ones (rows and lists of ids). */
#define REQUEST_BODY_CAP_SMALL (64u << 10)

/* The largest body a request of this type may have; the bulk types are
 * bounded by the frame limit (max_frame) alone. */
size_t request_budget_body_cap(Cchc__V1__Request__BodyCase body, int is_public,
                               size_t max_frame);
/* True when c may hold bytes more: a request not yet past its session
 * check (unverified) within both budgets, any other within the larger. */
int request_budget_fits(const connection *c, size_t bytes, int unverified);
/* Makes bytes what req holds against its connection (replacing what it
 * held), counted as unverified or not. */
void request_budget_hold(request *req, size_t bytes, int unverified);
/* Charges req's decoded bytes to its account (req->auth, once the
 * session is checked); 0 when that would exceed REQUEST_BUDGET_ACCOUNT
 * (nothing is charged then) or memory is short. */
int request_budget_hold_account(request *req, size_t bytes);
/* Releases what req holds, its kept payload included (wiped: it may hold a
 * password). Called once when the request ends (request.c). */
void rpc_budget_release(request *req);

#endif
