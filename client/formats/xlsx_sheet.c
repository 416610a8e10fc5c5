/* See xlsx_sheet.h. */
#include "xlsx_sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "xlsx_xml.h"

typedef struct sheet_state {
    const xlsx_book *book;
    xlsx_table *table;
    int in_data;
    int row, last_row;        /* the row being read; the one before */
    int column, last_column;  /* the cell being read; the one before it in the row */
    char type[16];
    long style;
    int in_value, in_inline, in_t, in_phonetic;
    xlsx_text value, inline_text;
    xlsx_row current;
    size_t current_size;
} sheet_state;

static void fail_memory(xlsx_xml *x)
{
    xlsx_xml_fail(x, _("out of memory"));
}

static void sheet_start(xlsx_xml *x, void *ctx, const char *name, const char **attrs)
{
    sheet_state *s = ctx;
    if (strcmp(name, "sheetData") == 0) {
        s->in_data = 1;
    } else if (!s->in_data) {
        return;
    } else if (strcmp(name, "row") == 0) {
        const char *r = xlsx_xml_attr(attrs, "r");
        char *end = NULL;
        long n = r ? strtol(r, &end, 10) : s->last_row + 1;
        if ((r && (*end || end == r)) || n < 1 || n > XLSX_MAX_ROW) {
            xlsx_xml_fail(x, _("bad row number"));
            return;
        }
        s->row = (int)n;
        s->last_column = -1;
        s->current.number = s->row;
        for (size_t i = 0; i < s->current.n; i++) /* a row inside a row: its cells go */
            free(s->current.cells[i].text);
        s->current.n = 0;
    } else if (strcmp(name, "c") == 0) {
        const char *ref = xlsx_xml_attr(attrs, "r"), *t = xlsx_xml_attr(attrs, "t"),
                   *style = xlsx_xml_attr(attrs, "s");
        int column = s->last_column + 1, row = s->row;
        if (ref && xlsx_cell_ref(ref, &column, &row) != 0) {
            xlsx_xml_fail(x, _("bad cell reference"));
            return;
        }
        if (row != s->row) {
            xlsx_xml_fail(x, _("a cell outside its row"));
            return;
        }
        s->column = column;
        s->last_column = column;
        snprintf(s->type, sizeof(s->type), "%s", t ? t : "n");
        s->style = style ? strtol(style, NULL, 10) : 0;
        xlsx_text_clear(&s->value);
        xlsx_text_clear(&s->inline_text);
    } else if (strcmp(name, "v") == 0) {
        s->in_value = 1;
    } else if (strcmp(name, "is") == 0) {
        s->in_inline = 1;
    } else if (strcmp(name, "rPh") == 0) {
        s->in_phonetic++;
    } else if (strcmp(name, "t") == 0 && s->in_inline && !s->in_phonetic) {
        s->in_t = 1;
    }
}

/* The text of the cell just closed, as a person sees it; NULL when it has
 * no value. Sets *failed when the cell cannot be rendered. */
static char *render_cell(xlsx_xml *x, sheet_state *s)
{
    const char *v = xlsx_text_get(&s->value), *t = s->type;
    if (strcmp(t, "inlineStr") == 0) {
        char *text = strdup(xlsx_text_get(&s->inline_text));
        if (text)
            xlsx_unescape(text);
        return text;
    }
    if (!s->value.len)
        return NULL; /* a styled empty cell */
    if (strcmp(t, "s") == 0) {
        char *end = NULL;
        long i = strtol(v, &end, 10);
        if (*end || end == v || i < 0 || (size_t)i >= s->book->n_strings) {
            xlsx_xml_fail(x, _("a cell refers to a shared string that does not exist"));
            return NULL;
        }
        return strdup(s->book->strings[i]);
    }
    if (strcmp(t, "b") == 0)
        return strdup(strcmp(v, "0") == 0 ? "FALSE" : "TRUE");
    if (strcmp(t, "str") == 0 || strcmp(t, "e") == 0 || strcmp(t, "d") == 0) {
        char *text = strdup(v); /* a formula's text, an error value, an ISO 8601 date */
        if (text)
            xlsx_unescape(text);
        return text;
    }
    char out[800];
    xlsx_number_text(v, xlsx_book_format(s->book, s->style), s->book->date1904, out, sizeof(out));
    return strdup(out);
}

static void end_cell(xlsx_xml *x, sheet_state *s)
{
    if (s->column >= XLSX_SHEET_MAX_COLUMNS)
        return;
    char *text = render_cell(x, s);
    if (!text || !*text) {
        free(text);
        return;
    }
    size_t n = strlen(text);
    xlsx_table *table = s->table;
    if (n > XLSX_SHEET_MAX_TEXT - table->text_bytes || s->current.n == XLSX_SHEET_MAX_COLUMNS) {
        free(text);
        xlsx_xml_fail(x, _("the sheet is too large"));
        return;
    }
    if (s->current.n == s->current_size) {
        size_t size = s->current_size ? s->current_size * 2 : 16;
        xlsx_cell *grown = realloc(s->current.cells, size * sizeof(*grown));
        if (!grown) {
            free(text);
            fail_memory(x);
            return;
        }
        s->current.cells = grown;
        s->current_size = size;
    }
    table->text_bytes += n;
    s->current.cells[s->current.n].column = s->column;
    s->current.cells[s->current.n++].text = text;
}

static void end_row(xlsx_xml *x, sheet_state *s)
{
    s->last_row = s->row;
    if (!s->current.n)
        return;
    xlsx_table *table = s->table;
    if (table->n_rows == XLSX_SHEET_MAX_ROWS) {
        xlsx_xml_fail(x, _("the sheet has too many rows"));
        return;
    }
    if (table->n_rows == table->size) {
        size_t size = table->size ? table->size * 2 : 64;
        xlsx_row *grown = realloc(table->rows, size * sizeof(*grown));
        if (!grown) {
            fail_memory(x);
            return;
        }
        table->rows = grown;
        table->size = size;
    }
    xlsx_row *row = &table->rows[table->n_rows++];
    *row = s->current;
    /* the row keeps its cells exactly sized; the next row starts afresh */
    xlsx_cell *fitted = realloc(row->cells, row->n * sizeof(*fitted));
    if (fitted)
        row->cells = fitted;
    s->current.cells = NULL;
    s->current.n = 0;
    s->current_size = 0;
}

static void sheet_end(xlsx_xml *x, void *ctx, const char *name)
{
    sheet_state *s = ctx;
    if (!s->in_data)
        return;
    if (strcmp(name, "sheetData") == 0)
        s->in_data = 0;
    else if (strcmp(name, "row") == 0)
        end_row(x, s);
    else if (strcmp(name, "c") == 0)
        end_cell(x, s);
    else if (strcmp(name, "v") == 0)
        s->in_value = 0;
    else if (strcmp(name, "is") == 0)
        s->in_inline = 0;
    else if (strcmp(name, "rPh") == 0)
        s->in_phonetic--;
    else if (strcmp(name, "t") == 0)
        s->in_t = 0;
}

static void sheet_text(xlsx_xml *x, void *ctx, const char *text, int len)
{
    sheet_state *s = ctx;
    xlsx_text *into = s->in_value ? &s->value : s->in_t ? &s->inline_text : NULL;
    if (into && xlsx_text_add(into, text, (size_t)len) != 0)
        xlsx_xml_fail(x, _("a cell too long, or out of memory"));
}

int xlsx_sheet_parse(const char *xml, size_t len, const xlsx_book *book, xlsx_table *out,
                     char *error, size_t error_size)
{
    memset(out, 0, sizeof(*out));
    sheet_state s = {.book = book, .table = out, .last_column = -1,
                     .value = {.cap = 1u << 20}, .inline_text = {.cap = 1u << 20}};
    xlsx_xml_handlers h = {sheet_start, sheet_end, sheet_text};
    int rc = xlsx_xml_parse("sheet", xml, len, &h, &s, error, error_size);
    for (size_t i = 0; i < s.current.n; i++)
        free(s.current.cells[i].text);
    free(s.current.cells);
    xlsx_text_free(&s.value);
    xlsx_text_free(&s.inline_text);
    if (rc != 0)
        xlsx_table_free(out);
    return rc;
}

const char *xlsx_row_cell(const xlsx_row *row, int column)
{
    /* the last cell of a column wins, as when a producer repeats one */
    for (size_t i = row->n; i-- > 0;)
        if (row->cells[i].column == column)
            return row->cells[i].text;
    return "";
}

void xlsx_table_free(xlsx_table *table)
{
    for (size_t r = 0; r < table->n_rows; r++) {
        for (size_t c = 0; c < table->rows[r].n; c++)
            free(table->rows[r].cells[c].text);
        free(table->rows[r].cells);
    }
    free(table->rows);
    memset(table, 0, sizeof(*table));
}
