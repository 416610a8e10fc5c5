/* See table.h. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "terminal.h"
#include "text_width.h"

/* A column cut to fit the terminal keeps at least this many columns (or
 * its natural width when narrower): below that text says nothing. */
#define TABLE_MIN_CUT_WIDTH 10

struct table {
    int ncols;
    char **headers;
    int *max_widths;
    char ***rows;
    int *row_colours; /* terminal_colour of each row */
    int nrows, cap;
};

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

table *table_new(int ncols, const char *const *headers, const int *max_widths)
{
    table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->headers = calloc((size_t)ncols, sizeof(char *));
    t->max_widths = calloc((size_t)ncols, sizeof(int));
    if (!t->headers || !t->max_widths) {
        table_free(t);
        return NULL;
    }
    for (int i = 0; i < ncols; i++) {
        t->headers[i] = dup_or_empty(headers ? headers[i] : "");
        t->max_widths[i] = max_widths ? max_widths[i] : 0;
    }
    return t;
}

int table_add_row(table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        int cap = t->cap ? t->cap * 2 : 16;
        char ***rows = realloc(t->rows, (size_t)cap * sizeof(*rows));
        if (!rows)
            return -1;
        t->rows = rows;
        int *colours = realloc(t->row_colours, (size_t)cap * sizeof(*colours));
        if (!colours)
            return -1;
        t->row_colours = colours;
        t->cap = cap;
    }
    char **row = calloc((size_t)t->ncols, sizeof(char *));
    if (!row)
        return -1;
    for (int i = 0; i < t->ncols; i++)
        row[i] = dup_or_empty(cells[i]);
    t->row_colours[t->nrows] = COLOUR_NONE;
    t->rows[t->nrows++] = row;
    return 0;
}

void table_colour_last_row(table *t, int colour)
{
    if (t->nrows > 0)
        t->row_colours[t->nrows - 1] = colour;
}

static size_t clamp_width(const table *t, int col, size_t width)
{
    if (terminal_wide())
        return width; /* --wide: every cell whole */
    size_t max = (size_t)t->max_widths[col];
    return max && width > max ? max : width;
}

/* Prints a cell cut to `width` columns; returns the columns printed. The
 * padding after it is left to the caller, which emits it only if something
 * follows on the line, so lines carry no trailing blanks. */
static size_t print_cell(FILE *out, const char *text, size_t width)
{
    size_t cols = text_width(text);
    if (cols <= width) {
        fputs(text, out);
        return cols;
    }
    size_t used;
    size_t bytes = text_fit(text, width > 0 ? width - 1 : 0, &used);
    fwrite(text, 1, bytes, out);
    fputs("…", out);
    return used + 1;
}

static void print_row(FILE *out, char *const *cells, const size_t *widths, int ncols, int colour)
{
    fputs(terminal_colour_on(out, (terminal_colour)colour), out);
    size_t pending = 0; /* blanks owed before the next non-empty cell */
    for (int c = 0; c < ncols; c++) {
        if (cells[c][0] != '\0') {
            fprintf(out, "%*s", (int)pending, "");
            pending = 0;
            pending += widths[c] - print_cell(out, cells[c], widths[c]);
        } else {
            pending += widths[c];
        }
        pending += 2;
    }
    fputs(terminal_colour_off(out, (terminal_colour)colour), out);
    fputc('\n', out);
}

/* Narrows the widest column, one column at a time, until the line fits
 * limit or every column is down to its minimum: long text gives way
 * first, short codes and dates keep their width. */
static void fit_widths(size_t *widths, int ncols, size_t limit)
{
    size_t total = 0;
    for (int c = 0; c < ncols; c++)
        total += widths[c] + (c ? 2 : 0);
    while (total > limit) {
        int widest = -1;
        for (int c = 0; c < ncols; c++)
            if (widths[c] > TABLE_MIN_CUT_WIDTH && (widest < 0 || widths[c] >= widths[widest]))
                widest = c;
        if (widest < 0)
            return; /* as narrow as it goes: the line overflows */
        widths[widest]--;
        total--;
    }
}

void table_print(const table *t, FILE *out, int show_header)
{
    table_print_fit(t, out, show_header, out == stdout ? terminal_columns() : 0);
}

void table_print_fit(const table *t, FILE *out, int show_header, int columns)
{
    size_t *widths = calloc((size_t)t->ncols, sizeof(size_t));
    if (!widths)
        return;
    for (int c = 0; c < t->ncols; c++) {
        widths[c] = show_header ? text_width(t->headers[c]) : 0;
        for (int r = 0; r < t->nrows; r++) {
            size_t w = text_width(t->rows[r][c]);
            if (w > widths[c])
                widths[c] = w;
        }
        widths[c] = clamp_width(t, c, widths[c]);
    }
    if (columns > 0)
        fit_widths(widths, t->ncols, (size_t)columns);
    if (show_header) {
        print_row(out, t->headers, widths, t->ncols, COLOUR_NONE);
        for (int c = 0; c < t->ncols; c++) {
            for (size_t i = 0; i < widths[c]; i++)
                fputs("─", out);
            if (c < t->ncols - 1)
                fputs("  ", out);
        }
        fputc('\n', out);
    }
    for (int r = 0; r < t->nrows; r++)
        print_row(out, t->rows[r], widths, t->ncols, t->row_colours[r]);
    free(widths);
}

void table_free(table *t)
{
    if (!t)
        return;
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->row_colours);
    for (int c = 0; c < t->ncols && t->headers; c++)
        free(t->headers[c]);
    free(t->headers);
    free(t->max_widths);
    free(t);
}
