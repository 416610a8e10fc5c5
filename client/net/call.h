/* One request, one answer: connect, say hello, call, hang up — what almost
 * every command does. Reports failures itself and returns the exit code. */
#ifndef CCHC_CALL_H
#define CCHC_CALL_H

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"

/* On EXIT_OK, *response holds an answer with body `expected` (free with
 * cchc__v1__response__free_unpacked). Otherwise the error was printed. */
int call_once(const cli_options *opts, Cchc__V1__Request *request,
              Cchc__V1__Response__BodyCase expected, Cchc__V1__Response **response);

/* The same without reporting: fills err (exit code, server code name) and
 * returns 0 or -1, for callers that decide what a failure means (the
 * outbox keeps a submission the server could not take yet). */
int call_raw(const cli_options *opts, Cchc__V1__Request *request,
             Cchc__V1__Response **response, cli_error *err);

#endif
