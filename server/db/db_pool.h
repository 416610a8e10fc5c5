/* A small pool of asynchronous PostgreSQL connections driven by the libuv
 * loop (libpq non-blocking + pipeline mode, PQsocket watched by uv_poll).
 *
 * Each connection keeps several queries in flight at once (pipeline mode,
 * one sync per query so one failing query never aborts its neighbours); the
 * pool hands a query to the least busy ready connection. A connection that
 * breaks fails its in-flight queries and reconnects with
 * exponential backoff; while every connection is down, submissions fail at
 * once so the client gets a clear UNAVAILABLE instead of a hang; while a
 * connection is being (re)established they wait in a queue. A fresh
 * connection first checks that the database schema is at the version this
 * binary was built for, then prepares every statement of statements.h.
 *
 * What a broken connection means for a batch depends on whether its sync
 * was sent: PostgreSQL commits a batch's implicit transaction only when it
 * reads the sync, so a batch whose sync never left is rolled back for sure
 * (DB_UNAVAILABLE, safe to retry), while one whose sync was sent may have
 * committed even though its answer never arrived (DB_OUTCOME_UNKNOWN). A
 * held batch (db_pool_submit_held) keeps its transaction open after its
 * statements so that its owner can add one last statement built from
 * their results (the request keys of docs/retry.md store the answer with
 * the effect) before the sync.
 *
 * Queued work is served fairly (db_fair.h): every batch names its owner
 * (an account, and a client within it), accounts take turns, then the
 * clients of an account, and at most fair_share batches of one account,
 * and of one client, are in PostgreSQL at once, so one client's flood
 * cannot fill the pipelines ahead of everyone else. A batch whose client
 * has gone (db_owner.gone) is dropped before it is sent. */
#ifndef CCHCD_DB_POOL_H
#define CCHCD_DB_POOL_H

#include <libpq-fe.h>
#include <stdint.h>
#include <uv.h>

#include "statements.h"

typedef struct db_pool db_pool;

typedef enum db_status {
    DB_OK,          /* result holds the rows */
    DB_QUERY_ERROR, /* the statement failed; result holds the error fields */
    DB_UNAVAILABLE, /* no result, and nothing committed: the database could
                       not be reached, or the batch's sync never left */
    DB_OUTCOME_UNKNOWN, /* no result: the sync was sent but the connection
                          broke before the answer, so it may have committed */
    DB_ABORTED      /* rolled back by a conflict or a deadline (deadlock,
                       serialization failure, lock or statement timeout):
                       nothing committed, the same batch may succeed again;
                       result holds the error fields */
} db_status;

/* Most statements one batch may hold. */
#define DB_MAX_BATCH 16
/* Most statements of a held batch, its last statements included: a group
 * commit's transaction (db_group.h) holds one statement per write, and as
 * many last statements again. A held batch takes up to half of this. */
#define DB_MAX_STEPS 256

/* results[i] is statement i's first result (NULL when none arrived, e.g.
 * DB_UNAVAILABLE); valid only during the call. message is a one-line
 * explanation when status is not DB_OK. */
typedef void (*db_result_fn)(void *ctx, db_status status,
                             PGresult *const *results, int nresults,
                             const char *message);

/* Called from a db_result_fn: keeps results[i] past the call (the pool
 * then leaves it alone) and returns it; the caller PQclear()s it. For an
 * answer sent in parts whose messages point into the rows. */
PGresult *db_result_keep(PGresult *const *results, int i);

/* One statement of a batch: text parameters, NULL value = SQL NULL. */
typedef struct db_step {
    statement_id statement;
    int nparams;
    const char *const *values;
} db_step;

/* Whom a batch is for. The pool knows these only as numbers. */
typedef struct db_owner {
    uint64_t account; /* 0: not known yet (before a session is checked):
                         the client is then a group of its own */
    uint64_t client;  /* who sent it (the client connection's id, which
                         the log line about dropped batches names) */
    /* When not NULL: once *gone is non-zero, nobody waits for the answer
     * any more, and the batch, if still queued, is not sent: fn gets
     * DB_UNAVAILABLE (nothing applied). Must stay valid until fn is
     * called. */
    const int *gone;
} db_owner;

typedef struct db_pool_config {
    const char *conninfo;
    int size;                 /* connections */
    int pipeline_depth;       /* queries in flight per connection */
    unsigned backoff_min_ms;
    unsigned backoff_max_ms;
    unsigned connect_timeout_ms; /* connect and set-up must finish within this */
    /* Session deadlines set on every connection (0 = PostgreSQL's default,
     * none): one statement, one lock wait, a transaction left idle. */
    unsigned statement_timeout_ms;
    unsigned lock_timeout_ms;
    unsigned idle_in_transaction_timeout_ms;
    /* Unacknowledged data on a TCP connection to the server fails it after
     * this long (libpq tcp_user_timeout; ignored for Unix sockets). */
    unsigned tcp_user_timeout_ms;
    /* A connection with queries in flight and no answer from the database
     * for this long is failed and reconnected (0 = never): the deadline
     * PostgreSQL cannot enforce itself, e.g. for a stopped backend. */
    unsigned query_deadline_ms;
    int max_queue;            /* queries waiting for a connection, at most */
    /* Batches of one account, and of one client, in PostgreSQL (sent and
     * not yet answered) at once, at most; 0: no limit. */
    int fair_share;
    int expected_schema_version;
    const char *expected_functions_digest; /* cchc_functions_digest (required) */
} db_pool_config;

db_pool *db_pool_create(uv_loop_t *loop, const db_pool_config *config);
/* Starts connecting; progress and failures are logged. */
void db_pool_start(db_pool *pool);
/* Number of connections ready to take queries right now. */
int db_pool_ready_count(const db_pool *pool);
/* Queries submitted and not yet answered. */
int db_pool_pending(const db_pool *pool);
/* What a health answer says about the pool (db_pool_health). */
typedef enum db_schema_state {
    DB_SCHEMA_UNKNOWN, /* no connection has finished its set-up yet */
    DB_SCHEMA_CURRENT, /* the last set-up found the schema and functions this
                          binary was built with */
    DB_SCHEMA_STALE    /* the last set-up found others: run cchcd migrate */
} db_schema_state;

typedef struct db_pool_health {
    int size, ready, pending;
    db_schema_state schema;
    char last_problem[256]; /* the last connection failure; "" when none */
} db_pool_health;

void db_pool_health_get(const db_pool *pool, db_pool_health *out);
/* True when a submission would be taken now (some connection is up or on
 * its way up, and the pool is not closing). */
int db_pool_accepting(const db_pool *pool);

typedef enum db_submit {
    DB_SUBMIT_OK = 0,       /* fn will be called exactly once, later */
    DB_SUBMIT_UNAVAILABLE,  /* every connection is down; fn is not called */
    DB_SUBMIT_BUSY          /* the queue is full; fn is not called */
} db_submit;

/* Runs a prepared statement with text parameters (NULL value = SQL NULL);
 * parameters are copied. fn is never called before this returns. Work
 * submitted without an owner (owner NULL here and below) shares one group. */
db_submit db_pool_submit(db_pool *pool, const db_owner *owner, statement_id statement,
                         int nparams, const char *const *values, db_result_fn fn, void *ctx);

/* Runs several statements back to back under one sync: one round trip,
 * one implicit transaction (all commit, or none when one fails), results
 * delivered together. Same return convention as db_pool_submit. */
db_submit db_pool_submit_batch(db_pool *pool, const db_owner *owner, const db_step *steps,
                               int nsteps, db_result_fn fn, void *ctx);

/* An open transaction of a held batch, between its results and its sync. */
typedef struct db_hold db_hold;

/* What a held batch's owner gets: status and results as db_result_fn, and
 * when status is DB_OK the open transaction, which the owner must end with
 * db_hold_commit before returning (the pool commits it, without another
 * statement, when the owner does not). hold is NULL on failure, when the
 * transaction is already rolled back (or never started). */
typedef void (*db_held_fn)(void *ctx, db_status status, PGresult *const *results, int nresults,
                           const char *message, db_hold *hold);

/* Runs steps (at most DB_MAX_STEPS / 2) in one implicit transaction that
 * stays open after them: their results go to fn while the connection
 * takes no other query. Same return convention as db_pool_submit_batch. */
db_submit db_pool_submit_held(db_pool *pool, const db_owner *owner, const db_step *steps,
                              int nsteps, db_held_fn fn, void *ctx);

/* Ends a held batch's transaction: runs last (NULL for none; parameters
 * copied) and the sync. fn (may be NULL) is called later, exactly once,
 * with the outcome of the whole transaction: DB_OK committed, DB_QUERY_ERROR
 * rolled back by last's failure, DB_UNAVAILABLE rolled back (the sync never
 * left), DB_OUTCOME_UNKNOWN. results are those of every step, last's last. */
void db_hold_commit(db_hold *hold, const db_step *last, db_result_fn fn, void *ctx);
/* The same with several last statements (nlast may be 0), sent in order
 * before the sync: a group commit stores each write's answer. */
void db_hold_commit_steps(db_hold *hold, const db_step *last, int nlast, db_result_fn fn,
                          void *ctx);

/* Fails queued queries, closes every connection and handle; calls done once
 * all libuv handles are closed, after which the pool is freed. */
void db_pool_close(db_pool *pool, void (*done)(void *arg), void *arg);

#endif
