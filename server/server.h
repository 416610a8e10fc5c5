/* The cchcd process: configuration, the listening socket, the set of client
 * connections, the database pool and the orderly shutdown that ties them
 * together. */
#ifndef CCHCD_SERVER_H
#define CCHCD_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "db_pool.h"
#include "log.h"

typedef struct server_config {
    const char *listen;         /* HOST:PORT */
    const char *db;             /* libpq conninfo */
    int db_pool_size;
    int db_pipeline_depth;
    unsigned db_backoff_min_ms;
    unsigned db_backoff_max_ms;
    unsigned db_connect_timeout_ms;
    int db_max_queue;
    uint32_t max_frame;         /* bytes of request payload accepted */
    uint32_t max_reply;         /* bytes of reply payload sent */
    size_t write_high_water;    /* stop reading a client above this backlog */
    int max_inflight;           /* per connection */
    int drain_timeout_ms;
    int session_ttl_s;          /* a session ends this long after login */
    int session_idle_s;         /* … or this long after its last request */
    log_level log_level;
} server_config;

struct client;

typedef struct server {
    uv_loop_t *loop;
    server_config config;
    uv_tcp_t listener;
    int listener_open;
    uv_signal_t sigint, sigterm;
    uv_timer_t drain_timer;
    uv_timer_t drain_check; /* re-checks the drain outside any callback */
    db_pool *db;
    struct client *clients;
    int client_count;
    uint64_t next_client_id;
    int draining;
    int exit_code;
    /* One read buffer for every connection: libuv fills it and the frame
     * reader consumes it before the next read, so idle connections cost no
     * buffer memory (see frame.h). */
    char read_buffer[64 * 1024];
} server;

void server_config_defaults(server_config *config);
/* Runs until SIGINT/SIGTERM and a completed drain. Returns the exit code. */
int server_run(const server_config *config);

/* Called by client.c when a connection is gone or drained. */
void server_client_closed(server *srv);
void server_check_drained(server *srv);
/* Called when a request ends: while draining, checks (on the next loop
 * turn, not inside a database callback) whether the drain is complete. */
void server_request_finished(server *srv);

#endif
