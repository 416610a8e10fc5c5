/* The city's report per index, criterion and task as one table (issue 17,
 * Deliver 3; docs/city-report.md): the rows of the CSV and xlsx
 * companions of the HTML document, so the two carry exactly the same
 * cells. First Sở Nội vụ's general assessment, then per criterion (the
 * plan's order) a row of its figures followed by a row per task and lead
 * agency: the task's figures, the lead agency's consolidation state and
 * its latest sent texts (none while returned). A task serving several
 * criteria carries its texts under the first of them only, as the HTML
 * does. Headers in the reader's language (_()), codes translated, figures
 * the server's canonical decimals (a dot), as the other CSV exports. */
#ifndef CCHC_CITY_REPORT_TABLE_H
#define CCHC_CITY_REPORT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "cchc/v1/envelope.pb-c.h"

enum {
    CITY_COL_PERIOD, CITY_COL_ROW, CITY_COL_INDEX, CITY_COL_CRITERION_NO, CITY_COL_CRITERION,
    CITY_COL_MAX_POINTS, CITY_COL_SCORE, CITY_COL_TASK_ID, CITY_COL_TASK_REF, CITY_COL_TASK,
    CITY_COL_EXPECTED, CITY_COL_RECEIVED, CITY_COL_ON_TIME, CITY_COL_LATE, CITY_COL_MISSING,
    CITY_COL_MEAN_PROGRESS, CITY_COL_OVERALL_PROGRESS, CITY_COL_AUTHOR, CITY_COL_STATE,
    CITY_COL_SENT_LATE, CITY_COL_ASSESSMENT, CITY_COL_DIFFICULTIES, CITY_COL_PROPOSALS,
    CITY_COL_COUNT
};

typedef struct city_report_table {
    char *headers[CITY_COL_COUNT];
    char *(*rows)[CITY_COL_COUNT]; /* every cell a string, "" when empty */
    size_t n, cap;
} city_report_table;

/* Fills t from the bundle (tasks names the tasks; may be NULL). Returns 0,
 * or -1 when memory ran out (t is then empty). */
int city_report_table_make(city_report_table *t, const Cchc__V1__ReportBundleResponse *b,
                           const Cchc__V1__TaskListResponse *tasks);
void city_report_table_free(city_report_table *t);
/* Nonzero for the columns that hold numbers (the xlsx writes them as such). */
int city_report_column_numeric(int column);

/* The CSV companion: UTF-8 with a BOM, CRLF, every field quoted. */
void city_report_write_csv(FILE *out, const city_report_table *t);

#endif
