/* One request, one answer: connect, say hello, call, hang up — what almost
 * every command does. A command names the request body it sends and the
 * response body it expects; the body lands in the Request's oneof through
 * protobuf-c's descriptor, so no caller repeats the envelope. Reports
 * failures itself and returns the exit code. */
#ifndef CCHC_CALL_H
#define CCHC_CALL_H

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"

/* Makes body (a message of the type the Request's oneof member `kind`
 * holds) the request's body. Returns 0, or -1 when kind is no body member
 * or body is of another type (a programming error, left unchanged). */
int request_set_body(Cchc__V1__Request *request, Cchc__V1__Request__BodyCase kind, void *body);

/* Sends body as a request of that kind with the stored session. On
 * EXIT_OK, *response holds an answer with body `expected` (free with
 * cchc__v1__response__free_unpacked). Otherwise the error was printed and
 * *response is NULL. */
int call(const cli_options *opts, Cchc__V1__Request__BodyCase kind, void *body,
         Cchc__V1__Response__BodyCase expected, Cchc__V1__Response **response);

/* The same for a request that carries more than a body (its own
 * session_token, say); the session token is filled in when it has none. */
int call_request(const cli_options *opts, Cchc__V1__Request *request,
                 Cchc__V1__Response__BodyCase expected, Cchc__V1__Response **response);

/* call without reporting: fills err (exit code, server code name) and
 * returns 0 or -1, for callers that decide what a failure means (the
 * outbox keeps a submission the server could not take yet). On 0 the
 * answer is the server's, whatever its body. */
int call_raw(const cli_options *opts, Cchc__V1__Request__BodyCase kind, void *body,
             Cchc__V1__Response **response, cli_error *err);

#endif
