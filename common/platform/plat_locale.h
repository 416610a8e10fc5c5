/* Printing numbers the C way ("75.5") for a while, whatever LC_NUMERIC
 * says, for a library that formats with the C library's printf (the xlsx
 * writer): a per-thread locale with uselocale on POSIX, a per-thread
 * setlocale on Windows, whose C runtime has no uselocale.
 * unix/locale.c, win/locale.c. */
#ifndef CCHC_PLAT_LOCALE_H
#define CCHC_PLAT_LOCALE_H

typedef struct plat_c_numeric plat_c_numeric;

/* From here on this thread prints numbers in the C locale; NULL when that
 * could not be arranged (then nothing changed). */
plat_c_numeric *plat_c_numeric_begin(void);
/* Back to what was before; NULL is allowed. */
void plat_c_numeric_end(plat_c_numeric *saved);

#endif
