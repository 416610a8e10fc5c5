/* plat_places.h on POSIX: the XDG folder, the install prefix's locale. */
#include "plat_places.h"

#include <stdio.h>
#include <stdlib.h>

int plat_config_dir(char *out, size_t size)
{
    const char *own = getenv("CCHC_HOME");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (own && *own)
        return snprintf(out, size, "%s", own) < (int)size ? 0 : -1;
    if (xdg && *xdg)
        return snprintf(out, size, "%s/cchc", xdg) < (int)size ? 0 : -1;
    if (home && *home)
        return snprintf(out, size, "%s/.config/cchc", home) < (int)size ? 0 : -1;
    return -1;
}

int plat_locale_dir(const char *built_in, char *out, size_t size)
{
    return snprintf(out, size, "%s", built_in) < (int)size ? 0 : -1;
}

int plat_setenv(const char *name, const char *value)
{
    return setenv(name, value, 1);
}
