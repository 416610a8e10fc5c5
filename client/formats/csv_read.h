/* Reading CSV as LibreOffice and Excel save it: UTF-8 with or without BOM,
 * comma or semicolon separated (Excel in a Vietnamese locale uses ';'),
 * quoted fields, CRLF. libcsv does the quoting rules; this adds the rest
 * and numbers each record, header included, as a spreadsheet shows lines. */
#ifndef CCHC_CSV_READ_H
#define CCHC_CSV_READ_H

#include <stddef.h>
#include <stdio.h>

#define CSV_MAX_FIELDS 32

typedef struct csv_record {
    int line;
    size_t nfields;      /* fields in the record, counting those past CSV_MAX_FIELDS */
    char *fields[CSV_MAX_FIELDS];
} csv_record;

typedef struct csv_records {
    csv_record *records; /* blank records left out */
    size_t n;
    char error[160];     /* set when the file is not valid CSV */
    int error_line;
} csv_records;

/* Returns 0 (check error[] for malformed CSV) or -1 when memory ran out. */
int csv_read(const char *data, size_t len, csv_records *out);
void csv_records_free(csv_records *records);
/* The field, or "" past the end of the record. */
const char *csv_field(const csv_record *record, size_t index);

/* Writes one field quoted as CSV needs (for the templates and exports);
 * text a spreadsheet would run as a formula (=, +, -, @) goes behind an
 * apostrophe that csv_read removes again. */
void csv_write_field(FILE *out, const char *text, int last);

#endif
