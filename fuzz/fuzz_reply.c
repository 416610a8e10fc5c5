/* Fuzz target: what cchc does with answers from a server it cannot trust.
 * The input is a stream of frames; each payload is decoded as a Response,
 * rendered as --json renders it (pb_to_json), and collected as one answer
 * in parts (reply_parts_add), as the client's call loop collects a reply
 * with `more` set. The merged answer is rendered as JSON, its strings as a
 * table cut by display width (table.c, text_width.c), and a report bundle
 * as the HTML report (html_report.c), as `cchc status --html` does. */
#include <stdint.h>
#include <stdlib.h>

#include "city_report_table.h"
#include "frame.h"
#include "html_report.h"
#include "pb_json.h"
#include "reply_parts.h"
#include "table.h"
#include "wire.h"

static FILE *sink_file(void)
{
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    return devnull;
}

/* Every string of the message as a row of a narrow two-column table. */
static void add_strings(table *t, const ProtobufCMessage *m, int depth)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields && depth < 8; i++) {
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
        for (size_t k = 0; k < count && k < 64; k++) {
            if (f->type == PROTOBUF_C_TYPE_STRING) {
                const char *cells[2] = {f->name, items[k]};
                table_add_row(t, cells);
            } else if (f->type == PROTOBUF_C_TYPE_MESSAGE && items[k]) {
                add_strings(t, items[k], depth + 1);
            }
        }
    }
}

/* As html_export in client/commands/status.c. */
static void render_bundle(const Cchc__V1__ReportBundleResponse *b)
{
    if (!b->by_index || !b->by_district || !b->by_lead || !b->by_index->period)
        return;
    Cchc__V1__MissingResponse missing = CCHC__V1__MISSING_RESPONSE__INIT;
    missing.n_missing = b->n_missing;
    missing.missing = b->missing;
    Cchc__V1__ExportResponse rows = CCHC__V1__EXPORT_RESPONSE__INIT;
    rows.n_rows = b->n_rows;
    rows.rows = b->rows;
    const html_report_data data = {b->by_index, b->by_district, b->by_lead, &missing, &rows, NULL,
                                   b};
    html_report_write(&data, b->by_index->period->id, sink_file());
    /* the city report's companion from the same bundle */
    city_report_table t;
    if (city_report_table_make(&t, b, NULL) == 0) {
        city_report_write_csv(sink_file(), &t);
        city_report_table_free(&t);
    }
}

static void render_whole(const Cchc__V1__Response *r)
{
    static const char *const headers[2] = {"field", "value"};
    static const int widths[2] = {0, 24};
    table *t = table_new(2, headers, widths);
    if (t) {
        add_strings(t, &r->base, 0);
        table_print(t, sink_file(), 1);
        table_free(t);
    }
    if (r->body_case == CCHC__V1__RESPONSE__BODY_REPORT_BUNDLE && r->report_bundle)
        render_bundle(r->report_bundle);
}

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
        render_whole(c.last);
        Cchc__V1__Response *whole = reply_parts_merge(&c.parts, c.last);
        if (whole) {
            render(whole);
            render_whole(whole);
            cchc__v1__response__free_unpacked(whole, NULL);
        }
        cchc__v1__response__free_unpacked(c.last, NULL);
    }
    reply_parts_reset(&c.parts);
    return 0;
}
