/* Group commit: writes that arrive from many clients close together share
 * one database transaction and one commit, as PostgreSQL's own group
 * commit shares one WAL flush. A report submission costs the database far
 * more in its commit (the WAL flush) and its round trips than in its rows,
 * so merging the submissions waiting at one moment into one transaction
 * multiplies what one PostgreSQL can take (issue 15; docs/performance.md,
 * docs/concurrency.md "Group commit").
 *
 * Each write is one statement whose effect is its own: the statement
 * judges its rows and writes nothing when it refuses them, so one write's
 * refusal never touches another's (submit_reports answers its errors as
 * rows). Writes wait here in the fair queue's order (db_fair.h: accounts
 * take turns, then their connections), a gone client's writes are dropped
 * before they are sent, and a transaction takes at most max_items writes.
 * It is sent as one held batch (db_pool.h): every write's results come
 * back while the transaction is open, each write's owner builds its answer
 * and may add a last statement (the request key's stored answer), and only
 * then is the transaction committed. Writes that db_group_merge.h knows
 * how to merge (report submissions) go as one statement, and their last
 * statements as one; each owner still gets only its own rows. Every owner hears the commit's
 * outcome; no answer should leave before it (durability).
 *
 * When the transaction fails with a statement error, which one write's
 * data may have caused (nothing committed), every write of it is sent
 * again alone, so only the write at fault fails. Any other failure is each
 * write's: rolled back by a deadlock or a deadline (DB_ABORTED, retried by
 * the client), unavailable, or of unknown outcome once the sync was sent
 * (docs/retry.md).
 *
 * When to send: a transaction leaves as soon as none of the group's is in
 * the database, so what arrives while one runs waits and goes together in
 * the next one (PostgreSQL's idea); with window_us, the first waiting
 * write also waits that long for company. A second one (up to
 * max_inflight) leaves only once the latest sent has been in the database
 * overlap_us: most transactions end within a few milliseconds, and one
 * started beside them would only split the waiting writes into smaller
 * transactions, each paying its own statements and commit; past it, a
 * long one (a large group, a template, one stuck behind a lock) no longer
 * holds the others, and the next uses the database's other cores
 * (docs/performance.md: 5 ms measured best of 0, 2, 5 and 20 ms). */
#ifndef CCHCD_DB_GROUP_H
#define CCHCD_DB_GROUP_H

#include "db_pool.h"

typedef struct db_group db_group;
/* One write in a group's transaction, between its results and the commit. */
typedef struct db_group_item db_group_item;

/* Largest max_items: each write has a statement and may add a last one. */
#define DB_GROUP_MAX_ITEMS (DB_MAX_STEPS / 2)

typedef struct db_group_config {
    unsigned window_us; /* the first waiting write waits this long for company
                           (libuv's timers count whole milliseconds: rounded up);
                           0: it goes with the next free transaction */
    int max_items;      /* writes in one transaction, 1 to DB_GROUP_MAX_ITEMS */
    int max_inflight;   /* the group's transactions in the database at once */
    unsigned overlap_us; /* a transaction beyond the first starts only once
                            the latest one sent has been in the database this
                            long (whole milliseconds, rounded up); 0: at once */
    int max_queue;      /* writes waiting at most; more are refused (DB_SUBMIT_BUSY) */
} db_group_config;

/* A write's results (results[0] is its statement's) with the transaction
 * still open: the owner calls db_group_commit before returning, or the
 * group commits the write without a last statement and logs it. On
 * failure item is NULL and nothing of the write committed, unless status
 * is DB_OUTCOME_UNKNOWN; results may then be NULL. */
typedef void (*db_group_rows_fn)(void *ctx, db_status status, PGresult *const *results,
                                 int nresults, const char *message, db_group_item *item);

db_group *db_group_create(uv_loop_t *loop, db_pool *pool, const db_group_config *config);

/* Queues one write: step's parameters are copied. fn is called exactly
 * once, later, when the return is DB_SUBMIT_OK; never otherwise. order
 * (copied) names what the write locks first, e.g. "2023-6M Q-NINHKIEU":
 * a transaction runs its writes in the byte order of these names (the
 * writes of one name in the order they came), so two transactions of the
 * group take their locks in one order and never deadlock on them. */
db_submit db_group_submit(db_group *group, const db_owner *owner, const db_step *step,
                          const char *order, db_group_rows_fn fn, void *ctx);

/* The write's part of the transaction is done: last (NULL for none;
 * copied) runs before the commit, and fn (may be NULL) is called once with
 * the transaction's outcome (results NULL): DB_OK committed. */
void db_group_commit(db_group_item *item, const db_step *last, db_result_fn fn, void *ctx);

/* Transactions and writes sent since the start: for the log and tests. */
void db_group_counts(const db_group *group, unsigned long long *transactions,
                     unsigned long long *writes);

/* Fails the writes still waiting (never sent: DB_UNAVAILABLE) and frees
 * the group once its transactions in flight have ended; call before
 * db_pool_close. */
void db_group_close(db_group *group);

#endif
