/* See reply_parts.h. */
#include "reply_parts.h"

#include <stdlib.h>
#include <string.h>

/* Room before the bodies for the body's tag and length in the Response. */
#define HEADER_ROOM 16

static const ProtobufCFieldDescriptor *body_field(int body_case)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&cchc__v1__response__descriptor, (unsigned)body_case);
    return f && f->type == PROTOBUF_C_TYPE_MESSAGE ? f : NULL;
}

static const ProtobufCMessage *body_of(const Cchc__V1__Response *r, const ProtobufCFieldDescriptor *f)
{
    return *(const ProtobufCMessage *const *)((const char *)r + f->offset);
}

void reply_parts_add(reply_parts *p, const Cchc__V1__Response *part)
{
    if (p->failed)
        return;
    if (p->count == 0)
        p->body_case = (int)part->body_case;
    const ProtobufCFieldDescriptor *f = body_field((int)part->body_case);
    const ProtobufCMessage *body = f ? body_of(part, f) : NULL;
    if ((int)part->body_case != p->body_case || !body) {
        p->failed = 1;
        return;
    }
    size_t size = protobuf_c_message_get_packed_size(body);
    if (p->cap - p->len < size || !p->buf) {
        size_t cap = p->cap ? p->cap : HEADER_ROOM + size;
        while (cap - (p->len ? p->len : HEADER_ROOM) < size)
            cap *= 2;
        uint8_t *grown = realloc(p->buf, cap);
        if (!grown) {
            p->failed = 1;
            return;
        }
        p->buf = grown;
        p->cap = cap;
        if (!p->len)
            p->len = HEADER_ROOM;
    }
    p->len += protobuf_c_message_pack(body, p->buf + p->len);
    p->count++;
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

Cchc__V1__Response *reply_parts_merge(const reply_parts *p, const Cchc__V1__Response *last)
{
    const ProtobufCFieldDescriptor *f = body_field(p->body_case);
    if (p->failed || !p->count || !f)
        return NULL;
    /* tag and length of the body field, written just before the bodies */
    uint8_t header[HEADER_ROOM];
    size_t n = put_varint(header, ((uint64_t)f->id << 3) | 2);
    n += put_varint(header + n, p->len - HEADER_ROOM);
    uint8_t *start = p->buf + HEADER_ROOM - n;
    memcpy(start, header, n);
    Cchc__V1__Response *whole = cchc__v1__response__unpack(NULL, p->len - HEADER_ROOM + n, start);
    if (whole)
        whole->request_id = last->request_id;
    return whole;
}

void reply_parts_reset(reply_parts *p)
{
    free(p->buf);
    memset(p, 0, sizeof(*p));
}
