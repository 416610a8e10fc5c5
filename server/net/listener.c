/* See listener.h. Binding follows getaddrinfo's first answer for the
 * address, so "0.0.0.0:7121", "[::1]:7121" and "localhost:0" all work; the
 * bound address is logged with the real port, which is how a test or a
 * supervisor that asked for port 0 learns it. */
#include "listener.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "hostport.h"
#include "log.h"
#include "protocol.h"

/* Connections open from ip, c itself included. A connection still waiting
 * for its PROXY header belongs to no address yet: the proxy's own address
 * is not its client's. */
static int connections_from(const listener *l, const char *ip)
{
    int n = 0;
    for (const connection *c = l->connections; c; c = c->next)
        n += !c->proxy && strcmp(c->ip, ip) == 0;
    return n;
}

int listener_check_address_cap(listener *l, connection *c)
{
    int from_ip = connections_from(l, c->ip);
    if (from_ip <= l->limits.max_connections_per_address)
        return 0;
    char reason[160];
    snprintf(reason, sizeof(reason),
             "refused: %d connections open from %s, the limit is %d "
             "(--max-connections-per-address)",
             from_ip - 1, c->ip, l->limits.max_connections_per_address);
    connection_close(c, reason);
    return -1;
}

/* The caps are checked on a connection just accepted (the kernel has
 * completed it already; accepting is how it leaves the backlog, and its
 * peer address is known only then): over a cap, it is closed at once,
 * before anything is read from it, and its close is the one log line
 * that says why. A connection closing still holds its socket and counts.
 * A connection from a trusted proxy is held to the per-address cap once
 * its header has named the client (connection.c). */
static void enforce_caps(listener *l)
{
    connection *c = l->connections; /* connection_accept puts it first */
    if (!c)
        return;
    if (l->count > l->limits.max_connections) {
        char reason[160];
        snprintf(reason, sizeof(reason),
                 "refused: %d connections open, the limit is %d (--max-connections)",
                 l->count - 1, l->limits.max_connections);
        connection_close(c, reason);
    } else if (!c->proxy) {
        listener_check_address_cap(l, c);
    }
}

static void on_connection(uv_stream_t *tcp, int status)
{
    listener *l = tcp->data;
    if (status < 0) {
        log_warn("accept failed: %s", uv_strerror(status));
        return;
    }
    int before = l->count;
    connection_accept(l);
    if (l->count > before)
        enforce_caps(l);
}

/* How often the deadlines are looked at: a deadline fires within this
 * much after it passed; one walk over the connections costs little even
 * at ten thousand. */
#define SWEEP_MS 250

static void on_sweep(uv_timer_t *timer)
{
    listener *l = timer->data;
    uint64_t now = uv_now(l->loop);
    for (connection *c = l->connections; c; c = c->next)
        connection_check_deadlines(c, now); /* a close unlinks later, in its callback */
}

/* Resumes what was queued; a connection that pauses again is queued again
 * only once it may go on, so this ends. */
static void on_resume(uv_idle_t *idle)
{
    listener *l = idle->data;
    connection *c = l->resume_head;
    l->resume_head = l->resume_tail = NULL;
    uv_idle_stop(idle);
    while (c) {
        connection *next = c->resume_next;
        c->resume_next = NULL;
        connection_resume(c); /* may queue c (or others) again */
        c = next;
    }
}

int listener_queue_resume(listener *l, connection *c)
{
    if (!l->resume_ready)
        return -1;
    c->resume_next = NULL;
    if (l->resume_tail)
        l->resume_tail->resume_next = c;
    else
        l->resume_head = c;
    l->resume_tail = c;
    uv_idle_start(&l->resume, on_resume);
    return 0;
}

/* Writes the replies queued during this loop turn: one write per
 * connection, however many replies it produced. */
static void on_flush(uv_prepare_t *prepare)
{
    listener *l = prepare->data;
    connection *c = l->flush_head;
    l->flush_head = NULL;
    uv_prepare_stop(prepare);
    while (c) {
        connection *next = c->flush_next;
        c->flush_next = NULL;
        connection_flush_queued(c); /* may queue c (or others) again */
        c = next;
    }
}

int listener_queue_flush(listener *l, connection *c)
{
    if (!l->flush_ready)
        return -1;
    c->flush_next = l->flush_head; /* the order between connections is free */
    l->flush_head = c;
    uv_prepare_start(&l->flush, on_flush);
    return 0;
}

static void log_bound_address(listener *l)
{
    struct sockaddr_storage bound;
    int len = sizeof(bound);
    char ip[64] = "?";
    memset(&bound, 0, sizeof(bound));
    uv_tcp_getsockname(&l->tcp, (struct sockaddr *)&bound, &len);
    if (bound.ss_family == AF_INET6) {
        uv_ip6_name((struct sockaddr_in6 *)&bound, ip, sizeof(ip));
        l->port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
    } else {
        uv_ip4_name((struct sockaddr_in *)&bound, ip, sizeof(ip));
        l->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
    }
    log_info("listening on %s:%d (max frame %u bytes, %d connections, %d per address, "
             "%d requests in flight and %zu bytes of replies queued per connection, %s%s)",
             ip, l->port, l->limits.max_frame, l->limits.max_connections,
             l->limits.max_connections_per_address, l->limits.max_inflight,
             l->limits.max_reply_backlog, l->tls ? "TLS" : "plaintext",
             l->proxy_from && l->proxy_from->n ? ", PROXY protocol from --proxy-from" : "");
}

int listener_start(listener *l, uv_loop_t *loop, const char *address,
                   const net_limits *limits, const net_handlers *handlers)
{
    l->loop = loop;
    l->limits = *limits;
    l->handlers = *handlers;
    hostport hp;
    char err[256];
    if (hostport_parse(address, CCHC_DEFAULT_PORT_STR, &hp, err, sizeof(err)) != 0) {
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
        log_error("--listen %s: %s", address, gai_strerror(rc));
        return -1;
    }
    if (!l->tls && !l->insecure_plaintext && !hostport_is_loopback(res->ai_addr)) {
        log_error("--listen %s: từ chối nghe không mã hoá trên địa chỉ không phải "
                  "loopback (refusing plaintext on a non-loopback address): give "
                  "--tls-cert and --tls-key, or --insecure-plaintext if a TLS proxy "
                  "in front of cchcd encrypts the traffic", address);
        freeaddrinfo(res);
        return -1;
    }
    uv_tcp_init(loop, &l->tcp);
    l->tcp.data = l;
    l->open = 1;
    rc = uv_tcp_bind(&l->tcp, res->ai_addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&l->tcp, 511, on_connection);
    freeaddrinfo(res);
    if (rc != 0) {
        log_error("cannot listen on %s: %s", address, uv_strerror(rc));
        uv_close((uv_handle_t *)&l->tcp, NULL);
        l->open = 0;
        return -1;
    }
    log_bound_address(l);
    uv_timer_init(loop, &l->sweep);
    l->sweep.data = l;
    l->sweep_started = 1;
    uv_timer_start(&l->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
    uv_idle_init(loop, &l->resume);
    l->resume.data = l;
    l->resume_ready = 1;
    uv_prepare_init(loop, &l->flush);
    l->flush.data = l;
    l->flush_ready = 1;
    return 0;
}

void listener_drain(listener *l)
{
    l->draining = 1;
    if (l->sweep_started) { /* draining closes what is idle by itself */
        uv_close((uv_handle_t *)&l->sweep, NULL);
        l->sweep_started = 0;
    }
    if (l->open) {
        uv_close((uv_handle_t *)&l->tcp, NULL);
        l->open = 0;
    }
    if (l->resume_ready) { /* what was queued now finds the drain and lets go */
        l->resume_ready = 0;
        on_resume(&l->resume);
        uv_close((uv_handle_t *)&l->resume, NULL);
    }
    if (l->flush_ready) { /* from now on replies are written at once */
        l->flush_ready = 0;
        on_flush(&l->flush);
        uv_close((uv_handle_t *)&l->flush, NULL);
    }
    connection *c = l->connections;
    while (c) {
        connection *next = c->next; /* c may close (and unlink) now */
        connection_begin_drain(c);
        c = next;
    }
}

void listener_close_all(listener *l, const char *reason)
{
    for (connection *c = l->connections; c; c = c->next)
        connection_close(c, reason);
}
