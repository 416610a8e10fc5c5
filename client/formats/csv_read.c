/* See csv_read.h. */
#include "csv_read.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "text_decode.h"

typedef struct read_state {
    csv_records *out;
    csv_record current;
    size_t cap;
    int record;
    int failed;
} read_state;

/* Text a spreadsheet would run as a formula: "- Đã rà soát…" shows as
 * #NAME? in Excel, "=HYPERLINK(…)" does worse. Such a field is written
 * behind an apostrophe and read back without it (see on_field); fields
 * already starting with apostrophes before one of these get one more, so
 * every text comes back as it was. */
static int looks_like_formula(const char *text)
{
    text += strspn(text, "'");
    return *text && strchr("=+-@", *text) != NULL;
}

static void on_field(void *data, size_t len, void *ctx)
{
    read_state *st = ctx;
    csv_record *r = &st->current;
    if (r->nfields >= CSV_MAX_FIELDS) {
        r->nfields++;
        return;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        st->failed = 1;
        return;
    }
    memcpy(copy, data, len);
    copy[len] = '\0';
    /* spaces and a stray CR a spreadsheet user may have left around a value */
    size_t start = strspn(copy, " \t");
    memmove(copy, copy + start, strlen(copy + start) + 1);
    size_t n = strlen(copy);
    while (n > 0 && (copy[n - 1] == ' ' || copy[n - 1] == '\t' || copy[n - 1] == '\r'))
        copy[--n] = '\0';
    if (copy[0] == '\'' && looks_like_formula(copy + 1)) /* csv_write_field's guard */
        memmove(copy, copy + 1, strlen(copy));
    r->fields[r->nfields++] = copy;
}

static void clear(csv_record *r)
{
    size_t kept = r->nfields < CSV_MAX_FIELDS ? r->nfields : CSV_MAX_FIELDS;
    for (size_t i = 0; i < kept; i++)
        free(r->fields[i]);
    memset(r, 0, sizeof(*r));
}

static void on_record(int terminator, void *ctx)
{
    (void)terminator;
    read_state *st = ctx;
    st->record++;
    csv_record *r = &st->current;
    int blank = r->nfields == 0 || (r->nfields == 1 && r->fields[0][0] == '\0');
    if (blank || st->failed) {
        clear(r);
        return;
    }
    csv_records *out = st->out;
    if (out->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 64;
        csv_record *grown = realloc(out->records, cap * sizeof(*grown));
        if (!grown) {
            st->failed = 1;
            clear(r);
            return;
        }
        out->records = grown;
        st->cap = cap;
    }
    r->line = st->record;
    out->records[out->n++] = *r; /* the strings move with it */
    memset(r, 0, sizeof(*r));
}

/* The separator is the one of tab, ';' and ',' that occurs most often
 * outside quotes in the header record (the first line): a header such as
 * "Khó khăn, vướng mắc" left unquoted in a tab- or ';'-separated file has
 * one comma but a dozen separators. Ties go to the earliest. */
static unsigned char guess_delimiter(const char *data, size_t len)
{
    static const char candidates[] = "\t;,";
    size_t count[3] = {0}, first[3] = {len, len, len};
    int quoted = 0;
    for (size_t i = 0; i < len && (quoted || (data[i] != '\n' && data[i] != '\r')); i++) {
        if (data[i] == '"') {
            quoted = !quoted;
            continue;
        }
        for (int c = 0; !quoted && c < 3; c++)
            if (data[i] == candidates[c] && count[c]++ == 0)
                first[c] = i;
    }
    int best = 2; /* ',' when there is no separator at all */
    for (int c = 0; c < 3; c++)
        if (count[c] > count[best] || (count[c] && count[c] == count[best] && first[c] < first[best]))
            best = c;
    return (unsigned char)candidates[best];
}

int csv_read(const char *raw, size_t raw_len, csv_records *out)
{
    memset(out, 0, sizeof(*out));
    text_decoded text;
    if (text_decode(raw, raw_len, &text) != 0)
        return -1;
    if (!text.data) {
        snprintf(out->unreadable, sizeof(out->unreadable), "%s", text.unreadable);
        return 0;
    }
    snprintf(out->notice, sizeof(out->notice), "%s", text.notice);
    const char *data = text.data;
    size_t len = text.len;
    struct csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0) {
        text_decoded_free(&text);
        return -1;
    }
    csv_set_delim(&parser, guess_delimiter(data, len));
    read_state st = {.out = out};
    if (csv_parse(&parser, data, len, on_field, on_record, &st) != len) {
        snprintf(out->error, sizeof(out->error), "%s", csv_strerror(csv_error(&parser)));
        out->error_line = st.record + 1;
    }
    csv_fini(&parser, on_field, on_record, &st);
    csv_free(&parser);
    clear(&st.current);
    text_decoded_free(&text);
    if (st.failed) {
        char notice[sizeof(out->notice)];
        memcpy(notice, out->notice, sizeof(notice));
        csv_records_free(out);
        memcpy(out->notice, notice, sizeof(notice));
        return -1;
    }
    return 0;
}

void csv_records_free(csv_records *records)
{
    for (size_t i = 0; i < records->n; i++)
        clear(&records->records[i]);
    free(records->records);
    memset(records, 0, sizeof(*records));
}

const char *csv_field(const csv_record *record, size_t index)
{
    return index < record->nfields && index < CSV_MAX_FIELDS ? record->fields[index] : "";
}

void csv_write_field(FILE *out, const char *text, int last)
{
    size_t len = strlen(text);
    char *guarded = looks_like_formula(text) ? malloc(len + 2) : NULL;
    if (guarded) {
        guarded[0] = '\'';
        memcpy(guarded + 1, text, len + 1);
        text = guarded;
        len++;
    }
    csv_fwrite(out, text, len); /* always quoted, quotes doubled */
    free(guarded);
    fputs(last ? "\r\n" : ",", out);
}
