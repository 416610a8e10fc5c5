/* The consolidated report for the City People's Committee as one HTML
 * file: summary, completeness, progress by index and the criteria at risk
 * with inline SVG charts, the units still missing, and the difficulties
 * and proposals quoted per task. Self-contained (no script, no font, no
 * network), in Vietnamese, with print styles. Every figure carries a
 * data-figure attribute so tests (and other tools) can read it back. */
#ifndef CCHC_HTML_REPORT_H
#define CCHC_HTML_REPORT_H

#include <stdio.h>

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"

/* Fetches what the report needs for period and writes it; returns an exit
 * code (errors were reported). */
int html_report_write(const cli_options *opts, const char *period, FILE *out);

/* The requests commands/status.c and the report share. */
int status_fetch(const cli_options *opts, const char *period, const char *by,
                 Cchc__V1__Response **response);
int missing_fetch(const cli_options *opts, const char *period, const char *district,
                  const char *lead, Cchc__V1__Response **response);
int export_fetch(const cli_options *opts, const char *period, Cchc__V1__Response **response);

#endif
