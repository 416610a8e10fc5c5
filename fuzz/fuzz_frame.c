/* Fuzz target: the frame reader (proto/src/frame.c) fed the same bytes in
 * arbitrary chunks, with the sink pausing at random frames. The first
 * input bytes choose the payload limit, the chunk sizes, the frame at
 * which the sink asks to stop and how often it pauses; the rest is the
 * stream. A pause is resumed at once, later, or not before more input is
 * fed (which must append after the kept bytes). The frames and the
 * outcome must be the same as when the whole stream is fed at once
 * without pauses, so a chunking or pausing bug shows up as an abort even
 * when it corrupts no memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

typedef struct seen {
    uint8_t *bytes; /* each frame as its length (4 bytes) then its payload */
    size_t len, cap;
    unsigned frames, stop_at; /* stop_at 0: never stop */
    uint32_t *pauses;         /* NULL: never pause; else a generator */
    unsigned pause_one_in;    /* pause after about one frame in this many */
} seen;

static uint32_t next(uint32_t *state);

static int record(void *ctx, const uint8_t *payload, size_t len)
{
    seen *s = ctx;
    if (len == 0)
        abort(); /* the reader must never hand out an empty frame */
    size_t need = s->len + FRAME_HEADER_SIZE + len;
    if (need > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < need)
            cap *= 2;
        uint8_t *grown = realloc(s->bytes, cap);
        if (!grown)
            abort();
        s->bytes = grown;
        s->cap = cap;
    }
    frame_put_header(s->bytes + s->len, (uint32_t)len);
    memcpy(s->bytes + s->len + FRAME_HEADER_SIZE, payload, len);
    s->len = need;
    if (++s->frames == s->stop_at)
        return FRAME_SINK_STOP;
    if (s->pauses && next(s->pauses) % s->pause_one_in == 0)
        return FRAME_SINK_PAUSE;
    return FRAME_SINK_GO_ON;
}

/* A small deterministic generator for the chunk sizes. */
static uint32_t next(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    static const uint32_t limits[] = {1, 7, 64, 4096, 1u << 20, UINT32_MAX};
    uint32_t max_payload = limits[data[0] % (sizeof(limits) / sizeof(limits[0]))];
    unsigned max_chunk = 1u + data[1] % 64u;
    unsigned stop_at = data[2] % 8u; /* mostly 0 or small */
    uint32_t state = 0x9e3779b9u ^ data[3];
    uint32_t pause_state = 0x85ebca6bu ^ ((uint32_t)data[3] << 8) ^ data[1];
    unsigned pause_one_in = 1u + (data[2] >> 3) % 4u; /* 1 to 4 */
    const uint8_t *stream = data + 4;
    size_t len = size - 4;

    /* whole: the stream in one call */
    seen whole = {.stop_at = stop_at};
    frame_reader a;
    frame_reader_init(&a, max_payload);
    uint32_t bad_a = 0;
    frame_status st_a = frame_reader_feed(&a, stream, len, record, &whole, &bad_a);

    /* chunked: the same stream in pieces, until the reader gives up */
    seen pieces = {.stop_at = stop_at, .pauses = &pause_state, .pause_one_in = pause_one_in};
    frame_reader b;
    frame_reader_init(&b, max_payload);
    uint32_t bad_b = 0;
    frame_status st_b = FRAME_OK;
    for (size_t pos = 0; pos < len && st_b == FRAME_OK;) {
        size_t chunk = 1 + next(&state) % max_chunk;
        if (chunk > len - pos)
            chunk = len - pos;
        /* a copy, so reading past the chunk is caught by ASan */
        uint8_t *copy = malloc(chunk);
        if (!copy)
            abort();
        memcpy(copy, stream + pos, chunk);
        size_t kept_before = frame_reader_kept(&b);
        st_b = frame_reader_feed(&b, copy, chunk, record, &pieces, &bad_b);
        free(copy);
        /* paused: never more kept than was waiting plus this chunk */
        if (frame_reader_kept(&b) > kept_before + chunk)
            abort();
        if (b.payload_cap > b.announced)
            abort(); /* holds more than the pending frame needs */
        /* resume now (often), or leave it paused and feed the next chunk */
        while (st_b == FRAME_PAUSED && next(&state) % 3 != 0)
            st_b = frame_reader_resume(&b, record, &pieces, &bad_b);
        if (st_b == FRAME_PAUSED)
            st_b = FRAME_OK; /* the next chunk appends, and resumes */
        pos += chunk;
    }
    /* the end of the stream: read what is still kept */
    while (st_b == FRAME_OK && frame_reader_paused(&b)) {
        st_b = frame_reader_resume(&b, record, &pieces, &bad_b);
        if (st_b == FRAME_PAUSED)
            st_b = FRAME_OK;
    }

    if (st_a != st_b || whole.frames != pieces.frames || whole.len != pieces.len ||
        (whole.len && memcmp(whole.bytes, pieces.bytes, whole.len) != 0))
        abort();
    if ((st_a == FRAME_ERR_TOO_LARGE || st_a == FRAME_ERR_EMPTY) && bad_a != bad_b)
        abort();
    if (st_a == FRAME_OK &&
        (frame_reader_has_partial(&a) != frame_reader_has_partial(&b) ||
         frame_reader_kept(&b) != 0))
        abort();
    frame_reader_reset(&a);
    frame_reader_reset(&b);
    free(whole.bytes);
    free(pieces.bytes);
    return 0;
}
