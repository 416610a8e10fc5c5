/* See file_write.h. */
#include "file_write.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plat_file.h"

int file_out_open(file_out *out, const char *path, int replace)
{
    memset(out, 0, sizeof(*out));
    out->replace = replace;
    if (!replace && plat_exists(path)) {
        errno = EEXIST;
        return -1;
    }
    if (snprintf(out->path, sizeof(out->path), "%s", path) >= (int)sizeof(out->path) ||
        snprintf(out->tmp_path, sizeof(out->tmp_path), "%s.tmp-XXXXXX", path) >=
            (int)sizeof(out->tmp_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* a template is an ordinary document, not private */
    out->f = plat_temp_create(out->tmp_path, 0);
    return out->f ? 0 : -1;
}

int file_out_commit(file_out *out)
{
    int failed = ferror(out->f) || plat_file_sync(out->f) != 0;
    int saved = errno;
    if (fclose(out->f) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    out->f = NULL;
    if (!failed) {
        /* without --force nothing is overwritten, even a file that
         * appeared at path since the open */
        failed = (out->replace ? plat_rename_replace(out->tmp_path, out->path)
                               : plat_rename_noreplace(out->tmp_path, out->path)) != 0;
        saved = errno;
    }
    if (failed) {
        plat_remove(out->tmp_path);
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
        plat_remove(out->tmp_path);
}
