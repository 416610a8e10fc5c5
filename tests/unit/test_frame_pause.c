/* The frame reader's pause and resume (proto/src/frame.c): a sink that
 * answers FRAME_SINK_PAUSE makes the reader keep the rest of its input,
 * and resuming hands out the same frames in the same order as feeding
 * without pauses would, whatever the read boundaries (every split point),
 * wherever the pauses fall (after every frame, or after one chosen
 * frame), and whether new input arrives while paused. The server relies
 * on this to stop taking requests from a read once a connection has as
 * many in flight as it allows (server/net/connection.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"

/* What a sink saw: every frame as header + payload, back to back, so two
 * runs compare with one memcmp. */
typedef struct seen {
    uint8_t bytes[4096];
    size_t len;
    int frames;
    int pause_every; /* pause after every n-th frame (0: never) */
    int pause_at;    /* … or only after frame number pause_at (1-based; 0: no) */
    int stop_at;     /* stop after frame number stop_at (0: never) */
} seen;

static int record(void *ctx, const uint8_t *payload, size_t len)
{
    seen *s = ctx;
    assert_true(s->len + FRAME_HEADER_SIZE + len <= sizeof(s->bytes));
    frame_put_header(s->bytes + s->len, (uint32_t)len);
    memcpy(s->bytes + s->len + FRAME_HEADER_SIZE, payload, len);
    s->len += FRAME_HEADER_SIZE + len;
    s->frames++;
    if (s->stop_at && s->frames == s->stop_at)
        return FRAME_SINK_STOP;
    if ((s->pause_every && s->frames % s->pause_every == 0) ||
        (s->pause_at && s->frames == s->pause_at))
        return FRAME_SINK_PAUSE;
    return FRAME_SINK_GO_ON;
}

/* A stream of frames of different sizes (1 to 300 bytes), each payload
 * filled with its own number so a reordering shows. */
static size_t make_stream(uint8_t *out, int *nframes)
{
    static const uint32_t sizes[] = {1, 5, 300, 2, 40, 1, 17, 120, 3, 9};
    size_t n = 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        frame_put_header(out + n, sizes[i]);
        for (uint32_t k = 0; k < sizes[i]; k++)
            out[n + FRAME_HEADER_SIZE + k] = (uint8_t)(i * 16 + k);
        n += FRAME_HEADER_SIZE + sizes[i];
    }
    *nframes = (int)(sizeof(sizes) / sizeof(sizes[0]));
    return n;
}

/* Resumes until the reader is no longer paused; every resume must read at
 * least one frame, and the reader never keeps more than was fed. */
static frame_status resume_all(frame_reader *r, seen *s, size_t fed)
{
    frame_status st = FRAME_PAUSED;
    while (st == FRAME_PAUSED) {
        assert_true(frame_reader_kept(r) <= fed);
        int before = s->frames;
        st = frame_reader_resume(r, record, s, NULL);
        if (st == FRAME_PAUSED)
            assert_true(s->frames > before);
    }
    return st;
}

/* The reference: the stream fed at once, no pauses. */
static void reference(const uint8_t *stream, size_t n, seen *out)
{
    frame_reader r;
    frame_reader_init(&r, 1024);
    memset(out, 0, sizeof(*out));
    assert_int_equal(frame_reader_feed(&r, stream, n, record, out, NULL), FRAME_OK);
    assert_false(frame_reader_has_partial(&r));
    frame_reader_reset(&r);
}

static void assert_same(const seen *a, const seen *b)
{
    assert_int_equal(a->frames, b->frames);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->bytes, b->bytes, a->len);
}

/* Two reads split at every point, a pause after every frame (and after
 * every second and third), each pause resumed before the next read. */
static void test_every_split_pause_every_frame(void **state)
{
    (void)state;
    uint8_t stream[1024];
    int nframes;
    size_t n = make_stream(stream, &nframes);
    seen want;
    reference(stream, n, &want);
    assert_int_equal(want.frames, nframes);
    for (int every = 1; every <= 3; every++)
        for (size_t split = 0; split <= n; split++) {
            frame_reader r;
            frame_reader_init(&r, 1024);
            seen got = {.pause_every = every};
            frame_status st = frame_reader_feed(&r, stream, split, record, &got, NULL);
            if (st == FRAME_PAUSED) {
                assert_true(frame_reader_paused(&r));
                st = resume_all(&r, &got, split);
            }
            assert_int_equal(st, FRAME_OK);
            assert_false(frame_reader_paused(&r));
            st = frame_reader_feed(&r, stream + split, n - split, record, &got, NULL);
            if (st == FRAME_PAUSED)
                st = resume_all(&r, &got, n - split);
            assert_int_equal(st, FRAME_OK);
            assert_same(&want, &got);
            assert_false(frame_reader_has_partial(&r));
            assert_int_equal(frame_reader_kept(&r), 0);
            assert_int_equal(frame_reader_buffered(&r), 0); /* nothing left allocated */
            frame_reader_reset(&r);
        }
}

/* One pause, after each frame in turn, at every split point: the kept
 * bytes are exactly the rest of that read, and the order holds. */
static void test_pause_at_each_frame(void **state)
{
    (void)state;
    uint8_t stream[1024];
    int nframes;
    size_t n = make_stream(stream, &nframes);
    seen want;
    reference(stream, n, &want);
    for (int at = 1; at <= nframes; at++)
        for (size_t split = 0; split <= n; split++) {
            frame_reader r;
            frame_reader_init(&r, 1024);
            seen got = {.pause_at = at};
            frame_status st = frame_reader_feed(&r, stream, split, record, &got, NULL);
            if (st == FRAME_PAUSED) {
                assert_int_equal(got.frames, at); /* nothing after the pause was read */
                st = resume_all(&r, &got, split);
            }
            assert_int_equal(st, FRAME_OK);
            st = frame_reader_feed(&r, stream + split, n - split, record, &got, NULL);
            if (st == FRAME_PAUSED) {
                assert_int_equal(got.frames, at);
                /* what was kept is the read's rest after frame `at` */
                size_t consumed = 0;
                for (int f = 0; f < at; f++)
                    consumed += FRAME_HEADER_SIZE + frame_get_header(want.bytes + consumed);
                assert_int_equal(frame_reader_kept(&r), n - consumed);
                st = resume_all(&r, &got, n - split);
            }
            assert_int_equal(st, FRAME_OK);
            assert_same(&want, &got);
            frame_reader_reset(&r);
        }
}

/* New input fed while paused goes after the kept bytes: byte by byte,
 * never resuming explicitly, pausing after every frame. */
static void test_feed_while_paused_keeps_order(void **state)
{
    (void)state;
    uint8_t stream[1024];
    int nframes;
    size_t n = make_stream(stream, &nframes);
    seen want;
    reference(stream, n, &want);
    for (size_t chunk = 1; chunk <= 64; chunk++) {
        frame_reader r;
        frame_reader_init(&r, 1024);
        seen got = {.pause_every = 1};
        size_t fed = 0;
        for (size_t pos = 0; pos < n; pos += chunk) {
            size_t len = pos + chunk <= n ? chunk : n - pos;
            frame_status st = frame_reader_feed(&r, stream + pos, len, record, &got, NULL);
            assert_true(st == FRAME_OK || st == FRAME_PAUSED);
            fed += len;
            assert_true(frame_reader_kept(&r) <= fed);
        }
        assert_int_equal(resume_all(&r, &got, n), FRAME_OK);
        assert_same(&want, &got);
        frame_reader_reset(&r);
    }
}

/* A pause on the last frame of a read keeps nothing but still says
 * paused, so the caller stops reading; resuming then reads nothing. */
static void test_pause_on_last_frame(void **state)
{
    (void)state;
    uint8_t buf[16];
    frame_put_header(buf, 3);
    memcpy(buf + 4, "abc", 3);
    frame_reader r;
    frame_reader_init(&r, 1024);
    seen got = {.pause_every = 1};
    assert_int_equal(frame_reader_feed(&r, buf, 7, record, &got, NULL), FRAME_PAUSED);
    assert_true(frame_reader_paused(&r));
    assert_int_equal(frame_reader_kept(&r), 0);
    assert_null(r.kept);
    assert_int_equal(frame_reader_resume(&r, record, &got, NULL), FRAME_OK);
    assert_false(frame_reader_paused(&r));
    assert_int_equal(got.frames, 1);
    /* resuming a reader that is not paused does nothing */
    assert_int_equal(frame_reader_resume(&r, record, &got, NULL), FRAME_OK);
    assert_int_equal(got.frames, 1);
    frame_reader_reset(&r);
}

/* A bad length inside the kept bytes is found when they are read, with
 * the announced length; the rest is dropped. */
static void test_error_in_kept_bytes(void **state)
{
    (void)state;
    uint8_t buf[32];
    frame_put_header(buf, 2);
    buf[4] = buf[5] = 7;
    frame_put_header(buf + 6, 5000); /* over the limit of 1024 */
    frame_reader r;
    frame_reader_init(&r, 1024);
    seen got = {.pause_every = 1};
    assert_int_equal(frame_reader_feed(&r, buf, 10, record, &got, NULL), FRAME_PAUSED);
    assert_int_equal(frame_reader_kept(&r), 4);
    uint32_t bad = 0;
    assert_int_equal(frame_reader_resume(&r, record, &got, &bad), FRAME_ERR_TOO_LARGE);
    assert_int_equal(bad, 5000);
    assert_int_equal(frame_reader_kept(&r), 0);
    assert_null(r.kept);
    frame_reader_reset(&r);
}

/* A sink that stops while the kept bytes are read drops the rest. */
static void test_stop_while_resuming(void **state)
{
    (void)state;
    uint8_t stream[1024];
    int nframes;
    size_t n = make_stream(stream, &nframes);
    frame_reader r;
    frame_reader_init(&r, 1024);
    seen got = {.pause_at = 1, .stop_at = 3};
    assert_int_equal(frame_reader_feed(&r, stream, n, record, &got, NULL), FRAME_PAUSED);
    assert_int_equal(frame_reader_resume(&r, record, &got, NULL), FRAME_STOPPED);
    assert_int_equal(got.frames, 3);
    assert_false(frame_reader_paused(&r));
    assert_null(r.kept);
    frame_reader_reset(&r);
}

/* A partial frame at the end of a paused read is completed by the next
 * read after resuming, and the reader's memory is bounded by that read. */
static void test_partial_frame_after_pause(void **state)
{
    (void)state;
    uint8_t stream[1024];
    int nframes;
    size_t n = make_stream(stream, &nframes);
    seen want;
    reference(stream, n, &want);
    frame_reader r;
    frame_reader_init(&r, 1024);
    seen got = {.pause_at = 1};
    /* the first read ends inside the 300-byte third frame */
    size_t split = 4 + 1 + 4 + 5 + 4 + 100;
    assert_int_equal(frame_reader_feed(&r, stream, split, record, &got, NULL), FRAME_PAUSED);
    assert_false(frame_reader_has_partial(&r)); /* not read yet: only kept */
    assert_int_equal(frame_reader_kept(&r), split - 5);
    assert_int_equal(frame_reader_resume(&r, record, &got, NULL), FRAME_OK);
    assert_true(frame_reader_has_partial(&r));
    assert_int_equal(frame_reader_feed(&r, stream + split, n - split, record, &got, NULL),
                     FRAME_OK);
    assert_same(&want, &got);
    frame_reader_reset(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_split_pause_every_frame),
        cmocka_unit_test(test_pause_at_each_frame),
        cmocka_unit_test(test_feed_while_paused_keeps_order),
        cmocka_unit_test(test_pause_on_last_frame),
        cmocka_unit_test(test_error_in_kept_bytes),
        cmocka_unit_test(test_stop_while_resuming),
        cmocka_unit_test(test_partial_frame_after_pause),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
