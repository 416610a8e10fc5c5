/* A filled .xlsx template read into report rows: the sheet "Báo cáo" (or
 * the first), its columns found by their header names, so a clerk who
 * moves or inserts columns is still read right (a header not found falls
 * back to the template's position), each cell as the text a person sees,
 * then the same report_sheet_add as the CSV reader. */
#ifndef CCHC_REPORT_XLSX_H
#define CCHC_REPORT_XLSX_H

#include <stddef.h>

#include "report_csv.h"

/* The template's report sheet. */
#define REPORT_XLSX_SHEET "Báo cáo"

/* Returns 0 (sheet filled; its problems listed in it); 1 with a message
 * in error when the file cannot be read as a workbook; -1 when memory ran
 * out. */
int report_xlsx_parse(const char *data, size_t len, report_sheet *sheet, char *error,
                      size_t error_size);

#endif
