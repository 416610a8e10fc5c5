/* UTF-8 ↔ UTF-16, the conversion at the Windows boundary: cchc keeps all
 * text in UTF-8, and Windows' wide APIs (file names, the environment, the
 * console) speak UTF-16. Written out here rather than with
 * MultiByteToWideChar so that it is pure, the same on every platform and
 * unit tested on Linux (tests/unit/test_utf16.c); win/wide_text.c wraps it
 * for wchar_t. Invalid input is refused, never replaced: a path with a
 * broken byte must fail, not name another file. */
#ifndef CCHC_UTF16_H
#define CCHC_UTF16_H

#include <stddef.h>
#include <stdint.h>

/* Converts NUL-terminated UTF-8 to UTF-16 in out (cap units, NUL
 * included). Returns the units written without the NUL, or -1 when in is
 * not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF
 * included) or out is too small. out may be NULL with cap 0 to measure. */
long utf16_from_utf8(const char *in, uint16_t *out, size_t cap);
/* Converts NUL-terminated UTF-16 to UTF-8 in out (cap bytes, NUL
 * included). Returns the bytes written without the NUL, or -1 on a lone
 * surrogate or when out is too small. out may be NULL with cap 0 to
 * measure. */
long utf16_to_utf8(const uint16_t *in, char *out, size_t cap);

#endif
