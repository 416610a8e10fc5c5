/* See wire_check.h: a small protobuf wire reader (varints and
 * length-delimited fields are all proto3 uses) guided by protobuf-c's
 * descriptors, so it knows which bytes are strings without decoding. */
#include "wire_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Deeper than any message of ours nests; a recursive schema or a hostile
 * payload cannot make the walk recurse further. */
#define WIRE_MAX_DEPTH 32
/* What one allocation costs beyond its bytes (malloc's header, rounding). */
#define WIRE_ALLOC_OVERHEAD 16

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

/* Reads a varint at *i; 0 when it runs past len or over 10 bytes. */
static int read_varint(const uint8_t *p, size_t len, size_t *i, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 70 && *i < len; shift += 7) {
        uint8_t b = p[(*i)++];
        if (shift < 64)
            v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

/* One field of the message at p[*i]: its number, wire type and, for a
 * length-delimited one, where its bytes are. 0 when malformed. */
typedef struct wire_field {
    uint32_t number;
    unsigned type;
    size_t start;    /* offset of the tag */
    const uint8_t *data;
    size_t data_len;
    uint64_t value;  /* a varint's value */
} wire_field;

static int next_field(const uint8_t *p, size_t len, size_t *i, wire_field *f)
{
    uint64_t key, v = 0;
    f->start = *i;
    if (!read_varint(p, len, i, &key))
        return 0;
    f->number = (uint32_t)(key >> 3);
    f->type = (unsigned)(key & 7);
    f->data = NULL;
    f->data_len = 0;
    f->value = 0;
    if (f->number == 0 || (key >> 3) > 0x1FFFFFFF)
        return 0;
    switch (f->type) {
    case WT_VARINT:
        if (!read_varint(p, len, i, &v))
            return 0;
        f->value = v;
        return 1;
    case WT_I64:
        if (len - *i < 8)
            return 0;
        *i += 8;
        return 1;
    case WT_I32:
        if (len - *i < 4)
            return 0;
        *i += 4;
        return 1;
    case WT_LEN:
        if (!read_varint(p, len, i, &v) || v > len - *i)
            return 0;
        f->data = p + *i;
        f->data_len = (size_t)v;
        *i += (size_t)v;
        return 1;
    default: return 0; /* groups (3, 4) are not proto3; 6 and 7 do not exist */
    }
}

wire_check_status wire_scan_envelope(const uint8_t *payload, size_t len, wire_envelope *env)
{
    memset(env, 0, sizeof(*env));
    env->session_token = env->request_key = (const uint8_t *)"";
    size_t i = 0;
    while (i < len) {
        wire_field f;
        if (!next_field(payload, len, &i, &f))
            return WIRE_CHECK_MALFORMED;
        if (f.number == 1 && f.type == WT_VARINT) {
            env->request_id = f.value;
        } else if (f.number == 2 && f.type == WT_LEN) {
            env->session_token = f.data;
            env->session_token_len = f.data_len;
        } else if (f.number == 3 && f.type == WT_LEN) {
            env->request_key = f.data;
            env->request_key_len = f.data_len;
        } else if (f.number <= 3) {
            return WIRE_CHECK_MALFORMED; /* a known field with the wrong wire type */
        } else if (f.type == WT_LEN && protobuf_c_message_descriptor_get_field(
                                           &cchc__v1__request__descriptor, f.number)) {
            /* the last oneof member wins, as in protobuf-c; repeated
             * occurrences of one member are merged, so their bytes add up */
            if ((uint32_t)env->body_case != f.number)
                env->body_len = 0;
            env->body_case = (Cchc__V1__Request__BodyCase)f.number;
            env->body_len += f.data_len;
        } else if (protobuf_c_message_descriptor_get_field(&cchc__v1__request__descriptor,
                                                           f.number)) {
            return WIRE_CHECK_MALFORMED;
        }
    }
    return WIRE_CHECK_OK;
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        out[n++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

static size_t put_bytes(uint8_t *out, uint32_t number, const uint8_t *data, size_t len)
{
    size_t n = put_varint(out, ((uint64_t)number << 3) | WT_LEN);
    n += put_varint(out + n, len);
    memcpy(out + n, data, len);
    return n + len;
}

Cchc__V1__Request *wire_decode_envelope(const wire_envelope *env)
{
    return wire_decode_envelope_in(env, NULL);
}

Cchc__V1__Request *wire_decode_envelope_in(const wire_envelope *env,
                                           ProtobufCAllocator *allocator)
{
    /* the shell is re-encoded on the stack when it fits (a session token
     * and a request key are far shorter), so decoding costs no malloc */
    uint8_t stack[512];
    size_t cap = 3 * 20 + env->session_token_len + env->request_key_len;
    uint8_t *buf = cap <= sizeof(stack) ? stack : malloc(cap);
    if (!buf)
        return NULL;
    size_t n = put_varint(buf, (1u << 3) | WT_VARINT);
    n += put_varint(buf + n, env->request_id);
    n += put_bytes(buf + n, 2, env->session_token, env->session_token_len);
    n += put_bytes(buf + n, 3, env->request_key, env->request_key_len);
    if (env->body_case != CCHC__V1__REQUEST__BODY__NOT_SET)
        n += put_bytes(buf + n, (uint32_t)env->body_case, (const uint8_t *)"", 0);
    Cchc__V1__Request *msg = cchc__v1__request__unpack(allocator, n, buf);
    if (buf != stack)
        free(buf);
    return msg;
}

/* The failing field's place, filled innermost first while the walk unwinds. */
typedef struct walk_state {
    wire_text_report *report;
    int descend;
    int nseg;
    struct {
        const char *name;
        long index; /* -1 when the field is not repeated */
    } seg[WIRE_MAX_DEPTH + 1];
} walk_state;

/* How many earlier fields numbered number p[0..upto) holds: the index of
 * the repeated element that starts at upto. Only run on a failure. */
static long index_of(const uint8_t *p, size_t upto, uint32_t number)
{
    long count = 0;
    size_t i = 0;
    wire_field f;
    while (i < upto && next_field(p, upto, &i, &f))
        if (f.number == number)
            count++;
    return count;
}

static size_t element_size(const ProtobufCFieldDescriptor *fd)
{
    switch (fd->type) {
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_ENUM: return 4;
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
    default: return 8;
    }
}

static wire_check_status walk(walk_state *st, const ProtobufCMessageDescriptor *desc,
                              const uint8_t *p, size_t len, int depth)
{
    if (depth > WIRE_MAX_DEPTH)
        return WIRE_CHECK_MALFORMED;
    st->report->decoded_estimate += desc->sizeof_message + WIRE_ALLOC_OVERHEAD;
    size_t i = 0;
    while (i < len) {
        wire_field f;
        if (!next_field(p, len, &i, &f))
            return WIRE_CHECK_MALFORMED;
        const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(desc, f.number);
        if (!fd) {
            /* protobuf-c keeps unknown fields, bytes and all */
            st->report->decoded_estimate += (i - f.start) + 32;
            continue;
        }
        size_t slots = 1;
        if (f.type == WT_LEN && fd->type != PROTOBUF_C_TYPE_STRING &&
            fd->type != PROTOBUF_C_TYPE_BYTES && fd->type != PROTOBUF_C_TYPE_MESSAGE)
            slots = f.data_len; /* packed scalars: at most one per byte */
        if (fd->label == PROTOBUF_C_LABEL_REPEATED)
            /* the array may be grown by doubling: count each slot twice */
            st->report->decoded_estimate += 2 * slots * element_size(fd);
        if (f.type != WT_LEN)
            continue;
        wire_check_status s = WIRE_CHECK_OK;
        if (fd->type == PROTOBUF_C_TYPE_STRING) {
            st->report->decoded_estimate += f.data_len + 1 + WIRE_ALLOC_OVERHEAD;
            if (!utf8_valid((const char *)f.data, f.data_len))
                s = WIRE_CHECK_BAD_TEXT;
        } else if (fd->type == PROTOBUF_C_TYPE_BYTES) {
            st->report->decoded_estimate += f.data_len + WIRE_ALLOC_OVERHEAD;
        } else if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
            if (st->descend)
                s = walk(st, fd->descriptor, f.data, f.data_len, depth + 1);
        }
        if (s == WIRE_CHECK_OK)
            continue;
        if (s == WIRE_CHECK_BAD_TEXT && st->nseg <= WIRE_MAX_DEPTH) {
            st->seg[st->nseg].name = fd->name;
            st->seg[st->nseg].index =
                fd->label == PROTOBUF_C_LABEL_REPEATED ? index_of(p, f.start, f.number) : -1;
            st->nseg++;
        }
        return s;
    }
    return WIRE_CHECK_OK;
}

wire_check_status wire_check_text(const ProtobufCMessageDescriptor *desc, const uint8_t *payload,
                                  size_t len, int descend, wire_text_report *report)
{
    walk_state st = {.report = report, .descend = descend, .nseg = 0};
    report->path[0] = '\0';
    report->decoded_estimate = 0;
    wire_check_status s = walk(&st, desc, payload, len, 0);
    if (s != WIRE_CHECK_BAD_TEXT)
        return s;
    size_t used = 0;
    for (int k = st.nseg - 1; k >= 0 && used < sizeof(report->path); k--) {
        int n = st.seg[k].index >= 0
                    ? snprintf(report->path + used, sizeof(report->path) - used, "%s%s[%ld]",
                               used ? "." : "", st.seg[k].name, st.seg[k].index)
                    : snprintf(report->path + used, sizeof(report->path) - used, "%s%s",
                               used ? "." : "", st.seg[k].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return s;
}
