/* Turning protobuf messages into frames and back, for both ends. Everything
 * here is pure (bytes in, struct or error out) so it can be fuzzed. */
#ifndef CCHC_WIRE_H
#define CCHC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "cchc/v1/envelope.pb-c.h"

/* Encodes msg as one frame (header + payload) in a fresh malloc'd buffer.
 * Returns 0, or -1 when the payload would exceed max_payload (or memory is
 * short); *payload_len is set either way when not NULL. */
int wire_encode_frame(const ProtobufCMessage *msg, uint32_t max_payload,
                      uint8_t **out, size_t *out_len, size_t *payload_len);

/* Decodes a payload into a Request/Response, or NULL when it is not one.
 * Free with the matching cchc__v1__*__free_unpacked(…, NULL). */
Cchc__V1__Request *wire_decode_request(const uint8_t *payload, size_t len);
/* The same with protobuf-c's allocator set to allocator (NULL: malloc), so
 * the server decodes a request into that request's arena: no malloc per
 * field, nothing to free one by one. */
Cchc__V1__Request *wire_decode_request_in(const uint8_t *payload, size_t len,
                                          ProtobufCAllocator *allocator);
Cchc__V1__Response *wire_decode_response(const uint8_t *payload, size_t len);

/* Stable lowercase name of an error code ("unavailable"), for logs and JSON. */
const char *wire_error_code_name(Cchc__V1__ErrorCode code);

/* Name of a request's body case ("hello", "ping"), or "none". */
const char *wire_request_name(Cchc__V1__Request__BodyCase body);

#endif
