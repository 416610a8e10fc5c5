/* Plain-text tables for people: columns padded by display width (see
 * text_width.h), long cells cut cleanly with "…". Rows are collected first
 * so every column is as wide as its widest cell. */
#ifndef CCHC_TABLE_H
#define CCHC_TABLE_H

#include <stdio.h>

typedef struct table table;

/* headers: ncols column titles. max_widths may be NULL or hold a maximum
 * width per column (0 = unlimited). */
table *table_new(int ncols, const char *const *headers, const int *max_widths);
/* Copies the cells; NULL prints as empty. */
int table_add_row(table *t, const char *const *cells);
/* Prints with a header line unless show_header is 0 (key/value tables). */
void table_print(const table *t, FILE *out, int show_header);
void table_free(table *t);

#endif
