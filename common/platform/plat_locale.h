/* The C library's locale where the systems differ: character classes that
 * must not misjudge UTF-8 bytes, and printing numbers the C way ("75.5")
 * for a while, whatever LC_NUMERIC says, for a library that formats with
 * the C library's printf (the xlsx writer): a per-thread locale with
 * uselocale on POSIX, a per-thread setlocale on Windows, whose C runtime
 * has no uselocale. unix/locale.c, win/locale.c. */
#ifndef CCHC_PLAT_LOCALE_H
#define CCHC_PLAT_LOCALE_H

/* After setlocale(LC_ALL, ""): on Windows the user's locale has an ANSI
 * code page, under which isspace() and its kin judge UTF-8's bytes by
 * that page (0xA0, the last byte of "à", is a no-break space in 1252 and
 * would be trimmed off), so LC_CTYPE goes back to "C" there. Nothing on
 * POSIX, whose locales cchc runs under are UTF-8 or C. */
void plat_locale_bytes_are_utf8(void);

typedef struct plat_c_numeric plat_c_numeric;

/* From here on this thread prints numbers in the C locale; NULL when that
 * could not be arranged (then nothing changed). */
plat_c_numeric *plat_c_numeric_begin(void);
/* Back to what was before; NULL is allowed. */
void plat_c_numeric_end(plat_c_numeric *saved);

#endif
