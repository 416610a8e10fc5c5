/* Unit tests of the frame reader and encoder (proto/src/frame.c, wire.c):
 * partial reads, several frames per buffer, the size limit at and past the
 * edge, zero length, a 4 GiB announcement, garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "wire.h"

#define MAX_FRAMES 64

typedef struct collected {
    int count;
    size_t lens[MAX_FRAMES];
    uint8_t *data[MAX_FRAMES];
    int stop_after; /* 0 = never */
} collected;

static int collect(void *ctx, const uint8_t *payload, size_t len)
{
    collected *c = ctx;
    assert_true(c->count < MAX_FRAMES);
    c->lens[c->count] = len;
    c->data[c->count] = malloc(len);
    memcpy(c->data[c->count], payload, len);
    c->count++;
    return c->stop_after && c->count >= c->stop_after;
}

static void collected_free(collected *c)
{
    for (int i = 0; i < c->count; i++)
        free(c->data[i]);
}

/* Appends a frame with payload of `len` bytes, each byte = fill. */
static size_t put_frame(uint8_t *out, uint32_t len, uint8_t fill)
{
    frame_put_header(out, len);
    memset(out + FRAME_HEADER_SIZE, fill, len);
    return FRAME_HEADER_SIZE + len;
}

static void test_header_roundtrip(void **state)
{
    (void)state;
    uint8_t h[4];
    frame_put_header(h, 0x01020304u);
    assert_int_equal(h[0], 1);
    assert_int_equal(h[3], 4);
    assert_int_equal(frame_get_header(h), 0x01020304u);
    frame_put_header(h, 0xFFFFFFFFu);
    assert_int_equal(frame_get_header(h), 0xFFFFFFFFu);
}

static void test_one_frame_whole(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = put_frame(buf, 10, 0xAB);
    frame_reader r;
    frame_reader_init(&r, 1024);
    collected c = {0};
    assert_int_equal(frame_reader_feed(&r, buf, n, collect, &c, NULL), FRAME_OK);
    assert_int_equal(c.count, 1);
    assert_int_equal(c.lens[0], 10);
    assert_int_equal(c.data[0][9], 0xAB);
    assert_false(frame_reader_has_partial(&r));
    assert_int_equal(frame_reader_buffered(&r), 0);
    collected_free(&c);
    frame_reader_reset(&r);
}

static void test_byte_by_byte(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t n = put_frame(buf, 100, 1);
    n += put_frame(buf + n, 3, 2);
    frame_reader r;
    frame_reader_init(&r, 1024);
    collected c = {0};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(frame_reader_feed(&r, buf + i, 1, collect, &c, NULL), FRAME_OK);
        if (i < 103)
            assert_int_equal(c.count, 0);
    }
    assert_int_equal(c.count, 2);
    assert_int_equal(c.lens[0], 100);
    assert_int_equal(c.lens[1], 3);
    assert_int_equal(c.data[0][50], 1);
    assert_int_equal(c.data[1][2], 2);
    assert_false(frame_reader_has_partial(&r));
    assert_int_equal(frame_reader_buffered(&r), 0);
    collected_free(&c);
    frame_reader_reset(&r);
}

/* Every split point of a three-frame stream gives the same frames. */
static void test_every_split_point(void **state)
{
    (void)state;
    uint8_t buf[128];
    size_t n = put_frame(buf, 7, 7);
    n += put_frame(buf + n, 20, 20);
    n += put_frame(buf + n, 1, 1);
    for (size_t split = 0; split <= n; split++) {
        frame_reader r;
        frame_reader_init(&r, 1024);
        collected c = {0};
        assert_int_equal(frame_reader_feed(&r, buf, split, collect, &c, NULL), FRAME_OK);
        assert_int_equal(frame_reader_feed(&r, buf + split, n - split, collect, &c, NULL),
                         FRAME_OK);
        assert_int_equal(c.count, 3);
        assert_int_equal(c.lens[0], 7);
        assert_int_equal(c.lens[1], 20);
        assert_int_equal(c.lens[2], 1);
        assert_int_equal(c.data[1][19], 20);
        assert_false(frame_reader_has_partial(&r));
        collected_free(&c);
        frame_reader_reset(&r);
    }
}

static void test_many_frames_one_buffer(void **state)
{
    (void)state;
    uint8_t buf[50 * 9];
    size_t n = 0;
    for (int i = 0; i < 50; i++)
        n += put_frame(buf + n, 5, (uint8_t)i);
    frame_reader r;
    frame_reader_init(&r, 1024);
    collected c = {0};
    assert_int_equal(frame_reader_feed(&r, buf, n, collect, &c, NULL), FRAME_OK);
    assert_int_equal(c.count, 50);
    for (int i = 0; i < 50; i++)
        assert_int_equal(c.data[i][0], i);
    collected_free(&c);
    frame_reader_reset(&r);
}

static void test_exactly_max(void **state)
{
    (void)state;
    const uint32_t max = 4096;
    uint8_t *buf = malloc(FRAME_HEADER_SIZE + max);
    size_t n = put_frame(buf, max, 9);
    frame_reader r;
    frame_reader_init(&r, max);
    collected c = {0};
    /* in two pieces, so the partial path buffers exactly max bytes */
    assert_int_equal(frame_reader_feed(&r, buf, 100, collect, &c, NULL), FRAME_OK);
    assert_true(frame_reader_has_partial(&r));
    assert_true(frame_reader_buffered(&r) <= max);
    assert_int_equal(frame_reader_feed(&r, buf + 100, n - 100, collect, &c, NULL), FRAME_OK);
    assert_int_equal(c.count, 1);
    assert_int_equal(c.lens[0], max);
    collected_free(&c);
    frame_reader_reset(&r);
    free(buf);
}

static void test_one_byte_over(void **state)
{
    (void)state;
    uint8_t header[4];
    frame_put_header(header, 4097);
    frame_reader r;
    frame_reader_init(&r, 4096);
    collected c = {0};
    uint32_t bad = 0;
    assert_int_equal(frame_reader_feed(&r, header, 4, collect, &c, &bad),
                     FRAME_ERR_TOO_LARGE);
    assert_int_equal(bad, 4097);
    assert_int_equal(c.count, 0);
    assert_int_equal(frame_reader_buffered(&r), 0); /* nothing buffered */
    frame_reader_reset(&r);
}

static void test_too_large_detected_in_pieces(void **state)
{
    (void)state;
    uint8_t header[4];
    frame_put_header(header, 5000);
    frame_reader r;
    frame_reader_init(&r, 4096);
    collected c = {0};
    assert_int_equal(frame_reader_feed(&r, header, 2, collect, &c, NULL), FRAME_OK);
    assert_int_equal(frame_reader_feed(&r, header + 2, 2, collect, &c, NULL),
                     FRAME_ERR_TOO_LARGE);
    frame_reader_reset(&r);
}

static void test_zero_length(void **state)
{
    (void)state;
    uint8_t buf[4] = {0, 0, 0, 0};
    frame_reader r;
    frame_reader_init(&r, 4096);
    collected c = {0};
    uint32_t bad = 99;
    assert_int_equal(frame_reader_feed(&r, buf, 4, collect, &c, &bad), FRAME_ERR_EMPTY);
    assert_int_equal(bad, 0);
    assert_int_equal(c.count, 0);
    frame_reader_reset(&r);
}

static void test_four_gib_announcement(void **state)
{
    (void)state;
    uint8_t buf[8] = {0xFF, 0xFF, 0xFF, 0xFF, 'a', 'b', 'c', 'd'};
    frame_reader r;
    frame_reader_init(&r, 1024 * 1024);
    collected c = {0};
    uint32_t bad = 0;
    assert_int_equal(frame_reader_feed(&r, buf, sizeof(buf), collect, &c, &bad),
                     FRAME_ERR_TOO_LARGE);
    assert_int_equal(bad, 0xFFFFFFFFu);
    assert_int_equal(frame_reader_buffered(&r), 0);
    frame_reader_reset(&r);
}

static void test_sink_stop(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = put_frame(buf, 3, 1);
    n += put_frame(buf + n, 3, 2);
    frame_reader r;
    frame_reader_init(&r, 1024);
    collected c = {.stop_after = 1};
    assert_int_equal(frame_reader_feed(&r, buf, n, collect, &c, NULL), FRAME_STOPPED);
    assert_int_equal(c.count, 1);
    collected_free(&c);
    frame_reader_reset(&r);
}

/* Random garbage must end in frames or a clean error, never a crash, and
 * never a frame larger than the limit. Fixed seed: reproducible. */
static void test_random_garbage(void **state)
{
    (void)state;
    srand(12345);
    uint8_t buf[512];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rand() % (int)sizeof(buf));
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rand();
        frame_reader r;
        frame_reader_init(&r, 256);
        collected c = {0};
        size_t pos = 0;
        frame_status st = FRAME_OK;
        while (pos < n && st == FRAME_OK) {
            size_t chunk = 1 + (size_t)(rand() % 64);
            if (chunk > n - pos)
                chunk = n - pos;
            st = frame_reader_feed(&r, buf + pos, chunk, collect, &c, NULL);
            pos += chunk;
        }
        assert_true(st == FRAME_OK || st == FRAME_ERR_TOO_LARGE || st == FRAME_ERR_EMPTY);
        for (int i = 0; i < c.count; i++)
            assert_true(c.lens[i] >= 1 && c.lens[i] <= 256);
        /* Garbage decoded as a Request never crashes either. */
        for (int i = 0; i < c.count; i++) {
            Cchc__V1__Request *req = wire_decode_request(c.data[i], c.lens[i]);
            if (req)
                cchc__v1__request__free_unpacked(req, NULL);
        }
        collected_free(&c);
        frame_reader_reset(&r);
    }
}

static void test_encode_decode_request(void **state)
{
    (void)state;
    Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
    ping.check_database = 1;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 42;
    req.body_case = CCHC__V1__REQUEST__BODY_PING;
    req.ping = &ping;
    uint8_t *frame;
    size_t len, payload;
    assert_int_equal(wire_encode_frame(&req.base, 1024, &frame, &len, &payload), 0);
    assert_int_equal(len, payload + FRAME_HEADER_SIZE);
    assert_int_equal(frame_get_header(frame), payload);
    Cchc__V1__Request *back = wire_decode_request(frame + 4, payload);
    assert_non_null(back);
    assert_int_equal(back->request_id, 42);
    assert_int_equal(back->body_case, CCHC__V1__REQUEST__BODY_PING);
    assert_true(back->ping->check_database);
    cchc__v1__request__free_unpacked(back, NULL);
    free(frame);
    /* a limit smaller than the payload refuses to encode */
    assert_int_equal(wire_encode_frame(&req.base, (uint32_t)payload - 1, &frame, &len, NULL), -1);
    assert_null(frame);
}

static void test_error_code_names(void **state)
{
    (void)state;
    assert_string_equal(wire_error_code_name(CCHC__V1__ERROR_CODE__UNAVAILABLE), "unavailable");
    assert_string_equal(wire_error_code_name(CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE),
                        "frame_too_large");
    assert_string_equal(wire_error_code_name((Cchc__V1__ErrorCode)999), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_roundtrip),
        cmocka_unit_test(test_one_frame_whole),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_every_split_point),
        cmocka_unit_test(test_many_frames_one_buffer),
        cmocka_unit_test(test_exactly_max),
        cmocka_unit_test(test_one_byte_over),
        cmocka_unit_test(test_too_large_detected_in_pieces),
        cmocka_unit_test(test_zero_length),
        cmocka_unit_test(test_four_gib_announcement),
        cmocka_unit_test(test_sink_stop),
        cmocka_unit_test(test_random_garbage),
        cmocka_unit_test(test_encode_decode_request),
        cmocka_unit_test(test_error_code_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
