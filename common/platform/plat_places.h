/* Where cchc keeps and finds things, as each system expects: the per-user
 * folder ($XDG_CONFIG_HOME/cchc or ~/.config/cchc on Linux,
 * %APPDATA%\cchc on Windows; CCHC_HOME names it directly on both, for
 * tests and for clerks who share a PC under one Windows account), the
 * translations (installed beside the program on Windows:
 * <folder of cchc.exe>\share\locale), and setting an environment
 * variable. unix/places.c, win/places.c. */
#ifndef CCHC_PLAT_PLACES_H
#define CCHC_PLAT_PLACES_H

#include <stddef.h>

/* The per-user folder (not created); 0, or -1 when there is none or it
 * does not fit. */
int plat_config_dir(char *out, size_t size);
/* The folder holding the translations: built_in (the install prefix's)
 * on Unix, the program's own share\locale on Windows; 0 or -1. */
int plat_locale_dir(const char *built_in, char *out, size_t size);
/* setenv(name, value, 1): 0 or -1. */
int plat_setenv(const char *name, const char *value);

#endif
