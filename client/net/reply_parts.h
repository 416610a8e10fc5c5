/* An answer the server sent in parts (Response.more, docs/streaming.md),
 * put back together. Each part's body holds the next slice of the body's
 * repeated fields, and protobuf appends repeated fields when encodings are
 * concatenated, so the parts' bodies are re-encoded one after the other
 * and decoded once as one body. (Concatenating whole Responses would not
 * do: protobuf-c replaces a oneof member seen twice instead of merging.) */
#ifndef CCHC_REPLY_PARTS_H
#define CCHC_REPLY_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "cchc/v1/envelope.pb-c.h"

typedef struct reply_parts {
    uint8_t *buf;        /* a header's room, then the bodies' encodings */
    size_t len, cap;
    unsigned count;      /* parts added */
    int body_case;       /* every part's must be the first's */
    int failed;          /* out of memory or a part of another kind */
} reply_parts;

/* Appends part's body; sets p->failed when it cannot. */
void reply_parts_add(reply_parts *p, const Cchc__V1__Response *part);
/* The whole answer as one Response (free with
 * cchc__v1__response__free_unpacked), with last's request id; NULL when a
 * part could not be added or the bodies do not decode. */
Cchc__V1__Response *reply_parts_merge(const reply_parts *p, const Cchc__V1__Response *last);
/* Forgets every part and frees the buffer. */
void reply_parts_reset(reply_parts *p);

#endif
