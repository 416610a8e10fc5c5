/* Checks on request fields that need no database: pure functions, unit
 * tested and fuzzable. Each returns 0 when valid, or -1 with a sentence in
 * why (Vietnamese first, English in brackets, as the client shows it). */
#ifndef CCHCD_VALIDATE_H
#define CCHCD_VALIDATE_H

#include <stddef.h>

/* "YYYY-MM-DD", a real calendar day between 1900 and 2200. "" is valid
 * (means "today" where a date is optional). */
int validate_date(const char *text, char *why, size_t why_size);
/* Valid UTF-8, no NUL or control characters other than tab and newline,
 * at most max_bytes. */
int validate_text(const char *text, size_t max_bytes, char *why, size_t why_size);

/* A non-negative decimal as PostgreSQL's numeric reads it: digits, an
 * optional point and at most max_fraction digits after it, at most
 * max_integer digits before ("87.52", "100", "0.5"). */
int validate_decimal(const char *text, int max_integer, int max_fraction, char *why,
                     size_t why_size);

#endif
