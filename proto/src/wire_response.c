/* See wire_response.h. The field order is protobuf-c's (by field number:
 * request_id, error, more, then the body), so the bytes match its own
 * encoding; anything this does not expect (unknown fields, a body case
 * without its message) goes through protobuf-c whole. */
#include "wire_response.h"

#include <stdlib.h>

#include "frame.h"
#include "wire.h"

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    while (v > 0x7F) {
        v >>= 7;
        n++;
    }
    return n;
}

static uint8_t *put_varint(uint8_t *out, uint64_t v)
{
    do {
        *out++ = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return out;
}

static uint64_t tag(uint32_t number, unsigned wire_type)
{
    return ((uint64_t)number << 3) | wire_type;
}

/* The body's message, or NULL with *plain set when protobuf-c should
 * encode the whole Response itself. */
static const ProtobufCMessage *body_of(const Cchc__V1__Response *r, int *plain)
{
    *plain = r->base.n_unknown_fields != 0;
    if (*plain || r->body_case == CCHC__V1__RESPONSE__BODY__NOT_SET)
        return NULL;
    const ProtobufCFieldDescriptor *field = protobuf_c_message_descriptor_get_field(
        &cchc__v1__response__descriptor, (unsigned)r->body_case);
    const ProtobufCMessage *body =
        field && field->type == PROTOBUF_C_TYPE_MESSAGE
            ? *(const ProtobufCMessage *const *)((const char *)r + field->offset)
            : NULL;
    *plain = body == NULL;
    return body;
}

int wire_encode_response_frame(const Cchc__V1__Response *r, uint32_t max_payload,
                               uint8_t **out, size_t *out_len, size_t *payload_len)
{
    int plain;
    const ProtobufCMessage *body = body_of(r, &plain);
    if (plain)
        return wire_encode_frame(&r->base, max_payload, out, out_len, payload_len);
    size_t error_size = r->error ? protobuf_c_message_get_packed_size(&r->error->base) : 0;
    size_t body_size = body ? protobuf_c_message_get_packed_size(body) : 0;
    size_t size = 0;
    if (r->request_id)
        size += 1 + varint_size(r->request_id);
    if (r->error)
        size += 1 + varint_size(error_size) + error_size;
    if (r->more)
        size += 2;
    if (body)
        size += varint_size(tag((uint32_t)r->body_case, WIRE_LEN)) + varint_size(body_size) +
                body_size;
    if (payload_len)
        *payload_len = size;
    *out = NULL;
    *out_len = 0;
    if (size == 0 || size > max_payload)
        return -1;
    uint8_t *buf = malloc(FRAME_HEADER_SIZE + size);
    if (!buf)
        return -1;
    frame_put_header(buf, (uint32_t)size);
    uint8_t *p = buf + FRAME_HEADER_SIZE;
    if (r->request_id) {
        p = put_varint(p, tag(1, WIRE_VARINT));
        p = put_varint(p, r->request_id);
    }
    if (r->error) {
        p = put_varint(p, tag(2, WIRE_LEN));
        p = put_varint(p, error_size);
        p += protobuf_c_message_pack(&r->error->base, p);
    }
    if (r->more) {
        p = put_varint(p, tag(3, WIRE_VARINT));
        *p++ = 1;
    }
    if (body) {
        p = put_varint(p, tag((uint32_t)r->body_case, WIRE_LEN));
        p = put_varint(p, body_size);
        p += protobuf_c_message_pack(body, p);
    }
    *out = buf;
    *out_len = FRAME_HEADER_SIZE + size;
    return 0;
}
