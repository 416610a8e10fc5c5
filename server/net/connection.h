/* One TCP connection to cchcd, seen from the server: reading frames and
 * handing each payload to the listener's owner, writing the frames the
 * owner sends back (in any order) with backpressure, closing cleanly.
 *
 * This layer knows bytes and frames, never protobuf messages or requests:
 * frames go up through the callbacks in net_handlers (listener.h), replies
 * come down as ready-made frames. TLS (tls.h), when the listener has a
 * certificate, sits under the frame reader without the layers above
 * noticing. */
#ifndef CCHCD_NET_CONNECTION_H
#define CCHCD_NET_CONNECTION_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "frame.h"

struct listener;
struct tls_session;
struct proxy_header;

/* Someone waiting for a connection's queued replies to drain (an answer
 * sent in parts produces its next part only then). */
typedef struct connection_waiter {
    struct connection_waiter *next;
    size_t below;  /* called once the write backlog is under this */
    void (*fn)(struct connection_waiter *w);
} connection_waiter;

typedef struct connection {
    struct listener *owner;
    uv_tcp_t tcp;
    struct connection *prev, *next;
    uint64_t id;
    char peer[64];     /* address:port, for logs */
    char ip[48];       /* address alone: login throttling and audit */
    frame_reader reader;
    int greeted;       /* hello succeeded (connection_greeted) */
    uint64_t accepted_ms;      /* loop time of accept: the hello deadline */
    uint64_t active_ms;        /* loop time of the last read: the idle deadline */
    uint64_t partial_since_ms; /* a frame started and not complete since (0: none) */
    int refs;          /* the connection itself + one per request in flight
                          (+ one while queued to resume) */
    int inflight;      /* requests being processed */
    int inflight_peak; /* the most at once, for the log */
    int paused;        /* reading paused inside a read: the frame reader keeps
                          the rest (and over TLS, records wait in OpenSSL)
                          until the connection may take requests again */
    unsigned pauses;   /* how often, for the log */
    int resume_queued; /* in the listener's resume queue */
    struct connection *resume_next;
    int closing;       /* shutdown or close started: no more replies */
    int reading;
    int peer_done;     /* EOF or error seen: the peer sends nothing more */
    int lingering;     /* our side shut down, waiting for the peer's EOF */
    int linger_started;
    uv_timer_t linger; /* initialised only when a graceful close lingers */
    size_t write_backlog; /* bytes handed to uv_write and not yet written */
    int accepts_parts; /* set by the protocol layer from the hello */
    uint64_t db_account; /* the protocol layer's: the account its last session
                          check found, whose fair share of the database the
                          connection's later work uses (0: none yet) */
    size_t held_bytes; /* the protocol layer's count of request bytes it */
    size_t held_unverified; /* holds for this connection, and of those not yet
                          past a session check; this layer never reads them */
    connection_waiter *waiters;
    /* Replies produced and not yet handed to the socket, so that those of
     * one read (or one loop turn) leave in one write: flushed at the end
     * of the read that produced them, and otherwise once per loop turn
     * before the loop sleeps (the listener's flush queue), as Redis
     * flushes its reply buffers in beforeSleep. Plaintext frames wait in
     * pending (malloc'd while non-empty, so an idle connection costs
     * nothing); under TLS the records wait in the session's write BIO and
     * only pending_bytes counts them. Not part of write_backlog: they
     * stay under a small cap (connection.c) and are flushed before any
     * close, drain or backlog decision that needs them on the socket. */
    uv_buf_t *pending;
    int npending, pending_cap;
    size_t pending_bytes;
    int flush_queued;  /* in the listener's flush queue (holds a reference) */
    struct connection *flush_next;
    uint64_t replies, writes; /* frames sent, and write calls made (logged
                                 at close, at debug level) */
    struct tls_session *tls; /* NULL on a plaintext listener */
    /* From a trusted proxy (--proxy-from), until its PROXY protocol header
     * has been read: nothing else is read before it, and ip/peer are the
     * proxy's until it says whose connection this is. NULL otherwise. */
    struct proxy_header *proxy;
} connection;

/* Accepts a pending connection on the listener (listener.c). */
void connection_accept(struct listener *l);
/* Sends one encoded frame; takes ownership of the malloc'd bytes (freed
 * at once when the connection is closing). */
void connection_send_frame(connection *c, uint8_t *frame, size_t len);
/* Calls w->fn once the write backlog is below w->below (at once when it
 * already is) or the connection is closing (fn then sees c->closing). w
 * stays the caller's; each registration calls fn once. */
void connection_when_writable(connection *c, connection_waiter *w);
/* Sends what is queued, then closes. */
void connection_close_after_flush(connection *c, const char *reason);
void connection_close(connection *c, const char *reason);
/* Stops reading new requests; closes once in-flight work is answered. */
void connection_begin_drain(connection *c);
/* The protocol layer accepted c's hello: its frames may now be as large
 * as the listener's limit (before, a few KiB), and the hello deadline no
 * longer applies. */
void connection_greeted(connection *c);
/* Closes connections past their hello (or PROXY header), frame or idle
 * deadline (listener.c calls it once a second). */
void connection_check_deadlines(connection *c, uint64_t now_ms);
/* A request read from c starts (holds a reference, counts towards the
 * in-flight cap) or ends (resumes reading, or closes when draining). */
void connection_request_started(connection *c);
void connection_request_finished(connection *c);
/* Called by the listener, from a loop callback of its own, for a
 * connection queued with listener_queue_resume: reads what the paused
 * frame reader kept, then what TLS holds, then the socket again (or
 * pauses again). Releases the queue's reference. */
void connection_resume(connection *c);
/* Called by the listener once per loop turn, before the loop sleeps, for
 * a connection queued with listener_queue_flush: hands its pending
 * replies to the socket in one write. Releases the queue's reference. */
void connection_flush_queued(connection *c);

#endif
