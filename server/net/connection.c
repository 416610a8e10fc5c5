/* See connection.h. Server side of one connection. Reads go into the server's shared buffer
 * and straight through the frame reader; replies are written with
 * uv_try_write first (most fit in the socket buffer at once) and only the
 * remainder is queued with uv_write, as Redis does. Replies are not
 * written one by one: those a read produces leave together in one writev
 * at the end of the read, and those produced elsewhere (database results,
 * streamed parts) once per loop turn before the loop sleeps (connection.h,
 * pending), so pipelined requests cost one write per batch, not per reply.
 *
 * Flow control is decided frame by frame: once a frame leaves the
 * connection with max_inflight requests in flight, or its queued replies
 * over the high-water mark, the frame reader pauses inside the read and
 * keeps the rest of it, and the socket is no longer read. When a request
 * finishes or the backlog drains, the listener resumes the connection on
 * the next loop turn: the kept bytes first, then (TLS) the records still
 * waiting in OpenSSL, then the socket. So one write of thousands of
 * requests never has more than max_inflight of them in flight. A client
 * whose queued replies pass max_reply_backlog (it sends and does not
 * read) is closed.
 *
 * Closing is graceful wherever replies may still be on their way: shut
 * down our side, keep reading and discarding until the peer closes (or a
 * short linger expires), then close. Closing a socket with unread input
 * makes the kernel send RST and drop replies it had already accepted.
 *
 * With TLS (tls.h) the same paths carry ciphertext: what is read goes
 * through the connection's TLS session before the frame reader, frames go
 * through it before the write path, and a TLS failure closes the
 * connection with one log line. Without TLS nothing here changes.
 *
 * A connection from a trusted proxy (--proxy-from) first goes through a
 * stage of its own: its first bytes must be a PROXY protocol v2 header
 * (proxy_header.h), read before TLS or the frame reader see anything and
 * under the hello deadline; it names the real client, whose address the
 * connection then carries (and is capped by). */
#include "connection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listener.h"
#include "log.h"
#include "msg_format.h"
#include "secure_wipe.h"
#include "proxy_header.h"

typedef struct write_req {
    uv_write_t req;
    connection *conn;
    size_t len;       /* bytes still to write when queued: the backlog's share */
    int nblocks;
    uv_buf_t blocks[]; /* the whole blocks, wiped and freed once written */
} write_req;

/* Replies held back for one write at most this many frames or bytes: a
 * long pipeline or a streamed answer goes out in chunks of this size, and
 * what the socket does not take then counts in write_backlog as before. */
#define PENDING_MAX_FRAMES 64
#define PENDING_MAX_BYTES (64u * 1024)

/* How long a closing connection waits for the peer to close its side. */
#define LINGER_MS 2000

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);
static void update_reading(connection *c);
static int flush_tls(connection *c);
static void flush_output(connection *c);
static void discard_pending(connection *c);

static void connection_ref(connection *c) { c->refs++; }

/* Frees bytes that may have held a reply in clear (a login's session
 * token, a report): zeroed first, like the frame reader's buffers. */
static void free_wiped(uint8_t *bytes, size_t size)
{
    secure_wipe(bytes, size);
    free(bytes);
}

static void connection_unref(connection *c)
{
    if (--c->refs > 0)
        return;
    frame_reader_reset(&c->reader);
    discard_pending(c);
    tls_session_free(c->tls);
    free(c->proxy);
    free(c);
}

static void on_linger_closed(uv_handle_t *handle)
{
    connection_unref(handle->data);
}

static void on_closed(uv_handle_t *handle)
{
    connection *c = handle->data;
    listener *l = c->owner;
    if (c->linger_started) {
        c->linger.data = c;
        uv_close((uv_handle_t *)&c->linger, on_linger_closed);
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        l->connections = c->next;
    if (c->next)
        c->next->prev = c->prev;
    l->count--;
    log_debug("client %llu (%s): %llu replies in %llu write calls", (unsigned long long)c->id,
              c->peer, (unsigned long long)c->replies, (unsigned long long)c->writes);
    if (c->pauses > 0)
        log_info("client %llu (%s): reading paused %u times, at most %d requests in flight "
                 "at once (--max-inflight %d)", (unsigned long long)c->id, c->peer, c->pauses,
                 c->inflight_peak, l->limits.max_inflight);
    connection_unref(c);
    l->handlers.on_closed(l->handlers.owner);
}

void connection_close(connection *c, const char *reason)
{
    if (uv_is_closing((uv_handle_t *)&c->tcp))
        return;
    c->closing = 1;
    discard_pending(c); /* no more replies: wiped, never sent */
    log_info("client %llu (%s) closed: %s", (unsigned long long)c->id, c->peer,
             reason);
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_linger_expired(uv_timer_t *timer)
{
    connection_close(timer->data, "peer did not close within the linger time");
}

/* Our side is shut down and every reply written: wait for the peer's EOF. */
static void on_shutdown(uv_shutdown_t *req, int status)
{
    connection *c = req->data;
    free(req);
    if (status < 0 || c->peer_done) {
        connection_close(c, status < 0 ? uv_strerror(status) : "closed by both sides");
    } else if (!uv_is_closing((uv_handle_t *)&c->tcp)) {
        uv_timer_init(c->owner->loop, &c->linger);
        c->linger.data = c;
        c->linger_started = 1;
        connection_ref(c); /* released when the timer handle is closed */
        c->lingering = 1;
        uv_timer_start(&c->linger, on_linger_expired, LINGER_MS, 0);
    }
    connection_unref(c);
}

void connection_close_after_flush(connection *c, const char *reason)
{
    if (c->closing)
        return;
    c->closing = 1;
    log_info("client %llu (%s) closing: %s", (unsigned long long)c->id,
             c->peer, reason);
    if (c->tls) { /* close_notify goes after the records still pending */
        tls_session_shutdown(c->tls);
        if (flush_tls(c) != 0)
            return;
    } else {
        flush_output(c);
    }
    if (uv_is_closing((uv_handle_t *)&c->tcp))
        return; /* the write failed */
    update_reading(c); /* keeps reading, to discard what the peer still sends */
    uv_shutdown_t *req = malloc(sizeof(*req));
    if (!req) {
        connection_close(c, "out of memory");
        return;
    }
    req->data = c;
    connection_ref(c);
    if (uv_shutdown(req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        free(req);
        connection_unref(c);
        connection_close(c, "shutdown failed");
    }
}

static void alloc_shared(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    connection *c = handle->data;
    *buf = uv_buf_init(c->owner->read_buffer, sizeof(c->owner->read_buffer));
}

/* Whether c may take another request now: the in-flight cap and the
 * backlog's high-water mark, checked after every frame. */
static int may_take_requests(const connection *c)
{
    const listener *l = c->owner;
    return !c->closing && !l->draining && c->write_backlog < l->limits.write_high_water &&
           c->inflight < l->limits.max_inflight;
}

/* A paused connection that may take requests again is resumed on the
 * next loop turn (listener.h says why not now). */
static void schedule_resume(connection *c)
{
    if (c->resume_queued)
        return;
    connection_ref(c); /* the queue's */
    if (listener_queue_resume(c->owner, c) != 0) {
        connection_unref(c);
        return;
    }
    c->resume_queued = 1;
}

/* Starts or stops reading so that a slow or greedy client cannot make the
 * server buffer without bound. A closing connection reads (and discards)
 * until the peer's EOF, so that closing never resets the connection. A
 * paused one reads from the socket only after what it kept. */
static void update_reading(connection *c)
{
    if (uv_is_closing((uv_handle_t *)&c->tcp))
        return;
    int want;
    if (c->closing) {
        want = !c->peer_done;
    } else {
        int may = may_take_requests(c);
        want = !c->peer_done && !c->paused && may;
        if (c->paused && may)
            schedule_resume(c);
    }
    if (want && !c->reading) {
        if (uv_read_start((uv_stream_t *)&c->tcp, alloc_shared, on_read) == 0)
            c->reading = 1;
    } else if (!want && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = 0;
    }
}

/* Closes a connection with nothing more to do: the server is draining, or
 * the peer has sent everything it will (EOF) and got its answers. */
static void maybe_finish_drain(connection *c)
{
    if (c->closing || c->inflight > 0 || (!c->peer_done && !c->owner->draining))
        return;
    if (c->pending_bytes > 0)
        flush_output(c); /* what is pending must be on its way before a close */
    if (c->closing || c->write_backlog > 0)
        return;
    if (c->peer_done)
        connection_close(c, "peer closed");
    else if (c->owner->draining)
        connection_close_after_flush(c, "server shutting down");
}

void connection_begin_drain(connection *c)
{
    update_reading(c);
    maybe_finish_drain(c);
}

void connection_request_started(connection *c)
{
    connection_ref(c);
    if (++c->inflight > c->inflight_peak)
        c->inflight_peak = c->inflight;
}

void connection_request_finished(connection *c)
{
    c->inflight--;
    update_reading(c);
    maybe_finish_drain(c);
    connection_unref(c);
}

/* Wakes the waiters whose mark the backlog is now under, or all of them
 * once the connection closes; a waiter may register again from fn. */
static void notify_waiters(connection *c)
{
    connection_waiter *list = c->waiters, *keep = NULL;
    c->waiters = NULL;
    while (list) {
        connection_waiter *w = list;
        list = w->next;
        if (c->closing || c->write_backlog < w->below) {
            w->fn(w);
        } else {
            w->next = keep;
            keep = w;
        }
    }
    while (keep) { /* back in front of any registered meanwhile */
        connection_waiter *w = keep;
        keep = w->next;
        w->next = c->waiters;
        c->waiters = w;
    }
}

void connection_when_writable(connection *c, connection_waiter *w)
{
    if (c->closing || c->write_backlog < w->below) {
        w->fn(w);
        return;
    }
    w->next = c->waiters;
    c->waiters = w;
}

static void on_write(uv_write_t *req, int status)
{
    write_req *wr = (write_req *)req;
    connection *c = wr->conn;
    c->write_backlog -= wr->len;
    for (int i = 0; i < wr->nblocks; i++)
        free_wiped((uint8_t *)wr->blocks[i].base, wr->blocks[i].len);
    free(wr);
    if (status < 0 && status != UV_ECANCELED)
        connection_close(c, uv_strerror(status));
    notify_waiters(c);
    if (status >= 0 || status == UV_ECANCELED) {
        update_reading(c);
        maybe_finish_drain(c);
    }
    connection_unref(c);
}

/* Writes blocks as they are to the socket, in order and in one call
 * (writev): plaintext frames, or TLS records. Takes ownership of the
 * malloc'd blocks; bufs is the caller's and may be changed. */
static void write_blocks(connection *c, uv_buf_t *bufs, int n)
{
    size_t total = 0, written = 0;
    for (int i = 0; i < n; i++)
        total += bufs[i].len;
    if (c->write_backlog == 0) { /* nothing queued before: try now */
        c->writes++;
        int r = uv_try_write((uv_stream_t *)&c->tcp, bufs, (unsigned)n);
        if (r > 0)
            written = (size_t)r;
        else if (r < 0 && r != UV_EAGAIN) {
            for (int i = 0; i < n; i++)
                free_wiped((uint8_t *)bufs[i].base, bufs[i].len);
            connection_close(c, uv_strerror(r));
            return;
        }
    }
    int first = 0; /* the blocks the socket took whole are done */
    size_t skip = written;
    while (first < n && skip >= bufs[first].len) {
        skip -= bufs[first].len;
        free_wiped((uint8_t *)bufs[first].base, bufs[first].len);
        first++;
    }
    if (first == n)
        return;
    int rest = n - first;
    write_req *wr = malloc(sizeof(*wr) + (size_t)rest * sizeof(uv_buf_t));
    if (!wr) {
        for (int i = first; i < n; i++)
            free_wiped((uint8_t *)bufs[i].base, bufs[i].len);
        connection_close(c, "out of memory");
        return;
    }
    wr->conn = c;
    wr->nblocks = rest;
    memcpy(wr->blocks, bufs + first, (size_t)rest * sizeof(uv_buf_t));
    wr->len = total - written;
    bufs[first].base += skip; /* libuv copies the array; the blocks stay in wr */
    bufs[first].len -= skip;
    c->writes++;
    if (uv_write(&wr->req, (uv_stream_t *)&c->tcp, bufs + first, (unsigned)rest, on_write) != 0) {
        for (int i = 0; i < rest; i++)
            free_wiped((uint8_t *)wr->blocks[i].base, wr->blocks[i].len);
        free(wr);
        connection_close(c, "write failed");
        return;
    }
    connection_ref(c);
    c->write_backlog += wr->len;
    size_t budget = c->owner->limits.max_reply_backlog;
    if (budget > 0 && c->write_backlog > budget) {
        /* it sends and does not read: what it is owed would grow with
         * every request still in flight; the queued writes are cancelled
         * (and their frames wiped) by the close */
        char why[128];
        snprintf(why, sizeof(why), "%zu bytes of replies not read (--max-reply-backlog)",
                 c->write_backlog);
        connection_close(c, why);
        return;
    }
    update_reading(c);
}

static void write_bytes(connection *c, uint8_t *bytes, size_t len)
{
    uv_buf_t buf = uv_buf_init((char *)bytes, (unsigned)len);
    write_blocks(c, &buf, 1);
}

/* Frees the replies not yet written, wiped (the connection is closing). */
static void discard_pending(connection *c)
{
    for (int i = 0; i < c->npending; i++)
        free_wiped((uint8_t *)c->pending[i].base, c->pending[i].len);
    free(c->pending);
    c->pending = NULL;
    c->npending = c->pending_cap = 0;
    c->pending_bytes = 0;
}

/* Hands every pending reply to the socket in one write. */
static void flush_output(connection *c)
{
    if (c->tls) {
        if (c->pending_bytes > 0)
            flush_tls(c);
        return;
    }
    uv_buf_t *bufs = c->pending;
    int n = c->npending;
    c->pending = NULL;
    c->npending = c->pending_cap = 0;
    c->pending_bytes = 0;
    if (n > 0)
        write_blocks(c, bufs, n);
    free(bufs);
}

void connection_flush_queued(connection *c)
{
    c->flush_queued = 0;
    if (!c->closing)
        flush_output(c);
    connection_unref(c); /* the queue's */
}

/* A reply was held back: it leaves with the others at the end of this
 * read or before the loop sleeps, or now once the batch is large. */
static void reply_pending(connection *c)
{
    c->replies++;
    if (c->npending >= PENDING_MAX_FRAMES || c->pending_bytes >= PENDING_MAX_BYTES) {
        flush_output(c);
        return;
    }
    if (c->flush_queued)
        return;
    connection_ref(c); /* the queue's */
    if (listener_queue_flush(c->owner, c) != 0) {
        connection_unref(c);
        flush_output(c); /* draining: at once, as the close waits for it */
        return;
    }
    c->flush_queued = 1;
}

/* Holds a plaintext frame back; 0, or -1 when out of memory. */
static int hold_frame(connection *c, uint8_t *frame, size_t len)
{
    if (c->npending == c->pending_cap) {
        int cap = c->pending_cap ? 2 * c->pending_cap : 8;
        uv_buf_t *grown = realloc(c->pending, (size_t)cap * sizeof(*grown));
        if (!grown)
            return -1;
        c->pending = grown;
        c->pending_cap = cap;
    }
    c->pending[c->npending++] = uv_buf_init((char *)frame, (unsigned)len);
    c->pending_bytes += len;
    return 0;
}

/* Sends what TLS has produced (handshake messages, records, alerts). */
static int flush_tls(connection *c)
{
    uint8_t *bytes;
    size_t len;
    if (tls_session_take_output(c->tls, &bytes, &len) != 0) {
        connection_close(c, "out of memory");
        return -1;
    }
    c->pending_bytes = 0; /* the records of every pending reply are in bytes */
    if (bytes)
        write_bytes(c, bytes, len);
    return 0;
}

/* Ends a connection whose TLS failed: the alert TLS may have produced
 * goes out if the socket takes it at once, then one log line. */
static void close_tls_failed(connection *c, const char *why)
{
    uint8_t *bytes;
    size_t len;
    if (tls_session_take_output(c->tls, &bytes, &len) == 0 && bytes) {
        uv_buf_t buf = uv_buf_init((char *)bytes, (unsigned)len);
        if (c->write_backlog == 0) /* never in the middle of a queued record */
            uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
        free(bytes);
    }
    connection_close(c, why);
}

void connection_send_frame(connection *c, uint8_t *frame, size_t len)
{
    if (c->closing) {
        free_wiped(frame, len);
        return;
    }
    if (!c->tls) {
        if (hold_frame(c, frame, len) != 0) {
            free_wiped(frame, len);
            connection_close(c, "out of memory");
            return;
        }
        reply_pending(c);
        return;
    }
    /* the record waits in the session's write BIO with those before it */
    int rc = tls_session_write(c->tls, frame, len);
    free_wiped(frame, len);
    if (rc != 0) {
        connection_close(c, "out of memory");
        return;
    }
    c->pending_bytes += len;
    reply_pending(c);
}

/* One frame up to the rpc layer; then whether the next one may follow
 * now: the in-flight cap holds frame by frame, not read by read. */
static int on_frame(void *ctx, const uint8_t *payload, size_t len)
{
    connection *c = ctx;
    c->owner->handlers.on_frame(c->owner->handlers.owner, c, payload, len);
    if (c->closing)
        return FRAME_SINK_STOP;
    return may_take_requests(c) ? FRAME_SINK_GO_ON : FRAME_SINK_PAUSE;
}

/* Feeds the frame reader with what TLS has decrypted, record by record,
 * until OpenSSL has nothing more or the reader pauses (the records not
 * yet decrypted then wait in the read BIO). The shared plaintext buffer
 * is zeroed after each use: it held requests in clear (passwords, session
 * tokens) and lives as long as the process. -1 when the connection was
 * closed for a TLS failure; otherwise *st is the frame reader's verdict. */
static int read_tls_records(connection *c, frame_status *st, uint32_t *bad_length)
{
    char why[300];
    uint8_t *plain = c->owner->plain_buffer;
    while (*st == FRAME_OK && !c->closing) {
        long n = tls_session_read(c->tls, plain, sizeof(c->owner->plain_buffer), why,
                                  sizeof(why));
        if (n < 0) {
            close_tls_failed(c, why);
            return -1;
        }
        if (n == 0)
            break;
        *st = frame_reader_feed(&c->reader, plain, (size_t)n, on_frame, c, bad_length);
        secure_wipe(plain, (size_t)n);
    }
    if (*st == FRAME_STOPPED)
        *st = FRAME_OK; /* a handler closed the connection: as in plaintext */
    return c->closing ? 0 : flush_tls(c);
}

/* Decrypts what was read and feeds the frame reader with it, then sends
 * what TLS has to say (the handshake). As read_tls_records. */
static int read_tls(connection *c, const uint8_t *data, size_t len, frame_status *st,
                    uint32_t *bad_length)
{
    char why[300];
    *st = FRAME_OK;
    if (tls_session_input(c->tls, data, len, why, sizeof(why)) != 0) {
        close_tls_failed(c, why);
        return -1;
    }
    return read_tls_records(c, st, bad_length);
}

/* After the frame reader has had its input (a read, or a resume): a bad
 * frame closes, a pause stops the socket, and the deadlines learn what
 * is pending. */
static void after_frames(connection *c, frame_status st, uint32_t bad_length)
{
    if (st == FRAME_ERR_TOO_LARGE || st == FRAME_ERR_EMPTY) {
        /* the refusal travels as a message id with its arguments (the
         * client says it in its reader's language); the log reads English */
        char message[160], encoded[160], got[16], most[16];
        snprintf(got, sizeof(got), "%u", bad_length);
        snprintf(most, sizeof(most), "%u", c->reader.max_payload);
        const char *args[] = {got, most};
        if (st == FRAME_ERR_TOO_LARGE)
            msg_encode(encoded, sizeof(encoded),
                       c->greeted ? MSG_ID("frame of %s bytes exceeds the limit of %s bytes")
                                  : MSG_ID("frame of %s bytes exceeds the limit of %s bytes before hello"),
                       args, 2);
        else
            msg_encode(encoded, sizeof(encoded), MSG_ID("frame with an empty payload"), NULL, 0);
        msg_format_encoded(message, sizeof(message), encoded);
        log_warn("client %llu (%s): %s", (unsigned long long)c->id, c->peer, message);
        c->owner->handlers.on_bad_frame(c->owner->handlers.owner, c, st, encoded);
        connection_close_after_flush(c, message);
        return;
    }
    if (st == FRAME_ERR_NOMEM) {
        connection_close(c, "out of memory");
        return;
    }
    if (st == FRAME_PAUSED && !c->closing) {
        const net_limits *limits = &c->owner->limits;
        /* the first pause of a connection is worth a line; a flood pauses
         * once per max_inflight requests, which would be too many */
        if (c->inflight >= limits->max_inflight)
            log_msg(c->pauses ? LOG_DEBUG : LOG_INFO,
                   "client %llu (%s): paused reading: %d requests in flight (--max-inflight %d)",
                   (unsigned long long)c->id, c->peer, c->inflight, limits->max_inflight);
        else
            log_msg(c->pauses ? LOG_DEBUG : LOG_INFO,
                   "client %llu (%s): paused reading: %zu bytes of replies queued (high-water "
                   "mark %zu)", (unsigned long long)c->id, c->peer, c->write_backlog,
                   limits->write_high_water);
        c->paused = 1;
        c->pauses++;
    }
    /* the deadlines: activity now, and since when a frame is pending (a
     * frame kept unread by our own pause is not pending: not yet read) */
    c->active_ms = uv_now(c->owner->loop);
    if (!frame_reader_has_partial(&c->reader))
        c->partial_since_ms = 0;
    else if (!c->partial_since_ms)
        c->partial_since_ms = c->active_ms;
    update_reading(c);
}

void connection_resume(connection *c)
{
    c->resume_queued = 0;
    if (c->paused && may_take_requests(c) && !uv_is_closing((uv_handle_t *)&c->tcp)) {
        c->paused = 0;
        uint32_t bad_length = 0;
        frame_status st = frame_reader_resume(&c->reader, on_frame, c, &bad_length);
        if (st == FRAME_STOPPED)
            st = FRAME_OK;
        log_debug("client %llu (%s): resumed reading", (unsigned long long)c->id, c->peer);
        /* TLS: records read from the socket before the pause and not yet
         * decrypted; no socket read will come to fetch them */
        if (st == FRAME_OK && c->tls && !c->closing &&
            read_tls_records(c, &st, &bad_length) != 0) {
            connection_unref(c);
            return;
        }
        if (!c->closing)
            flush_output(c); /* the replies this resume produced: one write */
        after_frames(c, st, bad_length);
    } else {
        update_reading(c); /* still paused: queued again once it may go on */
    }
    connection_unref(c); /* the queue's */
}

/* The PROXY header stage: takes the header's bytes from *data (advancing
 * it past them) and, once the header is whole, gives the connection its
 * real client's address. -1 when the connection was closed (an invalid
 * header, or the client over its per-address cap). */
static int read_proxy_header(connection *c, const uint8_t **data, size_t *len)
{
    size_t used;
    proxy_source source;
    proxy_status st = proxy_header_feed(c->proxy, *data, *len, &used, &source);
    if (st == PROXY_INVALID) {
        char why[160];
        snprintf(why, sizeof(why), "invalid PROXY protocol header from a trusted proxy: %s",
                 proxy_header_error(c->proxy));
        connection_close(c, why);
        return -1;
    }
    *data += used;
    *len -= used;
    if (st == PROXY_NEED_MORE)
        return 0;
    free(c->proxy);
    c->proxy = NULL;
    if (source.local) { /* the proxy's own health check: its own address */
        log_info("client %llu connected from %s (PROXY LOCAL: the proxy itself)",
                 (unsigned long long)c->id, c->peer);
    } else {
        char via[sizeof(c->peer)];
        memcpy(via, c->peer, sizeof(via));
        snprintf(c->ip, sizeof(c->ip), "%s", source.ip);
        snprintf(c->peer, sizeof(c->peer), strchr(source.ip, ':') ? "[%s]:%u" : "%s:%u",
                 source.ip, (unsigned)source.port);
        log_info("client %llu connected from %s via proxy %s", (unsigned long long)c->id,
                 c->peer, via);
    }
    return listener_check_address_cap(c->owner, c);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    connection *c = stream->data;
    if (nread == 0)
        return;
    if (c->closing) { /* discarding until the peer closes */
        if (nread < 0) {
            c->peer_done = 1;
            update_reading(c);
            if (c->lingering || nread != UV_EOF)
                connection_close(c, nread == UV_EOF ? "closed by both sides" : uv_strerror((int)nread));
        }
        return;
    }
    if (nread == UV_EOF && c->proxy) {
        connection_close(c, "closed before the end of its PROXY protocol header");
        return;
    }
    if (nread == UV_EOF) {
        /* The peer has sent all it will; answer what is in flight first. */
        if (frame_reader_has_partial(&c->reader))
            log_warn("client %llu (%s): closed in the middle of a frame",
                     (unsigned long long)c->id, c->peer);
        c->peer_done = 1;
        update_reading(c);
        maybe_finish_drain(c);
        return;
    }
    if (nread < 0) {
        connection_close(c, uv_strerror((int)nread));
        return;
    }
    const uint8_t *data = (const uint8_t *)buf->base;
    size_t len = (size_t)nread;
    if (c->proxy && (read_proxy_header(c, &data, &len) != 0 || len == 0))
        return; /* closed, or nothing after the header yet */
    uint32_t bad_length = 0;
    connection_ref(c); /* a handler may close the connection under us */
    frame_status st;
    if (c->tls) {
        if (read_tls(c, data, len, &st, &bad_length) != 0) {
            connection_unref(c);
            return;
        }
    } else {
        st = frame_reader_feed(&c->reader, data, len, on_frame, c, &bad_length);
        if (!c->closing)
            flush_output(c); /* the replies this read produced: one write */
    }
    after_frames(c, st, bad_length);
    connection_unref(c);
}

void connection_greeted(connection *c)
{
    c->greeted = 1;
    c->reader.max_payload = c->owner->limits.max_frame;
}

void connection_check_deadlines(connection *c, uint64_t now_ms)
{
    const net_limits *limits = &c->owner->limits;
    char why[96];
    if (c->closing)
        return;
    if (!c->greeted && limits->hello_timeout_ms > 0 &&
        now_ms - c->accepted_ms > (uint64_t)limits->hello_timeout_ms) {
        snprintf(why, sizeof(why), "no %s within %d ms (--hello-timeout)",
                 c->proxy ? "PROXY protocol header" : "hello", limits->hello_timeout_ms);
        connection_close(c, why);
    } else if (c->partial_since_ms && limits->frame_timeout_ms > 0 &&
               now_ms - c->partial_since_ms > (uint64_t)limits->frame_timeout_ms) {
        /* a byte a second keeps a connection busy but never completes */
        snprintf(why, sizeof(why), "a frame took longer than %d ms to arrive (--frame-timeout)",
                 limits->frame_timeout_ms);
        connection_close(c, why);
    } else if (limits->idle_timeout_ms > 0 && c->inflight == 0 && c->write_backlog == 0 &&
               !c->partial_since_ms && !c->paused &&
               now_ms - c->active_ms > (uint64_t)limits->idle_timeout_ms) {
        snprintf(why, sizeof(why), "idle for %d ms (--idle-timeout)", limits->idle_timeout_ms);
        connection_close_after_flush(c, why);
    }
}

static void free_unaccepted(uv_handle_t *handle)
{
    free(handle->data);
}

void connection_accept(listener *l)
{
    connection *c = calloc(1, sizeof(*c));
    if (!c) {
        log_error("out of memory accepting a connection");
        return;
    }
    c->owner = l;
    c->refs = 1;
    if (l->tls && !(c->tls = tls_session_new(l->tls))) {
        log_error("out of memory accepting a connection");
        free(c);
        return;
    }
    /* until hello, only small frames: a stranger cannot make us buffer more */
    uint32_t before_hello = l->limits.max_frame_before_hello;
    frame_reader_init(&c->reader, before_hello && before_hello < l->limits.max_frame
                                      ? before_hello
                                      : l->limits.max_frame);
    c->accepted_ms = c->active_ms = uv_now(l->loop);
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept((uv_stream_t *)&l->tcp, (uv_stream_t *)&c->tcp) != 0) {
        tls_session_free(c->tls); /* c->proxy is not allocated yet */
        uv_close((uv_handle_t *)&c->tcp, free_unaccepted);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    if (l->limits.keepalive_s > 0) /* a peer that vanished is found and closed */
        uv_tcp_keepalive(&c->tcp, 1, (unsigned)l->limits.keepalive_s);
    c->id = ++l->next_id;
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    int addr_len = sizeof(addr);
    snprintf(c->peer, sizeof(c->peer), "?");
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&addr, &addr_len) == 0) {
        char ip[48] = "";
        int port = 0;
        if (addr.ss_family == AF_INET6) {
            struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
            uv_ip6_name(a6, ip, sizeof(ip));
            port = ntohs(a6->sin6_port);
            snprintf(c->peer, sizeof(c->peer), "[%s]:%d", ip, port);
            snprintf(c->ip, sizeof(c->ip), "%s", ip);
        } else {
            struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
            uv_ip4_name(a4, ip, sizeof(ip));
            port = ntohs(a4->sin_port);
            snprintf(c->peer, sizeof(c->peer), "%s:%d", ip, port);
            snprintf(c->ip, sizeof(c->ip), "%s", ip);
        }
    }
    int proxied = l->proxy_from && c->peer[0] != '?' &&
                  proxy_trust_match(l->proxy_from, (struct sockaddr *)&addr);
    if (proxied && (c->proxy = malloc(sizeof(*c->proxy))) != NULL)
        proxy_header_init(c->proxy);
    c->next = l->connections;
    if (l->connections)
        l->connections->prev = c;
    l->connections = c;
    l->count++;
    if (proxied && !c->proxy) {
        connection_close(c, "out of memory");
        return;
    }
    if (!proxied) /* a proxied one says who it is for once its header is read */
        log_info("client %llu connected from %s", (unsigned long long)c->id, c->peer);
    update_reading(c);
}
