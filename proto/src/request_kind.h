/* Which request types are writes that carry a request key: one list for
 * both ends, so the client keys exactly the requests the server records
 * (docs/retry.md). A read is always safe to send again; a write whose
 * answer was lost is retried with the same key and answered from the
 * record instead of being applied twice. */
#ifndef CCHC_REQUEST_KIND_H
#define CCHC_REQUEST_KIND_H

#include <stddef.h>

#include "cchc/v1/envelope.pb-c.h"

/* Shortest and longest request key, and its alphabet: base64url. */
#define REQUEST_KEY_MIN 16
#define REQUEST_KEY_MAX 64

/* True for the request types the server records with a request key.
 * Login is not one: its answer holds a new session token, which must not
 * be stored, and a login sent again only makes another session. */
int request_kind_is_write(Cchc__V1__Request__BodyCase body);

/* True when key is 16-64 characters of A-Z a-z 0-9 _ -. */
int request_key_valid(const char *key);

#endif
