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

/* request_write for a keyed write: returns 0 when it took the batch (and
 * the request), -1 when the request carries no key or is no write. */
int request_keys_write(request *req, const db_step *steps, int nsteps,
                       void (*on_rows)(request *, PGresult *const *, int));

#endif
