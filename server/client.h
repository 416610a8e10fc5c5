/* One TCP connection from a cchc client: reading frames, answering them in
 * any order, writing replies with backpressure, closing cleanly. */
#ifndef CCHCD_CLIENT_H
#define CCHCD_CLIENT_H

#include <stdint.h>
#include <uv.h>

#include "cchc/v1/envelope.pb-c.h"
#include "frame.h"

struct server;

typedef struct client {
    struct server *srv;
    uv_tcp_t tcp;
    struct client *prev, *next;
    uint64_t id;
    char peer[64];     /* address:port, for logs */
    char ip[48];       /* address alone: login throttling and audit */
    frame_reader reader;
    int hello_done;
    int refs;          /* the connection itself + one per request in flight */
    int inflight;      /* requests being processed */
    int closing;       /* shutdown or close started: no more replies */
    int reading;
    int peer_done;     /* EOF or error seen: the peer sends nothing more */
    int lingering;     /* our side shut down, waiting for the peer's EOF */
    int linger_started;
    uv_timer_t linger; /* initialised only when a graceful close lingers */
    size_t write_backlog; /* bytes handed to uv_write and not yet written */
} client;

/* Accepts a pending connection on the listener. */
void client_accept(struct server *srv);
/* Encodes and sends a response (dropped when the connection is closing). */
void client_send(client *c, const Cchc__V1__Response *response);
/* Sends what is queued, then closes. */
void client_close_after_flush(client *c, const char *reason);
void client_close(client *c, const char *reason);
/* Stops reading new requests; closes once in-flight work is answered. */
void client_begin_drain(client *c);
void client_ref(client *c);
void client_unref(client *c);
/* Called when a request finished: resumes reading, or closes when draining. */
void client_request_done(client *c);

#endif
