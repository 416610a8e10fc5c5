/* The cells and titles the consolidated HTML report writes in more than
 * one of its files (html_report.c, city_report_html.c): a figure people
 * read and tools find back (data-value, data-figure), and a task named by
 * its number, reference and the plan's text. One definition, so every
 * figure of the document is written, rounded and keyed the same way. */
#ifndef CCHC_HTML_CELLS_H
#define CCHC_HTML_CELLS_H

#include <stdio.h>

#include "cchc/v1/envelope.pb-c.h"

/* Every percentage and every points figure is printed with this many
 * decimals (docs/admin-document.md). */
enum { HTML_PLACES = 2 };

/* <td class="n" data-value="60.8571" data-figure="key">60,86</td>:
 * data-value is the server's canonical decimal, data-figure names the
 * figure; shown "" prints a dash. */
void html_figure_cell(FILE *out, const char *key, const char *value, const char *shown);
/* A decimal printed with HTML_PLACES decimals and a decimal comma. */
void html_decimal_cell(FILE *out, const char *key, const char *value);
/* An integer figure keyed "prefix.key.field" ("prefix.field" when key is ""). */
void html_int_cell(FILE *out, const char *prefix, const char *key, const char *field, int v);

/* The plan's text of a task, or "" (tasks may be NULL). */
const char *html_task_text(const Cchc__V1__TaskListResponse *tasks, int id);
/* "Nhiệm vụ 106 (PLI-06): <the task's text>" */
void html_task_title(FILE *out, int id, const char *ref, const char *text);

#endif
