/* Cumulative periods (docs/cumulative.md): a template row the server
 * pre-filled from the unit's report of an earlier period ("Mang sang từ
 * kỳ") is the earlier period's word, not this one's, until the clerk
 * changes it or confirms it. `cchc submit --file` therefore holds back the
 * carried rows that still say exactly what they carried, compared with the
 * carried values fetched again at submit time (the cell names the period
 * and the revision they came from, so a report revised since is noticed
 * and the row held back rather than guessed about). */
#ifndef CCHC_CARRIED_H
#define CCHC_CARRIED_H

#include <stddef.h>

#include "cli.h"
#include "report_csv.h"

typedef struct carried_summary {
    size_t unchanged;  /* held back: still the carried values */
    size_t stale;      /* held back: the earlier report changed since the template */
    size_t unchecked;  /* held back: the server could not be asked */
    size_t confirmed;  /* sent: the cell was cleared, or --confirm-carried */
} carried_summary;

/* Whether some row of sheet was carried over and is not confirmed by
 * --confirm-carried: then carried_hold_back needs the tasks as they are now. */
int carried_needs_tasks(const report_sheet *sheet, int confirm);
/* Sets held_back on the rows of sheet to keep back (none with confirm).
 * now: `my_tasks` of the sheet's period for the unit the rows are for,
 * fetched at submit time, or NULL when the server could not be asked
 * (unreachable: why). Returns how many rows are held back. */
size_t carried_hold_back(const cli_options *opts, report_sheet *sheet,
                         const Cchc__V1__MyTasksResponse *now, const char *unreachable,
                         int confirm, carried_summary *summary);
/* Prints what was held back and how to send it (nothing when nothing was). */
void carried_explain(const carried_summary *summary, const char *source, const char *unit);

#endif
