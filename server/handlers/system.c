/* ping, the request that needs no session (the version handshake is rpc's
 * own, in rpc/dispatch.c). Ping optionally runs a query through the pool, so an operator (and
 * the tests) can tell "server up" from "server up and database reachable". */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "handlers.h"
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
