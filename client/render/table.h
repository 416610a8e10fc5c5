/* Plain-text tables for people: columns padded by display width (see
 * text_width.h), long cells cut cleanly with "…". Rows are collected first
 * so every column is as wide as its widest cell (up to the maximum a
 * table sets for a column, which --wide lifts); a table printed on stdout
 * then fits terminal_columns() (COLUMNS, the terminal, no limit when
 * piped or with --wide) by cutting its widest columns first. */
#ifndef CCHC_TABLE_H
#define CCHC_TABLE_H

#include <stdio.h>

typedef struct table table;

/* headers: ncols column titles. max_widths may be NULL or hold a maximum
 * width per column (0 = unlimited). */
table *table_new(int ncols, const char *const *headers, const int *max_widths);
/* Copies the cells; NULL prints as empty. */
int table_add_row(table *t, const char *const *cells);
/* Shows the row added last in a colour (a terminal_colour: late, at
 * risk) where the output takes colours. */
void table_colour_last_row(table *t, int colour);
/* Prints with a header line unless show_header is 0 (key/value tables). */
void table_print(const table *t, FILE *out, int show_header);
/* The same within columns (0 = no limit), whatever the terminal says. */
void table_print_fit(const table *t, FILE *out, int show_header, int columns);
void table_free(table *t);

#endif
