/* Reading an .xlsx workbook held in memory down to one sheet's rendered
 * rows: the zip container (xlsx_zip), the package relationships that say
 * where the workbook, its sheets, shared strings and styles live (Excel,
 * LibreOffice and other producers name them differently), and the sheet
 * itself (xlsx_sheet). Every failure is one message a clerk can act on. */
#ifndef CCHC_XLSX_READ_H
#define CCHC_XLSX_READ_H

#include <stddef.h>

#include "xlsx_sheet.h"

/* Inflated size caps, per part. */
#define XLSX_PART_MAX_SHEET (96u << 20)
#define XLSX_PART_MAX_STRINGS (64u << 20)
#define XLSX_PART_MAX_SMALL (8u << 20)

/* Reads the sheet named wanted, else the workbook's first sheet, into
 * out; sheet_name gets the name of the sheet read. Returns 0, or 1 with
 * a message when the file is not a workbook that can be read (memory
 * running out included). */
int xlsx_read(const char *data, size_t len, const char *wanted, xlsx_table *out,
              char *sheet_name, size_t sheet_name_size, char *error, size_t error_size);

#endif
