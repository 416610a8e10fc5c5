/* Reading CSV as LibreOffice and Excel save it: any encoding they write
 * (text_decode.c: UTF-8 with or without BOM, UTF-16 with BOM,
 * Windows-1258/1252), comma, semicolon or tab separated (Excel in a
 * Vietnamese locale uses ';', its "Unicode text" tabs), quoted fields,
 * CRLF, LF or a lone CR. libcsv does the quoting rules; this adds the rest
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
    /* set when the file is not text we can read (a spreadsheet, binary,
     * a legacy Vietnamese encoding…): one message for the whole file, with
     * how to save it as CSV UTF-8; no records then */
    char unreadable[1400];
    char notice[200];    /* how a file that was not UTF-8 was read, for stderr */
} csv_records;

/* Returns 0 (check unreadable[], then error[] for malformed CSV) or -1
 * when memory ran out. Every field is UTF-8. */
int csv_read(const char *data, size_t len, csv_records *out);
void csv_records_free(csv_records *records);
/* The field, or "" past the end of the record. */
const char *csv_field(const csv_record *record, size_t index);

/* Writes one field quoted as CSV needs (for the templates and exports);
 * text a spreadsheet would run as a formula (=, +, -, @) goes behind an
 * apostrophe that csv_read removes again. */
void csv_write_field(FILE *out, const char *text, int last);

#endif
