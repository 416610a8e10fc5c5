/* See xlsx_zip.h. */
#include "xlsx_zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "i18n.h"

struct xlsx_zip {
    zip_t *archive;
};

xlsx_zip *xlsx_zip_open(const char *data, size_t len, char *error, size_t error_size)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &err);
    zip_t *archive = src ? zip_open_from_source(src, ZIP_RDONLY, &err) : NULL;
    xlsx_zip *zip = archive ? malloc(sizeof(*zip)) : NULL;
    if (!zip) {
        snprintf(error, error_size, _("the .xlsx zip file is damaged and cannot be read: %s"),
                 zip_error_strerror(&err));
        if (archive)
            zip_discard(archive);
        else if (src)
            zip_source_free(src);
        zip_error_fini(&err);
        return NULL;
    }
    zip_error_fini(&err);
    zip->archive = archive;
    return zip;
}

int xlsx_zip_read(xlsx_zip *zip, const char *name, size_t cap, char **out, size_t *len,
                  char *error, size_t error_size)
{
    *out = NULL;
    *len = 0;
    zip_int64_t index = zip_name_locate(zip->archive, name, ZIP_FL_NOCASE);
    if (index < 0)
        return 1;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip->archive, (zip_uint64_t)index, 0, &st) != 0) {
        snprintf(error, error_size, _("part %s of the .xlsx file is damaged"), name);
        return -1;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > cap) {
        snprintf(error, error_size,
                 _("part %s of the .xlsx file is too large (%llu bytes, at most %zu)"), name,
                 (unsigned long long)st.size, cap);
        return -1;
    }
    zip_file_t *f = zip_fopen_index(zip->archive, (zip_uint64_t)index, 0);
    if (!f) {
        snprintf(error, error_size, _("part %s of the .xlsx file cannot be opened: %s"),
                 name, zip_strerror(zip->archive));
        return -1;
    }
    /* the declared size may lie: never read past the cap, whatever it says */
    size_t size = (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size : 65536, used = 0;
    char *buf = malloc(size + 2);
    int rc = buf ? 0 : -1;
    if (!buf)
        snprintf(error, error_size, _("out of memory"));
    while (rc == 0) {
        if (used == size + 1) {
            if (size >= cap) {
                snprintf(error, error_size,
                         _("part %s of the .xlsx file inflates to more than %zu bytes"),
                         name, cap);
                rc = -1;
                break;
            }
            size_t bigger = size > cap / 2 ? cap : size * 2 + 65536;
            if (bigger > cap)
                bigger = cap;
            char *grown = realloc(buf, bigger + 2);
            if (!grown) {
                snprintf(error, error_size, _("out of memory"));
                rc = -1;
                break;
            }
            buf = grown;
            size = bigger;
        }
        zip_int64_t n = zip_fread(f, buf + used, size + 1 - used);
        if (n < 0) {
            snprintf(error, error_size, _("part %s of the .xlsx file is damaged: %s"), name,
                     zip_file_strerror(f));
            rc = -1;
        } else if (n == 0) {
            break;
        } else {
            used += (size_t)n;
        }
    }
    zip_fclose(f);
    if (rc != 0) {
        free(buf);
        return -1;
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    return 0;
}

void xlsx_zip_close(xlsx_zip *zip)
{
    if (!zip)
        return;
    zip_discard(zip->archive);
    free(zip);
}
