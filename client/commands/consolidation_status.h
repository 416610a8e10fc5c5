/* What the levels above the units owe, beside the units' own figures
 * (issue 17, Deliver 2): `cchc status` adds each level's consolidations
 * (owed, received, on time, late, accepted), `cchc missing` the ones not
 * sent, `cchc due` the caller's unit's own. One request
 * (ConsolidationList) read three ways, so the three always agree. */
#ifndef CCHC_CONSOLIDATION_STATUS_H
#define CCHC_CONSOLIDATION_STATUS_H

#include <jansson.h>

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"

/* The consolidations of period the caller may see (mine: only its unit's
 * own). Quiet: a server without consolidations (older than issue 17) or a
 * failure leaves *out NULL and says nothing, so the units' figures still
 * show. */
void consolidation_fetch(const cli_options *opts, const char *period, int mine,
                         Cchc__V1__Response **out);
/* True when a consolidation is still owed: never sent, a draft, returned. */
int consolidation_is_owed(const Cchc__V1__Consolidation *c);
/* Per level: {"level", "expected", "received", "on_time", "late", "accepted"}. */
json_t *consolidation_levels_json(const Cchc__V1__ConsolidationListResponse *l);
/* The owed ones, as the protocol's Consolidation (figures left out). */
json_t *consolidation_owed_json(const Cchc__V1__ConsolidationListResponse *l);
/* The same two for people: a table each, under a title. */
void consolidation_print_levels(const Cchc__V1__ConsolidationListResponse *l);
/* The owed ones one line per author (level and unit: how many, by state,
 * the deadline and the tasks' numbers), or each on its own line when all
 * (`cchc missing --all`): a period owes hundreds. */
void consolidation_print_owed(const Cchc__V1__ConsolidationListResponse *l, int all);
/* "district", "lead agency", "city" in the reader's language. */
const char *consolidation_level_label(const char *level);

#endif
