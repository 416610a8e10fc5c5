/* The serve loop: listen, accept, start the database pool, and on SIGINT or
 * SIGTERM drain — stop accepting, stop reading, answer what is in flight,
 * flush replies, close the pool — then let the loop end by itself. A drain
 * that takes longer than drain_timeout_ms is cut short. */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "client.h"
#include "hostport.h"
#include "migrations.h"
#include "protocol.h"

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
    config->db_max_queue = 10000;
    config->max_frame = CCHC_DEFAULT_MAX_FRAME;
    config->max_reply = CCHC_MAX_REPLY;
    config->write_high_water = 4u * 1024 * 1024;
    config->max_inflight = 256;
    config->drain_timeout_ms = 10000;
    config->session_ttl_s = 12 * 3600;
    config->session_idle_s = 30 * 60;
    config->log_level = LOG_INFO;
}

static void on_connection(uv_stream_t *listener, int status)
{
    server *srv = listener->data;
    if (status < 0) {
        log_warn("accept failed: %s", uv_strerror(status));
        return;
    }
    client_accept(srv);
}

static void on_pool_closed(void *arg)
{
    server *srv = arg;
    srv->db = NULL;
    uv_close((uv_handle_t *)&srv->sigint, NULL);
    uv_close((uv_handle_t *)&srv->sigterm, NULL);
    uv_close((uv_handle_t *)&srv->drain_timer, NULL);
    uv_close((uv_handle_t *)&srv->drain_check, NULL);
    log_info("stopped");
}

void server_check_drained(server *srv)
{
    /* password jobs finish into handlers that still use the pool */
    if (!srv->draining || srv->client_count > 0 || auth_jobs_pending() > 0 || !srv->db)
        return;
    db_pool *pool = srv->db;
    srv->db = NULL; /* closing: later calls find nothing to close */
    db_pool_close(pool, on_pool_closed, srv);
}

static void on_drain_check(uv_timer_t *timer)
{
    server_check_drained(timer->data);
}

void server_request_finished(server *srv)
{
    if (srv->draining && srv->db)
        uv_timer_start(&srv->drain_check, on_drain_check, 0, 0);
}

void server_client_closed(server *srv)
{
    server_check_drained(srv);
}

static void on_drain_timeout(uv_timer_t *timer)
{
    server *srv = timer->data;
    log_warn("drain took longer than %d ms; closing %d connection(s)",
             srv->config.drain_timeout_ms, srv->client_count);
    srv->exit_code = 1;
    for (client *c = srv->clients; c; c = c->next)
        client_close(c, "drain timeout");
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
             signum, srv->client_count, db_pool_pending(srv->db),
             db_pool_pending(srv->db) == 1 ? "y" : "ies");
    if (srv->listener_open) {
        uv_close((uv_handle_t *)&srv->listener, NULL);
        srv->listener_open = 0;
    }
    uv_timer_start(&srv->drain_timer, on_drain_timeout,
                   (uint64_t)srv->config.drain_timeout_ms, 0);
    client *c = srv->clients;
    while (c) {
        client *next = c->next;
        client_begin_drain(c);
        c = next;
    }
    server_check_drained(srv);
}

static int start_listener(server *srv)
{
    hostport hp;
    char err[256];
    if (hostport_parse(srv->config.listen, CCHC_DEFAULT_PORT_STR, &hp, err,
                       sizeof(err)) != 0) {
        log_error("--listen: %s", err);
        return -1;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(hp.host[0] ? hp.host : NULL, hp.port, &hints, &res);
    if (rc != 0) {
        log_error("--listen %s: %s", srv->config.listen, gai_strerror(rc));
        return -1;
    }
    uv_tcp_init(srv->loop, &srv->listener);
    srv->listener.data = srv;
    srv->listener_open = 1;
    rc = uv_tcp_bind(&srv->listener, res->ai_addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&srv->listener, 511, on_connection);
    freeaddrinfo(res);
    if (rc != 0) {
        log_error("cannot listen on %s: %s", srv->config.listen, uv_strerror(rc));
        uv_close((uv_handle_t *)&srv->listener, NULL);
        srv->listener_open = 0;
        return -1;
    }
    struct sockaddr_storage bound;
    int len = sizeof(bound);
    char ip[64] = "?";
    int port = 0;
    uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound, &len);
    if (bound.ss_family == AF_INET6) {
        uv_ip6_name((struct sockaddr_in6 *)&bound, ip, sizeof(ip));
        port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
    } else {
        uv_ip4_name((struct sockaddr_in *)&bound, ip, sizeof(ip));
        port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
    }
    log_info("listening on %s:%d (max frame %u bytes)", ip, port,
             srv->config.max_frame);
    return 0;
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
        .max_queue = config->db_max_queue,
        .expected_schema_version = migrations_latest_version(),
    };
    srv->db = db_pool_create(&loop, &pool_config);
    uv_signal_init(&loop, &srv->sigint);
    uv_signal_init(&loop, &srv->sigterm);
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
            uv_close((uv_handle_t *)&srv->drain_timer, NULL);
            uv_close((uv_handle_t *)&srv->drain_check, NULL);
        }
    } else {
        uv_signal_start(&srv->sigint, on_signal, SIGINT);
        uv_signal_start(&srv->sigterm, on_signal, SIGTERM);
        db_pool_start(srv->db);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    int exit_code = srv->exit_code;
    if (uv_loop_close(&loop) != 0) {
        log_error("event loop closed with handles still open");
        exit_code = 1;
    }
    free(srv);
    return exit_code;
}
