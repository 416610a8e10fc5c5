/* The listening socket and the set of connections it accepted, with the
 * limits every connection obeys and the callbacks through which frames
 * reach the listener's owner (the server, which hands them to rpc/).
 * Arrows point one way: this layer calls up only through net_handlers. */
#ifndef CCHCD_NET_LISTENER_H
#define CCHCD_NET_LISTENER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "connection.h"
#include "frame.h"
#include "proxy_trust.h"
#include "tls.h"

typedef struct net_limits {
    uint32_t max_frame;         /* bytes of request payload accepted */
    size_t write_high_water;    /* stop reading a connection above this backlog */
    size_t max_reply_backlog;   /* close a connection whose backlog passes this (0: no cap) */
    int max_inflight;           /* requests in flight per connection, enforced
                                   frame by frame inside a read */
    int max_connections;        /* open at once; more are closed at accept */
    int max_connections_per_address; /* the same, from one peer address */
    uint32_t max_frame_before_hello; /* a stranger cannot make us buffer more */
    int hello_timeout_ms;       /* a connection says hello within this, or goes */
    int frame_timeout_ms;       /* a started frame arrives whole within this */
    int idle_timeout_ms;        /* nothing read and nothing owed this long: close */
    int keepalive_s;            /* TCP keepalive delay (0: off) */
} net_limits;

/* What the owner does with the traffic. Every callback gets owner back. */
typedef struct net_handlers {
    void *owner;
    /* One complete frame payload, valid only during the call. */
    void (*on_frame)(void *owner, connection *c, const uint8_t *payload, size_t len);
    /* The stream cannot be read on (frame too large or empty): the owner
     * may send a last frame; the connection then closes after flushing.
     * message is a message id with its arguments (msg_encode). */
    void (*on_bad_frame)(void *owner, connection *c, frame_status status,
                         const char *message);
    /* A connection has gone (closed, or drained and closed). */
    void (*on_closed)(void *owner);
} net_handlers;

typedef struct listener {
    uv_loop_t *loop;
    uv_tcp_t tcp;
    int open;
    net_limits limits;
    net_handlers handlers;
    connection *connections;
    int count;
    uint64_t next_id;
    int draining;
    int port;                   /* the port actually bound (for --listen …:0) */
    uv_timer_t sweep;           /* once a second: the deadlines above */
    int sweep_started;
    /* Connections whose paused reading may go on (a request finished, the
     * backlog drained). They are resumed from this handle's callback, on
     * the next loop turn, never inside the request or write callback that
     * made room: resuming hands frames to the rpc layer, which must not
     * be entered again from its own stack. Active only while queued. */
    uv_idle_t resume;
    int resume_ready;
    connection *resume_head, *resume_tail;
    /* Connections holding replies not yet written (connection.h): each
     * gets one write from this handle's callback, which libuv runs once
     * per loop turn just before it waits for I/O. Active only while
     * queued; closed at drain, after which replies are written at once. */
    uv_prepare_t flush;
    int flush_ready;
    connection *flush_head;
    /* Set by the owner before listener_start: the certificate every new
     * connection speaks TLS with (NULL: plaintext, allowed only on a
     * loopback address or with insecure_plaintext). */
    tls_server *tls;
    int insecure_plaintext;
    /* Also set before listener_start: the peers whose connections start
     * with a PROXY protocol v2 header naming the real client (NULL or
     * empty: none). */
    const proxy_trust *proxy_from;
    /* One read buffer for every connection: libuv fills it and the frame
     * reader consumes it before the next read, so idle connections cost no
     * buffer memory (see frame.h). */
    char read_buffer[64 * 1024];
    /* What SSL_read decrypts from it, on its way to the frame reader (a
     * TLS record holds at most 16 KiB). */
    uint8_t plain_buffer[16 * 1024];
} listener;

/* Binds and listens on address (HOST:PORT; port 0 picks a free one, logged
 * as "listening on HOST:PORT"). Refuses a plaintext listener on an address
 * that is not loopback unless l->insecure_plaintext. Returns 0, or -1
 * after logging why. */
int listener_start(listener *l, uv_loop_t *loop, const char *address,
                   const net_limits *limits, const net_handlers *handlers);
/* Queues c to be resumed (connection_resume) on the next loop turn; the
 * caller has taken a reference for the queue. 0, or -1 when the listener
 * no longer resumes anything (draining: kept requests are not read). */
int listener_queue_resume(listener *l, connection *c);

/* Queues c's pending replies to be written before the loop next sleeps;
 * the caller has taken a reference for the queue. 0, or -1 when the
 * listener no longer queues (draining: the caller writes at once). */
int listener_queue_flush(listener *l, connection *c);

/* The per-address cap for c, whose address has just become known (a
 * PROXY header named the real client): over it, c is closed with the
 * cap's log line and -1 returned. */
int listener_check_address_cap(listener *l, connection *c);
/* Drain: stop accepting, stop reading, close each connection once its
 * in-flight requests are answered and its replies flushed (requests kept
 * unread by a paused connection are dropped, like those still in its
 * socket). */
void listener_drain(listener *l);
/* Closes every connection now (drain timeout). */
void listener_close_all(listener *l, const char *reason);

#endif
