/* UTF-8 ↔ wchar_t at the Windows API boundary, for the win/ files only:
 * every path, variable and console line crosses here (utf16.c does the
 * work; wchar_t is UTF-16 on Windows). */
#ifndef CCHC_WIDE_TEXT_H
#define CCHC_WIDE_TEXT_H

#include <stddef.h>
#include <wchar.h>

/* A new wide copy of UTF-8 text (free it); NULL with errno EILSEQ or
 * ENOMEM. */
wchar_t *utf8_to_wide(const char *text);
/* Wide text as UTF-8 into out; 0, or -1 (errno ENAMETOOLONG / EILSEQ). */
int wide_to_utf8(const wchar_t *wide, char *out, size_t size);

#endif
