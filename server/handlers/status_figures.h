/* The reply of one status_figures statement (STMT_STATUS_FIGURES) turned
 * into StatusResponse messages. The statement returns every figure of a
 * period in one result, section by section (period, total, the groups of
 * each grouping, risk), so `cchc status` and the HTML report's bundle
 * compute the period's facts once; this splits the sections. */
#ifndef CCHCD_STATUS_FIGURES_H
#define CCHCD_STATUS_FIGURES_H

#include <libpq-fe.h>

#include "arena.h"
#include "cchc/v1/status.pb-c.h"

/* Nonzero when the result has the period's row (no row: unknown period). */
int status_figures_found(const PGresult *res);

/* A StatusResponse with the period, the total, the criteria at risk and
 * the groups of section `grouping` ("" or a grouping not asked: none),
 * allocated in a; its strings point into res. NULL when out of memory. */
Cchc__V1__StatusResponse *status_figures_response(arena *a, const PGresult *res,
                                                  const char *grouping, int all_tasks);

#endif
