/* plat_args.h on Windows: CommandLineToArgvW splits the wide command line
 * as the C runtime splits the narrow one, and each argument is converted
 * to UTF-8 (wide_text.h). The new array is never freed: main's arguments
 * live as long as the program. */
#include "plat_args.h"

#include <stdlib.h>
#include <windows.h>
#include <shellapi.h>

#include "wide_text.h"

void plat_utf8_args(int *argc, char ***argv)
{
    int n = 0;
    wchar_t **wide = CommandLineToArgvW(GetCommandLineW(), &n);
    if (!wide)
        return;
    char **utf8 = calloc((size_t)n + 1, sizeof(char *));
    for (int i = 0; utf8 && i < n; i++) {
        size_t size = wcslen(wide[i]) * 3 + 1; /* a UTF-16 unit is at most 3 bytes */
        utf8[i] = malloc(size);
        if (!utf8[i] || wide_to_utf8(wide[i], utf8[i], size) != 0) {
            for (int j = 0; j <= i; j++)
                free(utf8[j]);
            free(utf8);
            utf8 = NULL;
        }
    }
    LocalFree(wide);
    if (!utf8)
        return;
    *argc = n;
    *argv = utf8;
}
