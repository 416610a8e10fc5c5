/* The report template as a real spreadsheet (libxlsxwriter): the sheet
 * "Báo cáo" with the clerk's columns open and the task's columns locked
 * (sheet protection, no password: it guards against slips, not people), a
 * drop-down list of the four statuses, 0-100 validation of progress with
 * Vietnamese messages, widths and wrapping for long Vietnamese task texts,
 * a frozen header row, and the row metadata (period, task, unit, base
 * revision) in hidden columns; and the sheet "Hướng dẫn" saying how to
 * fill it. The columns and headers are the CSV template's, in its order,
 * so report_xlsx reads both the same way. */
#ifndef CCHC_REPORT_XLSX_WRITE_H
#define CCHC_REPORT_XLSX_WRITE_H

#include <stddef.h>

#include "cchc/v1/envelope.pb-c.h"
#include "decimal_text.h"

/* Writes the template to path. Returns 0, or -1 with a message. */
int report_xlsx_write(const char *path, const Cchc__V1__MyTasksResponse *tasks, char *error,
                      size_t error_size);

/* The indicators' number rule in the instructions: the one the reader
 * applies (common/decimal_text.h, docs/spreadsheet-text.md). */
#define REPORT_XLSX_INDICATOR_RULE DECIMAL_TEXT_RULE_VI

#endif
