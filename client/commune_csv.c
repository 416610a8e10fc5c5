/* See commune_csv.h. libcsv does the quoting rules; this file adds the
 * header, BOM and separator conventions and the per-line checks. Line
 * numbers count records, header included, which is the line a spreadsheet
 * shows unless a cell holds a line break. */
#include "commune_csv.h"

#include <csv.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "utf8.h"

#define MAX_FIELDS 8

typedef struct parse_state {
    commune_list *out;
    char *fields[MAX_FIELDS];
    size_t nfields;
    size_t extra_fields;
    int record;
    int failed;
    size_t cap_rows, cap_problems;
} parse_state;

static void problem(parse_state *st, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(parse_state *st, int line, const char *fmt, ...)
{
    commune_list *out = st->out;
    if (out->n_problems == st->cap_problems) {
        size_t cap = st->cap_problems ? st->cap_problems * 2 : 16;
        csv_problem *p = realloc(out->problems, cap * sizeof(*p));
        if (!p) {
            st->failed = 1;
            return;
        }
        out->problems = p;
        st->cap_problems = cap;
    }
    csv_problem *p = &out->problems[out->n_problems++];
    p->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof(p->message), fmt, ap);
    va_end(ap);
}

static void on_field(void *data, size_t len, void *ctx)
{
    parse_state *st = ctx;
    if (st->nfields >= MAX_FIELDS) {
        st->extra_fields++;
        return;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        st->failed = 1;
        return;
    }
    memcpy(copy, data, len);
    copy[len] = '\0';
    /* trim spaces a spreadsheet user may have typed */
    char *start = copy;
    while (*start == ' ' || *start == '\t')
        start++;
    memmove(copy, start, strlen(start) + 1);
    size_t n = strlen(copy);
    while (n > 0 && (copy[n - 1] == ' ' || copy[n - 1] == '\t' || copy[n - 1] == '\r'))
        copy[--n] = '\0';
    st->fields[st->nfields++] = copy;
}

static int is_header(parse_state *st)
{
    if (st->record != 1 || st->nfields == 0)
        return 0;
    const char *f = st->fields[0];
    return strcasecmp(f, "code") == 0 || strcasecmp(f, "ma") == 0 || strcmp(f, "mã") == 0 ||
           strcmp(f, "Mã") == 0 || strcmp(f, "mã đơn vị") == 0 || strcmp(f, "Mã đơn vị") == 0;
}

static void clear_fields(parse_state *st)
{
    for (size_t i = 0; i < st->nfields; i++)
        free(st->fields[i]);
    st->nfields = 0;
    st->extra_fields = 0;
}

static void on_record(int terminator, void *ctx)
{
    (void)terminator;
    parse_state *st = ctx;
    st->record++;
    int line = st->record;
    int blank = st->nfields == 0 || (st->nfields == 1 && st->fields[0][0] == '\0');
    if (blank || is_header(st)) {
        clear_fields(st);
        return;
    }
    size_t total = st->nfields + st->extra_fields;
    int ok = 1;
    if (total != 3) {
        problem(st, line, _("cần 3 cột (mã, tên, quận/huyện), có %zu cột (need 3 columns)"), total);
        ok = 0;
    }
    static const char *const names[] = {N_("mã"), N_("tên"), N_("quận/huyện")};
    for (size_t i = 0; i < st->nfields && i < 3; i++) {
        if (!utf8_valid(st->fields[i], strlen(st->fields[i]))) {
            problem(st, line, _("cột %s không phải UTF-8; hãy lưu tệp dạng CSV UTF-8 (not UTF-8)"),
                    _(names[i]));
            ok = 0;
        } else if (st->fields[i][0] == '\0' && total == 3) {
            problem(st, line, _("cột %s trống (empty)"), _(names[i]));
            ok = 0;
        }
    }
    if (ok) {
        commune_list *out = st->out;
        if (out->n_rows == st->cap_rows) {
            size_t cap = st->cap_rows ? st->cap_rows * 2 : 64;
            commune_row *rows = realloc(out->rows, cap * sizeof(*rows));
            if (!rows) {
                st->failed = 1;
                clear_fields(st);
                return;
            }
            out->rows = rows;
            st->cap_rows = cap;
        }
        commune_row *row = &out->rows[out->n_rows++];
        row->line = line;
        row->code = st->fields[0];
        row->name = st->fields[1];
        row->district = st->fields[2];
        st->nfields = 0; /* the row owns the strings now */
    }
    clear_fields(st);
}

/* Excel in a Vietnamese locale saves "CSV" with semicolons: use whichever
 * of ';' and ',' appears first outside quotes on the first line. */
static unsigned char guess_delimiter(const char *data, size_t len)
{
    int quoted = 0;
    for (size_t i = 0; i < len && data[i] != '\n'; i++) {
        if (data[i] == '"')
            quoted = !quoted;
        else if (!quoted && (data[i] == ';' || data[i] == ','))
            return (unsigned char)data[i];
    }
    return ',';
}

int commune_csv_parse(const char *data, size_t len, commune_list *out)
{
    memset(out, 0, sizeof(*out));
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    struct csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0)
        return -1;
    csv_set_delim(&parser, guess_delimiter(data, len));
    parse_state st = {.out = out};
    if (csv_parse(&parser, data, len, on_field, on_record, &st) != len) {
        problem(&st, st.record + 1, _("tệp CSV hỏng: %s (malformed CSV)"),
                csv_strerror(csv_error(&parser)));
    }
    csv_fini(&parser, on_field, on_record, &st);
    csv_free(&parser);
    clear_fields(&st);
    if (st.failed) {
        commune_list_free(out);
        return -1;
    }
    return 0;
}

void commune_list_free(commune_list *list)
{
    for (size_t i = 0; i < list->n_rows; i++) {
        free(list->rows[i].code);
        free(list->rows[i].name);
        free(list->rows[i].district);
    }
    free(list->rows);
    free(list->problems);
    memset(list, 0, sizeof(*list));
}
