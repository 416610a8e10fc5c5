/* What my unit owes and by when: reports missing, in draft or returned in
 * every open or closed period, and the unit's own implementation plan.
 * `cchc due` lists it; a one-line reminder of it follows login and other
 * commands on a terminal when something is overdue or due within a week,
 * at most once a Vietnam day per account (a check that finds nothing due
 * holds for ten minutes, so commands do not each pay for it). */
#ifndef CCHC_DUE_H
#define CCHC_DUE_H

#include "cli.h"

int cmd_due(const cli_options *opts, int argc, char **argv);
/* Prints the reminder line to stderr when something is due soon and it
 * was not shown to username today (state in the config folder beside the
 * session); silent on any error. The caller decides whether a reminder
 * fits at all (a terminal, no --json, no --quiet). */
void due_reminder(const cli_options *opts, const char *username);

#endif
