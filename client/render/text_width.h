/* Display width of UTF-8 text in a terminal, so Vietnamese lines up in
 * tables: "Sở Nội vụ" is 9 columns but 15 bytes, and a decomposed "ộ" is
 * three code points in one column. Independent of the C library's locale so
 * output is the same under LANG=C. Pure functions, unit-tested. */
#ifndef CCHC_TEXT_WIDTH_H
#define CCHC_TEXT_WIDTH_H

#include <stddef.h>

/* Columns the code point occupies: 0 (combining, zero-width), 1 or 2. */
int codepoint_width(unsigned cp);
/* Columns of the whole string. */
size_t text_width(const char *s);
/* Bytes of s that fit in max_cols columns without splitting a character or
 * separating a base letter from its combining marks. */
size_t text_fit(const char *s, size_t max_cols, size_t *cols_used);

#endif
