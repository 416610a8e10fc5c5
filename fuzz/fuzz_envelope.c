/* Fuzz target: the checks cchcd runs on a request's wire bytes before (or
 * instead of) decoding them (proto/src/wire_check.c): wire_scan_envelope,
 * wire_decode_envelope and wire_check_text, on one arbitrary payload. They
 * decide what a stranger may make the server decode, so besides not
 * crashing they must agree with protobuf-c, which decodes the same bytes
 * later:
 *   - when the scanner accepts and protobuf-c decodes, the request id,
 *     session token, request key and body case are the same (a token or key
 *     with a NUL is, for protobuf-c, the part before the NUL), and for bytes
 *     protobuf-c would write back unchanged the body length is the body's
 *     packed size;
 *   - the body case and length are what protobuf-c's own wire parser finds:
 *     the payload decoded as a message without fields (WhoamiRequest) keeps
 *     every field as an unknown field with its bytes, and the last body
 *     member's occurrences since another member appeared add up to the
 *     scanned body length (protobuf-c merges repeated occurrences);
 *   - wire_decode_envelope always builds a request (a failure would be
 *     answered "out of memory") with the scanned id, token, key and body
 *     case and an empty body;
 *   - the top-level text check refuses as malformed only what the scanner
 *     refuses too, and a full check that passes implies the top level passes;
 *   - when the full text check passes and protobuf-c decodes, every string
 *     of the decoded message is valid UTF-8 and as long as its allocation
 *     (so no NUL cut it short), and the bytes protobuf-c holds for the
 *     decoded message never exceed the estimate the budgets are charged;
 *   - a refusal for bad text names a path that is valid UTF-8.
 * protobuf-c allocates through a counting allocator here, which is how the
 * decoded strings' allocations and the held bytes are known. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "wire_check.h"

/* Every block carries its size in front, so the held total and a string's
 * allocated length are known. */
typedef struct counted {
    size_t size;
    size_t pad; /* keeps the block 16-byte aligned */
} counted;

static size_t held;

static void *counting_alloc(void *data, size_t size)
{
    (void)data;
    counted *c = malloc(sizeof(counted) + size);
    if (!c)
        return NULL;
    c->size = size;
    held += size;
    return c + 1;
}

static void counting_free(void *data, void *p)
{
    (void)data;
    if (!p)
        return;
    counted *c = (counted *)p - 1;
    held -= c->size;
    free(c);
}

static ProtobufCAllocator counting = {counting_alloc, counting_free, NULL};

/* A property that does not hold: say which, then crash for libFuzzer. */
#define require(ok) \
    do { \
        if (!(ok)) { \
            fprintf(stderr, "fuzz_envelope.c:%d: %s does not hold\n", __LINE__, #ok); \
            abort(); \
        } \
    } while (0)

/* The bytes protobuf-c keeps of a wire string: those before the first NUL. */
static size_t c_length(const uint8_t *s, size_t len)
{
    const uint8_t *nul = memchr(s, 0, len);
    return nul ? (size_t)(nul - s) : len;
}

static void same_text(const char *decoded, const uint8_t *wire, size_t wire_len)
{
    size_t n = c_length(wire, wire_len);
    require(strlen(decoded) == n && memcmp(decoded, wire, n) == 0);
}

static ProtobufCMessage *body_of(const Cchc__V1__Request *req)
{
    if (req->body_case == CCHC__V1__REQUEST__BODY__NOT_SET)
        return NULL;
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &cchc__v1__request__descriptor, (unsigned)req->body_case);
    require(f != NULL);
    return *(ProtobufCMessage **)((const char *)req + f->offset);
}

static void same_envelope(const Cchc__V1__Request *req, const wire_envelope *env)
{
    require(req->request_id == env->request_id);
    same_text(req->session_token, env->session_token, env->session_token_len);
    same_text(req->request_key, env->request_key, env->request_key_len);
    require(req->body_case == env->body_case);
    require((body_of(req) != NULL) == (env->body_case != CCHC__V1__REQUEST__BODY__NOT_SET));
}

/* A decoded string counting_alloc made: valid UTF-8 and as long as its
 * block (len + 1), so no NUL cut it. The empty default is not allocated. */
static void check_decoded_string(const char *s)
{
    if (!s || s == protobuf_c_empty_string)
        return;
    size_t n = strlen(s);
    require(utf8_valid(s, n));
    require(((const counted *)s - 1)->size == n + 1);
}

static void check_decoded(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *at = (const char *)m + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF &&
            *(const uint32_t *)((const char *)m + f->quantifier_offset) != f->id)
            continue;
        if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        size_t n = 1;
        const void *const *items = (const void *const *)at;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *)((const char *)m + f->quantifier_offset);
            items = *(const void *const *const *)at;
        }
        for (size_t k = 0; k < n; k++) {
            if (f->type == PROTOBUF_C_TYPE_STRING)
                check_decoded_string(items[k]);
            else if (items[k])
                check_decoded(items[k]);
        }
    }
}

/* The body as protobuf-c's wire parser sees it: every field of the
 * payload kept as unknown by a message that has none. */
static void same_body_as_parser(const uint8_t *data, size_t size, const wire_envelope *env)
{
    ProtobufCMessage *raw =
        protobuf_c_message_unpack(&cchc__v1__whoami_request__descriptor, NULL, size, data);
    if (!raw)
        return;
    uint32_t member = 0;
    size_t body_len = 0;
    for (unsigned i = 0; i < raw->n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *u = &raw->unknown_fields[i];
        if (u->tag <= 3 || u->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED ||
            !protobuf_c_message_descriptor_get_field(&cchc__v1__request__descriptor, u->tag))
            continue;
        /* protobuf-c keeps a length-delimited field's length prefix with
         * its bytes: what follows the prefix is the body's share */
        uint64_t n = 0;
        size_t prefix = 0;
        for (unsigned shift = 0; prefix < u->len && shift < 64; shift += 7) {
            n |= (uint64_t)(u->data[prefix] & 0x7F) << shift;
            if (!(u->data[prefix++] & 0x80))
                break;
        }
        require(prefix + n == u->len);
        if (u->tag != member)
            body_len = 0;
        member = u->tag;
        body_len += (size_t)n;
    }
    protobuf_c_message_free_unpacked(raw, NULL);
    require(member == (uint32_t)env->body_case && body_len == env->body_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wire_envelope env;
    wire_check_status scanned = wire_scan_envelope(data, size, &env);
    wire_text_report top, full;
    wire_check_status top_status =
        wire_check_text(&cchc__v1__request__descriptor, data, size, 0, &top);
    wire_check_status full_status =
        wire_check_text(&cchc__v1__request__descriptor, data, size, 1, &full);

    if (scanned == WIRE_CHECK_OK)
        require(top_status != WIRE_CHECK_MALFORMED);
    if (full_status == WIRE_CHECK_OK)
        require(top_status == WIRE_CHECK_OK);
    if (top_status == WIRE_CHECK_BAD_TEXT)
        require(top.path[0] && utf8_valid(top.path, strlen(top.path)));
    if (full_status == WIRE_CHECK_BAD_TEXT)
        require(full.path[0] && utf8_valid(full.path, strlen(full.path)));

    held = 0;
    Cchc__V1__Request *req = cchc__v1__request__unpack(&counting, size, data);
    size_t decoded_bytes = held;

    if (scanned == WIRE_CHECK_OK) {
        require(env.body_len <= size);
        require(env.session_token_len <= size && env.request_key_len <= size);
        same_body_as_parser(data, size, &env);
        Cchc__V1__Request *shell = wire_decode_envelope(&env);
        require(shell != NULL);
        same_envelope(shell, &env);
        ProtobufCMessage *empty = body_of(shell);
        require(!empty || protobuf_c_message_get_packed_size(empty) == 0);
        cchc__v1__request__free_unpacked(shell, NULL);
        if (req) {
            same_envelope(req, &env);
            /* bytes protobuf-c writes back as they came: the body's length
             * on the wire is its packed size */
            size_t packed = protobuf_c_message_get_packed_size(&req->base);
            uint8_t *again = packed == size ? malloc(packed ? packed : 1) : NULL;
            if (again && protobuf_c_message_pack(&req->base, again) == size &&
                memcmp(again, data, size) == 0) {
                ProtobufCMessage *body = body_of(req);
                require(!body || protobuf_c_message_get_packed_size(body) == env.body_len);
            }
            free(again);
        }
    }
    if (req && full_status == WIRE_CHECK_OK) {
        check_decoded(&req->base);
        require(decoded_bytes <= full.decoded_estimate);
    }
    if (req)
        cchc__v1__request__free_unpacked(req, &counting);
    return 0;
}
