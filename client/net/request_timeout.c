/* See request_timeout.h. */
#include "request_timeout.h"

int request_is_long(Cchc__V1__Request__BodyCase kind)
{
    return kind == CCHC__V1__REQUEST__BODY_EXPORT || kind == CCHC__V1__REQUEST__BODY_REPORT_BUNDLE ||
           kind == CCHC__V1__REQUEST__BODY_TREND;
}

int request_timeout_ms(const cli_options *opts, Cchc__V1__Request__BodyCase kind)
{
    if (request_is_long(kind) && opts->timeout_long_ms > 0)
        return opts->timeout_long_ms;
    return opts->timeout_ms;
}
