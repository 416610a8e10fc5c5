/* ping and health, the requests that need no session (the version
 * handshake is rpc's own, in rpc/dispatch.c). Ping optionally runs a query
 * through the pool, so an operator (and the tests) can tell "server up"
 * from "server up and database reachable"; health says whether this cchcd
 * is fit to take requests at all, for load balancers and monitoring
 * (docs/operate.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "handlers.h"
#include "migrations.h"
#include "request_helpers.h"

static int64_t now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void reply_ping(request *req, const char *db_version, int64_t db_us)
{
    Cchc__V1__PingResponse body = CCHC__V1__PING_RESPONSE__INIT;
    body.server_version = CCHC_VERSION;
    body.server_time_us = now_us();
    body.database_version = (char *)(db_version ? db_version : "");
    body.database_latency_us = db_us;
    request_reply_body(req, NULL, CCHC__V1__RESPONSE__BODY_PING, &body);
}

static void on_ping_result(request *req, PGresult *const *results, int nresults)
{
    (void)nresults;
    /* includes any wait in the pool's queue: what the client experiences */
    int64_t db_us = (int64_t)((uv_hrtime() - req->started_ns) / 1000);
    reply_ping(req, PQgetvalue(results[0], 0, 0), db_us);
}

void handle_ping(request *req)
{
    if (!req->msg->ping->check_database) {
        reply_ping(req, NULL, 0);
        return;
    }
    const db_step step = {STMT_PING, 0, NULL};
    request_query(req, &step, 1, on_ping_result);
}

static void reply_health(request *req, const request_health *health)
{
    Cchc__V1__HealthResponse body = CCHC__V1__HEALTH_RESPONSE__INIT;
    body.serving = health->serving;
    /* a set-up that found a stale schema did reach the database */
    body.database_reachable =
        health->reachable || (health->pool.schema == DB_SCHEMA_STALE && health->pool.ready == 0);
    /* a probe that came back went through a connection whose set-up found
     * the schema current, so a stale mark left by an older connection no
     * longer holds */
    body.migrations_current = health->pool.schema == DB_SCHEMA_CURRENT && health->pool.ready > 0;
    body.healthy = body.serving && body.database_reachable && body.migrations_current;
    body.pool_size = (uint32_t)health->pool.size;
    body.pool_ready = (uint32_t)health->pool.ready;
    body.pool_pending = (uint32_t)health->pool.pending;
    body.uptime_seconds = health->uptime_s;
    body.server_version = CCHC_VERSION;
    body.schema_version = migrations_latest_version();
    char problem[400] = "";
    if (!body.serving)
        snprintf(problem, sizeof(problem), "draining: the server is shutting down");
    else if (health->pool.schema == DB_SCHEMA_STALE && health->pool.ready == 0)
        snprintf(problem, sizeof(problem), "migrations not current (run 'cchcd migrate'): %s",
                 health->pool.last_problem);
    else if (!body.database_reachable)
        snprintf(problem, sizeof(problem), "database unreachable: %s", health->problem);
    else if (!body.migrations_current)
        snprintf(problem, sizeof(problem), "migrations not checked yet");
    body.problem = problem;
    request_reply_body(req, NULL, CCHC__V1__RESPONSE__BODY_HEALTH, &body);
}

void handle_health(request *req)
{
    request_health_probe(req, STMT_PING, reply_health);
}
