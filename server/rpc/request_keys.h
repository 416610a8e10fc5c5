/* Request keys: what makes a write safe to send again (docs/retry.md).
 * A write that carries a key runs in a held transaction (db_pool.h) that
 * records the key first and the encoded answer last, so the key, the
 * effect and the answer commit together or not at all; a request whose key
 * is already recorded gets the recorded answer and applies nothing. */
#ifndef CCHCD_RPC_REQUEST_KEYS_H
#define CCHCD_RPC_REQUEST_KEYS_H

#include "request.h"

/* Runs the request's handler, unless it is a keyed write whose key is
 * recorded: then it answers from the record. Called once the session and
 * the access rule are checked. */
void request_keys_serve(request *req);

/* True when msg is a write whose request key request_keys_serve would look
 * up: the session check can then fetch the key's record in the same
 * statement (cchc_session_check_keyed, rpc/dispatch.c), saving the write a
 * round trip. */
int request_key_fetched_early(const Cchc__V1__Request *msg);
/* request_keys_serve with the look-up already done: rec's row holds
 * request_type, request_digest, response (hex) and key_found in columns
 * first to first + 3. */
void request_keys_serve_fetched(request *req, const PGresult *rec, int first);

/* request_write for a keyed write: returns 0 when it took the batch (and
 * the request), -1 when the request carries no key or is no write. */
int request_keys_write(request *req, const db_step *steps, int nsteps,
                       void (*on_rows)(request *, PGresult *const *, int));

/* What a grouped write (request_group.c) shares with the keyed writes
 * here. True when req is a write that carries a request key. */
int request_keyed(const request *req);
/* SHA-256 (hex) of the encoded request body; -1 when memory is short. */
int request_body_digest(const Cchc__V1__Request *msg, char out[65]);
/* response encoded with request id 0, as an answer is stored (malloc'd;
 * NULL when memory is short), and, when hex is not NULL, in hex too. */
uint8_t *request_answer_pack(Cchc__V1__Response *response, size_t *len, char **hex);
/* Sends the answer packed before the commit once the transaction has
 * ended with status: the answer when it committed, else the failure. */
void request_answer_send(request *req, db_status status, const char *message,
                         const uint8_t *packed, size_t len);
/* Answers req from its key's record, which a transaction that committed
 * has just written. */
void request_keys_answer_recorded(request *req);

#endif
