/* plat_places.h on Windows. The environment is read wide (_wgetenv) and
 * converted, so a user folder with Vietnamese letters (C:\Users\Nguyễn)
 * arrives intact; getenv would give it in the ANSI code page. %APPDATA%
 * is the roaming profile folder Windows gives every user; when the
 * variable is missing the shell is asked (SHGetKnownFolderPath). */
#include "plat_places.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <shlobj.h>

#include "wide_text.h"

/* A wide environment variable as UTF-8; 0 when set and not empty. */
static int env_utf8(const wchar_t *name, char *out, size_t size)
{
    const wchar_t *value = _wgetenv(name);
    return value && *value ? wide_to_utf8(value, out, size) : -1;
}

static int roaming_app_data(char *out, size_t size)
{
    if (env_utf8(L"APPDATA", out, size) == 0)
        return 0;
    PWSTR folder = NULL;
    int rc = -1;
    if (SHGetKnownFolderPath(&FOLDERID_RoamingAppData, 0, NULL, &folder) == S_OK)
        rc = wide_to_utf8(folder, out, size);
    CoTaskMemFree(folder);
    return rc;
}

int plat_config_dir(char *out, size_t size)
{
    if (env_utf8(L"CCHC_HOME", out, size) == 0)
        return 0;
    char base[MAX_PATH * 3 + 1];
    if (roaming_app_data(base, sizeof(base)) != 0)
        return -1;
    return snprintf(out, size, "%s\\cchc", base) < (int)size ? 0 : -1;
}

int plat_locale_dir(const char *built_in, char *out, size_t size)
{
    (void)built_in; /* the build machine's prefix means nothing here */
    wchar_t exe[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
    if (n == 0 || n >= MAX_PATH)
        return -1;
    wchar_t *slash = wcsrchr(exe, L'\\');
    if (slash)
        *slash = L'\0';
    char dir[MAX_PATH * 3 + 1];
    if (wide_to_utf8(exe, dir, sizeof(dir)) != 0)
        return -1;
    return snprintf(out, size, "%s\\share\\locale", dir) < (int)size ? 0 : -1;
}

int plat_setenv(const char *name, const char *value)
{
    return _putenv_s(name, value) == 0 ? 0 : -1;
}
