/* Writes the generated part of the seed corpus: one valid Request of every
 * body type (corpus/request, and corpus/envelope with a few odd envelopes
 * besides: a NUL in the token, two body members, unknown and wrong-typed
 * fields), the same as framed streams after a hello
 * (corpus/frame), and one Response of every body type, also as an answer
 * in two parts (corpus/reply). Fields are filled by descriptor with
 * plausible values (dates, period ids, decimals, Vietnamese text), so a
 * new request type gets its seed by rerunning this, not by hand:
 *   build/fuzz/fuzz/fuzz_seeds fuzz/corpus */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "request_kind.h"
#include "wire.h"

/* Everything allocated, freed at the end. */
static void *owned[8192];
static size_t n_owned;

static void *take(size_t size)
{
    void *p = calloc(1, size);
    if (!p || n_owned == sizeof(owned) / sizeof(owned[0])) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return owned[n_owned++] = p;
}

static const char *sample_string(const char *name)
{
    static const struct { const char *field, *value; } samples[] = {
        {"period_id", "2024-Q1"}, {"period", "2024-6M"},
        {"as_of", "2024-03-31"}, {"until", "2024-06-30"}, {"since", "2024-01-01"},
        {"valid_from", "2024-01-01"}, {"unit_deadline", "2024-04-05"},
        {"lead_deadline", "2024-04-10"}, {"issued_on", "2024-02-01"},
        {"received_on", "2024-02-03"}, {"effective_on", "2024-07-01"},
        {"status", "in_progress"}, {"progress", "87.52"}, {"value", "87.52"},
        {"idempotency_key", "AbCdEfGh12345678_-xy"}, {"request_key", "Key-0123456789abcdef"},
        {"session_token", "c2Vzc2lvbi10b2tlbi1mdXp6"}, {"username", "quan.ninhkieu"},
        {"password", "Mật khẩu mạnh 2024!"}, {"new_password", "Mật khẩu mới 2025!"},
        {"old_password", "Mật khẩu mạnh 2024!"}, {"role", "reporter"},
        {"action", "open"}, {"state", "submitted"}, {"op", "merge"},
        {"index_code", "PAR"}, {"kind", "commune"}, {"code", "31117"},
        {"name", "ty_le_ho_so_dung_han"}, {"client_version", "0.1.0"},
        {"difficulties", ""},
    };
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
        if (strcmp(name, samples[i].field) == 0)
            return samples[i].value;
    return "Phường An Hòa, quận Ninh Kiều: đã rà soát 12 thủ tục";
}

static ProtobufCMessage *make(const ProtobufCMessageDescriptor *d, int depth);

static void fill_one(const ProtobufCFieldDescriptor *f, void *at, int depth)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: *(const char **)at = sample_string(f->name); break;
    case PROTOBUF_C_TYPE_MESSAGE: *(ProtobufCMessage **)at = make(f->descriptor, depth + 1); break;
    case PROTOBUF_C_TYPE_BOOL: *(protobuf_c_boolean *)at = 1; break;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *e = f->descriptor;
        *(int *)at = e->n_values > 1 ? e->values[1].value : 0;
        break;
    }
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        *(int32_t *)at = 2024; break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        *(int64_t *)at = 7; break;
    default: break; /* floats and bytes: none in the protocol */
    }
}

static size_t type_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    default: return 4;
    }
}

/* A message with every field set, two items in every list, the first
 * member of every oneof; nested messages stop at depth 4. */
static ProtobufCMessage *make(const ProtobufCMessageDescriptor *d, int depth)
{
    ProtobufCMessage *m = take(d->sizeof_message);
    d->message_init(m);
    if (depth > 4)
        return m;
    uint32_t oneof_seen[64];
    size_t n_seen = 0;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        char *at = (char *)m + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t size = type_size(f);
            char *items = take(2 * size);
            fill_one(f, items, depth);
            fill_one(f, items + size, depth);
            *(void **)at = items;
            *(size_t *)((char *)m + f->quantifier_offset) = 2;
        } else if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            int taken = 0; /* one member per oneof, which shares a case slot */
            for (size_t k = 0; k < n_seen; k++)
                taken = taken || oneof_seen[k] == f->quantifier_offset;
            if (taken || n_seen == 64)
                continue;
            oneof_seen[n_seen++] = f->quantifier_offset;
            fill_one(f, at, depth);
            *(uint32_t *)((char *)m + f->quantifier_offset) = f->id;
        } else {
            fill_one(f, at, depth);
        }
    }
    return m;
}

static void write_file(const char *dir, const char *sub, const char *name, const uint8_t *a,
                       size_t na, const uint8_t *b, size_t nb)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(a, 1, na, f) != na || (nb && fwrite(b, 1, nb, f) != nb) || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static size_t pack(const ProtobufCMessage *m, uint8_t **out)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    *out = take(n + FRAME_HEADER_SIZE);
    frame_put_header(*out, (uint32_t)n);
    protobuf_c_message_pack(m, *out + FRAME_HEADER_SIZE);
    return n + FRAME_HEADER_SIZE;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR (holding request/ envelope/ frame/ reply/)\n",
                argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    /* envelopes the scanner must read as protobuf-c does (fuzz_envelope.c) */
    static const struct {
        const char *name;
        uint8_t bytes[40];
        size_t len;
    } odd[] = {
        /* id 7, token "ab\0cd", ping (field 11) with check_database */
        {"odd-token-nul.bin", {0x08, 0x07, 0x12, 0x05, 'a', 'b', 0, 'c', 'd', 0x5A, 0x02, 0x08,
                               0x01}, 13},
        /* id 9, hello (field 10) then ping: the last body member wins */
        {"odd-two-bodies.bin", {0x08, 0x09, 0x52, 0x02, 0x08, 0x01, 0x5A, 0x00}, 8},
        /* id 3, ping twice: the bodies merge, their lengths add up */
        {"odd-body-twice.bin", {0x08, 0x03, 0x5A, 0x02, 0x08, 0x01, 0x5A, 0x02, 0x08, 0x00}, 10},
        /* id 5, unknown fields 999 (bytes) and 15 (varint), key "K" */
        {"odd-unknown.bin", {0x08, 0x05, 0xBA, 0x3E, 0x02, 'x', 'y', 0x78, 0x01, 0x1A, 0x01, 'K'},
         12},
        /* session_token sent as a varint: a known field with the wrong type */
        {"odd-wrong-type.bin", {0x08, 0x01, 0x10, 0x05}, 4},
        /* an overlong tag of field 0 */
        {"odd-field-zero.bin", {0x08, 0x01, 0x82, 0x00, 0x00}, 5},
        /* a token of invalid UTF-8 and a login (field 40) whose name holds a NUL */
        {"odd-bad-text.bin", {0x08, 0x02, 0x12, 0x02, 0xC3, 0x28, 0xC2, 0x02, 0x05, 0x0A, 0x03,
                              'a', 0, 'b'}, 14},
    };
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
        write_file(dir, "envelope", odd[i].name, odd[i].bytes, odd[i].len, NULL, 0);
    /* a hello to go first in every framed stream */
    Cchc__V1__Request hello = CCHC__V1__REQUEST__INIT;
    hello.request_id = 1;
    hello.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    hello.hello = (Cchc__V1__HelloRequest *)make(&cchc__v1__hello_request__descriptor, 1);
    uint8_t *hello_frame;
    size_t hello_len = pack(&hello.base, &hello_frame);

    const ProtobufCMessageDescriptor *rd = &cchc__v1__request__descriptor;
    for (unsigned i = 0; i < rd->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &rd->fields[i];
        if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
            continue;
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = 2;
        req.session_token = (char *)sample_string("session_token");
        if (request_kind_is_write((Cchc__V1__Request__BodyCase)f->id))
            req.request_key = (char *)sample_string("request_key");
        *(ProtobufCMessage **)((char *)&req + f->offset) = make(f->descriptor, 1);
        *(uint32_t *)((char *)&req + f->quantifier_offset) = f->id;
        uint8_t *frame;
        size_t len = pack(&req.base, &frame);
        char name[128];
        snprintf(name, sizeof(name), "%s.bin", f->name);
        write_file(dir, "request", name, frame + FRAME_HEADER_SIZE, len - FRAME_HEADER_SIZE,
                   NULL, 0);
        write_file(dir, "envelope", name, frame + FRAME_HEADER_SIZE, len - FRAME_HEADER_SIZE,
                   NULL, 0);
        /* limit 1 MiB (index 4), chunks up to 17 bytes, no stop, seed 1 */
        uint8_t control[4] = {4, 16, 0, 1};
        uint8_t *stream = take(4 + hello_len + len);
        memcpy(stream, control, 4);
        memcpy(stream + 4, hello_frame, hello_len);
        memcpy(stream + 4 + hello_len, frame, len);
        write_file(dir, "frame", name, stream, 4 + hello_len + len, NULL, 0);
    }

    const ProtobufCMessageDescriptor *sd = &cchc__v1__response__descriptor;
    for (unsigned i = 0; i < sd->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &sd->fields[i];
        if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
            continue;
        Cchc__V1__Response part = CCHC__V1__RESPONSE__INIT, last = CCHC__V1__RESPONSE__INIT;
        part.request_id = last.request_id = 2;
        part.more = 1;
        ProtobufCMessage *body = make(f->descriptor, 1);
        *(ProtobufCMessage **)((char *)&part + f->offset) = body;
        *(uint32_t *)((char *)&part + f->quantifier_offset) = f->id;
        *(ProtobufCMessage **)((char *)&last + f->offset) = body;
        *(uint32_t *)((char *)&last + f->quantifier_offset) = f->id;
        uint8_t *a, *b;
        size_t na = pack(&last.base, &a);
        char name[128];
        snprintf(name, sizeof(name), "%s.bin", f->name);
        write_file(dir, "reply", name, a, na, NULL, 0);
        size_t np = pack(&part.base, &b);
        snprintf(name, sizeof(name), "%s-parts.bin", f->name);
        write_file(dir, "reply", name, b, np, a, na);
    }
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    return 0;
}
