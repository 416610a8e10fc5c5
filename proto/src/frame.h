/* Length-prefixed framing shared by cchcd and cchc.
 *
 * A frame is a 4-byte big-endian payload length followed by the payload (one
 * encoded protobuf message). The reader is a pure function of the bytes it is
 * fed, with no socket or event loop, so it can be unit-tested and fuzzed.
 *
 * The reader hands out complete payloads straight from the caller's input
 * buffer whenever a frame lies wholly inside it; only the tail of a frame cut
 * by a read boundary is copied, into a buffer allocated on demand and freed
 * as soon as the frame completes. An idle connection therefore holds no
 * buffer at all. The announced length is checked against the limit as soon
 * as the 4 header bytes are known, before any payload is buffered.
 *
 * The sink may ask the reader to pause after a frame (a server whose
 * connection has as many requests in flight as it allows): the reader
 * then copies the rest of that input into a buffer of its own and stops;
 * frame_reader_resume hands out the frames in it later, in order. So a
 * caller can cap how many frames it takes from one read without losing
 * the bytes it has already read. */
#ifndef CCHC_FRAME_H
#define CCHC_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER_SIZE 4u

typedef enum frame_status {
    FRAME_OK = 0,
    FRAME_ERR_TOO_LARGE, /* announced length exceeds the limit */
    FRAME_ERR_EMPTY,     /* announced length is zero */
    FRAME_ERR_NOMEM,
    FRAME_STOPPED, /* the sink asked to stop; unread input was dropped */
    FRAME_PAUSED   /* the sink asked to pause; unread input is kept */
} frame_status;

/* What a sink returns: go on, pause (see frame_reader_resume), or any
 * other non-zero value to stop reading this stream. */
#define FRAME_SINK_GO_ON 0
#define FRAME_SINK_STOP 1
#define FRAME_SINK_PAUSE 2

/* Called once per complete payload. The bytes are valid only during the
 * call. The sink must not feed, resume or reset the reader that calls it. */
typedef int (*frame_sink)(void *ctx, const uint8_t *payload, size_t len);

typedef struct frame_reader {
    uint32_t max_payload;
    uint32_t announced;  /* payload length of the pending frame, once known */
    uint8_t header[FRAME_HEADER_SIZE];
    size_t header_len;   /* header bytes of the pending frame seen so far */
    uint8_t *payload;    /* pending payload bytes; NULL when none */
    size_t payload_len;
    size_t payload_cap;
    int paused;          /* the sink asked to pause; kept holds what follows */
    uint8_t *kept;       /* input not yet read while paused; NULL when none */
    size_t kept_pos;     /* the next byte of kept to read */
    size_t kept_len;
} frame_reader;

void frame_reader_init(frame_reader *reader, uint32_t max_payload);
/* Frees the pending and kept buffers (zeroed first); the reader may be
 * reused after init. */
void frame_reader_reset(frame_reader *reader);
/* True when part of a frame is waiting for more bytes. */
int frame_reader_has_partial(const frame_reader *reader);
/* Bytes held by the reader for a partial frame and for input kept while
 * paused (for memory accounting). */
size_t frame_reader_buffered(const frame_reader *reader);
/* True between a sink's FRAME_SINK_PAUSE and the resume that reads every
 * kept byte. */
int frame_reader_paused(const frame_reader *reader);
/* Input bytes kept and not yet read while paused. */
size_t frame_reader_kept(const frame_reader *reader);

/* Feeds bytes read from the stream; calls sink for each complete frame.
 * On FRAME_ERR_* the stream is unusable: the caller reports and closes. When
 * an error is returned, *bad_length (if not NULL) holds the announced length.
 * FRAME_PAUSED: the sink asked to pause; the input after that frame is
 * kept (at most len bytes). Feeding a paused reader appends the new input
 * after the kept bytes and resumes, so no order is lost; a caller that
 * wants its memory bounded by one read stops feeding while paused. */
frame_status frame_reader_feed(frame_reader *reader, const uint8_t *data,
                               size_t len, frame_sink sink, void *ctx,
                               uint32_t *bad_length);
/* Reads the kept input as frame_reader_feed would have: FRAME_OK once all
 * of it is read (the buffer zeroed and freed), FRAME_PAUSED when the sink
 * paused again (the rest stays kept), or an error or FRAME_STOPPED (the
 * rest dropped). FRAME_OK at once when the reader is not paused. */
frame_status frame_reader_resume(frame_reader *reader, frame_sink sink, void *ctx,
                                 uint32_t *bad_length);

void frame_put_header(uint8_t out[FRAME_HEADER_SIZE], uint32_t payload_len);
uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_SIZE]);

const char *frame_status_text(frame_status status);

#endif
