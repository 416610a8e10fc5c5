/* Unit tests of HOST:PORT parsing (common/hostport.c), shared by
 * cchcd --listen and cchc --server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hostport.h"

static void expect_ok(const char *text, const char *host, const char *port)
{
    hostport hp;
    char err[256] = "";
    assert_int_equal(hostport_parse(text, "7121", &hp, err, sizeof(err)), 0);
    assert_string_equal(hp.host, host);
    assert_string_equal(hp.port, port);
}

static void expect_bad(const char *text, const char *needle)
{
    hostport hp;
    char err[256] = "";
    assert_int_equal(hostport_parse(text, "7121", &hp, err, sizeof(err)), -1);
    assert_non_null(strstr(err, needle));
}

static void test_accepted(void **state)
{
    (void)state;
    expect_ok("127.0.0.1:7121", "127.0.0.1", "7121");
    expect_ok("localhost:80", "localhost", "80");
    expect_ok("[::1]:9000", "::1", "9000");
    expect_ok("[::1]", "::1", "7121");
    expect_ok(":7000", "", "7000");
    expect_ok("cchc.cantho.gov.vn", "cchc.cantho.gov.vn", "7121");
    expect_ok("0.0.0.0:0", "0.0.0.0", "0");
}

static void test_refused(void **state)
{
    (void)state;
    expect_bad("", "empty");
    expect_bad("host:", "port");
    expect_bad("host:70000", "port");
    expect_bad("host:12a", "port");
    expect_bad("::1:80", "brackets");
    expect_bad("[::1", "]");
    expect_bad("[::1]x", "':PORT'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
