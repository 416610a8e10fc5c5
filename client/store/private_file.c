/* See private_file.h. */
#include "private_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat_file.h"

int private_file_replace(const char *path, const char *tmp_prefix, const char *text)
{
    char tmp[700];
    int n;
    if (tmp_prefix) {
        const char *slash = strrchr(path, '/');
        int dir_len = slash ? (int)(slash - path) : 1;
        n = snprintf(tmp, sizeof(tmp), "%.*s/%s.XXXXXX", dir_len, slash ? path : ".", tmp_prefix);
    } else {
        n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    }
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    FILE *f = plat_temp_create(tmp, 1);
    if (!f)
        return -1;
    int failed = fputs(text, f) < 0 || plat_file_sync(f) != 0;
    if (fclose(f) != 0 || failed || plat_rename_replace(tmp, path) != 0) {
        int saved = errno;
        plat_remove(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}
