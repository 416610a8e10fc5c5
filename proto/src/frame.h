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
 * as the 4 header bytes are known, before any payload is buffered. */
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
    FRAME_STOPPED /* the sink asked to stop; unread input was dropped */
} frame_status;

/* Called once per complete payload. The bytes are valid only during the
 * call. Return 0 to go on, non-zero to stop reading this stream. */
typedef int (*frame_sink)(void *ctx, const uint8_t *payload, size_t len);

typedef struct frame_reader {
    uint32_t max_payload;
    uint32_t announced;  /* payload length of the pending frame, once known */
    uint8_t header[FRAME_HEADER_SIZE];
    size_t header_len;   /* header bytes of the pending frame seen so far */
    uint8_t *payload;    /* pending payload bytes; NULL when none */
    size_t payload_len;
    size_t payload_cap;
} frame_reader;

void frame_reader_init(frame_reader *reader, uint32_t max_payload);
/* Frees the pending buffer; the reader may be reused after init. */
void frame_reader_reset(frame_reader *reader);
/* True when part of a frame is waiting for more bytes. */
int frame_reader_has_partial(const frame_reader *reader);
/* Bytes held by the reader for a partial frame (for memory accounting). */
size_t frame_reader_buffered(const frame_reader *reader);

/* Feeds bytes read from the stream; calls sink for each complete frame.
 * On FRAME_ERR_* the stream is unusable: the caller reports and closes. When
 * an error is returned, *bad_length (if not NULL) holds the announced length. */
frame_status frame_reader_feed(frame_reader *reader, const uint8_t *data,
                               size_t len, frame_sink sink, void *ctx,
                               uint32_t *bad_length);

void frame_put_header(uint8_t out[FRAME_HEADER_SIZE], uint32_t payload_len);
uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_SIZE]);

const char *frame_status_text(frame_status status);

#endif
