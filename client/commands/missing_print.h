/* How `cchc missing` shows its list to people: a table of the unit, its
 * code, who owes a closed unit's report today (a column shown only when
 * some row has one), the task, its state and the lead agencies. Why a file
 * of its own: two units of the list may share a name — communes "Phường 1" of two districts, or a commune and
 * the new ward of the same name that succeeded it in the 2025
 * reorganisation — and a reviewer who chases a missing report must know
 * which one to call: such a name gets its parent unit (and, for a unit
 * that has closed, its last day) beside it. A name no other row shares is
 * left alone; the code is always in a column of its own. */
#ifndef CCHC_MISSING_PRINT_H
#define CCHC_MISSING_PRINT_H

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"

/* Prints m as a table on stdout, with the count under it. Asks the
 * server for the unit list (an existing request every account may make)
 * only when a name repeats. */
void missing_print(const cli_options *opts, const Cchc__V1__MissingResponse *m);

#endif
