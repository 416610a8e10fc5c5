/* Writing a file a person asked for (`cchc template -o`) without ever
 * destroying one silently: an existing file may be a filled report, so it
 * is replaced only when the caller says so (--force), and the new content
 * goes to a temporary file beside it that is renamed into place only when
 * complete, so a failure (disk full, interrupted) leaves the old file as
 * it was. */
#ifndef CCHC_FILE_WRITE_H
#define CCHC_FILE_WRITE_H

#include <limits.h>
#include <stdio.h>

typedef struct file_out {
    char path[PATH_MAX];     /* where the file ends up */
    char tmp_path[PATH_MAX]; /* where it is written meanwhile (a writer that
                                opens files by name, e.g. libxlsxwriter, uses it) */
    FILE *f;                 /* open on tmp_path */
    int replace;             /* an existing path may be replaced */
} file_out;

/* Opens a temporary file beside path. Returns 0; -1 with errno (EEXIST
 * when path exists and replace is 0: nothing was created). */
int file_out_open(file_out *out, const char *path, int replace);
/* Closes and moves the temporary file to path (refusing, with EEXIST,
 * when path appeared meanwhile and replace is 0). Returns 0; -1 with
 * errno, the temporary file removed and path untouched. */
int file_out_commit(file_out *out);
/* Removes the temporary file: path stays as it was. */
void file_out_abort(file_out *out);

#endif
