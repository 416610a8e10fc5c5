/* See commune_csv.h. The file is read by csv_read.c; this adds the
 * commune columns, the optional header and the per-line checks. */
#include "commune_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv_read.h"
#include "i18n.h"
#include "plat_printf.h"
#include "utf8.h"

static int problem(commune_list *out, size_t *cap, int line, const char *fmt, ...)
    __attribute__((format(PLAT_PRINTF_FORMAT, 4, 5)));

static int problem(commune_list *out, size_t *cap, int line, const char *fmt, ...)
{
    if (out->n_problems == *cap) {
        size_t grown = *cap ? *cap * 2 : 16;
        csv_problem *p = realloc(out->problems, grown * sizeof(*p));
        if (!p)
            return -1;
        out->problems = p;
        *cap = grown;
    }
    csv_problem *p = &out->problems[out->n_problems++];
    p->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof(p->message), fmt, ap);
    va_end(ap);
    return 0;
}

static int is_header(const csv_record *r)
{
    const char *f = csv_field(r, 0);
    return strcasecmp(f, "code") == 0 || strcasecmp(f, "ma") == 0 || strcmp(f, "mã") == 0 ||
           strcmp(f, "Mã") == 0 || strcmp(f, "mã đơn vị") == 0 || strcmp(f, "Mã đơn vị") == 0;
}

static char *dup(const char *s)
{
    return strdup(s);
}

int commune_csv_parse(const char *data, size_t len, commune_list *out)
{
    memset(out, 0, sizeof(*out));
    csv_records records;
    if (csv_read(data, len, &records) != 0)
        return -1;
    size_t cap_problems = 0;
    int failed = 0;
    snprintf(out->file_problem, sizeof(out->file_problem), "%s", records.unreadable);
    snprintf(out->notice, sizeof(out->notice), "%s", records.notice);
    if (records.error[0])
        failed |= problem(out, &cap_problems, records.error_line,
                          _("malformed CSV file: %s"), records.error);
    out->rows = calloc(records.n ? records.n : 1, sizeof(*out->rows));
    if (!out->rows)
        failed = 1;
    static const char *const names[] = {N_("code"), N_("name"), N_("district")};
    for (size_t i = 0; i < records.n && !failed; i++) {
        const csv_record *r = &records.records[i];
        if (i == 0 && is_header(r))
            continue;
        int ok = 1;
        if (r->nfields != 3) {
            failed |= problem(out, &cap_problems, r->line,
                              _("3 columns are needed (code, name, district); there are %zu"),
                              r->nfields);
            ok = 0;
        }
        for (size_t f = 0; f < 3 && f < r->nfields; f++) {
            const char *value = csv_field(r, f);
            if (!utf8_valid(value, strlen(value))) {
                failed |= problem(out, &cap_problems, r->line,
                                  _("column %s is not UTF-8; save the file as CSV UTF-8"),
                                  _(names[f]));
                ok = 0;
            } else if (!*value && r->nfields == 3) {
                failed |= problem(out, &cap_problems, r->line, _("column %s is empty"), _(names[f]));
                ok = 0;
            }
        }
        if (!ok)
            continue;
        commune_row *row = &out->rows[out->n_rows++];
        row->line = r->line;
        row->code = dup(csv_field(r, 0));
        row->name = dup(csv_field(r, 1));
        row->district = dup(csv_field(r, 2));
        failed |= !row->code || !row->name || !row->district;
    }
    csv_records_free(&records);
    if (failed) {
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
