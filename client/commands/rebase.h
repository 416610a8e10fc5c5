/* `cchc submit --file … --rebase`: when the server refuses a submission
 * because some of its rows were made from an older revision than the
 * report's latest (CONFLICT), the clerk's work is not thrown away. For each
 * such row the cells the clerk changed relative to the row's base revision
 * are applied onto the latest revision, the way a three-way merge does; a
 * cell both the clerk and the later revision changed, differently, is a
 * collision, and then nothing is sent. The base revision's values come
 * from the report's history (ReportGet answers every revision, the unit's
 * drafts included), so the template needs to carry only the base number. */
#ifndef CCHC_REBASE_H
#define CCHC_REBASE_H

#include <stddef.h>

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"

/* A rebased copy of a submission; owns everything it points to. */
typedef struct rebased_submission {
    Cchc__V1__ReportSubmitRequest body;
    size_t rebased_rows; /* rows moved onto a newer revision */
    size_t no_base_rows; /* changed rows whose base is not in the history */
    void **owned;        /* every block body points into, freed together */
    size_t n_owned, cap_owned;
} rebased_submission;

/* Fetches the latest revision of every row's report and builds the rebased
 * request in *out (fresh idempotency keys for the rows it moved). Returns
 * EXIT_OK, or an exit code after printing why: the collisions (cell by
 * cell), a row without a base revision that needs one, or a failed call.
 * Free *out with rebase_free whatever it returns. */
int rebase_submission(const cli_options *opts, const Cchc__V1__ReportSubmitRequest *in,
                      rebased_submission *out);
void rebase_free(rebased_submission *out);

#endif
