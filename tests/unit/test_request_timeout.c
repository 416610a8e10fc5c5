/* Why this exists: the long requests (export, the HTML report's bundle,
 * trend) wait 60 s by default and the others 10 s; a --timeout or
 * CCHC_TIMEOUT the person gives is meant for every request. A request
 * kind dropped from the long list, or a given timeout ignored for the
 * long ones, would only show as a timeout on a loaded machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "request_timeout.h"

static cli_options defaults(void)
{
    cli_options o;
    memset(&o, 0, sizeof(o));
    o.timeout_ms = TIMEOUT_SHORT_MS;
    o.timeout_long_ms = TIMEOUT_LONG_MS;
    return o;
}

static void long_requests_wait_longer_by_default(void **state)
{
    (void)state;
    cli_options o = defaults();
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_EXPORT), 60000);
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_REPORT_BUNDLE), 60000);
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_TREND), 60000);
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_PING), 10000);
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_STATUS), 10000);
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_REPORT_SUBMIT), 10000);
}

static void a_given_timeout_is_for_every_request(void **state)
{
    (void)state;
    cli_options o = defaults();
    o.timeout_ms = o.timeout_long_ms = 2500; /* what main does with --timeout 2500 */
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_EXPORT), 2500);
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_PING), 2500);
}

static void options_without_a_long_timeout_use_the_short_one(void **state)
{
    (void)state;
    cli_options o = defaults();
    o.timeout_long_ms = 0; /* a copy made before the long timeout existed */
    assert_int_equal(request_timeout_ms(&o, CCHC__V1__REQUEST__BODY_EXPORT), 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_requests_wait_longer_by_default),
        cmocka_unit_test(a_given_timeout_is_for_every_request),
        cmocka_unit_test(options_without_a_long_timeout_use_the_short_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
