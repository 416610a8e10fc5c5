/* catalogue_bind on Windows: the folder as UTF-16 through libintl's
 * wbindtextdomain, so a folder with Vietnamese letters is found
 * (catalogue_bind.h). */
#include "catalogue_bind.h"

#include <libintl.h>
#include <stdlib.h>
#include <wchar.h>
#include <windows.h>

void catalogue_bind(const char *domain, const char *dir)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, dir, -1, NULL, 0);
    wchar_t *wide = n > 0 ? malloc((size_t)n * sizeof(wchar_t)) : NULL;
    if (wide && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, dir, -1, wide, n) == n)
        wbindtextdomain(domain, wide); /* libintl keeps its own copy */
    else
        bindtextdomain(domain, dir); /* not UTF-8: the ANSI name is all there is */
    free(wide);
}
