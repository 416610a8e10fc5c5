/* The cchcd process: configuration, and the wiring of the layers — the
 * listener (net/) hands frames to rpc/, rpc/ routes them to handlers/
 * through handlers_route, handlers reach the pool (db/) through the
 * request's context — and the orderly shutdown that ties them together. */
#ifndef CCHCD_SERVER_H
#define CCHCD_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "db_group.h"
#include "db_pool.h"
#include "listener.h"
#include "log.h"
#include "request.h"

/* The query deadline follows the statement timeout: 5 s past it, or none
 * when statements have no timeout. */
#define DB_QUERY_DEADLINE_AUTO UINT32_MAX

typedef struct server_config {
    const char *listen;         /* HOST:PORT */
    const char *db;             /* libpq conninfo */
    int db_pool_size;
    int db_pipeline_depth;
    unsigned db_backoff_min_ms;
    unsigned db_backoff_max_ms;
    unsigned db_connect_timeout_ms;
    unsigned db_statement_timeout_ms;   /* see db_pool_config */
    unsigned db_lock_timeout_ms;
    unsigned db_idle_tx_timeout_ms;
    unsigned db_tcp_user_timeout_ms;
    unsigned db_query_deadline_ms;      /* DB_QUERY_DEADLINE_AUTO, or ms (0 never) */
    int db_max_queue;
    int db_fair_share;          /* see db_pool_config.fair_share */
    /* group commit of report submissions (db_group_config); max 0: off */
    unsigned group_commit_window_us;
    int group_commit_max;
    int group_commit_inflight;
    unsigned group_commit_overlap_us; /* db_group_config.overlap_us */
    uint32_t max_frame;         /* bytes of request payload accepted */
    uint32_t max_reply;         /* bytes of reply payload sent */
    size_t write_high_water;    /* stop reading a client above this backlog */
    size_t max_reply_backlog;   /* close a client whose backlog passes this (0: no cap) */
    int max_inflight;           /* per connection, frame by frame */
    int max_connections;        /* open at once */
    int max_connections_per_address;
    uint32_t max_frame_before_hello; /* bytes a stranger may make us buffer */
    int hello_timeout_ms;       /* hello (and the TLS handshake) within this */
    int frame_timeout_ms;       /* a started frame arrives whole within this */
    int idle_timeout_ms;        /* a connection with nothing to do is closed */
    int keepalive_s;            /* TCP keepalive delay */
    int drain_timeout_ms;
    int session_ttl_s;          /* a session ends this long after login */
    int session_idle_s;         /* … or this long after its last request */
    log_level log_level;
    const char *tls_cert;       /* PEM certificate chain; NULL: no TLS */
    const char *tls_key;        /* its PEM private key */
    int insecure_plaintext;     /* allow plaintext on a non-loopback address */
    proxy_trust proxy_from;     /* peers that send a PROXY v2 header (n == 0: none) */
    /* SIGHUP builds the settings again from their sources (main.c): 0 and
     * *out, or -1 and why. NULL: SIGHUP reloads only the TLS files. */
    int (*reload)(void *arg, struct server_config *out, char *why, size_t why_size);
    void *reload_arg;
    const char *config_path;    /* the file the settings came from, for logs */
} server_config;

typedef struct server {
    uv_loop_t *loop;
    server_config config;
    listener net;
    rpc_context rpc;            /* what every request carries */
    uv_signal_t sigint, sigterm;
    uv_signal_t sighup;         /* reloads the settings and the TLS certificate */
    uint64_t started_ms;        /* uv_now at start: the health answer's uptime */
    tls_server *tls;
    uv_timer_t drain_timer;
    uv_timer_t drain_check; /* re-checks the drain outside any callback */
    db_pool *db;
    db_group *group;            /* NULL when group commit is off */
    int draining;
    int exit_code;
} server;

void server_config_defaults(server_config *config);
/* Runs until SIGINT/SIGTERM and a completed drain; SIGHUP reloads the
 * settings (what can change live: server.c, reload_live) and the TLS
 * certificate and key. Returns the exit code. */
int server_run(const server_config *config);

#endif
