/* The printf flavour for __attribute__((format(...))) on Windows: gcc
 * checks plain "printf" against msvcrt's printf, which knows neither %zu
 * nor %lld; cchc is built with mingw-w64's C99 printf instead
 * (__USE_MINGW_ANSI_STDIO=1, common/CMakeLists.txt), which gcc calls
 * gnu_printf. unix/plat_printf.h is the POSIX twin. */
#ifndef CCHC_PLAT_PRINTF_H
#define CCHC_PLAT_PRINTF_H

#define PLAT_PRINTF_FORMAT gnu_printf

#endif
