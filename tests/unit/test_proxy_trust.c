/* Unit tests of the trusted-proxy list (server/net/proxy_trust.c, cchcd
 * --proxy-from): which spellings it takes, which it refuses with a reason
 * (a list that trusted more than meant would let anyone claim any client
 * address), and which peers match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "proxy_trust.h"

/* Whether the peer address text (IPv4 or IPv6) matches the list. */
static int matches(const proxy_trust *t, const char *peer)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (strchr(peer, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        assert_int_equal(inet_pton(AF_INET6, peer, &a6->sin6_addr), 1);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        assert_int_equal(inet_pton(AF_INET, peer, &a4->sin_addr), 1);
    }
    return proxy_trust_match(t, (struct sockaddr *)&ss);
}

static void test_addresses_and_prefixes(void **state)
{
    (void)state;
    proxy_trust t;
    char err[200] = "";
    assert_int_equal(proxy_trust_parse(&t, "10.0.0.2, 10.1.0.0/16,fd00::/8 ,::1,172.16.0.0/12",
                                       err, sizeof(err)),
                     0);
    assert_int_equal(t.n, 5);
    assert_true(matches(&t, "10.0.0.2"));
    assert_false(matches(&t, "10.0.0.3"));
    assert_true(matches(&t, "10.1.255.7"));
    assert_false(matches(&t, "10.2.0.1"));
    assert_true(matches(&t, "fd12:3456::1"));
    assert_false(matches(&t, "fe80::1"));
    assert_true(matches(&t, "::1"));
    assert_false(matches(&t, "::2"));
    /* /12 is not a whole number of bytes: 172.16.0.0 to 172.31.255.255 */
    assert_true(matches(&t, "172.31.255.255"));
    assert_false(matches(&t, "172.32.0.0"));
    assert_false(matches(&t, "172.15.255.255"));
    /* an IPv4 peer seen on an IPv6 socket matches the IPv4 entries */
    assert_true(matches(&t, "::ffff:10.0.0.2"));
    assert_false(matches(&t, "::ffff:10.0.0.3"));
    /* and not the IPv6 ones by accident */
    assert_false(matches(&t, "::ffff:127.0.0.1"));
}

static void test_one_address(void **state)
{
    (void)state;
    proxy_trust t;
    char err[200] = "";
    assert_int_equal(proxy_trust_parse(&t, "127.0.0.2", err, sizeof(err)), 0);
    assert_true(matches(&t, "127.0.0.2"));
    assert_false(matches(&t, "127.0.0.1"));
    assert_false(matches(&t, "2001:db8::1"));
    assert_int_equal(proxy_trust_parse(&t, "127.0.0.2/32", err, sizeof(err)), 0);
    assert_true(matches(&t, "127.0.0.2"));
    assert_int_equal(proxy_trust_parse(&t, "2001:db8::1/128", err, sizeof(err)), 0);
    assert_true(matches(&t, "2001:db8::1"));
    assert_false(matches(&t, "2001:db8::2"));
}

static void expect_refused(const char *list, const char *why)
{
    proxy_trust t;
    char err[200] = "";
    assert_int_equal(proxy_trust_parse(&t, list, err, sizeof(err)), -1);
    if (!strstr(err, why))
        fail_msg("'%s': expected '%s' in '%s'", list, why, err);
}

static void test_refused(void **state)
{
    (void)state;
    expect_refused("", "not an address");
    expect_refused("10.0.0.2,", "not an address");
    expect_refused(",10.0.0.2", "not an address");
    expect_refused("cchc-lb.local", "not an IPv4 or IPv6 address");
    expect_refused("10.0.0.256", "not an IPv4 or IPv6 address");
    expect_refused("10.0.0.1/8", "bits set past");
    expect_refused("fd00::1/8", "bits set past");
    expect_refused("10.0.0.0/33", "prefix length");
    expect_refused("fd00::/129", "prefix length");
    expect_refused("10.0.0.0/", "prefix length");
    expect_refused("10.0.0.0/x", "prefix length");
    expect_refused("10.0.0.0/-1", "prefix length");
    expect_refused("0.0.0.0/0", "every address");
    expect_refused("::/0", "every address");
    expect_refused("10.0.0.2;10.0.0.3", "not an IPv4");
    expect_refused("10.0.0.2 10.0.0.3", "commas");
    char many[4096] = "";
    for (int i = 0; i <= PROXY_TRUST_MAX; i++) {
        char one[32];
        snprintf(one, sizeof(one), "%s10.0.%d.1", i ? "," : "", i);
        strcat(many, one);
    }
    expect_refused(many, "more than");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses_and_prefixes),
        cmocka_unit_test(test_one_address),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
