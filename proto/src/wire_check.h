/* Looking at a request's wire bytes before (and instead of) decoding them,
 * because two things cannot be seen after protobuf-c has decoded: a string
 * with an embedded NUL (protobuf-c hands out NUL-terminated copies, so
 * "admin\0junk" reads as "admin"), and how much memory the decoded message
 * will take (500,000 empty rows are 1 MB on the wire and ~50 MB decoded).
 * Everything here is pure (bytes in, verdict out) so the fuzzers can call
 * it. docs/security.md, "Input". */
#ifndef CCHC_WIRE_CHECK_H
#define CCHC_WIRE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "cchc/v1/envelope.pb-c.h"

/* The top-level fields of a Request, read without decoding the body. The
 * pointers point into the payload that was scanned. */
typedef struct wire_envelope {
    uint64_t request_id;
    const uint8_t *session_token;
    size_t session_token_len;
    const uint8_t *request_key;
    size_t request_key_len;
    /* the oneof member (its field number is its body case), or
     * CCHC__V1__REQUEST__BODY__NOT_SET when none or an unknown one */
    Cchc__V1__Request__BodyCase body_case;
    size_t body_len;       /* wire bytes of the body */
} wire_envelope;

typedef enum {
    WIRE_CHECK_OK = 0,
    WIRE_CHECK_MALFORMED, /* not protobuf wire format */
    WIRE_CHECK_BAD_TEXT,  /* a string field is not UTF-8 or holds a NUL */
} wire_check_status;

/* Reads the top-level fields of an encoded Request; the body is skipped by
 * its length. WIRE_CHECK_MALFORMED when the bytes are not wire format. */
wire_check_status wire_scan_envelope(const uint8_t *payload, size_t len, wire_envelope *env);

/* Decodes only the envelope: a Request whose body is the empty message of
 * env's body case (so the request's type is known and the payload's body
 * is not touched). NULL when memory is short. Free with
 * cchc__v1__request__free_unpacked. */
Cchc__V1__Request *wire_decode_envelope(const wire_envelope *env);
/* The same with protobuf-c's allocator set to allocator (NULL: malloc). */
Cchc__V1__Request *wire_decode_envelope_in(const wire_envelope *env,
                                           ProtobufCAllocator *allocator);

typedef struct wire_text_report {
    /* the field at fault, e.g. "report_submit.rows[3].note" */
    char path[160];
    /* an upper estimate of the memory protobuf-c will allocate to decode
     * the message (structures, strings, repeated arrays, unknown fields) */
    size_t decoded_estimate;
} wire_text_report;

/* Walks the encoded message of type desc through its descriptor (nested
 * messages, repeated fields, oneof members) and checks every string field
 * on the wire: valid UTF-8 without a NUL byte (bytes fields are exempt).
 * With descend = 0 only the top level is looked at. Fills report->path
 * on WIRE_CHECK_BAD_TEXT and report->decoded_estimate when it returns OK. */
wire_check_status wire_check_text(const ProtobufCMessageDescriptor *desc, const uint8_t *payload,
                                  size_t len, int descend, wire_text_report *report);

#endif
