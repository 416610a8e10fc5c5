/* What my unit owes and by when: reports missing, in draft or returned in
 * every open or closed period, and the unit's own implementation plan.
 * `cchc due` lists it; a one-line reminder of it follows login and other
 * commands when something is overdue or due within a week (cached for ten
 * minutes, so commands do not each pay for it). */
#ifndef CCHC_DUE_H
#define CCHC_DUE_H

#include "cli.h"

int cmd_due(const cli_options *opts, int argc, char **argv);
/* Prints the reminder line to stderr when something is due soon; silent on
 * any error. */
void due_reminder(const cli_options *opts);

#endif
