/* How long cchc waits for the server, by kind of request: one place that
 * knows which requests are long. An export, the HTML report's bundle or a
 * status trend reads a whole period (or several) and took more than the
 * short default on a loaded machine, while a ping or a submit that takes
 * that long means something is wrong and the person should hear so soon. */
#ifndef CCHC_REQUEST_TIMEOUT_H
#define CCHC_REQUEST_TIMEOUT_H

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"

/* The defaults when neither --timeout nor CCHC_TIMEOUT says otherwise. */
enum { TIMEOUT_SHORT_MS = 10000, TIMEOUT_LONG_MS = 60000 };

/* True for the requests that read a whole period: export, report bundle,
 * trend. */
int request_is_long(Cchc__V1__Request__BodyCase kind);

/* The milliseconds to wait for this request: opts->timeout_long_ms for a
 * long one (when set), else opts->timeout_ms. */
int request_timeout_ms(const cli_options *opts, Cchc__V1__Request__BodyCase kind);

#endif
