/* See request_health_probe in request_helpers.h: the pool and the process
 * as a health answer sees them. Here, not in a handler, because handlers
 * never reach the pool directly (tests/deploy/layers.sh, rule e) and the
 * probe must see every outcome, where request_query answers failures
 * itself. */
#include <stdio.h>
#include <stdlib.h>

#include "request_helpers.h"
#include "request_internal.h"

typedef struct health_probe {
    request *req;
    void (*done)(request *req, const request_health *health);
} health_probe;

static void health_fill(request *req, request_health *health)
{
    const rpc_context *ctx = req->ctx;
    health->serving = !(ctx->draining && *ctx->draining) && ctx->db != NULL;
    if (ctx->db)
        db_pool_health_get(ctx->db, &health->pool);
    uint64_t now_ms = uv_now(ctx->loop);
    health->uptime_s = now_ms > ctx->started_ms ? (now_ms - ctx->started_ms) / 1000 : 0;
}

static void on_probe_done(void *arg, db_status status, PGresult *const *results, int nresults,
                          const char *message)
{
    (void)results;
    (void)nresults;
    health_probe *probe = arg;
    request_health health = {0};
    health_fill(probe->req, &health);
    health.reachable = status == DB_OK;
    if (status != DB_OK)
        snprintf(health.problem, sizeof(health.problem), "%s",
                 message && *message ? message : "the database did not answer");
    request *req = probe->req;
    void (*done)(request *, const request_health *) = probe->done;
    free(probe);
    done(req, &health);
}

void request_health_probe(request *req, statement_id statement,
                          void (*done)(request *req, const request_health *health))
{
    request_health health = {0};
    health_fill(req, &health);
    const char *refused = !req->ctx->db                          ? "the server is shutting down"
                          : !db_pool_accepting(req->ctx->db)     ? "no database connection is up"
                          : request_client_gone(req)             ? "the client has gone"
                                                                 : NULL;
    health_probe *probe = refused ? NULL : malloc(sizeof(*probe));
    if (!refused && !probe)
        refused = "out of memory";
    if (!refused) {
        *probe = (health_probe){req, done};
        db_owner owner = request_db_owner(req);
        const db_step step = {statement, 0, NULL};
        db_submit submitted = db_pool_submit_batch(req->ctx->db, &owner, &step, 1,
                                                   on_probe_done, probe);
        if (submitted == DB_SUBMIT_OK)
            return;
        free(probe);
        refused = submitted == DB_SUBMIT_BUSY ? "too many requests waiting for the database"
                                              : "no database connection is up";
    }
    snprintf(health.problem, sizeof(health.problem), "%s", refused);
    if (health.pool.last_problem[0] && health.pool.ready == 0)
        snprintf(health.problem, sizeof(health.problem), "%s: %s", refused,
                 health.pool.last_problem);
    done(req, &health);
}
