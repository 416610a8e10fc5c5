/* A filled report file handed to `cchc submit --file`, told apart by its
 * content, never by its name: a zip is an .xlsx workbook (report_xlsx),
 * an OLE2 compound file is an old Excel 97-2003 .xls (refused with one
 * message saying how to save it), anything else is CSV (report_csv). */
#ifndef CCHC_REPORT_FILE_H
#define CCHC_REPORT_FILE_H

#include <stddef.h>

#include "report_csv.h"

typedef enum { REPORT_FILE_CSV, REPORT_FILE_XLSX, REPORT_FILE_XLS } report_file_kind;

report_file_kind report_file_sniff(const char *data, size_t len);
/* Returns 0 (sheet filled; its problems listed in it); 1 with a message
 * in error when the file is refused as a whole; -1 when memory ran out. */
int report_file_parse(const char *data, size_t len, report_sheet *sheet, char *error,
                      size_t error_size);

#endif
