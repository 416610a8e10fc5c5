/* Reading a whole file into memory: the CSV sheets and lists people hand
 * to cchc, and the submissions the outbox keeps. One reader, so each
 * caller gets the same growth, the same size limit and the same errno. */
#ifndef CCHC_FILE_READ_H
#define CCHC_FILE_READ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The largest file a person may hand to a command (a sheet of reports, a
 * list of communes): far beyond any real one, small enough to keep a
 * mistaken argument (a disk image) from eating the machine's memory. */
#define FILE_READ_INPUT_LIMIT (64u * 1024 * 1024)
/* For files cchc wrote itself. */
#define FILE_READ_NO_LIMIT SIZE_MAX

/* Reads what is left of f (not closing it) into a malloc'ed buffer and
 * sets *len. Returns NULL, with errno set, when memory runs out (ENOMEM)
 * or the content is limit bytes or more (EFBIG); limit is more than 0.
 * A read error ends the content early, as end of file does. */
char *file_read_rest(FILE *f, size_t limit, size_t *len);
/* The same for the whole file at path; NULL with errno from fopen too. */
char *file_read(const char *path, size_t limit, size_t *len);
/* A file a person named on the command line, within FILE_READ_INPUT_LIMIT;
 * NULL after saying on stderr why it could not be read. */
char *file_read_input(const char *path, size_t *len);

#endif
