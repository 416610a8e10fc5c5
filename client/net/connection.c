/* See connection.h. */
#include "connection.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "hostport.h"
#include "i18n.h"
#include "plat_socket.h"
#include "progress.h"
#include "protocol.h"
#include "server_error.h"
#include "tls_client.h"
#include "wire.h"


/* send(), or SSL_write over TLS; -1 with errno EAGAIN and *want set when
 * it must wait for the socket. */
static ssize_t send_some(connection *conn, const uint8_t *data, size_t len, short *want)
{
    *want = POLLOUT;
    if (!conn->ssl)
        return plat_socket_send(conn->fd, data, len);
    ssize_t n = tls_client_send(conn->ssl, data, len, want);
    if (n < 0 && *want)
        errno = EAGAIN;
    else if (n == 0) { /* the server ended the TLS session */
        errno = EPIPE;
        n = -1;
    }
    return n;
}

static int connect_one(const struct addrinfo *ai, int timeout_ms, int *out_errno)
{
    int fd = plat_socket_open(ai);
    if (fd < 0) {
        *out_errno = errno;
        return -1;
    }
    if (plat_socket_connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            *out_errno = errno;
            plat_socket_close(fd);
            return -1;
        }
        if (deadline_wait_fd(fd, POLLOUT, deadline_now_ms() + timeout_ms) <= 0) {
            *out_errno = ETIMEDOUT;
            plat_socket_close(fd);
            return -1;
        }
        int soerr = plat_socket_pending_error(fd);
        if (soerr != 0) {
            *out_errno = soerr;
            plat_socket_close(fd);
            return -1;
        }
    }
    plat_socket_nodelay(fd);
    return fd;
}

void connection_error_from_response(const Cchc__V1__Error *error, cli_error *err)
{
    int exit_code = EXIT_SERVER_ERROR;
    if (error->code == CCHC__V1__ERROR_CODE__VERSION_MISMATCH ||
        error->code == CCHC__V1__ERROR_CODE__MALFORMED ||
        error->code == CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE)
        exit_code = EXIT_PROTOCOL;
    cli_error_set(err, exit_code, "%s", "");
    snprintf(err->code_name, sizeof(err->code_name), "%s",
             wire_error_code_name(error->code));
    server_error_render(error, err);
}

/* Requests at least this big show a progress line while they are sent
 * (a filled template of a whole period): on a slow line they take a while. */
#define PROGRESS_MIN_BYTES (32 * 1024)

static int send_all(connection *conn, const uint8_t *data, size_t len, cli_error *err)
{
    int64_t deadline = deadline_now_ms() + conn->timeout_ms;
    size_t off = 0;
    while (off < len) {
        if (len >= PROGRESS_MIN_BYTES)
            progress_show(_("Sending to the server: %zu of %zu KiB…"), off / 1024, len / 1024);
        short want;
        ssize_t n = send_some(conn, data + off, len - off, &want);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (deadline_wait_fd(conn->fd, want, deadline) > 0)
                continue;
            cli_error_set(err, EXIT_UNREACHABLE, _("timed out sending to the server"));
            return -1;
        }
        if (n < 0 && errno == EINTR)
            continue;
        cli_error_set(err, EXIT_UNREACHABLE, _("connection to the server lost: %s"),
                      plat_socket_strerror(errno));
        return -1;
    }
    return 0;
}

/* A part of an answer in parts: its body is kept and the frame consumed
 * (returns 1) unless it is the last part, which still goes to pending. A
 * last part with an error is the answer: the parts before it are void. */
static int collect_part(connection *conn, Cchc__V1__Response *response)
{
    if (response->request_id == 0 || (!response->more && conn->parts.count == 0))
        return 0;
    if (!response->error)
        reply_parts_add(&conn->parts, response);
    if (response->more) {
        cchc__v1__response__free_unpacked(response, NULL);
        return 1;
    }
    return 0;
}

static int on_frame(void *ctx, const uint8_t *payload, size_t len)
{
    connection *conn = ctx;
    Cchc__V1__Response *response = wire_decode_response(payload, len);
    if (!response)
        return 1; /* garbled: stop, the caller reports */
    if (conn->pending ||
        (response->request_id != conn->awaited_id && response->request_id != 0)) {
        cchc__v1__response__free_unpacked(response, NULL);
        return 0; /* an answer to an abandoned request */
    }
    if (collect_part(conn, response))
        return 0;
    conn->pending = response;
    return 0; /* keep reading the buffer: frames after this one stay in sync */
}

static int receive(connection *conn, Cchc__V1__Response **response, cli_error *err)
{
    int64_t deadline = deadline_now_ms() + conn->timeout_ms;
    conn->pending = NULL;
    reply_parts_reset(&conn->parts);
    uint8_t buf[16384];
    short want = conn->ssl ? 0 : POLLIN;
    for (;;) {
        /* over TLS, decrypted bytes may already wait inside OpenSSL */
        int ready = conn->ssl && want == 0 ? 1 : deadline_wait_fd(conn->fd, want, deadline);
        if (ready == 0) {
            cli_error_set(err, EXIT_UNREACHABLE,
                          _("the server did not answer within %d ms"), conn->timeout_ms);
            return -1;
        }
        ssize_t n;
        if (conn->ssl) {
            n = tls_client_recv(conn->ssl, buf, sizeof(buf), &want);
            if (n < 0 && want)
                continue;
            want = 0;
        } else {
            n = plat_socket_recv(conn->fd, buf, sizeof(buf));
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            cli_error_set(err, EXIT_UNREACHABLE, _("the server closed the connection"));
            return -1;
        }
        if (!conn->ssl && !conn->received_any &&
            tls_client_looks_like_tls(buf, (size_t)n)) {
            cli_error_set(err, EXIT_PROTOCOL,
                          _("the server %s requires TLS: use --tls and --ca FILE"),
                          conn->server);
            return -1;
        }
        conn->received_any = 1;
        uint32_t bad = 0;
        unsigned parts = conn->parts.count;
        frame_status st = frame_reader_feed(&conn->reader, buf, (size_t)n, on_frame,
                                            conn, &bad);
        if (conn->parts.count != parts) {
            deadline = deadline_now_ms() + conn->timeout_ms; /* the timeout is per part */
            progress_show(_("Receiving the answer: part %u, %zu KiB…"), conn->parts.count,
                          conn->parts.len / 1024);
        }
        if (conn->pending) {
            *response = conn->pending;
            conn->pending = NULL;
            return 0;
        }
        if (st != FRAME_OK) {
            cli_error_set(err, EXIT_PROTOCOL,
                          _("unreadable answer from %s (%s); is it a cchcd server?"),
                          conn->server,
                          st == FRAME_STOPPED ? _("not a cchc.v1.Response")
                                              : frame_status_text(st));
            return -1;
        }
    }
}

/* When the answer came in parts, replaces *answer (its last part) with
 * the whole; -1 with err set when the parts do not fit together. */
static int answer_from_parts(connection *conn, Cchc__V1__Response **answer, cli_error *err)
{
    unsigned count = conn->parts.count;
    if (count == 0 || (*answer)->error) {
        reply_parts_reset(&conn->parts);
        return 0;
    }
    Cchc__V1__Response *whole = reply_parts_merge(&conn->parts, *answer);
    reply_parts_reset(&conn->parts);
    cchc__v1__response__free_unpacked(*answer, NULL);
    *answer = whole;
    if (whole)
        return 0;
    cli_error_set(err, EXIT_PROTOCOL,
                  _("could not put together the answer's %u parts (out of memory or garbled)"),
                  count);
    return -1;
}

static int call_once(connection *conn, Cchc__V1__Request *request,
                     Cchc__V1__Response **response, cli_error *err)
{
    request->request_id = ++conn->next_request_id;
    uint8_t *frame;
    size_t len;
    uint32_t limit = conn->server_max_frame ? conn->server_max_frame
                                            : CCHC_DEFAULT_MAX_FRAME;
    if (wire_encode_frame(&request->base, limit, &frame, &len, NULL) != 0) {
        cli_error_set(err, EXIT_USAGE,
                      _("the request is larger than the server accepts (%u bytes)"),
                      limit);
        return -1;
    }
    conn->request_sent = 0;
    int rc = send_all(conn, frame, len, err);
    sodium_memzero(frame, len); /* it may hold a password or the session token */
    free(frame);
    if (rc != 0)
        return -1;
    conn->request_sent = 1;
    if (len >= PROGRESS_MIN_BYTES)
        progress_show(_("Sent %zu KiB; waiting for the server…"), len / 1024);
    conn->awaited_id = request->request_id;
    Cchc__V1__Response *answer = NULL;
    if (receive(conn, &answer, err) != 0)
        return -1;
    if (answer_from_parts(conn, &answer, err) != 0)
        return -1;
    if (answer->error) {
        connection_error_from_response(answer->error, err);
        cchc__v1__response__free_unpacked(answer, NULL);
        return -1;
    }
    *response = answer;
    return 0;
}

int connection_call(connection *conn, Cchc__V1__Request *request,
                    Cchc__V1__Response **response, cli_error *err)
{
    int rc = call_once(conn, request, response, err);
    progress_end(); /* before anything else is said on stderr */
    return rc;
}

int connection_open(connection *conn, const cli_options *opts, cli_error *err)
{
    memset(conn, 0, sizeof(*conn));
    conn->fd = -1;
    conn->timeout_ms = opts->timeout_ms;
    snprintf(conn->server, sizeof(conn->server), "%s", opts->server);
    frame_reader_init(&conn->reader, CCHC_MAX_REPLY);

    hostport hp;
    char why[256];
    if (hostport_parse(opts->server, CCHC_DEFAULT_PORT_STR, &hp, why, sizeof(why)) != 0) {
        cli_error_set(err, EXIT_USAGE, _("server address from %s: %s"),
                      opts->server_source, why);
        return -1;
    }
    if (plat_socket_startup() != 0) {
        cli_error_set(err, EXIT_UNREACHABLE,
                      _("cannot reach the server at %s (%s): %s; is cchcd running?"),
                      opts->server, opts->server_source, plat_socket_strerror(ENETDOWN));
        return -1;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int rc = getaddrinfo(hp.host[0] ? hp.host : "127.0.0.1", hp.port, &hints, &res);
    if (rc != 0) {
        cli_error_set(err, EXIT_UNREACHABLE, _("cannot resolve %s: %s"), hp.host,
                      gai_strerror(rc));
        return -1;
    }
    int last_errno = 0, use_tls = 0;
    for (struct addrinfo *ai = res; ai && conn->fd < 0; ai = ai->ai_next) {
        conn->fd = connect_one(ai, opts->timeout_ms, &last_errno);
        use_tls = tls_client_wanted(opts, ai->ai_addr);
    }
    freeaddrinfo(res);
    if (conn->fd < 0) {
        cli_error_set(err, EXIT_UNREACHABLE,
                      _("cannot reach the server at %s (%s): %s; is cchcd running?"),
                      opts->server, opts->server_source, plat_socket_strerror(last_errno));
        return -1;
    }
    if (use_tls &&
        tls_client_handshake(conn->fd, hp.host[0] ? hp.host : "127.0.0.1", opts->server, opts,
                             deadline_now_ms() + opts->timeout_ms, &conn->ssl, err) != 0) {
        connection_close(conn);
        return -1;
    }

    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    hello.client_name = "cchc";
    hello.client_version = CCHC_VERSION;
    hello.accepts_parts = 1;
    Cchc__V1__Request request = CCHC__V1__REQUEST__INIT;
    request.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    request.hello = &hello;
    Cchc__V1__Response *response = NULL;
    if (connection_call(conn, &request, &response, err) != 0) {
        connection_close(conn);
        return -1;
    }
    if (response->body_case != CCHC__V1__RESPONSE__BODY_HELLO) {
        cchc__v1__response__free_unpacked(response, NULL);
        cli_error_set(err, EXIT_PROTOCOL, _("the server did not answer hello"));
        connection_close(conn);
        return -1;
    }
    conn->server_max_frame = response->hello->max_frame_size;
    snprintf(conn->server_version, sizeof(conn->server_version), "%s",
             response->hello->server_version);
    cchc__v1__response__free_unpacked(response, NULL);
    return 0;
}

void connection_close(connection *conn)
{
    tls_client_close(conn->ssl);
    conn->ssl = NULL;
    if (conn->fd >= 0)
        plat_socket_close(conn->fd);
    conn->fd = -1;
    frame_reader_reset(&conn->reader);
    reply_parts_reset(&conn->parts);
}
