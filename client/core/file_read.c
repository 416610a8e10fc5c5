/* See file_read.h. The buffer starts at 64 KiB and doubles, so a typical
 * sheet is read in one go and a large one in a few reallocations. */
#include "file_read.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "plat_file.h"

#define FIRST_CHUNK 65536

char *file_read_rest(FILE *f, size_t limit, size_t *len)
{
    size_t cap = FIRST_CHUNK < limit ? FIRST_CHUNK : limit, n = 0, got;
    char *buf = malloc(cap);
    if (!buf) {
        errno = ENOMEM;
        return NULL;
    }
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n < cap)
            continue;
        /* full: a buffer already at the limit means the file is too large */
        if (cap == limit) {
            free(buf);
            errno = EFBIG;
            return NULL;
        }
        size_t bigger = cap > limit / 2 ? limit : cap * 2;
        char *grown = realloc(buf, bigger);
        if (!grown) {
            free(buf);
            errno = ENOMEM;
            return NULL;
        }
        buf = grown;
        cap = bigger;
    }
    *len = n;
    return buf;
}

char *file_read(const char *path, size_t limit, size_t *len)
{
    FILE *f = plat_fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = file_read_rest(f, limit, len);
    int saved = errno;
    fclose(f);
    errno = saved;
    return buf;
}

char *file_read_input(const char *path, size_t *len)
{
    char *data = file_read(path, FILE_READ_INPUT_LIMIT, len);
    if (!data)
        fprintf(stderr, _("cchc: cannot read %s: %s\n"), path, strerror(errno));
    return data;
}
