/* Incremental frame reader: see frame.h for the contract. Written so that
 * the common case (whole frames inside one read) never copies; only a
 * pause copies the rest of its input. */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#include "secure_wipe.h"

/* A buffered payload, or input kept while paused, may hold a login's
 * password or a session token: it is zeroed before its memory goes back
 * to the allocator, where the next malloc of any size could hand it to
 * other code. */
static void free_wiped(uint8_t *buffer, size_t used)
{
    if (!buffer)
        return;
    secure_wipe(buffer, used);
    free(buffer);
}

void frame_reader_init(frame_reader *reader, uint32_t max_payload)
{
    memset(reader, 0, sizeof(*reader));
    reader->max_payload = max_payload;
}

static void drop_kept(frame_reader *reader)
{
    free_wiped(reader->kept, reader->kept_len);
    reader->kept = NULL;
    reader->kept_pos = reader->kept_len = 0;
}

void frame_reader_reset(frame_reader *reader)
{
    free_wiped(reader->payload, reader->payload_len);
    drop_kept(reader);
    frame_reader_init(reader, reader->max_payload);
}

int frame_reader_has_partial(const frame_reader *reader)
{
    return reader->header_len > 0;
}

size_t frame_reader_buffered(const frame_reader *reader)
{
    return reader->payload_cap + reader->kept_len;
}

int frame_reader_paused(const frame_reader *reader)
{
    return reader->paused;
}

size_t frame_reader_kept(const frame_reader *reader)
{
    return reader->kept_len - reader->kept_pos;
}

void frame_put_header(uint8_t out[FRAME_HEADER_SIZE], uint32_t payload_len)
{
    out[0] = (uint8_t)(payload_len >> 24);
    out[1] = (uint8_t)(payload_len >> 16);
    out[2] = (uint8_t)(payload_len >> 8);
    out[3] = (uint8_t)payload_len;
}

uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_SIZE])
{
    return ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) |
           ((uint32_t)in[2] << 8) | (uint32_t)in[3];
}

const char *frame_status_text(frame_status status)
{
    switch (status) {
    case FRAME_OK: return "ok";
    case FRAME_ERR_TOO_LARGE: return "frame larger than the allowed maximum";
    case FRAME_ERR_EMPTY: return "frame with zero-length payload";
    case FRAME_ERR_NOMEM: return "out of memory while buffering a frame";
    case FRAME_STOPPED: return "reading stopped";
    case FRAME_PAUSED: return "reading paused";
    }
    return "unknown frame status";
}

/* What the sink's answer means for the reader. */
static frame_status sink_verdict(int answer)
{
    return answer == FRAME_SINK_GO_ON   ? FRAME_OK
           : answer == FRAME_SINK_PAUSE ? FRAME_PAUSED
                                        : FRAME_STOPPED;
}

static frame_status check_length(const frame_reader *reader, uint32_t length,
                                 uint32_t *bad_length)
{
    if (length == 0 || length > reader->max_payload) {
        if (bad_length)
            *bad_length = length;
        return length == 0 ? FRAME_ERR_EMPTY : FRAME_ERR_TOO_LARGE;
    }
    return FRAME_OK;
}

/* Appends to the pending payload, growing the buffer geometrically up to the
 * announced length, so a peer that announces a large frame and then sends
 * slowly costs memory only for what it actually sent. */
static frame_status append_payload(frame_reader *reader, const uint8_t *data,
                                   size_t len)
{
    size_t need = reader->payload_len + len;
    if (need > reader->payload_cap) {
        size_t cap = reader->payload_cap ? reader->payload_cap : 4096;
        while (cap < need)
            cap *= 2;
        if (cap > reader->announced)
            cap = reader->announced;
        /* not realloc: it would free the old block unwiped */
        uint8_t *grown = malloc(cap);
        if (!grown)
            return FRAME_ERR_NOMEM;
        if (reader->payload_len > 0)
            memcpy(grown, reader->payload, reader->payload_len);
        free_wiped(reader->payload, reader->payload_len);
        reader->payload = grown;
        reader->payload_cap = cap;
    }
    memcpy(reader->payload + reader->payload_len, data, len);
    reader->payload_len += len;
    return FRAME_OK;
}

static void drop_pending(frame_reader *reader)
{
    free_wiped(reader->payload, reader->payload_len);
    reader->payload = NULL;
    reader->payload_len = reader->payload_cap = 0;
    reader->header_len = 0;
    reader->announced = 0;
}

/* Completes the frame already started in the pending state, consuming from
 * data. Returns the number of bytes consumed through *used. */
static frame_status continue_pending(frame_reader *reader, const uint8_t *data,
                                     size_t len, size_t *used, frame_sink sink,
                                     void *ctx, uint32_t *bad_length)
{
    size_t pos = 0;
    while (reader->header_len < FRAME_HEADER_SIZE && pos < len)
        reader->header[reader->header_len++] = data[pos++];
    *used = pos;
    if (reader->header_len < FRAME_HEADER_SIZE)
        return FRAME_OK;
    if (reader->announced == 0) {
        uint32_t length = frame_get_header(reader->header);
        frame_status st = check_length(reader, length, bad_length);
        if (st != FRAME_OK)
            return st;
        reader->announced = length;
    }
    size_t missing = reader->announced - reader->payload_len;
    size_t take = len - pos < missing ? len - pos : missing;
    if (take > 0) {
        if (take == missing && reader->payload_len == 0) {
            /* The whole payload is in this input: hand it out directly. */
            int answer = sink(ctx, data + pos, take);
            drop_pending(reader);
            *used = pos + take;
            return sink_verdict(answer);
        }
        frame_status st = append_payload(reader, data + pos, take);
        if (st != FRAME_OK)
            return st;
        pos += take;
    }
    *used = pos;
    if (reader->payload_len < reader->announced)
        return FRAME_OK;
    int answer = sink(ctx, reader->payload, reader->payload_len);
    drop_pending(reader);
    return sink_verdict(answer);
}

/* Reads frames from data; *used says how far (all of it unless paused:
 * then up to the end of the frame the sink paused at). */
static frame_status read_input(frame_reader *reader, const uint8_t *data, size_t len,
                               frame_sink sink, void *ctx, uint32_t *bad_length,
                               size_t *used)
{
    size_t pos = 0;
    *used = 0;
    if (reader->header_len > 0) {
        frame_status st = continue_pending(reader, data, len, &pos, sink, ctx, bad_length);
        *used = pos;
        if (st != FRAME_OK)
            return st;
        if (reader->header_len > 0)
            return FRAME_OK; /* input exhausted inside the pending frame */
    }
    while (len - pos >= FRAME_HEADER_SIZE) {
        uint32_t length = frame_get_header(data + pos);
        frame_status st = check_length(reader, length, bad_length);
        if (st != FRAME_OK)
            return st;
        if (len - pos - FRAME_HEADER_SIZE < length)
            break;
        st = sink_verdict(sink(ctx, data + pos + FRAME_HEADER_SIZE, length));
        pos += FRAME_HEADER_SIZE + (size_t)length;
        *used = pos;
        if (st != FRAME_OK)
            return st;
    }
    if (pos < len) {
        size_t tail = 0;
        frame_status st = continue_pending(reader, data + pos, len - pos, &tail, sink, ctx,
                                           bad_length);
        *used = pos + tail;
        return st;
    }
    *used = len;
    return FRAME_OK;
}

/* Keeps data after what is already kept (the unread rest of it first),
 * in a new block: the old one is zeroed and freed. */
static frame_status keep(frame_reader *reader, const uint8_t *data, size_t len)
{
    size_t rest = reader->kept_len - reader->kept_pos;
    if (len == 0)
        return FRAME_OK;
    uint8_t *block = malloc(rest + len);
    if (!block)
        return FRAME_ERR_NOMEM;
    if (rest > 0)
        memcpy(block, reader->kept + reader->kept_pos, rest);
    memcpy(block + rest, data, len);
    drop_kept(reader);
    reader->kept = block;
    reader->kept_len = rest + len;
    return FRAME_OK;
}

frame_status frame_reader_resume(frame_reader *reader, frame_sink sink, void *ctx,
                                 uint32_t *bad_length)
{
    if (!reader->paused)
        return FRAME_OK;
    reader->paused = 0;
    size_t used = 0;
    frame_status st = FRAME_OK;
    if (reader->kept_pos < reader->kept_len)
        st = read_input(reader, reader->kept + reader->kept_pos,
                        reader->kept_len - reader->kept_pos, sink, ctx, bad_length, &used);
    if (st == FRAME_PAUSED) {
        reader->paused = 1;
        reader->kept_pos += used;
        if (reader->kept_pos < reader->kept_len)
            return st;
    }
    drop_kept(reader); /* all read, or the stream ends here */
    return st;
}

frame_status frame_reader_feed(frame_reader *reader, const uint8_t *data,
                               size_t len, frame_sink sink, void *ctx,
                               uint32_t *bad_length)
{
    if (reader->paused) { /* the new input goes after what waits */
        if (keep(reader, data, len) != FRAME_OK)
            return FRAME_ERR_NOMEM;
        return frame_reader_resume(reader, sink, ctx, bad_length);
    }
    size_t used = 0;
    frame_status st = read_input(reader, data, len, sink, ctx, bad_length, &used);
    if (st == FRAME_PAUSED) {
        reader->paused = 1;
        if (keep(reader, data + used, len - used) != FRAME_OK)
            return FRAME_ERR_NOMEM;
    }
    return st;
}
