/* The server against hostile or careless peers, over real TCP: garbage,
 * oversized and empty frames, payloads that are not protobuf, requests
 * before hello, incompatible versions, unknown request types, pipelined
 * requests. After each, the server must still serve a well-behaved client,
 * and at the end it must exit cleanly on SIGTERM (under ASan+UBSan too). */
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
#include "protocol.h"
#include "wire.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;
#define SMALL_MAX_FRAME 200

static int setup(void **state)
{
    (void)state;
    const char *extra[] = {"--max-frame", "200", NULL};
    fixture_start(&fx, "proto", extra);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

static void expect_error(int fd, uint64_t id, Cchc__V1__ErrorCode code, const char *needle)
{
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    assert_int_equal(resp->request_id, id);
    assert_non_null(resp->error);
    assert_int_equal(resp->error->code, code);
    if (needle && !strstr(resp->error->message, needle))
        fail_msg("error message '%s' lacks '%s'", resp->error->message, needle);
    cchc__v1__response__free_unpacked(resp, NULL);
}

static void test_random_garbage_keeps_others_served(void **state)
{
    (void)state;
    int good = raw_connect(srv);
    raw_hello(good, 1);
    srand(7121);
    for (int round = 0; round < 20; round++) {
        int bad = raw_connect(srv);
        uint8_t junk[700];
        for (size_t i = 0; i < sizeof(junk); i++)
            junk[i] = (uint8_t)rand();
        raw_send(bad, junk, sizeof(junk));
        /* whatever the junk announced, the server ends it one way or another */
        close(bad);
    }
    raw_send_ping(good, 2, 0);
    Cchc__V1__Response *resp = raw_read_response(good, 5000);
    assert_non_null(resp);
    assert_null(resp->error);
    cchc__v1__response__free_unpacked(resp, NULL);
    close(good);
    harness_assert_serves(srv);
}

static void test_oversized_frame_is_refused_and_closed(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    uint8_t header[4];
    frame_put_header(header, SMALL_MAX_FRAME + 1);
    raw_send(fd, header, 4);
    expect_error(fd, 0, CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE, "exceeds the limit of 200");
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
    harness_assert_serves(srv);
}

static void test_four_gib_announcement(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    uint8_t header[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    raw_send(fd, header, 4);
    expect_error(fd, 0, CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE, "4294967295");
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
    harness_assert_serves(srv);
}

/* Exactly the limit is accepted; the limit is on the payload. */
static void test_frame_of_exactly_max_is_accepted(void **state)
{
    (void)state;
    char name[SMALL_MAX_FRAME];
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 5;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    /* grow client_name until the payload is exactly the limit */
    size_t n = 0;
    for (; n < sizeof(name) - 1; n++) {
        memset(name, 'x', n);
        name[n] = '\0';
        hello.client_name = name;
        if (protobuf_c_message_get_packed_size(&req.base) == SMALL_MAX_FRAME)
            break;
    }
    assert_int_equal(protobuf_c_message_get_packed_size(&req.base), SMALL_MAX_FRAME);
    int fd = raw_connect(srv);
    raw_send_request(fd, &req);
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    assert_null(resp->error);
    assert_int_equal(resp->body_case, CCHC__V1__RESPONSE__BODY_HELLO);
    assert_int_equal(resp->hello->max_frame_size, SMALL_MAX_FRAME);
    cchc__v1__response__free_unpacked(resp, NULL);
    /* one more byte of name: one byte over the limit */
    name[n] = 'x';
    name[n + 1] = '\0';
    raw_send_request(fd, &req);
    expect_error(fd, 0, CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE, NULL);
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
}

static void test_zero_length_frame(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    uint8_t header[4] = {0, 0, 0, 0};
    raw_send(fd, header, 4);
    expect_error(fd, 0, CCHC__V1__ERROR_CODE__MALFORMED, "empty");
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
    harness_assert_serves(srv);
}

/* A frame whose payload is not a Request: error, but the stream is intact
 * so the connection goes on. */
static void test_payload_not_protobuf(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    uint8_t frame[4 + 5];
    frame_put_header(frame, 5);
    memcpy(frame + 4, "\xFF\xFF\xFF\xFF\xFF", 5);
    raw_send(fd, frame, sizeof(frame));
    expect_error(fd, 0, CCHC__V1__ERROR_CODE__MALFORMED, "not a cchc.v1.Request");
    raw_hello(fd, 9);
    close(fd);
}

static void test_request_id_zero(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.body_case = CCHC__V1__REQUEST__BODY_PING;
    req.ping = &ping;
    raw_send_request(fd, &req);
    expect_error(fd, 0, CCHC__V1__ERROR_CODE__MALFORMED, "request_id");
    close(fd);
}

static void test_hello_required_first(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    raw_send_ping(fd, 3, 0);
    expect_error(fd, 3, CCHC__V1__ERROR_CODE__FAILED_PRECONDITION, "hello");
    raw_hello(fd, 4);
    raw_send_ping(fd, 5, 0);
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    assert_null(resp->error);
    cchc__v1__response__free_unpacked(resp, NULL);
    close(fd);
}

static void test_version_mismatch(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = 99;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 1;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    raw_send_request(fd, &req);
    expect_error(fd, 1, CCHC__V1__ERROR_CODE__VERSION_MISMATCH, "protocol version 99");
    /* still not past hello */
    raw_send_ping(fd, 2, 0);
    expect_error(fd, 2, CCHC__V1__ERROR_CODE__FAILED_PRECONDITION, NULL);
    close(fd);
}

/* A request type from a newer client: request_id 7 plus field 999, which
 * this server's schema does not know. */
static void test_unknown_request_type(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    const uint8_t payload[] = {0x08, 0x07, 0xBA, 0x3E, 0x00};
    uint8_t frame[4 + sizeof(payload)];
    frame_put_header(frame, sizeof(payload));
    memcpy(frame + 4, payload, sizeof(payload));
    raw_send(fd, frame, sizeof(frame));
    expect_error(fd, 7, CCHC__V1__ERROR_CODE__UNSUPPORTED, "does not know");
    close(fd);
}

/* Hello and 50 pings in one write; every id answered exactly once. */
static void test_pipelined_requests(void **state)
{
    (void)state;
    enum { N = 50 };
    uint8_t *stream = NULL;
    size_t stream_len = 0;
    for (int i = 0; i <= N; i++) {
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
        Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
        req.request_id = (uint64_t)(i + 1);
        if (i == 0) {
            hello.protocol_version = CCHC_PROTOCOL_VERSION;
            req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
            req.hello = &hello;
        } else {
            ping.check_database = i % 2; /* mix answers from the pool and inline */
            req.body_case = CCHC__V1__REQUEST__BODY_PING;
            req.ping = &ping;
        }
        uint8_t *frame;
        size_t len;
        assert_int_equal(wire_encode_frame(&req.base, SMALL_MAX_FRAME, &frame, &len, NULL), 0);
        stream = realloc(stream, stream_len + len);
        memcpy(stream + stream_len, frame, len);
        stream_len += len;
        free(frame);
    }
    int fd = raw_connect(srv);
    raw_send(fd, stream, stream_len);
    free(stream);
    int seen[N + 2] = {0};
    for (int i = 0; i <= N; i++) {
        Cchc__V1__Response *resp = raw_read_response(fd, 5000);
        assert_non_null(resp);
        assert_null(resp->error);
        assert_true(resp->request_id >= 1 && resp->request_id <= N + 1);
        seen[resp->request_id]++;
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    for (int i = 1; i <= N + 1; i++)
        assert_int_equal(seen[i], 1);
    close(fd);
}

/* Half a frame, then the peer vanishes: nothing leaks, nothing breaks. */
static void test_disconnect_mid_frame(void **state)
{
    (void)state;
    for (int i = 0; i < 10; i++) {
        int fd = raw_connect(srv);
        uint8_t partial[4 + 3];
        frame_put_header(partial, 50);
        memset(partial + 4, 1, 3);
        raw_send(fd, partial, sizeof(partial));
        close(fd);
    }
    /* and a frame delivered one byte at a time still works */
    int fd = raw_connect(srv);
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 11;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    uint8_t *frame;
    size_t len;
    assert_int_equal(wire_encode_frame(&req.base, SMALL_MAX_FRAME, &frame, &len, NULL), 0);
    for (size_t i = 0; i < len; i++) {
        raw_send(fd, frame + i, 1);
        /* a deliberate pause, not a wait: each byte should reach the
         * server on its own read, as from a slow link */
        harness_sleep_ms(2);
    }
    free(frame);
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    assert_int_equal(resp->request_id, 11);
    assert_null(resp->error);
    cchc__v1__response__free_unpacked(resp, NULL);
    close(fd);
    harness_assert_serves(srv);
}

/* The peer sends its requests and closes its sending side: it still gets
 * every answer before the server closes. */
static void test_half_close_still_answered(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    for (uint64_t id = 2; id < 12; id++)
        raw_send_ping(fd, id, (int)(id % 2));
    shutdown(fd, SHUT_WR);
    int answered = 0;
    Cchc__V1__Response *resp;
    while ((resp = raw_read_response(fd, 5000)) != NULL) {
        assert_null(resp->error);
        answered++;
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    assert_int_equal(answered, 10);
    close(fd);
}

/* An oversized frame whose payload keeps coming: the refusal still arrives
 * (closing with unread input would reset the connection and lose it). */
static void test_oversized_frame_with_payload_gets_its_answer(void **state)
{
    (void)state;
    int fd = raw_connect(srv);
    uint8_t junk[4 + 60000];
    memset(junk, 'x', sizeof(junk));
    frame_put_header(junk, 60000);
    raw_send(fd, junk, sizeof(junk));
    expect_error(fd, 0, CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE, "60000");
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
    harness_assert_serves(srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_garbage_keeps_others_served),
        cmocka_unit_test(test_oversized_frame_is_refused_and_closed),
        cmocka_unit_test(test_four_gib_announcement),
        cmocka_unit_test(test_frame_of_exactly_max_is_accepted),
        cmocka_unit_test(test_zero_length_frame),
        cmocka_unit_test(test_payload_not_protobuf),
        cmocka_unit_test(test_request_id_zero),
        cmocka_unit_test(test_hello_required_first),
        cmocka_unit_test(test_version_mismatch),
        cmocka_unit_test(test_unknown_request_type),
        cmocka_unit_test(test_pipelined_requests),
        cmocka_unit_test(test_disconnect_mid_frame),
        cmocka_unit_test(test_half_close_still_answered),
        cmocka_unit_test(test_oversized_frame_with_payload_gets_its_answer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
