/* The city's report per index, criterion and task as an Excel workbook
 * (issue 17, Deliver 3; docs/city-report.md): the CSV companion's table
 * (city_report_table.h) on one sheet "Theo tiêu chí", figures as numbers,
 * texts wrapped, the header row frozen and filtered, nothing locked (it is
 * Sở Nội vụ's working copy, to edit). Written with libxlsxwriter, as the
 * report template is (client/formats/report_xlsx_write.c). */
#ifndef CCHC_CITY_REPORT_XLSX_H
#define CCHC_CITY_REPORT_XLSX_H

#include <stddef.h>

#include "city_report_table.h"

/* The sheet's name. */
#define CITY_REPORT_SHEET "Theo tiêu chí"

/* Writes t to path. Returns 0, or -1 with a message in error. */
int city_report_xlsx_write(const char *path, const city_report_table *t, char *error,
                           size_t error_size);

#endif
