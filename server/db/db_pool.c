/* See db_pool.h for the design. Two rules from experience with libpq under
 * an event loop shape this file:
 *  - the socket libpq uses can change during connection set-up, so the
 *    poll handle is stopped before every libpq step and re-created whenever
 *    PQsocket() differs from the descriptor it watches (never two poll
 *    handles on one descriptor, never a handle on a closed one);
 *  - the poll handle is stopped and closed before PQfinish() closes the
 *    socket, so libuv never watches a descriptor number that the kernel may
 *    hand out again. */
#include "db_pool.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "db_fair.h"
#include "log.h"

typedef enum query_kind {
    QUERY_USER,
    QUERY_SCHEMA_CHECK,
    QUERY_FUNCTIONS_CHECK,
    QUERY_PREPARE
} query_kind;

typedef struct db_step_state {
    statement_id statement;
    int nparams;
    char **values;
    PGresult *result; /* first result of the statement, kept until sync */
} db_step_state;

/* Where a held batch is (db_pool_submit_held): its statements sent with a
 * flush request instead of a sync, then its results handed to the owner
 * while the transaction is open, then its last statement and sync sent. */
typedef enum hold_phase { HOLD_NONE, HOLD_OPEN, HOLD_CLOSING } hold_phase;

/* One unit of work: one or more statements sent back to back and closed by
 * a single sync, so PostgreSQL runs them as one implicit transaction. */
typedef struct db_query {
    struct db_query *next;
    query_kind kind;
    int nsteps;
    int room;              /* steps allocated: one more than nsteps when held */
    db_step_state *steps;
    int current;       /* step whose results are being read */
    int sync_sent;     /* from then on a broken connection leaves the outcome unknown */
    hold_phase hold;
    db_held_fn held_fn; /* a held batch's owner, until its results arrive */
    struct db_conn *conn;
    db_result_fn fn;
    void *ctx;
    /* whom it is for (db_owner): its place in the fair queue while queued,
     * and the member to release once it was sent and has ended */
    fair_item link;
    fair_member *member; /* set while it counts in flight for its owner */
    uint64_t client;
    const int *gone;
} db_query;

#define QUERY_OF(item) ((db_query *)((char *)(item) - offsetof(db_query, link)))

typedef struct query_list {
    db_query *head, *tail;
    int count;
} query_list;

typedef enum conn_state { CONN_DOWN, CONN_CONNECTING, CONN_SETUP, CONN_READY } conn_state;

typedef struct db_conn {
    db_pool *pool;
    int index;
    PGconn *pg;
    uv_poll_t *poll;
    int poll_fd;
    uv_timer_t retry_timer;
    unsigned backoff_ms;
    conn_state state;
    int broken;        /* failure found while submitting; conn_fail runs next tick */
    query_list inflight;
    db_query *holding; /* a held batch whose transaction is open: no other query */
    char failure[256]; /* set while draining results to fail afterwards */
    int failure_is_loss; /* failure is a broken connection, not a misconfiguration */
    char deferred[256];
    uint64_t progress_ms; /* last answer, or when the pipeline became busy */
    unsigned attempt;     /* connection attempts so far: stale resolutions are dropped */
} db_conn;

struct db_pool {
    uv_loop_t *loop;
    db_pool_config config;
    char *conninfo;
    db_conn *conns;
    fair_queue queue;          /* user batches waiting for a connection */
    query_list dropped;        /* batches of clients that had gone, to finish */
    uv_timer_t kick_timer;     /* finishes those, and dispatches, from the loop */
    uv_timer_t deadline_timer; /* fails connections with overdue queries */
    char *resolve_host;        /* a TCP host name to resolve before connecting */
    int closing;
    db_schema_state schema;    /* what the last set-up found (health) */
    char last_problem[256];    /* the last connection failure (health) */
    int handles_open;
    void (*closed_fn)(void *);
    void *closed_arg;
};

static void on_poll(uv_poll_t *handle, int status, int events);
static void pool_kick(db_pool *pool);
static void conn_connect(db_conn *conn);
static void on_retry_timer(uv_timer_t *timer);
static void on_connect_timeout(uv_timer_t *timer);
static void pool_dispatch(db_pool *pool);

/* ---- query lists and helpers ------------------------------------------ */

static void list_push(query_list *list, db_query *query)
{
    query->next = NULL;
    if (list->tail)
        list->tail->next = query;
    else
        list->head = query;
    list->tail = query;
    list->count++;
}

static db_query *list_pop(query_list *list)
{
    db_query *query = list->head;
    if (!query)
        return NULL;
    list->head = query->next;
    if (!list->head)
        list->tail = NULL;
    list->count--;
    return query;
}

static void query_free(db_query *query)
{
    for (int s = 0; s < query->nsteps; s++) {
        db_step_state *step = &query->steps[s];
        if (step->result)
            PQclear(step->result);
        for (int i = 0; i < step->nparams; i++)
            free(step->values[i]);
        free(step->values);
    }
    free(query->steps);
    free(query);
}

/* Calls the owner back exactly once and frees the query. A held batch
 * whose results never arrived reports to the owner of its results. */
static void query_finish(db_query *query, db_status status, const char *message)
{
    if (query->member) { /* its owner may send another from the callback */
        db_pool *pool = query->conn->pool;
        fair_done(&pool->queue, query->member);
        query->member = NULL;
    }
    PGresult *results[DB_MAX_STEPS] = {0};
    for (int s = 0; s < query->nsteps; s++)
        results[s] = query->steps[s].result;
    if (query->hold == HOLD_OPEN && query->held_fn)
        query->held_fn(query->ctx, status, results, query->nsteps, message, NULL);
    else if (query->hold != HOLD_OPEN && query->fn)
        query->fn(query->ctx, status, results, query->nsteps, message);
    for (int s = 0; s < query->nsteps; s++)
        query->steps[s].result = results[s]; /* NULL where db_result_keep took it */
    query_free(query);
}

PGresult *db_result_keep(PGresult *const *results, int i)
{
    PGresult *result = results[i];
    ((PGresult **)results)[i] = NULL; /* query_finish's own array */
    return result;
}

/* The server said a statement of the batch failed (e.g. its backend was
 * terminated while running it): the implicit transaction is rolled back
 * whatever follows. An error libpq made up itself when the connection
 * broke ("server closed the connection unexpectedly") has no SQLSTATE and
 * proves nothing. */
static int batch_failed(const db_query *query)
{
    for (int s = 0; s < query->nsteps; s++) {
        const PGresult *result = query->steps[s].result;
        if (result && PQresultStatus(result) == PGRES_FATAL_ERROR &&
            PQresultErrorField(result, PG_DIAG_SQLSTATE))
            return 1;
    }
    return 0;
}

/* A batch whose sync was sent may have committed: its owner must not be
 * told "unavailable, retry" (docs/retry.md), unless one of its statements
 * failed, which rolled it back. */
static void fail_all(query_list *list, const char *message)
{
    db_query *query;
    while ((query = list_pop(list)) != NULL) {
        if (query->kind != QUERY_USER) {
            query_free(query);
        } else if (query->sync_sent && !batch_failed(query)) {
            char unknown[360];
            snprintf(unknown, sizeof(unknown),
                     "database connection lost after the batch was sent: %s", message);
            query_finish(query, DB_OUTCOME_UNKNOWN, unknown);
        } else {
            query_finish(query, DB_UNAVAILABLE, message);
        }
    }
}

/* Fails every batch waiting in the pool's queue (never sent: nothing was
 * applied). */
static void fail_queued(db_pool *pool, const char *message)
{
    fair_item *item;
    uint64_t group, member;
    while ((item = fair_take_any(&pool->queue, &group, &member)) != NULL)
        query_finish(QUERY_OF(item), DB_UNAVAILABLE, message);
}

/* Errors that mean "the database is away", as opposed to "this statement
 * is wrong": connection exceptions (08), operator intervention such as a
 * shutdown or terminated backend (57), insufficient resources (53). */
static int sqlstate_is_unavailable(const PGresult *result)
{
    const char *state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (!state)
        return 1;
    return strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0 ||
           strncmp(state, "53", 2) == 0;
}

/* Errors after which the same statements may well succeed: a deadlock
 * (40P01), a serialization failure (40001), a lock not granted within
 * lock_timeout (55P03), a statement cancelled by statement_timeout
 * (57014). PostgreSQL rolled the transaction back. */
static int sqlstate_is_retryable(const PGresult *result)
{
    const char *state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (!state)
        return 0;
    return strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0 ||
           strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0;
}

static void first_line(char *out, size_t size, const char *text)
{
    snprintf(out, size, "%s", text ? text : "");
    out[strcspn(out, "\n")] = '\0';
}

/* ---- socket watching --------------------------------------------------- */

/* One libuv handle or request of the pool has ended; the last one after
 * db_pool_close frees the pool. */
static void pool_handle_done(db_pool *pool)
{
    if (--pool->handles_open == 0 && pool->closing) {
        void (*fn)(void *) = pool->closed_fn;
        void *arg = pool->closed_arg;
        fair_free(&pool->queue);
        free(pool->conns);
        free(pool->conninfo);
        free(pool->resolve_host);
        free(pool);
        if (fn)
            fn(arg);
    }
}

static void on_handle_closed(uv_handle_t *handle)
{
    db_pool *pool = handle->data;
    if (handle->type == UV_POLL)
        free(handle);
    pool_handle_done(pool);
}

static void poll_close(db_conn *conn)
{
    if (!conn->poll)
        return;
    uv_poll_stop(conn->poll);
    conn->poll->data = conn->pool;
    uv_close((uv_handle_t *)conn->poll, on_handle_closed);
    conn->poll = NULL;
    conn->poll_fd = -1;
}

/* libpq closes its socket itself when it finds the connection dead (EOF
 * or an error while reading, which PQconsumeInput, PQflush and the send
 * functions may all do): the handle watching it goes at once, before
 * anything else runs that could open a descriptor with the same number,
 * which the stale handle would then stop or steal. */
static void poll_forget_closed(db_conn *conn)
{
    if (conn->poll && (!conn->pg || PQsocket(conn->pg) != conn->poll_fd))
        poll_close(conn);
}

/* Watches libpq's current socket for events, re-creating the handle when
 * libpq has switched sockets. Returns -1 when there is no socket. */
static int poll_watch(db_conn *conn, int events)
{
    int fd = conn->pg ? PQsocket(conn->pg) : -1;
    if (conn->poll && conn->poll_fd != fd)
        poll_close(conn); /* libpq closed or replaced it */
    if (fd < 0)
        return -1;
    if (!conn->poll) {
        conn->poll = malloc(sizeof(*conn->poll));
        if (!conn->poll || uv_poll_init(conn->pool->loop, conn->poll, fd) != 0) {
            free(conn->poll);
            conn->poll = NULL;
            return -1;
        }
        conn->pool->handles_open++;
        conn->poll_fd = fd;
    }
    conn->poll->data = conn;
    return uv_poll_start(conn->poll, events, on_poll) == 0 ? 0 : -1;
}

/* ---- connection life cycle --------------------------------------------- */

/* Queries wait in the pool's queue while some connection is up or on its
 * way up (so requests arriving during start-up or a reconnect are served a
 * moment later); they are refused only when every connection is down and
 * waiting out its backoff. */
static int pool_can_accept(const db_pool *pool)
{
    for (int i = 0; i < pool->config.size; i++)
        if (pool->conns[i].state != CONN_DOWN && !pool->conns[i].broken)
            return 1;
    return 0;
}

static void conn_schedule_retry(db_conn *conn)
{
    if (conn->pool->closing)
        return;
    uv_timer_start(&conn->retry_timer, on_retry_timer, conn->backoff_ms, 0);
    conn->backoff_ms *= 2;
    if (conn->backoff_ms > conn->pool->config.backoff_max_ms)
        conn->backoff_ms = conn->pool->config.backoff_max_ms;
}

static void conn_fail(db_conn *conn, const char *why)
{
    db_pool *pool = conn->pool;
    char reason[256];
    first_line(reason, sizeof(reason), why);
    if (conn->state == CONN_READY)
        log_warn("database connection %d lost: %s", conn->index, reason);
    else if (!pool->closing)
        log_warn("database connection %d failed: %s (retrying in %u ms)",
                 conn->index, reason, conn->backoff_ms);
    if (!pool->closing)
        snprintf(pool->last_problem, sizeof(pool->last_problem), "%s", reason);
    uv_timer_stop(&conn->retry_timer);
    conn->broken = 0;
    poll_close(conn); /* before PQfinish closes the socket */
    if (conn->pg) {
        PQfinish(conn->pg);
        conn->pg = NULL;
    }
    conn->state = CONN_DOWN;
    conn->holding = NULL;
    conn->failure[0] = '\0';
    conn->failure_is_loss = 0;
    char message[300];
    snprintf(message, sizeof(message), "database unavailable: %s", reason);
    fail_all(&conn->inflight, message);
    if (!pool_can_accept(pool))
        fail_queued(pool, message);
    conn_schedule_retry(conn);
    /* the failed batches' owners may have room for what they have queued */
    pool_kick(pool);
}

static void on_deferred_failure(uv_timer_t *timer)
{
    db_conn *conn = timer->data;
    conn_fail(conn, conn->deferred);
}

/* Fails the connection from the next loop iteration, so that a submitter
 * is never called back before db_pool_submit has returned. */
static void conn_fail_later(db_conn *conn, const char *why)
{
    if (conn->broken)
        return;
    conn->broken = 1;
    /* nothing more is read from it, and its socket may already be closed */
    poll_close(conn);
    first_line(conn->deferred, sizeof(conn->deferred), why);
    uv_timer_start(&conn->retry_timer, on_deferred_failure, 0, 0);
}

static void conn_flush(db_conn *conn)
{
    int pending = PQflush(conn->pg);
    if (pending < 0) {
        conn_fail(conn, PQerrorMessage(conn->pg));
        return;
    }
    if (poll_watch(conn, UV_READABLE | (pending ? UV_WRITABLE : 0)) != 0)
        conn_fail(conn, "cannot watch the database socket");
}

static int send_query(db_conn *conn, db_query *query)
{
    int ok = 1;
    const db_step_state *step = &query->steps[0];
    if (query->kind == QUERY_SCHEMA_CHECK)
        ok = PQsendQueryParams(conn->pg,
                               "SELECT coalesce(max(version), 0) FROM schema_migrations",
                               0, NULL, NULL, NULL, NULL, 0);
    else if (query->kind == QUERY_FUNCTIONS_CHECK)
        /* the same lines, in the same byte order, as the digest that
         * cmake/embed_migrations.cmake computes over sql/functions/ */
        ok = PQsendQueryParams(conn->pg,
                               "SELECT encode(sha256(convert_to(coalesce(string_agg("
                               "name || ' ' || checksum || chr(10), '' "
                               "ORDER BY name COLLATE \"C\"), ''), 'UTF8')), 'hex') "
                               "FROM schema_functions",
                               0, NULL, NULL, NULL, NULL, 0);
    else if (query->kind == QUERY_PREPARE)
        ok = PQsendPrepare(conn->pg, cchc_statements[step->statement].name,
                           cchc_statements[step->statement].sql, 0, NULL);
    else
        for (int s = 0; s < query->nsteps && ok; s++, step++)
            ok = PQsendQueryPrepared(conn->pg, cchc_statements[step->statement].name,
                                     step->nparams, (const char *const *)step->values,
                                     NULL, NULL, 0);
    query->conn = conn;
    if (!conn->inflight.head)
        conn->progress_ms = uv_now(conn->pool->loop); /* the deadline starts now */
    if (ok && query->hold == HOLD_OPEN) {
        /* results now, transaction still open: nothing else may follow */
        ok = PQsendFlushRequest(conn->pg);
        conn->holding = query;
    } else if (ok) {
        query->sync_sent = 1; /* set before: a half-sent sync is no proof either way */
        ok = PQpipelineSync(conn->pg);
    }
    list_push(&conn->inflight, query);
    return ok ? 0 : -1;
}

/* A query of nsteps empty steps, or NULL when memory is short. */
static db_query *query_new(query_kind kind, int nsteps)
{
    db_query *query = calloc(1, sizeof(*query));
    if (!query)
        return NULL;
    query->steps = calloc((size_t)nsteps, sizeof(db_step_state));
    if (!query->steps) {
        free(query);
        return NULL;
    }
    query->kind = kind;
    query->nsteps = nsteps;
    query->room = nsteps;
    return query;
}

static db_query *internal_query(query_kind kind, statement_id statement)
{
    db_query *query = query_new(kind, 1);
    if (query)
        query->steps[0].statement = statement;
    return query;
}

/* Connected: check the schema version, then that the database runs the
 * SQL functions this binary was built with (a digest of schema_functions,
 * so a server never runs on stale rules), and prepare the statements, all
 * in one pipeline. Each has its own sync: the first failure is the one
 * reported. The connection takes user queries once these succeed. */
static void conn_setup(db_conn *conn)
{
    if (PQsetnonblocking(conn->pg, 1) != 0 || PQenterPipelineMode(conn->pg) != 1) {
        conn_fail(conn, PQerrorMessage(conn->pg));
        return;
    }
    conn->state = CONN_SETUP;
    db_query *check = internal_query(QUERY_SCHEMA_CHECK, STMT_COUNT);
    if (!check || send_query(conn, check) != 0) {
        conn_fail(conn, check ? PQerrorMessage(conn->pg) : "out of memory");
        return;
    }
    check = internal_query(QUERY_FUNCTIONS_CHECK, STMT_COUNT);
    if (!check || send_query(conn, check) != 0) {
        conn_fail(conn, check ? PQerrorMessage(conn->pg) : "out of memory");
        return;
    }
    for (int i = 0; i < STMT_COUNT; i++) {
        db_query *prepare = internal_query(QUERY_PREPARE, (statement_id)i);
        if (!prepare || send_query(conn, prepare) != 0) {
            conn_fail(conn, prepare ? PQerrorMessage(conn->pg) : "out of memory");
            return;
        }
    }
    conn_flush(conn);
}

static void conn_connect_step(db_conn *conn)
{
    PostgresPollingStatusType status = PQconnectPoll(conn->pg);
    switch (status) {
    case PGRES_POLLING_FAILED:
        conn_fail(conn, PQerrorMessage(conn->pg));
        return;
    case PGRES_POLLING_OK:
        conn_setup(conn);
        return;
    case PGRES_POLLING_READING:
        if (poll_watch(conn, UV_READABLE) != 0)
            conn_fail(conn, "cannot watch the database socket");
        return;
    default:
        if (poll_watch(conn, UV_WRITABLE) != 0)
            conn_fail(conn, "cannot watch the database socket");
        return;
    }
}

/* PostgreSQL's notices and warnings go to the log, not raw to stderr. */
static void on_notice(void *arg, const char *message)
{
    db_conn *conn = arg;
    char line[512];
    first_line(line, sizeof(line), message);
    if (strncmp(line, "WARNING", 7) == 0)
        log_warn("database connection %d: %s", conn->index, line);
    else
        log_info("database connection %d: %s", conn->index, line);
}

/* Starts libpq's connection, to hostaddr when the host name was resolved
 * here (host= stays for TLS verification and error messages). */
static void conn_start(db_conn *conn, const char *hostaddr)
{
    db_pool *pool = conn->pool;
    /* Defaults first, then the operator's conninfo, which may override them
     * (an "options" there replaces the session settings below entirely).
     * libpq ignores connect_timeout in asynchronous mode, hence our timer.
     * JIT off: PostgreSQL 15 JIT-compiles the status queries (their plans
     * cost more than jit_above_cost) for ~150 ms, ten times the query.
     * The deadlines: see db_pool_config. */
    char options[256], tcp_user_timeout[16];
    snprintf(options, sizeof(options),
             "-c jit=off -c statement_timeout=%u -c lock_timeout=%u "
             "-c idle_in_transaction_session_timeout=%u",
             pool->config.statement_timeout_ms, pool->config.lock_timeout_ms,
             pool->config.idle_in_transaction_timeout_ms);
    snprintf(tcp_user_timeout, sizeof(tcp_user_timeout), "%u", pool->config.tcp_user_timeout_ms);
    const char *keywords[8] = {"keepalives_idle", "keepalives_interval", "keepalives_count",
                               "tcp_user_timeout", "options", "dbname"};
    const char *values[8] = {"30", "10", "3", tcp_user_timeout, options, pool->conninfo};
    if (hostaddr) {
        keywords[6] = "hostaddr"; /* after dbname: the resolution wins */
        values[6] = hostaddr;
    }
    conn->pg = PQconnectStartParams(keywords, values, 1);
    if (!conn->pg) {
        conn_fail(conn, "out of memory");
        return;
    }
    PQsetNoticeProcessor(conn->pg, on_notice, conn);
    if (PQstatus(conn->pg) == CONNECTION_BAD) {
        conn_fail(conn, PQerrorMessage(conn->pg));
        return;
    }
    /* libpq's contract: start by waiting for the socket to be writable. */
    if (poll_watch(conn, UV_WRITABLE) != 0)
        conn_fail(conn, PQerrorMessage(conn->pg));
}

/* A host name resolution on its way, for one connection attempt. */
typedef struct resolve_req {
    uv_getaddrinfo_t req;
    db_conn *conn;
    unsigned attempt;
} resolve_req;

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    resolve_req *resolve = (resolve_req *)req;
    db_conn *conn = resolve->conn;
    db_pool *pool = conn->pool;
    int current = !pool->closing && resolve->attempt == conn->attempt &&
                  conn->state == CONN_CONNECTING && !conn->pg;
    /* one address per attempt, the next one after a failure, as libpq
     * itself would try each address of the name in turn */
    char address[64] = "";
    int count = 0;
    for (struct addrinfo *ai = status == 0 ? res : NULL; ai; ai = ai->ai_next)
        count += ai->ai_family == AF_INET || ai->ai_family == AF_INET6;
    struct addrinfo *pick = status == 0 ? res : NULL;
    for (int skip = count ? (int)((resolve->attempt - 1) % (unsigned)count) : 0; pick;
         pick = pick->ai_next) {
        if (pick->ai_family != AF_INET && pick->ai_family != AF_INET6)
            continue;
        if (skip-- == 0)
            break;
    }
    if (current && pick) {
        if (pick->ai_family == AF_INET6)
            uv_ip6_name((const struct sockaddr_in6 *)pick->ai_addr, address, sizeof(address));
        else
            uv_ip4_name((const struct sockaddr_in *)pick->ai_addr, address, sizeof(address));
    }
    uv_freeaddrinfo(res);
    free(resolve);
    if (current) {
        if (address[0]) {
            conn_start(conn, address);
        } else {
            char why[300];
            snprintf(why, sizeof(why), "cannot resolve %s: %s", pool->resolve_host,
                     status ? uv_strerror(status) : "no address");
            conn_fail(conn, why);
        }
    }
    pool_handle_done(pool); /* last: it may free the pool */
}

/* The connect deadline covers the name resolution too. libpq would
 * resolve a host name synchronously, stalling the loop, so a TCP host
 * name is resolved here first with uv_getaddrinfo. */
static void conn_connect(db_conn *conn)
{
    db_pool *pool = conn->pool;
    if (pool->closing)
        return;
    conn->attempt++;
    conn->state = CONN_CONNECTING;
    uv_timer_start(&conn->retry_timer, on_connect_timeout, pool->config.connect_timeout_ms, 0);
    if (!pool->resolve_host) {
        conn_start(conn, NULL);
        return;
    }
    resolve_req *resolve = malloc(sizeof(*resolve));
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (resolve) {
        resolve->conn = conn;
        resolve->attempt = conn->attempt;
    }
    if (!resolve || uv_getaddrinfo(pool->loop, &resolve->req, on_resolved, pool->resolve_host,
                                   NULL, &hints) != 0) {
        free(resolve);
        conn_fail(conn, "cannot start resolving the database host name");
        return;
    }
    pool->handles_open++;
}

/* The host name libpq would resolve itself, or NULL: no host (the default
 * socket), a socket directory, an address, several hosts (left to
 * libpq), or a hostaddr already given. */
static char *host_to_resolve(const char *conninfo)
{
    PQconninfoOption *options = PQconninfoParse(conninfo, NULL);
    if (!options)
        return NULL;
    const char *host = NULL, *hostaddr = NULL;
    for (PQconninfoOption *o = options; o->keyword; o++) {
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0)
            hostaddr = o->val;
    }
    char *name = NULL;
    unsigned char addr[16];
    if (host && *host && !(hostaddr && *hostaddr) && host[0] != '/' && host[0] != '@' &&
        !strchr(host, ',') && uv_inet_pton(AF_INET, host, addr) != 0 &&
        uv_inet_pton(AF_INET6, host, addr) != 0)
        name = strdup(host);
    PQconninfoFree(options);
    return name;
}

static void on_retry_timer(uv_timer_t *timer)
{
    conn_connect(timer->data);
}

static void on_connect_timeout(uv_timer_t *timer)
{
    db_conn *conn = timer->data;
    if (conn->state == CONN_CONNECTING || conn->state == CONN_SETUP) {
        char why[96];
        snprintf(why, sizeof(why), "no connection within %u ms",
                 conn->pool->config.connect_timeout_ms);
        conn_fail(conn, why);
    }
}

/* ---- results ----------------------------------------------------------- */

static void setup_result(db_conn *conn, db_query *query, db_status status)
{
    db_pool *pool = conn->pool;
    const PGresult *result = query->steps[0].result;
    statement_id statement = query->steps[0].statement;
    if (query->kind == QUERY_SCHEMA_CHECK) {
        if (status != DB_OK) {
            if (result) /* the database answered: no schema_migrations yet */
                pool->schema = DB_SCHEMA_STALE;
            snprintf(conn->failure, sizeof(conn->failure),
                     "cannot read the schema version (%s); run 'cchcd migrate' first",
                     result ? PQresultErrorMessage(result) : "no result");
            return;
        }
        int version = atoi(PQgetvalue(result, 0, 0));
        if (version != pool->config.expected_schema_version) {
            pool->schema = DB_SCHEMA_STALE;
            snprintf(conn->failure, sizeof(conn->failure),
                     "database schema is at version %d, this cchcd needs %d; run 'cchcd migrate'",
                     version, pool->config.expected_schema_version);
        }
        return;
    }
    if (query->kind == QUERY_FUNCTIONS_CHECK) {
        if (status != DB_OK) {
            if (result)
                pool->schema = DB_SCHEMA_STALE;
            snprintf(conn->failure, sizeof(conn->failure),
                     "cannot read which SQL functions the database runs (%s); run 'cchcd migrate'",
                     result ? PQresultErrorMessage(result) : "no result");
            return;
        }
        const char *digest = PQgetvalue(result, 0, 0);
        if (strcmp(digest, pool->config.expected_functions_digest) != 0) {
            pool->schema = DB_SCHEMA_STALE;
            snprintf(conn->failure, sizeof(conn->failure),
                     "the database's SQL functions (sql/functions/ digest %.12s) are not those "
                     "this cchcd was built with (%.12s); run 'cchcd migrate'",
                     digest, pool->config.expected_functions_digest);
        }
        return;
    }
    if (status != DB_OK) {
        snprintf(conn->failure, sizeof(conn->failure), "cannot prepare %s: %s",
                 cchc_statements[statement].name,
                 result ? PQresultErrorMessage(result) : "no result");
        return;
    }
    if (statement == STMT_COUNT - 1 && conn->failure[0] == '\0') {
        int was_ready = db_pool_ready_count(pool);
        uv_timer_stop(&conn->retry_timer); /* the connect deadline */
        conn->state = CONN_READY;
        conn->backoff_ms = pool->config.backoff_min_ms;
        pool->schema = DB_SCHEMA_CURRENT;
        if (was_ready == 0)
            log_info("database ready (connection %d)", conn->index);
        else
            log_debug("database connection %d ready", conn->index);
    }
}

/* The batch's outcome is that of its first failing step: PostgreSQL
 * rolled the whole batch back at that point. */
static db_status batch_status(const db_query *query, char *message, size_t size)
{
    db_status status = DB_OK;
    message[0] = '\0';
    for (int s = 0; s < query->nsteps && status == DB_OK; s++) {
        const PGresult *result = query->steps[s].result;
        if (!result) {
            status = DB_UNAVAILABLE;
            snprintf(message, size, "database returned no result");
            break;
        }
        ExecStatusType st = PQresultStatus(result);
        if (st == PGRES_PIPELINE_ABORTED) {
            status = DB_UNAVAILABLE;
            snprintf(message, size, "database pipeline aborted");
        } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
            status = sqlstate_is_retryable(result)     ? DB_ABORTED
                     : sqlstate_is_unavailable(result) ? DB_UNAVAILABLE
                                                       : DB_QUERY_ERROR;
            first_line(message, size, PQresultErrorMessage(result));
        }
    }
    return status;
}

static void complete_head(db_conn *conn)
{
    db_query *query = list_pop(&conn->inflight);
    char message[300];
    db_status status = batch_status(query, message, sizeof(message));
    if (query->kind == QUERY_USER) {
        query_finish(query, status, message);
    } else {
        setup_result(conn, query, status);
        query_free(query);
    }
}

/* Sends a held batch's last statements (copied) and its sync. */
static void hold_close(db_query *query, const db_step *last, int nlast)
{
    db_conn *conn = query->conn;
    int ok = 1;
    query->hold = HOLD_CLOSING;
    conn->holding = NULL;
    if (nlast > 1 || (nlast == 1 && query->nsteps >= query->room)) {
        /* a group's transaction (db_group.c): one last statement per write */
        db_step_state *grown =
            realloc(query->steps, (size_t)(query->nsteps + nlast) * sizeof(db_step_state));
        ok = grown != NULL;
        if (grown) {
            query->steps = grown;
            query->room = query->nsteps + nlast;
        }
    }
    for (int l = 0; ok && l < nlast; l++) {
        db_step_state *step = &query->steps[query->nsteps++];
        memset(step, 0, sizeof(*step));
        step->statement = last[l].statement;
        step->values = last[l].nparams > 0 ? calloc((size_t)last[l].nparams, sizeof(char *)) : NULL;
        ok = last[l].nparams <= 0 || step->values != NULL;
        step->nparams = ok && last[l].nparams > 0 ? last[l].nparams : 0;
        for (int i = 0; ok && i < step->nparams; i++)
            ok = !last[l].values[i] || (step->values[i] = strdup(last[l].values[i])) != NULL;
        if (ok)
            ok = PQsendQueryPrepared(conn->pg, cchc_statements[step->statement].name,
                                     step->nparams, (const char *const *)step->values, NULL,
                                     NULL, 0);
    }
    if (ok) {
        query->sync_sent = 1;
        ok = PQpipelineSync(conn->pg);
    }
    /* never a callback from here: failures and the flush come from the loop */
    if (!ok)
        conn_fail_later(conn, PQerrorMessage(conn->pg));
    else if (poll_watch(conn, UV_READABLE | UV_WRITABLE) != 0)
        conn_fail_later(conn, "cannot watch the database socket");
}

/* A held batch's statements have all answered. A failure aborted the
 * transaction: the sync ends it and the owner hears of the failure; on
 * success the owner gets the results and the open transaction. */
static void hold_deliver(db_query *query)
{
    PGresult *results[DB_MAX_STEPS] = {0};
    for (int s = 0; s < query->nsteps; s++)
        results[s] = query->steps[s].result;
    char message[300];
    db_status status = batch_status(query, message, sizeof(message));
    db_held_fn fn = query->held_fn;
    query->held_fn = NULL;
    if (status != DB_OK) {
        hold_close(query, NULL, 0);
        query->fn = NULL; /* the sync's result is of no interest */
        if (fn)
            fn(query->ctx, status, results, query->nsteps, message, NULL);
        return;
    }
    query->hold = HOLD_CLOSING; /* until db_hold_commit, nothing reads on */
    query->conn->holding = query;
    query->fn = NULL;
    if (fn)
        fn(query->ctx, DB_OK, results, query->nsteps, "", (db_hold *)query);
    if (query->conn->holding == query) {
        log_error("a held database batch was not committed by its owner; committing it");
        hold_close(query, NULL, 0);
    }
}

/* Reads every result libpq has buffered, pairing them with in-flight
 * queries in order: each query yields its result(s), a NULL, then the
 * PGRES_PIPELINE_SYNC of its own sync (a held batch: its owner first adds
 * its last statement and the sync). */
static void conn_read_results(db_conn *conn)
{
    while (conn->inflight.head && conn->pg) {
        db_query *query = conn->inflight.head;
        if (query->hold == HOLD_OPEN && query->current == query->nsteps) {
            hold_deliver(query);
            if (conn->broken || conn->failure[0] != '\0')
                break;
            continue;
        }
        if (PQisBusy(conn->pg))
            break;
        PGresult *result = PQgetResult(conn->pg);
        if (result)
            conn->progress_ms = uv_now(conn->pool->loop);
        if (query->current < query->nsteps) {
            db_step_state *step = &query->steps[query->current];
            if (!result)
                query->current++; /* end of this statement's results */
            else if (!step->result)
                step->result = result;
            else
                PQclear(result);
            continue;
        }
        if (!result)
            break; /* the sync has not arrived yet */
        ExecStatusType st = PQresultStatus(result);
        if (st == PGRES_FATAL_ERROR) {
            /* e.g. 57P01 "terminating connection due to administrator
             * command" when the server shuts down: the connection is gone */
            first_line(conn->failure, sizeof(conn->failure), PQresultErrorMessage(result));
            conn->failure_is_loss = 1;
            PQclear(result);
            break;
        }
        PQclear(result);
        if (st != PGRES_PIPELINE_SYNC) {
            snprintf(conn->failure, sizeof(conn->failure),
                     "unexpected result %s in pipeline", PQresStatus(st));
            break;
        }
        complete_head(conn);
        if (conn->failure[0] != '\0')
            break;
    }
}

/* libuv reports any error condition of a polled socket (POLLERR, e.g. a
 * connection reset by the server) as UV_EBADF, "bad file descriptor",
 * whatever it was: the socket itself says what happened. */
static void socket_error_text(db_conn *conn, int status, char *out, size_t size)
{
    int fd = conn->pg ? PQsocket(conn->pg) : -1, err = 0;
    socklen_t len = sizeof(err);
    if (status != UV_EBADF)
        snprintf(out, size, "%s", uv_strerror(status));
    else if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err)
        snprintf(out, size, "socket error: %s", strerror(err));
    else
        snprintf(out, size, "socket error (connection reset or closed by the server)");
}

/* After results were read: a broken set-up or pipeline, or a connection
 * libpq found dead, fails now. Returns 0 when the connection goes on. */
static int conn_check_after_read(db_conn *conn, int consumed_ok, int socket_status)
{
    if (!conn->pg || conn->broken)
        return -1; /* a callback already failed it */
    if (conn->failure[0] != '\0') {
        char why[256];
        snprintf(why, sizeof(why), "%s", conn->failure);
        if (!conn->failure_is_loss) {
            /* a misconfiguration (schema, functions) will not mend itself soon */
            log_error("%s", why);
            conn->backoff_ms = conn->pool->config.backoff_max_ms;
        }
        conn_fail(conn, why);
        return -1;
    }
    if (!consumed_ok || PQstatus(conn->pg) == CONNECTION_BAD) {
        conn_fail(conn, PQerrorMessage(conn->pg));
        return -1;
    }
    if (socket_status < 0) {
        char why[128];
        socket_error_text(conn, socket_status, why, sizeof(why));
        conn_fail(conn, why);
        return -1;
    }
    return 0;
}

static void on_poll(uv_poll_t *handle, int status, int events)
{
    db_conn *conn = handle->data;
    if (conn->state == CONN_CONNECTING) {
        uv_poll_stop(handle);
        conn_connect_step(conn);
        return;
    }
    if (conn->broken)
        return;
    /* Read whatever arrived, even when the socket reports an error: results
     * of batches committed before the connection broke must reach their
     * owners as successes, not as "unavailable, retry". */
    if ((events & UV_READABLE) || status < 0) {
        int ok = PQconsumeInput(conn->pg);
        poll_forget_closed(conn);
        conn_read_results(conn);
        if (conn_check_after_read(conn, ok, status) != 0)
            return;
    }
    if (conn->state == CONN_READY)
        pool_dispatch(conn->pool);
    if (!conn->pg || conn->broken)
        return;
    conn_flush(conn);
    /* PQflush may have read input while the send buffer was full: results
     * can be waiting in libpq with nothing left to make the socket readable. */
    if (conn->pg && !conn->broken && conn->inflight.head && !PQisBusy(conn->pg)) {
        conn_read_results(conn);
        conn_check_after_read(conn, 1, 0);
    }
}

/* ---- the pool ------------------------------------------------------------ */

/* Fails every connection whose pipeline has waited longer than the query
 * deadline for an answer: PostgreSQL's own deadlines cannot fire when its
 * backend is stopped or the network silently lost. Its queries get their
 * status as for any broken connection (never sent: unavailable; sent:
 * outcome unknown) and the connection reconnects. */
static void on_deadline_timer(uv_timer_t *timer)
{
    db_pool *pool = timer->data;
    uint64_t now = uv_now(pool->loop);
    for (int i = 0; i < pool->config.size; i++) {
        db_conn *conn = &pool->conns[i];
        if (conn->state != CONN_READY || conn->broken || !conn->inflight.head ||
            now - conn->progress_ms <= pool->config.query_deadline_ms)
            continue;
        char why[128];
        snprintf(why, sizeof(why), "no answer for %llu ms (query deadline %u ms); reconnecting",
                 (unsigned long long)(now - conn->progress_ms), pool->config.query_deadline_ms);
        conn_fail(conn, why);
    }
}

db_pool *db_pool_create(uv_loop_t *loop, const db_pool_config *config)
{
    db_pool *pool = calloc(1, sizeof(*pool));
    if (!pool)
        return NULL;
    pool->loop = loop;
    pool->config = *config;
    pool->conninfo = strdup(config->conninfo ? config->conninfo : "");
    pool->conns = calloc((size_t)config->size, sizeof(db_conn));
    if (!pool->conninfo || !pool->conns) {
        free(pool->conninfo);
        free(pool->conns);
        free(pool);
        return NULL;
    }
    pool->resolve_host = host_to_resolve(pool->conninfo);
    fair_init(&pool->queue, config->fair_share, config->fair_share);
    uv_timer_init(loop, &pool->deadline_timer);
    pool->deadline_timer.data = pool;
    pool->handles_open++;
    uv_timer_init(loop, &pool->kick_timer);
    pool->kick_timer.data = pool;
    pool->handles_open++;
    for (int i = 0; i < config->size; i++) {
        db_conn *conn = &pool->conns[i];
        conn->pool = pool;
        conn->index = i;
        conn->poll_fd = -1;
        conn->backoff_ms = config->backoff_min_ms;
        uv_timer_init(loop, &conn->retry_timer);
        conn->retry_timer.data = conn;
        pool->handles_open++;
    }
    return pool;
}

void db_pool_start(db_pool *pool)
{
    if (pool->config.query_deadline_ms > 0) {
        /* checked a few times per deadline, at most once per 100 ms */
        uint64_t every = pool->config.query_deadline_ms / 4;
        if (every < 100)
            every = 100;
        if (every > 1000)
            every = 1000;
        uv_timer_start(&pool->deadline_timer, on_deadline_timer, every, every);
    }
    for (int i = 0; i < pool->config.size; i++)
        uv_timer_start(&pool->conns[i].retry_timer, on_retry_timer, 0, 0);
}

int db_pool_ready_count(const db_pool *pool)
{
    int ready = 0;
    for (int i = 0; i < pool->config.size; i++)
        ready += pool->conns[i].state == CONN_READY;
    return ready;
}

void db_pool_health_get(const db_pool *pool, db_pool_health *out)
{
    out->size = pool->config.size;
    out->ready = db_pool_ready_count(pool);
    out->pending = db_pool_pending(pool);
    out->schema = pool->schema;
    snprintf(out->last_problem, sizeof(out->last_problem), "%s", pool->last_problem);
}

int db_pool_pending(const db_pool *pool)
{
    int pending = pool->queue.queued;
    for (int i = 0; i < pool->config.size; i++)
        pending += pool->conns[i].inflight.count;
    return pending;
}

static int query_gone(const db_query *query)
{
    return query->gone && *query->gone;
}

/* The batch fair_next gave, and everything else its member has waiting,
 * belong to a client that has gone: none of it is sent. They are finished
 * from the loop (never from inside a submission) as unavailable, which is
 * true: nothing was applied. */
static void drop_gone(db_pool *pool, db_query *query, fair_member *member)
{
    list_push(&pool->dropped, query);
    fair_item *item;
    while ((item = fair_peek(member)) != NULL && query_gone(QUERY_OF(item))) {
        fair_unqueue(&pool->queue, member);
        list_push(&pool->dropped, QUERY_OF(item));
    }
    fair_done(&pool->queue, member); /* it was counted in flight by fair_next */
    pool_kick(pool);
}

/* Moves queued batches onto the least busy ready connections, in the fair
 * queue's order and within its caps. */
static void pool_dispatch(db_pool *pool)
{
    while (pool->queue.queued > 0) {
        db_conn *best = NULL;
        for (int i = 0; i < pool->config.size; i++) {
            db_conn *conn = &pool->conns[i];
            if (conn->state != CONN_READY || conn->broken || conn->holding ||
                conn->inflight.count >= pool->config.pipeline_depth)
                continue;
            if (!best || conn->inflight.count < best->inflight.count)
                best = conn;
        }
        if (!best)
            return;
        fair_member *member;
        fair_item *item = fair_next(&pool->queue, &member);
        if (!item)
            return; /* what waits is held back by the caps */
        db_query *query = QUERY_OF(item);
        if (query_gone(query)) {
            drop_gone(pool, query, member);
            continue;
        }
        query->member = member;
        if (send_query(best, query) != 0) {
            conn_fail_later(best, PQerrorMessage(best->pg));
            continue;
        }
        conn_flush(best);
    }
}

/* Finishes the batches of clients that had gone, with one log line per
 * client, then dispatches what may go now. */
static void on_kick(uv_timer_t *timer)
{
    db_pool *pool = timer->data;
    while (pool->dropped.head) {
        uint64_t client = pool->dropped.head->client;
        int count = 0;
        /* a client's batches are next to each other, dropped together */
        while (pool->dropped.head && pool->dropped.head->client == client) {
            query_finish(list_pop(&pool->dropped), DB_UNAVAILABLE,
                         "the client has gone; not sent to the database");
            count++;
        }
        log_info("client %llu: %d database quer%s dropped unsent: the client has gone",
                 (unsigned long long)client, count, count == 1 ? "y" : "ies");
    }
    if (!pool->closing)
        pool_dispatch(pool);
}

/* Runs on_kick from the loop soon. */
static void pool_kick(db_pool *pool)
{
    if (!pool->closing)
        uv_timer_start(&pool->kick_timer, on_kick, 0, 0);
}

/* Queues a user batch; held batches get room for their last statement. */
static db_submit submit(db_pool *pool, const db_owner *owner, const db_step *steps, int nsteps,
                        int held, db_result_fn fn, db_held_fn held_fn, void *ctx)
{
    if (pool->closing || !pool_can_accept(pool) || nsteps < 1 ||
        nsteps > (held ? DB_MAX_STEPS / 2 : DB_MAX_BATCH))
        return DB_SUBMIT_UNAVAILABLE;
    if (pool->queue.queued >= pool->config.max_queue)
        return DB_SUBMIT_BUSY;
    db_query *query = query_new(QUERY_USER, nsteps + held);
    if (!query)
        return DB_SUBMIT_UNAVAILABLE;
    query->nsteps = nsteps; /* the spare step is counted once it is sent */
    for (int s = 0; s < nsteps; s++) {
        db_step_state *step = &query->steps[s];
        step->statement = steps[s].statement;
        if (steps[s].nparams <= 0)
            continue;
        step->values = calloc((size_t)steps[s].nparams, sizeof(char *));
        if (!step->values) {
            query_free(query);
            return DB_SUBMIT_UNAVAILABLE;
        }
        step->nparams = steps[s].nparams;
        for (int i = 0; i < steps[s].nparams; i++) {
            const char *value = steps[s].values[i];
            if (value && !(step->values[i] = strdup(value))) {
                query_free(query);
                return DB_SUBMIT_UNAVAILABLE;
            }
        }
    }
    query->fn = fn;
    query->held_fn = held_fn;
    query->hold = held ? HOLD_OPEN : HOLD_NONE;
    query->ctx = ctx;
    /* an account's group, or a client's own while its account is unknown */
    uint64_t account = owner ? owner->account : 0, client = owner ? owner->client : 0;
    query->client = client;
    query->gone = owner ? owner->gone : NULL;
    if (!fair_push(&pool->queue, account ? account << 1 | 1 : client << 1, client,
                   &query->link)) {
        query_free(query);
        return DB_SUBMIT_UNAVAILABLE;
    }
    pool_dispatch(pool);
    return DB_SUBMIT_OK;
}

db_submit db_pool_submit_batch(db_pool *pool, const db_owner *owner, const db_step *steps,
                               int nsteps, db_result_fn fn, void *ctx)
{
    return submit(pool, owner, steps, nsteps, 0, fn, NULL, ctx);
}

db_submit db_pool_submit_held(db_pool *pool, const db_owner *owner, const db_step *steps,
                              int nsteps, db_held_fn fn, void *ctx)
{
    return submit(pool, owner, steps, nsteps, 1, NULL, fn, ctx);
}

void db_hold_commit(db_hold *hold, const db_step *last, db_result_fn fn, void *ctx)
{
    db_hold_commit_steps(hold, last, last ? 1 : 0, fn, ctx);
}

void db_hold_commit_steps(db_hold *hold, const db_step *last, int nlast, db_result_fn fn,
                          void *ctx)
{
    db_query *query = (db_query *)hold;
    if (query->conn->holding != query)
        return; /* already committed */
    query->fn = fn;
    query->ctx = ctx;
    if (nlast > 0 && query->nsteps + nlast > DB_MAX_STEPS) {
        /* the limits of submit() and db_group.c keep this from happening */
        log_error("a held database batch has %d last statements, too many; none sent", nlast);
        nlast = 0;
    }
    hold_close(query, last, nlast);
}

int db_pool_accepting(const db_pool *pool)
{
    return !pool->closing && pool_can_accept(pool);
}

db_submit db_pool_submit(db_pool *pool, const db_owner *owner, statement_id statement,
                         int nparams, const char *const *values, db_result_fn fn, void *ctx)
{
    db_step step = {statement, nparams, values};
    return db_pool_submit_batch(pool, owner, &step, 1, fn, ctx);
}

void db_pool_close(db_pool *pool, void (*done)(void *arg), void *arg)
{
    pool->closing = 1;
    pool->closed_fn = done;
    pool->closed_arg = arg;
    fail_queued(pool, "server is shutting down");
    uv_timer_stop(&pool->deadline_timer);
    uv_close((uv_handle_t *)&pool->deadline_timer, on_handle_closed);
    for (int i = 0; i < pool->config.size; i++) {
        db_conn *conn = &pool->conns[i];
        poll_close(conn);
        if (conn->pg) {
            PQfinish(conn->pg);
            conn->pg = NULL;
        }
        conn->state = CONN_DOWN;
        fail_all(&conn->inflight, "server is shutting down");
        uv_timer_stop(&conn->retry_timer);
        conn->retry_timer.data = pool;
        uv_close((uv_handle_t *)&conn->retry_timer, on_handle_closed);
    }
    while (pool->dropped.head)
        query_finish(list_pop(&pool->dropped), DB_UNAVAILABLE,
                     "the client has gone; not sent to the database");
    uv_timer_stop(&pool->kick_timer);
    uv_close((uv_handle_t *)&pool->kick_timer, on_handle_closed);
}
