/* The serve loop: listen, accept, start the database pool, and on SIGINT or
 * SIGTERM drain — stop accepting, stop reading, answer what is in flight,
 * flush replies, close the pool — then let the loop end by itself. A drain
 * that takes longer than drain_timeout_ms is cut short. SIGHUP builds the
 * settings again (flags, environment, file), applies those that can change
 * live, names those that need a restart, and loads the TLS certificate and
 * key again (a failed reload keeps the old ones). */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "migrations.h"
#include "protocol.h"
#include "rpc.h"

void server_config_defaults(server_config *config)
{
    memset(config, 0, sizeof(*config));
    config->listen = "127.0.0.1:" CCHC_DEFAULT_PORT_STR;
    config->db = "";
    config->db_pool_size = 4;
    config->db_pipeline_depth = 64;
    config->db_backoff_min_ms = 100;
    config->db_backoff_max_ms = 5000;
    config->db_connect_timeout_ms = 10000;
    config->db_statement_timeout_ms = 30000;
    config->db_lock_timeout_ms = 5000;
    config->db_idle_tx_timeout_ms = 60000;
    config->db_tcp_user_timeout_ms = 10000;
    config->db_query_deadline_ms = DB_QUERY_DEADLINE_AUTO;
    config->db_max_queue = 10000;
    config->group_commit_window_us = 0;
    config->group_commit_max = 64;
    config->group_commit_inflight = 2;
    config->group_commit_overlap_us = 5000;
    /* batches of one account (and of one connection) in PostgreSQL at
     * once: one per connection of the default pool; docs/security.md,
     * "Fair service", has the measurements */
    config->db_fair_share = 4;
    config->max_frame = CCHC_DEFAULT_MAX_FRAME;
    config->max_reply = CCHC_MAX_REPLY;
    config->write_high_water = 4u * 1024 * 1024;
    /* cchc sends one request at a time; 32 leaves a pipelining client
     * plenty of overlap with the database pool (4 connections × a
     * pipeline), while what one connection can make the server hold stays
     * a few dozen requests (docs/security.md, Flow control) */
    config->max_inflight = 32;
    /* twice the largest reply: a client that reads, however slowly, never
     * comes near it; one that keeps sending without reading does */
    config->max_reply_backlog = 2u * CCHC_MAX_REPLY;
    /* below the usual 1024 open files, with room for the database pool;
     * per address: an office behind one NAT runs a few clients at once,
     * one host should not hold the whole server */
    config->max_connections = 900;
    config->max_connections_per_address = 64;
    /* a hello is a few dozen bytes; the rest wait for it */
    config->max_frame_before_hello = 8 * 1024;
    config->hello_timeout_ms = 10000;
    config->frame_timeout_ms = 30000;
    config->idle_timeout_ms = 5 * 60 * 1000;
    config->keepalive_s = 60;
    config->drain_timeout_ms = 10000;
    config->session_ttl_s = 12 * 3600;
    config->session_idle_s = 30 * 60;
    config->log_level = LOG_INFO;
}

static void on_pool_closed(void *arg)
{
    server *srv = arg;
    srv->db = NULL;
    srv->rpc.db = NULL;
    uv_close((uv_handle_t *)&srv->sigint, NULL);
    uv_close((uv_handle_t *)&srv->sigterm, NULL);
    uv_close((uv_handle_t *)&srv->sighup, NULL);
    uv_close((uv_handle_t *)&srv->drain_timer, NULL);
    uv_close((uv_handle_t *)&srv->drain_check, NULL);
    log_info("stopped");
}

static void server_check_drained(server *srv)
{
    /* password jobs finish into handlers that still use the pool */
    if (!srv->draining || srv->net.count > 0 || auth_jobs_pending() > 0 || !srv->db)
        return;
    db_pool *pool = srv->db;
    srv->db = NULL; /* closing: later calls find nothing to close */
    srv->rpc.db = NULL; /* requests still running answer "shutting down" */
    srv->rpc.group = NULL;
    if (srv->group) {
        unsigned long long transactions, writes;
        db_group_counts(srv->group, &transactions, &writes);
        log_info("group commit: %llu submissions in %llu transactions", writes, transactions);
        db_group_close(srv->group);
        srv->group = NULL;
    }
    db_pool_close(pool, on_pool_closed, srv);
}

static void on_drain_check(uv_timer_t *timer)
{
    server_check_drained(timer->data);
}

/* While draining, checks on the next loop turn (not inside a database
 * callback) whether the drain is complete. */
static void on_request_finished(void *owner)
{
    server *srv = owner;
    if (srv->draining && srv->db)
        uv_timer_start(&srv->drain_check, on_drain_check, 0, 0);
}

/* The net layer's callbacks, handed on to rpc/ (net never includes it). */
static void on_frame(void *owner, connection *c, const uint8_t *payload, size_t len)
{
    rpc_on_frame(&((server *)owner)->rpc, c, payload, len);
}

static void on_bad_frame(void *owner, connection *c, frame_status status, const char *message)
{
    rpc_on_bad_frame(&((server *)owner)->rpc, c, status, message);
}

static void on_connection_closed(void *owner)
{
    server_check_drained(owner);
}

static void on_drain_timeout(uv_timer_t *timer)
{
    server *srv = timer->data;
    log_warn("drain took longer than %d ms; closing %d connection(s)",
             srv->config.drain_timeout_ms, srv->net.count);
    srv->exit_code = 1;
    listener_close_all(&srv->net, "drain timeout");
}

static void on_signal(uv_signal_t *handle, int signum)
{
    server *srv = handle->data;
    if (srv->draining) {
        log_info("signal %d again: still draining", signum);
        return;
    }
    srv->draining = 1;
    log_info("signal %d: draining %d connection(s), %d database quer%s in flight",
             signum, srv->net.count, db_pool_pending(srv->db),
             db_pool_pending(srv->db) == 1 ? "y" : "ies");
    uv_timer_start(&srv->drain_timer, on_drain_timeout,
                   (uint64_t)srv->config.drain_timeout_ms, 0);
    listener_drain(&srv->net);
    server_check_drained(srv);
}

/* Settings a running server takes from a reload: the log level, the
 * session lifetimes (read by every request through the rpc context) and
 * the connection limits and timeouts (read by the listener at each use;
 * the keepalive delay applies to new connections). */
#define LIVE(field, name)                                                                  \
    do {                                                                                   \
        if (next->field != cur->field) {                                                   \
            log_info("SIGHUP: %s %lld -> %lld", name, (long long)cur->field,               \
                     (long long)next->field);                                              \
            cur->field = next->field;                                                      \
        }                                                                                  \
    } while (0)

static void reload_live(server *srv, const server_config *next)
{
    server_config *cur = &srv->config;
    if (next->log_level != cur->log_level) {
        static const char *const names[] = {"debug", "info", "warn", "error"};
        log_set_level(LOG_INFO < next->log_level ? LOG_INFO : next->log_level);
        log_info("SIGHUP: log-level %s -> %s", names[cur->log_level], names[next->log_level]);
        cur->log_level = next->log_level;
        log_set_level(cur->log_level);
    }
    LIVE(session_ttl_s, "session-ttl");
    LIVE(session_idle_s, "session-idle");
    LIVE(max_connections, "max-connections");
    LIVE(max_connections_per_address, "max-connections-per-address");
    LIVE(hello_timeout_ms, "hello-timeout");
    LIVE(frame_timeout_ms, "frame-timeout");
    LIVE(idle_timeout_ms, "idle-timeout");
    LIVE(keepalive_s, "tcp-keepalive");
    LIVE(max_inflight, "max-inflight");
    LIVE(max_reply_backlog, "max-reply-backlog");
    LIVE(drain_timeout_ms, "drain-timeout");
    srv->rpc.session_ttl_s = cur->session_ttl_s;
    srv->rpc.session_idle_s = cur->session_idle_s;
    srv->net.limits.max_connections = cur->max_connections;
    srv->net.limits.max_connections_per_address = cur->max_connections_per_address;
    srv->net.limits.hello_timeout_ms = cur->hello_timeout_ms;
    srv->net.limits.frame_timeout_ms = cur->frame_timeout_ms;
    srv->net.limits.idle_timeout_ms = cur->idle_timeout_ms;
    srv->net.limits.keepalive_s = cur->keepalive_s;
    srv->net.limits.max_inflight = cur->max_inflight;
    srv->net.limits.max_reply_backlog = cur->max_reply_backlog;
}

static int text_differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

/* The rest is built into the listener, the pool or the group commit at
 * start: a changed value is named (never its content: db may hold a
 * password) and waits for the next start. */
static void reload_warn_restart(const server_config *cur, const server_config *next)
{
    const struct {
        const char *name;
        int differs;
    } fixed[] = {
        {"listen", text_differs(cur->listen, next->listen)},
        {"db", text_differs(cur->db, next->db)},
        {"tls-cert", text_differs(cur->tls_cert, next->tls_cert)},
        {"tls-key", text_differs(cur->tls_key, next->tls_key)},
        {"insecure-plaintext", cur->insecure_plaintext != next->insecure_plaintext},
        {"proxy-from", memcmp(&cur->proxy_from, &next->proxy_from, sizeof(cur->proxy_from)) != 0},
        {"db-pool", cur->db_pool_size != next->db_pool_size},
        {"db-fair-share", cur->db_fair_share != next->db_fair_share},
        {"db-retry-max", cur->db_backoff_max_ms != next->db_backoff_max_ms},
        {"db-statement-timeout", cur->db_statement_timeout_ms != next->db_statement_timeout_ms},
        {"db-lock-timeout", cur->db_lock_timeout_ms != next->db_lock_timeout_ms},
        {"db-idle-tx-timeout", cur->db_idle_tx_timeout_ms != next->db_idle_tx_timeout_ms},
        {"db-tcp-user-timeout", cur->db_tcp_user_timeout_ms != next->db_tcp_user_timeout_ms},
        {"db-query-deadline", cur->db_query_deadline_ms != next->db_query_deadline_ms},
        {"group-commit-window-us", cur->group_commit_window_us != next->group_commit_window_us},
        {"group-commit-max", cur->group_commit_max != next->group_commit_max},
        {"group-commit-inflight", cur->group_commit_inflight != next->group_commit_inflight},
        {"group-commit-overlap-us",
         cur->group_commit_overlap_us != next->group_commit_overlap_us},
        {"max-frame", cur->max_frame != next->max_frame},
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (fixed[i].differs)
            log_warn("SIGHUP: %s changed; it takes effect at the next restart", fixed[i].name);
}

static void on_sighup(uv_signal_t *handle, int signum)
{
    (void)signum;
    server *srv = handle->data;
    if (srv->config.reload) {
        server_config next;
        char why[600];
        if (srv->config.reload(srv->config.reload_arg, &next, why, sizeof(why)) != 0) {
            log_error("SIGHUP: settings not reloaded, the previous ones stay: %s", why);
        } else {
            reload_live(srv, &next);
            reload_warn_restart(&srv->config, &next);
            log_info("SIGHUP: settings reloaded%s%s", srv->config.config_path ? " from " : "",
                     srv->config.config_path ? srv->config.config_path : "");
        }
    }
    if (!srv->tls) {
        log_info("SIGHUP: no TLS certificate to reload (plaintext listener)");
        return;
    }
    char why[512];
    if (tls_server_reload(srv->tls, why, sizeof(why)) != 0)
        log_error("SIGHUP: nạp lại chứng chỉ TLS thất bại, giữ chứng chỉ cũ (TLS reload "
                  "failed, keeping the previous certificate %s): %s",
                  tls_server_fingerprint(srv->tls), why);
    else
        log_info("SIGHUP: TLS certificate reloaded from %s (%s); new connections use it",
                 srv->config.tls_cert, tls_server_fingerprint(srv->tls));
}

static int start_listener(server *srv)
{
    if (srv->config.tls_cert) {
        char why[512];
        srv->tls = tls_server_create(srv->config.tls_cert, srv->config.tls_key, why,
                                     sizeof(why));
        if (!srv->tls) {
            log_error("không nạp được chứng chỉ TLS (cannot load the TLS certificate): %s", why);
            return -1;
        }
        log_info("TLS certificate %s (%s)", srv->config.tls_cert,
                 tls_server_fingerprint(srv->tls));
    }
    srv->net.tls = srv->tls;
    srv->net.insecure_plaintext = srv->config.insecure_plaintext;
    srv->net.proxy_from = &srv->config.proxy_from;
    const net_limits limits = {
        .max_frame = srv->config.max_frame,
        .write_high_water = srv->config.write_high_water,
        .max_reply_backlog = srv->config.max_reply_backlog,
        .max_inflight = srv->config.max_inflight,
        .max_connections = srv->config.max_connections,
        .max_connections_per_address = srv->config.max_connections_per_address,
        .max_frame_before_hello = srv->config.max_frame_before_hello,
        .hello_timeout_ms = srv->config.hello_timeout_ms,
        .frame_timeout_ms = srv->config.frame_timeout_ms,
        .idle_timeout_ms = srv->config.idle_timeout_ms,
        .keepalive_s = srv->config.keepalive_s,
    };
    const net_handlers handlers = {
        .owner = srv,
        .on_frame = on_frame,
        .on_bad_frame = on_bad_frame,
        .on_closed = on_connection_closed,
    };
    if (limits.max_reply_backlog > 0 && limits.max_reply_backlog < srv->config.max_reply)
        log_warn("--max-reply-backlog %zu is below the largest reply (%u bytes): a client "
                 "that reads, but slowly, may be closed while a large answer waits for it",
                 limits.max_reply_backlog, srv->config.max_reply);
    return listener_start(&srv->net, srv->loop, srv->config.listen, &limits, &handlers);
}

int server_run(const server_config *config)
{
    server *srv = calloc(1, sizeof(*srv));
    uv_loop_t loop;
    if (!srv || uv_loop_init(&loop) != 0) {
        free(srv);
        log_error("cannot initialise the event loop");
        return 1;
    }
    srv->loop = &loop;
    srv->config = *config;
    log_set_level(config->log_level);
    log_info("cchcd %s starting (protocol %u, schema version %d)", CCHC_VERSION,
             CCHC_PROTOCOL_VERSION, migrations_latest_version());

    db_pool_config pool_config = {
        .conninfo = config->db,
        .size = config->db_pool_size,
        .pipeline_depth = config->db_pipeline_depth,
        .backoff_min_ms = config->db_backoff_min_ms,
        .backoff_max_ms = config->db_backoff_max_ms,
        .connect_timeout_ms = config->db_connect_timeout_ms,
        .statement_timeout_ms = config->db_statement_timeout_ms,
        .lock_timeout_ms = config->db_lock_timeout_ms,
        .idle_in_transaction_timeout_ms = config->db_idle_tx_timeout_ms,
        .tcp_user_timeout_ms = config->db_tcp_user_timeout_ms,
        /* past statement_timeout PostgreSQL should have answered (57014) */
        .query_deadline_ms = config->db_query_deadline_ms != DB_QUERY_DEADLINE_AUTO
                                 ? config->db_query_deadline_ms
                             : config->db_statement_timeout_ms
                                 ? config->db_statement_timeout_ms + 5000
                                 : 0,
        .max_queue = config->db_max_queue,
        .fair_share = config->db_fair_share,
        .expected_schema_version = migrations_latest_version(),
        .expected_functions_digest = cchc_functions_digest,
    };
    srv->db = db_pool_create(&loop, &pool_config);
    db_group_config group_config = {
        .window_us = config->group_commit_window_us,
        .max_items = config->group_commit_max,
        .max_inflight = config->group_commit_inflight,
        .overlap_us = config->group_commit_overlap_us,
        .max_queue = config->db_max_queue,
    };
    if (srv->db && config->group_commit_max > 0)
        srv->group = db_group_create(&loop, srv->db, &group_config);
    srv->rpc = (rpc_context){
        .loop = &loop,
        .db = srv->db,
        .group = srv->group,
        .max_frame = config->max_frame,
        .max_reply = config->max_reply,
        .session_ttl_s = config->session_ttl_s,
        .session_idle_s = config->session_idle_s,
        .route = handlers_route,
        .draining = &srv->draining,
        .started_ms = uv_now(&loop),
        .on_request_finished = on_request_finished,
        .owner = srv,
    };
    uv_signal_init(&loop, &srv->sigint);
    uv_signal_init(&loop, &srv->sigterm);
    uv_signal_init(&loop, &srv->sighup);
    srv->sighup.data = srv;
    uv_timer_init(&loop, &srv->drain_timer);
    uv_timer_init(&loop, &srv->drain_check);
    srv->sigint.data = srv->sigterm.data = srv->drain_timer.data = srv->drain_check.data = srv;
    if (!srv->db || start_listener(srv) != 0) {
        srv->exit_code = 1;
        if (srv->db) {
            srv->draining = 1;
            server_check_drained(srv);
        } else {
            uv_close((uv_handle_t *)&srv->sigint, NULL);
            uv_close((uv_handle_t *)&srv->sigterm, NULL);
            uv_close((uv_handle_t *)&srv->sighup, NULL);
            uv_close((uv_handle_t *)&srv->drain_timer, NULL);
            uv_close((uv_handle_t *)&srv->drain_check, NULL);
        }
    } else {
        uv_signal_start(&srv->sigint, on_signal, SIGINT);
        uv_signal_start(&srv->sigterm, on_signal, SIGTERM);
        uv_signal_start(&srv->sighup, on_sighup, SIGHUP);
        db_pool_start(srv->db);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    int exit_code = srv->exit_code;
    if (uv_loop_close(&loop) != 0) {
        log_error("event loop closed with handles still open");
        exit_code = 1;
    }
    tls_server_free(srv->tls);
    free(srv);
    return exit_code;
}
