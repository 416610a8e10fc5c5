/* Handlers for the requests that need no session: the version handshake and
 * ping. Ping optionally runs a query through the pool, so an operator (and
 * the tests) can tell "server up" from "server up and database reachable". */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "handlers.h"
#include "request_helpers.h"
#include "protocol.h"
#include "server.h"

void handle_hello(request *req)
{
    const Cchc__V1__HelloRequest *hello = req->msg->hello;
    if (hello->protocol_version != CCHC_PROTOCOL_VERSION) {
        request_fail(req, CCHC__V1__ERROR_CODE__VERSION_MISMATCH,
                     "client speaks protocol version %u but this server "
                     "(cchcd %s) speaks version %u; install a matching cchc",
                     hello->protocol_version, CCHC_VERSION,
                     CCHC_PROTOCOL_VERSION);
        return;
    }
    req->conn->hello_done = 1;
    Cchc__V1__HelloResponse body = CCHC__V1__HELLO_RESPONSE__INIT;
    body.protocol_version = CCHC_PROTOCOL_VERSION;
    body.server_name = "cchcd";
    body.server_version = CCHC_VERSION;
    body.max_frame_size = req->conn->srv->config.max_frame;
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.body_case = CCHC__V1__RESPONSE__BODY_HELLO;
    response.hello = &body;
    request_reply(req, &response);
}

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
    Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
    response.body_case = CCHC__V1__RESPONSE__BODY_PING;
    response.ping = &body;
    request_reply(req, &response);
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
