/* See file_write.h. */
#include "file_write.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_out_open(file_out *out, const char *path, int replace)
{
    memset(out, 0, sizeof(*out));
    out->replace = replace;
    struct stat st;
    if (!replace && lstat(path, &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    if (snprintf(out->path, sizeof(out->path), "%s", path) >= (int)sizeof(out->path) ||
        snprintf(out->tmp_path, sizeof(out->tmp_path), "%s.tmp-XXXXXX", path) >=
            (int)sizeof(out->tmp_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(out->tmp_path);
    if (fd < 0)
        return -1;
    /* mkstemp makes 0600; a template is an ordinary document */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    if (!(out->f = fdopen(fd, "w"))) {
        int saved = errno;
        close(fd);
        unlink(out->tmp_path);
        errno = saved;
        return -1;
    }
    return 0;
}

int file_out_commit(file_out *out)
{
    int failed = ferror(out->f) || fflush(out->f) != 0 || fsync(fileno(out->f)) != 0;
    int saved = errno;
    if (fclose(out->f) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    out->f = NULL;
    if (!failed) {
        struct stat st;
        if (out->replace) {
            failed = rename(out->tmp_path, out->path) != 0;
        } else if (link(out->tmp_path, out->path) == 0) {
            /* link() refuses (EEXIST) when path appeared since the open:
             * even then nothing is overwritten */
            unlink(out->tmp_path);
        } else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP) {
            /* a file system without hard links: check, then rename */
            if (lstat(out->path, &st) == 0) {
                errno = EEXIST;
                failed = 1;
            } else {
                failed = rename(out->tmp_path, out->path) != 0;
            }
        } else {
            failed = 1;
        }
        saved = errno;
    }
    if (failed) {
        unlink(out->tmp_path);
        errno = saved;
        return -1;
    }
    return 0;
}

void file_out_abort(file_out *out)
{
    if (out->f)
        fclose(out->f);
    out->f = NULL;
    if (*out->tmp_path)
        unlink(out->tmp_path);
}
