/* The container of an .xlsx file: a zip archive read from memory with
 * libzip, one named part at a time, each within a size cap checked both
 * against what the archive declares and while inflating (a zip bomb
 * declares little and inflates to much). */
#ifndef CCHC_XLSX_ZIP_H
#define CCHC_XLSX_ZIP_H

#include <stddef.h>

typedef struct xlsx_zip xlsx_zip;

/* Opens an archive held in data (not copied: it must outlive the
 * archive). NULL with a message in error when it is not a readable zip. */
xlsx_zip *xlsx_zip_open(const char *data, size_t len, char *error, size_t error_size);
/* Reads the part named name (matched without regard to case, as Office
 * does) into a malloc'ed, NUL-terminated buffer. Returns 0; 1 when the
 * archive has no such part; -1 with a message when it cannot be read or
 * is larger than cap. */
int xlsx_zip_read(xlsx_zip *zip, const char *name, size_t cap, char **out, size_t *len,
                  char *error, size_t error_size);
void xlsx_zip_close(xlsx_zip *zip);

#endif
