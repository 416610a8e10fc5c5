/* Pipelined requests served without a session (issue 15, pipelined ping):
 * cchcd decodes such a request once, straight from its frame, when every
 * gate would let it through, and leaves anything unusual to the general
 * path. This checks, through the real server, that the shortcut changes
 * no answer: requests written in one go before and after hello are
 * answered in order, a ping before hello is still refused, a login whose
 * username is not UTF-8 is still refused naming the field, a ping with a
 * field this server does not know is still answered; and that a client
 * that floods pings without ever reading is bounded: cchcd stops reading
 * it once its queued replies reach the high-water mark, holding no more
 * than that and one batch of replies, and keeps serving others.
 * docs/performance.md, "Pipelined ping". */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "protocol.h"

/* cchcd's defaults (server/server.c, server/net/connection.c): the
 * replies queued at which a connection stops being read, and the most
 * replies held back for one write */
#define HIGH_WATER (4u << 20)
#define ONE_BATCH (64u << 10)

static test_db db;

static Cchc__V1__Response *must_read(int fd, uint64_t id)
{
    Cchc__V1__Response *r = raw_read_response(fd, 10000);
    if (!r)
        fail_msg("no answer to request %llu", (unsigned long long)id);
    assert_int_equal(r->request_id, id);
    return r;
}

static void expect_ping(int fd, uint64_t id)
{
    Cchc__V1__Response *r = must_read(fd, id);
    if (r->error)
        fail_msg("ping %llu: %s", (unsigned long long)id, r->error->message);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_PING);
    assert_string_equal(r->ping->server_version, CCHC_VERSION);
    cchc__v1__response__free_unpacked(r, NULL);
}

static void expect_error(int fd, uint64_t id, Cchc__V1__ErrorCode code, const char *message_id)
{
    Cchc__V1__Response *r = must_read(fd, id);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, code);
    assert_string_equal(r->error->message_id, message_id);
    cchc__v1__response__free_unpacked(r, NULL);
}

/* One write: ping, hello, ping, a login whose username is not UTF-8, a
 * ping carrying an unknown field, 100 pings; every answer in order. */
static void gates_hold_in_one_write(test_server *srv)
{
    int fd = raw_connect(srv);
    uint8_t *buf = NULL;
    size_t len = 0;
    raw_append_ping(&buf, &len, 5); /* before hello: refused */
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    hello.client_name = "test_pipelining";
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 6;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    raw_append_request(&buf, &len, &req);
    raw_append_ping(&buf, &len, 7);
    Cchc__V1__LoginRequest login = CCHC__V1__LOGIN_REQUEST__INIT;
    login.username = "qu\xe1n"; /* Latin-1 "quán": not UTF-8 */
    login.password = "Quan-tri-Can-Tho-2023";
    Cchc__V1__Request login_req = CCHC__V1__REQUEST__INIT;
    login_req.request_id = 8;
    login_req.body_case = CCHC__V1__REQUEST__BODY_LOGIN;
    login_req.login = &login;
    raw_append_request(&buf, &len, &login_req);
    /* a ping whose body holds field 15 (a varint) it does not define: a
     * newer client's field, ignored as protobuf says */
    size_t at = len;
    raw_append_ping(&buf, &len, 9);
    static const uint8_t extra[] = {15 << 3, 1};
    /* the frame is header (4 bytes) + request_id (2) + ping tag (1) and
     * length (1); grow the body by the two bytes of field 15 */
    buf = realloc(buf, len + sizeof(extra));
    assert_non_null(buf);
    assert_int_equal(buf[at + 6], (11 << 3) | 2);
    assert_int_equal(buf[at + 7], 0);
    buf[at + 7] = sizeof(extra);
    memcpy(buf + len, extra, sizeof(extra));
    len += sizeof(extra);
    uint32_t payload = (uint32_t)(len - at - 4);
    buf[at] = (uint8_t)(payload >> 24);
    buf[at + 1] = (uint8_t)(payload >> 16);
    buf[at + 2] = (uint8_t)(payload >> 8);
    buf[at + 3] = (uint8_t)payload;
    for (uint64_t id = 100; id < 200; id++)
        raw_append_ping(&buf, &len, id);
    raw_send(fd, buf, len);
    free(buf);

    expect_error(fd, 5, CCHC__V1__ERROR_CODE__FAILED_PRECONDITION,
                 "send hello before any other request");
    Cchc__V1__Response *r = must_read(fd, 6);
    assert_null(r->error);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_HELLO);
    cchc__v1__response__free_unpacked(r, NULL);
    expect_ping(fd, 7);
    r = must_read(fd, 8);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
    assert_string_equal(r->error->message_id, "field %s is not valid UTF-8 or holds a NUL byte");
    assert_int_equal(r->error->n_args, 1);
    assert_string_equal(r->error->args[0], "login.username");
    cchc__v1__response__free_unpacked(r, NULL);
    expect_ping(fd, 9);
    for (uint64_t id = 100; id < 200; id++)
        expect_ping(fd, id);
    close(fd);
}

static void test_gates_plaintext(void **state)
{
    (void)state;
    harness_with_server(&db, 0, gates_hold_in_one_write);
}

static void test_gates_tls(void **state)
{
    (void)state;
    harness_with_server(&db, 1, gates_hold_in_one_write);
}

/* Pings, never a read: cchcd pauses reading at the high-water mark, and
 * what it then holds for the client is bounded; another client is served. */
static void test_ping_flood_without_reading_is_bounded(void **state)
{
    (void)state;
    test_server srv;
    harness_server_start_plaintext(&srv, db.conninfo, NULL);
    int fd = raw_connect_small_window(&srv);
    raw_hello(fd, 1);
    char needle[96];
    snprintf(needle, sizeof(needle), "(127.0.0.1:%d): paused reading: ", raw_local_port(fd));

    uint8_t *chunk = NULL;
    size_t chunk_len = 0;
    for (uint64_t id = 2; id < 2 + 4096; id++)
        raw_append_ping(&chunk, &chunk_len, id);
    /* send until the kernel takes no more and cchcd says it paused; the
     * log line is the event waited for, POLLOUT the pace */
    size_t sent = 0, off = 0;
    int paused = 0;
    for (int rounds = 0; rounds < 600 && !paused; rounds++) {
        ssize_t n = send(fd, chunk + off, chunk_len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += (size_t)n;
            off = (off + (size_t)n) % chunk_len;
            rounds = 0; /* progress: the deadline counts stalls only */
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            fail_msg("send: %s after %zu bytes", strerror(errno), sent);
        paused = harness_log_contains(&srv, needle);
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (!paused)
            poll(&p, 1, 100);
    }
    free(chunk);
    if (!paused) {
        harness_print_log_tail(srv.log_path);
        fail_msg("cchcd did not pause reading after %zu bytes of pings", sent);
    }
    char *line = harness_log_line(&srv, needle);
    assert_non_null(line);
    print_message("after %zu bytes of pings: %s\n", sent, line);
    const char *queued_at = strstr(line, needle) + strlen(needle);
    unsigned long long queued = strtoull(queued_at, NULL, 10);
    assert_non_null(strstr(queued_at, "bytes of replies queued"));
    free(line);
    /* paused because of the replies, and holding at most the mark and
     * one batch of replies beyond it */
    assert_true(queued >= HIGH_WATER);
    assert_true(queued <= HIGH_WATER + ONE_BATCH);

    /* another client is served meanwhile */
    int other = raw_connect_greeted(&srv);
    raw_send_ping(other, 2, 0);
    expect_ping(other, 2);
    close(other);
    close(fd);
    assert_int_equal(harness_server_stop(&srv), 0);
}

static int setup(void **state)
{
    (void)state;
    harness_db_create_migrated(&db, "pipelining");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    harness_db_drop(&db);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gates_plaintext),
        cmocka_unit_test(test_gates_tls),
        cmocka_unit_test(test_ping_flood_without_reading_is_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
