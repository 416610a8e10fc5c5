/* The connection deadlines of cchcd against peers that connect and do too
 * little: no hello, a frame that never completes (a byte now and then),
 * nothing at all after hello, and a stranger announcing a large frame
 * before hello. Each is closed with one log line naming the limit, and a
 * well-behaved client is served throughout. The deadlines are set short
 * here (and scaled with the harness's time factor) so the test waits for
 * the close, never for a fixed time. */
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

#include "frame.h"
#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;
#define HELLO_MS 400
#define FRAME_MS 400
#define IDLE_MS 600

static int setup(void **state)
{
    (void)state;
    char hello[16], frame[16], idle[16];
    snprintf(hello, sizeof(hello), "%d", harness_scaled_ms(HELLO_MS));
    snprintf(frame, sizeof(frame), "%d", harness_scaled_ms(FRAME_MS));
    snprintf(idle, sizeof(idle), "%d", harness_scaled_ms(IDLE_MS));
    const char *extra[] = {"--hello-timeout", hello, "--frame-timeout", frame,
                           "--idle-timeout", idle, NULL};
    fixture_start(&fx, "deadl", extra);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* For harness_wait_for: cchcd has closed two connections for no hello. */
static int two_without_hello(void *arg)
{
    (void)arg;
    char *log = harness_read_file(srv->log_path);
    int n = 0;
    for (const char *p = log; (p = strstr(p, "no hello within")); p++)
        n++;
    free(log);
    return n >= 2;
}

static void test_no_hello_is_closed(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    assert_true(raw_wait_closed(fd, 10000));
    close(fd);
    harness_wait_log(srv, "no hello within", 5000);
    if (srv->tls) {
        /* the TLS handshake counts: a client that never starts it is
         * closed by the same deadline */
        fd = raw_connect_plain(srv);
        assert_true(raw_wait_closed(fd, 10000));
        close(fd);
        harness_wait_for(two_without_hello, NULL, 5000, "a second \"no hello within\"");
    }
    harness_assert_serves(srv);
}

/* Before hello only a few KiB may be announced: a stranger cannot make
 * the server buffer up to the frame limit. */
static void test_large_frame_before_hello_is_refused(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    uint8_t header[4];
    frame_put_header(header, 100000); /* under --max-frame, over the pre-hello cap */
    raw_send(fd, header, sizeof(header));
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    assert_non_null(resp->error);
    assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE);
    if (!strstr(resp->error->message, "before hello"))
        fail_msg("the refusal does not say why: %s", resp->error->message);
    cchc__v1__response__free_unpacked(resp, NULL);
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
    /* after hello the same size is fine: the cap is lifted */
    fd = raw_connect(srv);
    raw_hello(fd, 1);
    raw_send(fd, header, sizeof(header));
    /* nothing more: the frame stays incomplete, and its deadline ends it */
    assert_true(raw_wait_closed(fd, 10000));
    close(fd);
    harness_wait_log(srv, "a frame took longer than", 5000);
    harness_assert_serves(srv);
}

/* A byte now and then keeps a connection busy but never completes a
 * frame: it is closed by the frame deadline, not kept by the activity. */
static void test_trickled_frame_is_closed(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    uint8_t header[4];
    frame_put_header(header, 50);
    raw_send(fd, header, sizeof(header));
    int closed = 0;
    for (int i = 0; i < 40 && !closed; i++) {
        /* once the server closed, this send fails: that is the point */
        (void)raw_try_send(fd, "x", 1);
        closed = raw_wait_closed(fd, harness_scaled_ms(FRAME_MS) / 4);
    }
    assert_true(closed);
    close(fd);
    harness_assert_serves(srv);
}

static void test_idle_connection_is_closed(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    assert_true(raw_wait_closed(fd, 10000));
    close(fd);
    harness_wait_log(srv, "idle for", 5000);
    harness_assert_serves(srv);
}

/* The real client, which says hello at once and asks, is never hurt. */
static void test_client_unaffected(void **state)
{
    (void)state;
    const char *ping[] = {"ping", NULL};
    harness_cchc_ok(srv, ping);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_hello_is_closed),
        cmocka_unit_test(test_large_frame_before_hello_is_refused),
        cmocka_unit_test(test_trickled_frame_is_closed),
        cmocka_unit_test(test_idle_connection_is_closed),
        cmocka_unit_test(test_client_unaffected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
