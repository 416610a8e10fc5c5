/* See xlsx_book.h. */
#include "xlsx_book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "xlsx_xml.h"

/* ---- workbook.xml ---------------------------------------------------------------------- */

typedef struct workbook_state {
    xlsx_book *book;
    const char *wanted;
    char *rel_id, *name;
    size_t rel_id_size, name_size;
    int found, named;
} workbook_state;

static void workbook_start(xlsx_xml *x, void *ctx, const char *name, const char **attrs)
{
    (void)x;
    workbook_state *w = ctx;
    if (strcmp(name, "workbookPr") == 0) {
        const char *v = xlsx_xml_attr(attrs, "date1904");
        w->book->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(name, "sheet") == 0 && !w->named) {
        const char *sheet = xlsx_xml_attr(attrs, "name"), *id = xlsx_xml_attr(attrs, "id");
        if (!sheet || !id)
            return;
        int named = strcmp(sheet, w->wanted) == 0;
        if (w->found && !named)
            return;
        snprintf(w->rel_id, w->rel_id_size, "%s", id);
        snprintf(w->name, w->name_size, "%s", sheet);
        w->found = 1;
        w->named = named;
    }
}

static void ignore_end(xlsx_xml *x, void *ctx, const char *name)
{
    (void)x, (void)ctx, (void)name;
}

int xlsx_book_workbook(xlsx_book *book, const char *xml, size_t len, const char *wanted,
                       char *rel_id, size_t rel_id_size, char *name, size_t name_size,
                       char *error, size_t error_size)
{
    workbook_state w = {book, wanted, rel_id, name, rel_id_size, name_size, 0, 0};
    xlsx_xml_handlers h = {workbook_start, ignore_end, NULL};
    if (xlsx_xml_parse("workbook.xml", xml, len, &h, &w, error, error_size) != 0)
        return -1;
    if (!w.found) {
        snprintf(error, error_size, _("the .xlsx file has no sheet"));
        return -1;
    }
    return 0;
}

/* ---- *.rels ---------------------------------------------------------------------------- */

typedef struct rels_state {
    const char *id, *type_suffix;
    char *target;
    size_t target_size;
    int found;
} rels_state;

static void rels_start(xlsx_xml *x, void *ctx, const char *name, const char **attrs)
{
    (void)x;
    rels_state *r = ctx;
    if (r->found || strcmp(name, "Relationship") != 0)
        return;
    const char *id = xlsx_xml_attr(attrs, "Id"), *type = xlsx_xml_attr(attrs, "Type"),
               *target = xlsx_xml_attr(attrs, "Target"), *mode = xlsx_xml_attr(attrs, "TargetMode");
    if (!target || (mode && strcmp(mode, "External") == 0))
        return;
    if (r->id) {
        if (!id || strcmp(id, r->id) != 0)
            return;
    } else {
        size_t n = type ? strlen(type) : 0, k = strlen(r->type_suffix);
        if (n < k || strcmp(type + n - k, r->type_suffix) != 0)
            return;
    }
    snprintf(r->target, r->target_size, "%s", target);
    r->found = 1;
}

int xlsx_book_relation(const char *xml, size_t len, const char *part, const char *id,
                       const char *type_suffix, char *target, size_t target_size, char *error,
                       size_t error_size)
{
    rels_state r = {id, type_suffix, target, target_size, 0};
    xlsx_xml_handlers h = {rels_start, ignore_end, NULL};
    if (xlsx_xml_parse(part, xml, len, &h, &r, error, error_size) != 0)
        return -1;
    return r.found ? 0 : 1;
}

/* ---- sharedStrings.xml ----------------------------------------------------------------- */

typedef struct strings_state {
    xlsx_book *book;
    size_t size;
    int in_si, in_t, in_phonetic;
    xlsx_text text;
} strings_state;

static void strings_start(xlsx_xml *x, void *ctx, const char *name, const char **attrs)
{
    (void)x, (void)attrs;
    strings_state *s = ctx;
    if (strcmp(name, "si") == 0) {
        s->in_si = 1;
        xlsx_text_clear(&s->text);
    } else if (strcmp(name, "rPh") == 0) {
        s->in_phonetic++; /* the reading of East Asian text, not shown in the cell */
    } else if (strcmp(name, "t") == 0 && s->in_si && !s->in_phonetic) {
        s->in_t = 1;
    }
}

static void strings_end(xlsx_xml *x, void *ctx, const char *name)
{
    strings_state *s = ctx;
    if (strcmp(name, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(name, "rPh") == 0) {
        s->in_phonetic--;
    } else if (strcmp(name, "si") == 0 && s->in_si) {
        s->in_si = 0;
        xlsx_book *b = s->book;
        if (b->n_strings == XLSX_MAX_SHARED_STRINGS) {
            xlsx_xml_fail(x, _("too many shared strings"));
            return;
        }
        if (b->n_strings == s->size) {
            size_t size = s->size ? s->size * 2 : 256;
            char **grown = realloc(b->strings, size * sizeof(*grown));
            if (!grown) {
                xlsx_xml_fail(x, _("out of memory"));
                return;
            }
            b->strings = grown;
            s->size = size;
        }
        char *copy = strdup(xlsx_text_get(&s->text));
        if (!copy) {
            xlsx_xml_fail(x, _("out of memory"));
            return;
        }
        xlsx_unescape(copy);
        b->strings[b->n_strings++] = copy;
    }
}

static void strings_text(xlsx_xml *x, void *ctx, const char *text, int len)
{
    strings_state *s = ctx;
    if (s->in_t && xlsx_text_add(&s->text, text, (size_t)len) != 0)
        xlsx_xml_fail(x, _("a string too long, or out of memory"));
}

int xlsx_book_strings(xlsx_book *book, const char *xml, size_t len, char *error,
                      size_t error_size)
{
    strings_state s = {.book = book, .text = {.cap = len}};
    xlsx_xml_handlers h = {strings_start, strings_end, strings_text};
    int rc = xlsx_xml_parse("sharedStrings.xml", xml, len, &h, &s, error, error_size);
    xlsx_text_free(&s.text);
    return rc;
}

/* ---- styles.xml ------------------------------------------------------------------------ */

typedef struct custom_format {
    int id;
    char *code;
} custom_format;

typedef struct styles_state {
    int in_cell_xfs;
    int *xf_ids; /* numFmtId of each cell style, resolved once all formats are known */
    size_t n_xfs, size_xfs;
    custom_format *customs;
    size_t n_customs, size_customs;
} styles_state;

static int grow(void **array, size_t *size, size_t n, size_t item)
{
    if (n < *size)
        return 0;
    size_t bigger = *size ? *size * 2 : 32;
    void *grown = realloc(*array, bigger * item);
    if (!grown)
        return -1;
    *array = grown;
    *size = bigger;
    return 0;
}

static void styles_start(xlsx_xml *x, void *ctx, const char *name, const char **attrs)
{
    styles_state *s = ctx;
    if (strcmp(name, "cellXfs") == 0) {
        s->in_cell_xfs = 1;
    } else if (strcmp(name, "numFmt") == 0) {
        const char *id = xlsx_xml_attr(attrs, "numFmtId"), *code = xlsx_xml_attr(attrs, "formatCode");
        if (!id || !code)
            return;
        if (s->n_customs == XLSX_MAX_NUMBER_FORMATS ||
            grow((void **)&s->customs, &s->size_customs, s->n_customs, sizeof(*s->customs)) != 0) {
            xlsx_xml_fail(x, _("too many number formats"));
            return;
        }
        char *copy = strdup(code);
        if (!copy) {
            xlsx_xml_fail(x, _("out of memory"));
            return;
        }
        s->customs[s->n_customs].id = atoi(id);
        s->customs[s->n_customs++].code = copy;
    } else if (strcmp(name, "xf") == 0 && s->in_cell_xfs) {
        const char *id = xlsx_xml_attr(attrs, "numFmtId");
        if (s->n_xfs == XLSX_MAX_STYLES ||
            grow((void **)&s->xf_ids, &s->size_xfs, s->n_xfs, sizeof(*s->xf_ids)) != 0) {
            xlsx_xml_fail(x, _("too many cell styles"));
            return;
        }
        s->xf_ids[s->n_xfs++] = id ? atoi(id) : 0;
    }
}

static void styles_end(xlsx_xml *x, void *ctx, const char *name)
{
    (void)x;
    styles_state *s = ctx;
    if (strcmp(name, "cellXfs") == 0)
        s->in_cell_xfs = 0;
}

int xlsx_book_styles(xlsx_book *book, const char *xml, size_t len, char *error,
                     size_t error_size)
{
    styles_state s = {0};
    xlsx_xml_handlers h = {styles_start, styles_end, NULL};
    int rc = xlsx_xml_parse("styles.xml", xml, len, &h, &s, error, error_size);
    if (rc == 0 && s.n_xfs) {
        book->formats = calloc(s.n_xfs, sizeof(*book->formats));
        if (!book->formats) {
            snprintf(error, error_size, _("out of memory"));
            rc = -1;
        }
    }
    for (size_t i = 0; rc == 0 && i < s.n_xfs; i++) {
        const char *code = NULL;
        for (size_t k = 0; k < s.n_customs; k++)
            if (s.customs[k].id == s.xf_ids[i])
                code = s.customs[k].code;
        book->formats[i] = xlsx_format_kind_of(s.xf_ids[i], code);
    }
    if (rc == 0)
        book->n_formats = s.n_xfs;
    for (size_t k = 0; k < s.n_customs; k++)
        free(s.customs[k].code);
    free(s.customs);
    free(s.xf_ids);
    return rc;
}

xlsx_format_kind xlsx_book_format(const xlsx_book *book, long style)
{
    return style >= 0 && (size_t)style < book->n_formats ? book->formats[style]
                                                         : XLSX_FORMAT_PLAIN;
}

void xlsx_book_free(xlsx_book *book)
{
    for (size_t i = 0; i < book->n_strings; i++)
        free(book->strings[i]);
    free(book->strings);
    free(book->formats);
    memset(book, 0, sizeof(*book));
}
