/* End-to-end tests of cchcd's connection caps (server/net/listener.c):
 * past --max-connections-per-address from one address, or past
 * --max-connections in all, a new connection is closed at once with one
 * log line saying which limit, while the connections already open and
 * those from other addresses are served; a freed place can be taken
 * again. Other loopback addresses (127.0.0.2, .3) stand for other hosts:
 * Linux routes all of 127/8 to lo, so a socket bound to one reaches the
 * server on 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* A connection from source that a client would use: over TLS when the
 * server speaks it (the handshake is the client's first bytes). */
static int open_from(const test_server *srv, const char *source)
{
    int fd = raw_connect_plain_from(srv, source);
    raw_start_tls(fd, srv);
    return fd;
}

/* Served: the server answers hello on it (fails the test otherwise). */
static void assert_served(int fd, uint64_t id)
{
    raw_hello(fd, id);
}

/* Refused: closed by the server without a byte read or sent. */
static void assert_refused(int fd)
{
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
}

static void test_per_address_cap(void **state)
{
    (void)state;
    test_db db;
    test_server srv;
    harness_db_create_migrated(&db, "caps_addr");
    const char *args[] = {"--max-connections-per-address", "3", "--max-connections", "100", NULL};
    harness_server_start(&srv, db.conninfo, args);

    int held[3];
    for (int i = 0; i < 3; i++) {
        held[i] = open_from(&srv, "127.0.0.1");
        assert_served(held[i], 1);
    }
    assert_refused(raw_connect_plain_from(&srv, "127.0.0.1"));
    harness_wait_log(&srv, "connections open from 127.0.0.1, the limit is 3 "
                           "(--max-connections-per-address)", 5000);
    /* the three still work; another host is not affected */
    for (int i = 0; i < 3; i++)
        assert_served(held[i], 2);
    int other = open_from(&srv, "127.0.0.2");
    assert_served(other, 1);

    /* once one of the three has gone, its place is free again */
    close(held[0]);
    harness_wait_log(&srv, "client 1 (127.0.0.1:", 5000);
    held[0] = open_from(&srv, "127.0.0.1");
    assert_served(held[0], 1);

    for (int i = 0; i < 3; i++)
        close(held[i]);
    close(other);
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

static void test_total_cap(void **state)
{
    (void)state;
    test_db db;
    test_server srv;
    harness_db_create_migrated(&db, "caps_total");
    const char *args[] = {"--max-connections", "2", NULL};
    harness_server_start(&srv, db.conninfo, args);

    int a = open_from(&srv, "127.0.0.1");
    int b = open_from(&srv, "127.0.0.2");
    assert_served(a, 1);
    assert_served(b, 1);
    assert_refused(raw_connect_plain_from(&srv, "127.0.0.3"));
    harness_wait_log(&srv, "refused: 2 connections open, the limit is 2 (--max-connections)",
                     5000);
    assert_served(a, 2);

    close(a);
    close(b);
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

/* Nonsense values are refused before anything starts. */
static void test_cap_options_checked(void **state)
{
    (void)state;
    const char *zero[] = {CCHCD_BIN, "serve", "--max-connections", "0", NULL};
    const char *word[] = {CCHCD_BIN, "serve", "--max-connections-per-address", "many", NULL};
    run_result r;
    harness_run(&r, NULL, zero);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "--max-connections takes a number"));
    run_result_free(&r);
    harness_run(&r, NULL, word);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "--max-connections-per-address takes a number"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_address_cap),
        cmocka_unit_test(test_total_cap),
        cmocka_unit_test(test_cap_options_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
