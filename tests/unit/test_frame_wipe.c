/* The frame reader zeroes a buffered partial frame, and the input it keeps
 * while paused, before their memory goes back to the allocator
 * (proto/src/frame.c): a frame cut by a read, or requests read but not yet
 * taken, may hold a login's password or a session token. Linked with -Wl,--wrap=free, so
 * every free of the frame reader passes through __wrap_free here first,
 * which looks at the bytes of the block the reader held just before it is
 * freed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"

void __real_free(void *p);
void __wrap_free(void *p);

/* The block being watched and how many of its bytes were written. */
static const uint8_t *watched;
static size_t watched_len;
static int watched_freed, watched_clean;

void __wrap_free(void *p)
{
    if (p && p == watched) {
        watched_freed = 1;
        watched_clean = 1;
        for (size_t i = 0; i < watched_len; i++)
            if (watched[i] != 0)
                watched_clean = 0;
        watched = NULL;
    }
    __real_free(p);
}

static void watch(const frame_reader *reader)
{
    watched = reader->payload;
    watched_len = reader->payload_len;
    watched_freed = watched_clean = 0;
}

static void watch_kept(const frame_reader *reader)
{
    watched = reader->kept;
    watched_len = reader->kept_len;
    watched_freed = watched_clean = 0;
}

static int ignore(void *ctx, const uint8_t *payload, size_t len)
{
    (void)ctx;
    (void)payload;
    (void)len;
    return 0;
}

static int pause_each(void *ctx, const uint8_t *payload, size_t len)
{
    (void)ctx;
    (void)payload;
    (void)len;
    return FRAME_SINK_PAUSE;
}

/* A frame of len bytes of 'S' (the "secret"), header included. */
static uint8_t *secret_frame(uint32_t len)
{
    uint8_t *frame = malloc(FRAME_HEADER_SIZE + len);
    frame_put_header(frame, len);
    memset(frame + FRAME_HEADER_SIZE, 'S', len);
    return frame;
}

/* A frame completed by a later read: the buffer is freed once handed out,
 * zeroed first. */
static void test_completed_frame_is_wiped(void **state)
{
    (void)state;
    frame_reader reader;
    frame_reader_init(&reader, 1 << 20);
    uint8_t *frame = secret_frame(100);
    assert_int_equal(frame_reader_feed(&reader, frame, 60, ignore, NULL, NULL), FRAME_OK);
    assert_non_null(reader.payload);
    watch(&reader);
    assert_int_equal(frame_reader_feed(&reader, frame + 60, 44, ignore, NULL, NULL), FRAME_OK);
    assert_true(watched_freed);
    assert_true(watched_clean);
    free(frame);
}

/* Growing the buffer does not leave the old block's bytes behind. */
static void test_grown_buffer_is_wiped(void **state)
{
    (void)state;
    frame_reader reader;
    frame_reader_init(&reader, 1 << 20);
    uint8_t *frame = secret_frame(20000);
    assert_int_equal(frame_reader_feed(&reader, frame, 1000, ignore, NULL, NULL), FRAME_OK);
    watch(&reader);
    size_t first_cap = reader.payload_cap;
    assert_int_equal(frame_reader_feed(&reader, frame + 1000, 9000, ignore, NULL, NULL),
                     FRAME_OK);
    assert_true(reader.payload_cap > first_cap); /* it did grow */
    assert_true(watched_freed);
    assert_true(watched_clean);
    /* the bytes moved to the new block intact */
    for (size_t i = 0; i < reader.payload_len; i++)
        assert_int_equal(reader.payload[i], 'S');
    frame_reader_reset(&reader);
    free(frame);
}

/* A connection that closes mid-frame: reset wipes what was buffered. */
static void test_reset_wipes_partial_frame(void **state)
{
    (void)state;
    frame_reader reader;
    frame_reader_init(&reader, 1 << 20);
    uint8_t *frame = secret_frame(5000);
    assert_int_equal(frame_reader_feed(&reader, frame, 3000, ignore, NULL, NULL), FRAME_OK);
    watch(&reader);
    frame_reader_reset(&reader);
    assert_true(watched_freed);
    assert_true(watched_clean);
    free(frame);
}

/* Three secret frames back to back, as one read would bring them. */
static uint8_t *three_frames(size_t *len)
{
    uint8_t *one = secret_frame(50);
    uint8_t *three = malloc(3 * 54);
    for (int i = 0; i < 3; i++)
        memcpy(three + 54 * i, one, 54);
    free(one);
    *len = 3 * 54;
    return three;
}

/* Input kept while paused is zeroed when the last of it is read. */
static void test_kept_input_is_wiped_when_read(void **state)
{
    (void)state;
    size_t len;
    uint8_t *input = three_frames(&len);
    frame_reader reader;
    frame_reader_init(&reader, 1 << 20);
    assert_int_equal(frame_reader_feed(&reader, input, len, pause_each, NULL, NULL),
                     FRAME_PAUSED);
    assert_non_null(reader.kept);
    watch_kept(&reader);
    assert_int_equal(frame_reader_resume(&reader, pause_each, NULL, NULL), FRAME_PAUSED);
    assert_false(watched_freed); /* one frame still kept */
    assert_int_equal(frame_reader_resume(&reader, ignore, NULL, NULL), FRAME_OK);
    assert_true(watched_freed);
    assert_true(watched_clean);
    frame_reader_reset(&reader);
    free(input);
}

/* A connection closing while paused: reset wipes the kept input. */
static void test_reset_wipes_kept_input(void **state)
{
    (void)state;
    size_t len;
    uint8_t *input = three_frames(&len);
    frame_reader reader;
    frame_reader_init(&reader, 1 << 20);
    assert_int_equal(frame_reader_feed(&reader, input, len, pause_each, NULL, NULL),
                     FRAME_PAUSED);
    watch_kept(&reader);
    frame_reader_reset(&reader);
    assert_true(watched_freed);
    assert_true(watched_clean);
    free(input);
}

/* Input fed while paused moves the kept bytes to a new block: the old
 * one is zeroed. */
static void test_appending_wipes_old_kept_block(void **state)
{
    (void)state;
    size_t len;
    uint8_t *input = three_frames(&len);
    frame_reader reader;
    frame_reader_init(&reader, 1 << 20);
    assert_int_equal(frame_reader_feed(&reader, input, len, pause_each, NULL, NULL),
                     FRAME_PAUSED);
    watch_kept(&reader);
    assert_int_equal(frame_reader_feed(&reader, input, len, pause_each, NULL, NULL),
                     FRAME_PAUSED);
    assert_true(watched_freed);
    assert_true(watched_clean);
    frame_reader_reset(&reader);
    free(input);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_completed_frame_is_wiped),
        cmocka_unit_test(test_grown_buffer_is_wiped),
        cmocka_unit_test(test_reset_wipes_partial_frame),
        cmocka_unit_test(test_kept_input_is_wiped_when_read),
        cmocka_unit_test(test_reset_wipes_kept_input),
        cmocka_unit_test(test_appending_wipes_old_kept_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
