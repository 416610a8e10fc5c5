/* Submissions that could not reach the server wait here and are sent
 * exactly once later: each is the encoded request with its idempotency
 * keys, so a resend after an unclear failure is recognised by the server
 * and never makes a second revision. One file per submission in
 * $XDG_CONFIG_HOME/cchc/outbox (else ~/.config/cchc/outbox), surviving a
 * restart of the client or of the machine. */
#ifndef CCHC_OUTBOX_H
#define CCHC_OUTBOX_H

#include <time.h>

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"

/* Keeps request for later, for the account logged in to opts->server (it
 * is only ever sent under that account); returns 0, or -1 with errno set. */
int outbox_save(const cli_options *opts, const Cchc__V1__ReportSubmitRequest *request);
/* Submissions of the logged-in account waiting for opts->server. */
int outbox_count(const cli_options *opts);
/* Deletes them (a clerk's way out of one the server keeps failing on);
 * returns how many. */
int outbox_discard(const cli_options *opts);
/* Refusals that will not change on a resend (invalid, not found, not
 * allowed, a conflict…): a submission so refused is dropped, and said so.
 * Anything else (unreachable, busy, an unknown outcome, an expired or
 * revoked session, an internal error) keeps it, so nothing a clerk
 * entered is lost to a passing fault. */
int outbox_refused_for_good(const cli_error *err);

/* A row's base_revision when `submit --task` could not ask the server for
 * the report's latest revision (unreachable, session expired): never sent
 * as such; when the submission is finally sent, it becomes the revision
 * that was the latest when the submission was made (see below). */
#define OUTBOX_BASE_AT_SEND (-1)
/* Replaces OUTBOX_BASE_AT_SEND in body's rows by the revision of each
 * report that was the latest at made_at, i.e. what the clerk could have
 * seen: the newest saved before made_at (the server's saved_at against
 * this machine's clock, in whole seconds; one of the same second counts
 * only when it is the clerk's own); 0 when the report did not exist yet.
 * A revision a colleague saved after the submission was made is thus a
 * conflict, never silently overwritten; the clerk's own earlier revision
 * is the base. Returns 1 when rows were filled (the caller keeps the
 * filled body, so a resend is the same request), 0 when none waited, or
 * -1 with err set when the server cannot be asked (the submission then
 * waits). */
int outbox_fill_bases_at_send(const cli_options *opts, Cchc__V1__ReportSubmitRequest *body,
                              time_t made_at, cli_error *err);
/* Sends what waits, oldest first, stopping at the first one the server
 * cannot take yet (unreachable,
 * busy, an internal error): only a refusal that a resend cannot change
 * drops one. Prints one line per submission unless quiet. Returns the
 * number saved; sets *left to those waiting and *dropped (when not NULL)
 * to those the server refused for good (dropped, each said why). */
int outbox_send(const cli_options *opts, int quiet, int *left, int *dropped);

/* A waiting submission refused as CONFLICT (someone saved those reports
 * after it was made) is neither sent over them nor dropped: the clerk's
 * text stays in the outbox, and the outbox waits, saying what to do. With
 * a rebase function set (`cchc outbox send --rebase`), outbox_send hands
 * it the submission instead; it returns 0 when it saved the clerk's changes
 * rebased onto the latest revisions (the submission is then done), -1 to
 * keep it waiting. */
typedef int (*outbox_rebase_fn)(const cli_options *opts, const Cchc__V1__ReportSubmitRequest *body);
void outbox_set_rebase(outbox_rebase_fn rebase);

#endif
