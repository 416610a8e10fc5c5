/* The city's report assembled per index and criterion (issue 17, Deliver
 * 3; docs/city-report.md), as the HTML document's section 7 and its CSV
 * and xlsx companions write it: lookups over the report bundle shared by
 * the three, so they group, pick and word the same things. Under each
 * criterion (in the plan's order) its tasks; a task serving several
 * criteria carries its lead agencies' texts under the first of them
 * only, so each text stands once in the document Sở Nội vụ edits. */
#ifndef CCHC_CITY_REPORT_H
#define CCHC_CITY_REPORT_H

#include <stddef.h>

#include "cchc/v1/envelope.pb-c.h"

/* The figures of task id (the bundle's by_task), or NULL. */
const Cchc__V1__StatusGroup *city_report_task_figures(const Cchc__V1__ReportBundleResponse *b,
                                                      int task_id);
/* The index in b->criteria of the first criterion listing task id, or -1. */
long city_report_first_criterion(const Cchc__V1__ReportBundleResponse *b, int task_id);
/* The city report (level "city"), or NULL when the bundle has none. */
const Cchc__V1__Consolidation *city_report_city(const Cchc__V1__ReportBundleResponse *b);
/* The lead agencies' consolidations of task id: call with *at = 0, each
 * call returns the next one or NULL. */
const Cchc__V1__Consolidation *city_report_next_lead(const Cchc__V1__ReportBundleResponse *b,
                                                     int task_id, size_t *at);
/* Nonzero when the consolidation's texts are there to quote: sent, and
 * not returned (the server sends no text then). */
int city_report_has_text(const Cchc__V1__Consolidation *c);
/* Its state in the document's words (Vietnamese: the document is). */
const char *city_report_state_words(const char *state);

#endif
