/* The consolidated report for the City People's Committee as one HTML
 * file: summary, completeness, progress by index and the criteria at risk
 * with inline SVG charts, the units still missing, and the difficulties
 * and proposals quoted per task, and per index and criterion the figures
 * with the lead agencies' consolidated assessments beside them.
 * Self-contained (no script, no font, no network), in Vietnamese, with
 * print styles. Every figure carries a
 * data-figure attribute so tests (and other tools) can read it back. */
#ifndef CCHC_HTML_REPORT_H
#define CCHC_HTML_REPORT_H

#include <stdio.h>

#include "cchc/v1/envelope.pb-c.h"

/* What the report is made of: the answers commands/status.c fetched. */
typedef struct html_report_data {
    const Cchc__V1__StatusResponse *by_index, *by_district, *by_lead;
    const Cchc__V1__MissingResponse *missing;
    const Cchc__V1__ExportResponse *rows;
    /* The plan's tasks, for their names beside their numbers (plan data,
     * each name once; they come with the bundle); NULL prints numbers
     * without names. */
    const Cchc__V1__TaskListResponse *tasks;
    /* The whole bundle, for section 7: the city's report per index and
     * criterion with the lead agencies' and the city's consolidated texts
     * (issue 17, Deliver 3; city_report_html.h), so Sở Nội vụ edits one
     * document instead of retyping them; NULL leaves the section out. */
    const Cchc__V1__ReportBundleResponse *city;
} html_report_data;

/* Writes the report for period; the renderer fetches nothing itself. */
void html_report_write(const html_report_data *data, const char *period, FILE *out);

#endif
