/* plat_locale.h on POSIX: newlocale + uselocale (this thread only). */
#include "plat_locale.h"

#include <locale.h>
#include <stdlib.h>

void plat_locale_bytes_are_utf8(void)
{
}

struct plat_c_numeric {
    locale_t c_numeric;
    locale_t before;
};

plat_c_numeric *plat_c_numeric_begin(void)
{
    plat_c_numeric *saved = malloc(sizeof(*saved));
    if (!saved)
        return NULL;
    saved->c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!saved->c_numeric) {
        free(saved);
        return NULL;
    }
    saved->before = uselocale(saved->c_numeric);
    return saved;
}

void plat_c_numeric_end(plat_c_numeric *saved)
{
    if (!saved)
        return;
    uselocale(saved->before);
    freelocale(saved->c_numeric);
    free(saved);
}
