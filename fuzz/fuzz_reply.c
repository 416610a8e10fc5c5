/* Fuzz target: what cchc does with answers from a server it cannot trust.
 * The input is a stream of frames; each payload is decoded as a Response,
 * rendered as --json renders it (pb_to_json), and collected as one answer
 * in parts (reply_parts_add), as the client's call loop collects a reply
 * with `more` set; the merged answer is rendered too. */
#include <stdint.h>
#include <stdlib.h>

#include "frame.h"
#include "pb_json.h"
#include "reply_parts.h"
#include "wire.h"

typedef struct collect {
    reply_parts parts;
    Cchc__V1__Response *last;
    unsigned frames;
} collect;

static void render(const Cchc__V1__Response *r)
{
    json_t *json = pb_to_json(&r->base);
    if (json) {
        char *text = json_dumps(json, JSON_COMPACT);
        free(text);
        json_decref(json);
    }
}

static int on_payload(void *ctx, const uint8_t *payload, size_t len)
{
    collect *c = ctx;
    Cchc__V1__Response *r = wire_decode_response(payload, len);
    if (!r)
        return 1; /* the client gives up on a connection that sends garbage */
    render(r);
    if (!r->error) /* as collect_part: an error is the answer, not a part */
        reply_parts_add(&c->parts, r);
    if (c->last)
        cchc__v1__response__free_unpacked(c->last, NULL);
    c->last = r;
    return ++c->frames >= 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    collect c = {0};
    frame_reader reader;
    frame_reader_init(&reader, 1u << 20);
    (void)frame_reader_feed(&reader, data, size, on_payload, &c, NULL);
    frame_reader_reset(&reader);
    if (c.last) {
        Cchc__V1__Response *whole = reply_parts_merge(&c.parts, c.last);
        if (whole) {
            render(whole);
            cchc__v1__response__free_unpacked(whole, NULL);
        }
        cchc__v1__response__free_unpacked(c.last, NULL);
    }
    reply_parts_reset(&c.parts);
    return 0;
}
