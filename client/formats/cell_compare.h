/* Whether two spreadsheet cells say the same thing: the test both for a
 * carried-over row left as it was (commands/carried.c) and for the cells a
 * clerk changed in a stale template (commands/rebase.c). Text compares
 * without the spaces, tabs and CRs spreadsheets add or drop at the ends;
 * decimals compare by value ("075,50" is "75.5") without floating point. */
#ifndef CCHC_CELL_COMPARE_H
#define CCHC_CELL_COMPARE_H

#include <stddef.h>

int cell_same_text(const char *a, const char *b);
/* "065,50" → "65.5" (at most 63 bytes of the cell are read). */
void cell_canonical_decimal(const char *in, char *out, size_t size);
int cell_same_decimal(const char *a, const char *b);

#endif
