/* One worksheet's XML read into rows of rendered cells: each cell's text
 * as a person sees it (shared and inline strings, numbers under their
 * percent or date format, booleans, formula results, error values), with
 * its column and row taken from its reference so gaps are kept. Limits on
 * rows, columns and total text keep a hostile sheet from eating memory. */
#ifndef CCHC_XLSX_SHEET_H
#define CCHC_XLSX_SHEET_H

#include <stddef.h>

#include "xlsx_book.h"

#define XLSX_SHEET_MAX_ROWS 20000        /* rows with content; a template has a few hundred */
#define XLSX_SHEET_MAX_COLUMNS 256       /* cells further right are not read */
#define XLSX_SHEET_MAX_TEXT (64u << 20)  /* bytes of cell text in all */

typedef struct xlsx_cell {
    int column; /* 0-based */
    char *text;
} xlsx_cell;

typedef struct xlsx_row {
    int number; /* 1-based, as the spreadsheet shows it */
    size_t n;
    xlsx_cell *cells;
} xlsx_row;

typedef struct xlsx_table {
    xlsx_row *rows;
    size_t n_rows, size;
    size_t text_bytes;
} xlsx_table;

/* Reads a sheet part; rows without any value are left out. Returns 0, or
 * -1 with a message (the table is then freed). */
int xlsx_sheet_parse(const char *xml, size_t len, const xlsx_book *book, xlsx_table *out,
                     char *error, size_t error_size);
/* The text of a row's cell in column, "" when empty. */
const char *xlsx_row_cell(const xlsx_row *row, int column);
void xlsx_table_free(xlsx_table *table);

#endif
