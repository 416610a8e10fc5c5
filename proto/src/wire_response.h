/* Encoding the server's Response envelope without protobuf-c's walk over
 * its descriptor. Response has some sixty fields (its body is a oneof of
 * every answer type) of which a reply sets two or three, and protobuf-c
 * visits every one of them twice per reply (once to size, once to pack):
 * at pipelined ping rates that walk was a tenth of the server's CPU
 * (docs/performance.md, "Pipelined ping"). Here the envelope's few fields
 * are written by hand around the body, which protobuf-c still encodes;
 * the bytes are the same as protobuf-c's (tests/unit/test_wire_response.c
 * compares them). Pure, like wire.h. */
#ifndef CCHC_WIRE_RESPONSE_H
#define CCHC_WIRE_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#include "cchc/v1/envelope.pb-c.h"

/* As wire_encode_frame (wire.h) for a Response: one frame in a fresh
 * malloc'd buffer; 0, or -1 when the payload would exceed max_payload or
 * memory is short, *payload_len set either way when not NULL. */
int wire_encode_response_frame(const Cchc__V1__Response *response, uint32_t max_payload,
                               uint8_t **out, size_t *out_len, size_t *payload_len);

#endif
