/* Section 7 of the consolidated HTML report: the city's report assembled
 * per index and criterion (issue 17, Deliver 3; docs/city-report.md).
 * Sở Nội vụ's general assessment, then per index, per criterion its
 * figures and its tasks' figures, and under each task its lead agencies'
 * latest sent assessments (never a returned one) beside the figures they
 * were sent with. All from the one report bundle. */
#ifndef CCHC_CITY_REPORT_HTML_H
#define CCHC_CITY_REPORT_HTML_H

#include <stdio.h>

#include "cchc/v1/envelope.pb-c.h"

/* Writes the section; a bundle from a server older than the city report's
 * fields (per_criterion false) gets a line saying so. tasks names the
 * tasks (may be NULL). */
void city_report_html_write(FILE *out, const Cchc__V1__ReportBundleResponse *b,
                            const Cchc__V1__TaskListResponse *tasks);

#endif
