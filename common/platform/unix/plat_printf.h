/* The printf flavour for __attribute__((format(...))) on our own printf-
 * like functions: the C library's printf here (win/plat_printf.h names
 * mingw-w64's, which takes %zu and %lld as C99 says). */
#ifndef CCHC_PLAT_PRINTF_H
#define CCHC_PLAT_PRINTF_H

#define PLAT_PRINTF_FORMAT printf

#endif
