/* Reading an administrator's commune list (code, name, district) from a CSV
 * file as LibreOffice or Excel saves it: UTF-8 with or without BOM, comma or
 * semicolon separated (csv_read.c), an optional header row. Every bad line is reported,
 * not just the first. Pure (bytes in, rows and errors out), unit-tested. */
#ifndef CCHC_COMMUNE_CSV_H
#define CCHC_COMMUNE_CSV_H

#include <stddef.h>

typedef struct commune_row {
    int line;
    char *code, *name, *district;
} commune_row;

typedef struct csv_problem {
    int line;
    char message[200];
} csv_problem;

typedef struct commune_list {
    commune_row *rows;
    size_t n_rows;
    csv_problem *problems;
    size_t n_problems;
    char file_problem[1400]; /* the file could not be read at all (csv_read's unreadable) */
    char notice[200];        /* how a file that was not UTF-8 was read */
} commune_list;

/* Returns 0 when the file parsed (check n_problems for bad lines), -1 when
 * memory ran out. Free with commune_list_free. */
int commune_csv_parse(const char *data, size_t len, commune_list *out);
void commune_list_free(commune_list *list);

#endif
