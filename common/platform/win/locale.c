/* plat_locale.h on Windows: the C runtime's per-thread locale switch
 * (_configthreadlocale), then setlocale on this thread alone. */
#include "plat_locale.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

void plat_locale_bytes_are_utf8(void)
{
    setlocale(LC_CTYPE, "C");
}

struct plat_c_numeric {
    int thread_mode;
    char before[128];
};

plat_c_numeric *plat_c_numeric_begin(void)
{
    plat_c_numeric *saved = malloc(sizeof(*saved));
    if (!saved)
        return NULL;
    saved->thread_mode = _configthreadlocale(_ENABLE_PER_THREAD_LOCALE);
    const char *now = setlocale(LC_NUMERIC, NULL);
    snprintf(saved->before, sizeof(saved->before), "%s", now ? now : "C");
    if (!setlocale(LC_NUMERIC, "C")) {
        _configthreadlocale(saved->thread_mode);
        free(saved);
        return NULL;
    }
    return saved;
}

void plat_c_numeric_end(plat_c_numeric *saved)
{
    if (!saved)
        return;
    setlocale(LC_NUMERIC, saved->before);
    _configthreadlocale(saved->thread_mode);
    free(saved);
}
