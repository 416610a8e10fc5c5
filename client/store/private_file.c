/* See private_file.h. */
#include "private_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    int fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    FILE *f = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    int failed = fputs(text, f) < 0;
    if (fclose(f) != 0 || failed || rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}
