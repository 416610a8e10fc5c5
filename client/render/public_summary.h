/* The public summary page for the city's web portal (issue 17,
 * Deliver 4, docs/public-summary.md): one self-contained HTML file —
 * inline CSS, no script, no external resource, A4-printable — written
 * from the server's PublicSummaryResponse, which holds only what may be
 * published. */
#ifndef CCHC_PUBLIC_SUMMARY_H
#define CCHC_PUBLIC_SUMMARY_H

#include <stdio.h>

#include "cchc/v1/envelope.pb-c.h"

void public_summary_write(const Cchc__V1__PublicSummaryResponse *s, FILE *out);

/* The same as a spreadsheet (UTF-8 with BOM, headers in the reader's
 * language, decimals with a dot as in every export): one row per
 * criterion, its accepted assessments in one field. */
void public_summary_write_csv(const Cchc__V1__PublicSummaryResponse *s, FILE *out);

#endif
