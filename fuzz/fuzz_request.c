/* Fuzz target: one request payload as cchcd receives it. Decodes it with
 * wire_decode_request, then runs over every field, by descriptor, the
 * checks the handlers apply before touching the database: validate_text on
 * every string, validate_date on the date fields, validate_period on
 * period ids, validate_decimal on decimals, validate_report on every row of
 * a report submission (mapped as handle_report_submit maps it), and the
 * request key and kind helpers, after the NFC pass cchcd runs on every
 * decoded request (wire_nfc.c). The answers must be sane: every reason is
 * NUL-terminated valid UTF-8 (it goes into an error reply), every valid
 * UTF-8 string is NFC after the pass, and a decoded request encodes again.
 *
 * Not targeted here: checks that need the database or the session
 * (permissions, existing units, period states), and the handlers' integer
 * range checks, which read plain ints and index nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request_kind.h"
#include "text_fold.h"
#include "utf8.h"
#include "validate.h"
#include "wire.h"
#include "wire_nfc.h"

static void check_reason(const char *why, size_t size)
{
    size_t n = strnlen(why, size);
    if (n == size || !utf8_valid(why, n))
        abort(); /* an error reply must be valid UTF-8 */
}

static int is_date_field(const char *name)
{
    static const char *const dates[] = {"as_of", "until", "since", "valid_from",
                                        "unit_deadline", "lead_deadline", "issued_on",
                                        "received_on", "effective_on"};
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
        if (strcmp(name, dates[i]) == 0)
            return 1;
    return 0;
}

static void check_string(const ProtobufCMessageDescriptor *msg, const char *field, const char *s)
{
    char why[200];
    if (utf8_valid(s, strlen(s)) && !text_is_nfc(s))
        abort(); /* the NFC pass missed a string */
    memset(why, 'x', sizeof(why));
    if (validate_text(s, 4000, why, sizeof(why)) != 0)
        check_reason(why, sizeof(why));
    if (is_date_field(field) && validate_date(s, why, sizeof(why)) != 0)
        check_reason(why, sizeof(why));
    if (strcmp(field, "period_id") == 0)
        (void)validate_period(s);
    if (msg == &cchc__v1__index_result_set_request__descriptor && strcmp(field, "value") == 0 &&
        validate_decimal(s, 5, 4, why, sizeof(why)) != 0)
        check_reason(why, sizeof(why));
}

/* As handle_report_submit builds the row it validates. */
static void check_report_row(const Cchc__V1__ReportRow *row)
{
    const char *names[REPORT_INDICATORS_MAX], *values[REPORT_INDICATORS_MAX];
    size_t nind = row->n_indicators < REPORT_INDICATORS_MAX ? row->n_indicators
                                                            : REPORT_INDICATORS_MAX;
    for (size_t k = 0; k < nind; k++) {
        names[k] = row->indicators[k]->name;
        values[k] = row->indicators[k]->value;
    }
    report_fields f = {row->task_id, row->status, row->progress, row->results,
                       row->difficulties, row->proposals, row->idempotency_key, names,
                       values, row->n_indicators};
    field_problem found[16];
    memset(found, 'x', sizeof(found));
    size_t n = validate_report(&f, found, 16);
    for (size_t i = 0; i < n && i < 16; i++) {
        check_reason(found[i].field, sizeof(found[i].field));
        check_reason(found[i].message, sizeof(found[i].message));
    }
}

static void walk(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (d == &cchc__v1__report_row__descriptor)
        check_report_row((const Cchc__V1__ReportRow *)m);
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *at = (const char *)m + f->offset;
        size_t count = 1;
        const void *const *items = (const void *const *)at;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            count = *(const size_t *)((const char *)m + f->quantifier_offset);
            items = *(const void *const *const *)at;
        } else if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            if (*(const uint32_t *)((const char *)m + f->quantifier_offset) != f->id)
                continue;
        }
        for (size_t k = 0; k < count; k++) {
            if (f->type == PROTOBUF_C_TYPE_STRING) {
                const char *s = items[k];
                if (!s)
                    abort(); /* protobuf-c gives "" for an absent string */
                check_string(d, f->name, s);
            } else if (f->type == PROTOBUF_C_TYPE_MESSAGE && items[k]) {
                walk(items[k]);
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Cchc__V1__Request *req = wire_decode_request(data, size);
    if (!req)
        return 0;
    (void)request_kind_is_write(req->body_case);
    (void)request_key_valid(req->request_key);
    if (!wire_request_name(req->body_case))
        abort();
    if (wire_nfc_message(&req->base, wire_nfc_store_malloc, NULL) < 0)
        abort(); /* out of memory on a fuzzer-sized input */
    walk(&req->base);

    /* Encoding a decoded request must work (the packed size is what pack
     * writes). Decoding the encoding again is not asserted: protobuf-c
     * accepts an unknown field numbered 0 in an overlong tag (0x82 0x00)
     * but refuses the tag it writes back for it (0x02); nothing of ours
     * re-encodes a request, and reply_parts answers such a reply with an
     * error (fuzz/README.md). */
    size_t n1 = protobuf_c_message_get_packed_size(&req->base);
    uint8_t *b1 = malloc(n1 ? n1 : 1);
    if (!b1 || protobuf_c_message_pack(&req->base, b1) != n1)
        abort();
    free(b1);
    cchc__v1__request__free_unpacked(req, NULL);
    return 0;
}
