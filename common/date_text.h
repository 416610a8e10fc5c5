/* Dates as people type them: "2026-12-05" as the protocol and the
 * database write them, and "05/12/2026" or "5/12/2026" as Vietnamese
 * write them (day first; '-' or '.' between the parts read the same).
 * Each becomes "YYYY-MM-DD" at the client's edge, or a reason that helps:
 * "31/02/2026" is no such date, "12/31/2026" looks month-first. The
 * server keeps taking only YYYY-MM-DD (validate_date). Pure. */
#ifndef CCHC_DATE_TEXT_H
#define CCHC_DATE_TEXT_H

#include <stddef.h>

/* Converts text to iso ("" stays "": an optional date left out). Spaces
 * around it are ignored. Returns 0, or -1 with why: an English message id
 * with its arguments (msg_encode, msg_format.h), rendered by the reader. */
int date_text_iso(const char *text, char iso[11], char *why, size_t why_size);

#endif
