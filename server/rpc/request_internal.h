/* What rpc's own files share about requests and connections; handlers
 * never include this (they see request.h only). */
#ifndef CCHCD_RPC_REQUEST_INTERNAL_H
#define CCHCD_RPC_REQUEST_INTERNAL_H

#include "connection.h"
#include "request.h"

/* A request with id read from c, its message not decoded yet: the caller
 * decodes its envelope into req->pb_alloc and sets req->msg (NULL when
 * memory is short). */
request *request_new(rpc_context *ctx, connection *c, uint64_t id);
/* Ends a request that could not start (its envelope did not decode) without
 * an answer: the caller answers with rpc_send_error_id. */
void request_discard(request *req);
/* Encodes and sends a response on c (dropped when c is closing). */
void rpc_send(const rpc_context *ctx, connection *c, const Cchc__V1__Response *response);
/* Sends an error before any request exists (or where one cannot answer
 * itself) as a message id and its arguments (request_fail's rules), so the
 * client says it in its reader's language; the English rendering goes to
 * message, and to *english (size bytes) for the caller's log line. */
void rpc_send_error_id(const rpc_context *ctx, connection *c, uint64_t request_id,
                       Cchc__V1__ErrorCode code, char *english, size_t size, const char *id,
                       const char *const *args, size_t nargs);
/* Whom req's database work is for (db_pool.h): its account once its
 * session is checked, else the account its connection's last session check
 * found, else the connection alone; dropped unsent once the connection is
 * closing. */
db_owner request_db_owner(request *req);
/* True when nobody will read req's answer: its connection is closing. */
int request_client_gone(const request *req);
/* Ends a request whose answer went out in parts (request_stream.c);
 * failure says why it stopped early, NULL when every part was sent. */
void request_end_parts(request *req, unsigned parts, const char *failure);

#endif
