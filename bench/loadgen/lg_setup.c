/* See lg_setup.h. Blocking sockets on purpose: preparation is sequential
 * and untimed, and a plain call-and-wait reads most simply. */
#include "lg_setup.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_addr.h"
#include "protocol.h"
#include "wire.h"

int lg_link_open(lg_link *link, const char *server, char *err, size_t errlen)
{
    memset(link, 0, sizeof(*link));
    link->fd = -1;
    struct addrinfo *ai = bench_resolve(server, err, errlen);
    if (!ai)
        return -1;
    link->fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (link->fd < 0 || connect(link->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        snprintf(err, errlen, "cannot connect to %s", server);
        freeaddrinfo(ai);
        if (link->fd >= 0)
            close(link->fd);
        link->fd = -1;
        return -1;
    }
    freeaddrinfo(ai);
    int one = 1;
    setsockopt(link->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    frame_reader_init(&link->reader, CCHC_MAX_REPLY);

    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    hello.client_name = "cchc-loadgen";
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    Cchc__V1__Response *resp = lg_link_call(link, &req, err, errlen);
    if (!resp)
        return -1;
    int ok = !resp->error;
    if (!ok)
        snprintf(err, errlen, "hello refused: %s", resp->error->message);
    cchc__v1__response__free_unpacked(resp, NULL);
    return ok ? 0 : -1;
}

typedef struct wanted {
    uint64_t id;
    Cchc__V1__Response *resp;
} wanted;

static int take_frame(void *ctx, const uint8_t *payload, size_t len)
{
    wanted *w = ctx;
    Cchc__V1__Response *resp = wire_decode_response(payload, len);
    if (resp && resp->request_id == w->id && !w->resp)
        w->resp = resp;
    else if (resp)
        cchc__v1__response__free_unpacked(resp, NULL);
    return FRAME_SINK_GO_ON;
}

Cchc__V1__Response *lg_link_call(lg_link *link, Cchc__V1__Request *req, char *err,
                                 size_t errlen)
{
    req->request_id = ++link->next_id;
    uint8_t *frame;
    size_t len;
    if (wire_encode_frame(&req->base, CCHC_DEFAULT_MAX_FRAME, &frame, &len, NULL) != 0) {
        snprintf(err, errlen, "request too large");
        return NULL;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(link->fd, frame + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) {
            free(frame);
            snprintf(err, errlen, "the server closed the connection");
            return NULL;
        }
        off += (size_t)n;
    }
    free(frame);
    wanted w = {req->request_id, NULL};
    static uint8_t buf[65536];
    while (!w.resp) {
        ssize_t n = recv(link->fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            snprintf(err, errlen, "the server closed the connection");
            return NULL;
        }
        if (frame_reader_feed(&link->reader, buf, (size_t)n, take_frame, &w, NULL) != FRAME_OK) {
            snprintf(err, errlen, "bad frame from the server");
            return NULL;
        }
    }
    return w.resp;
}

char *lg_login(lg_link *link, const char *username, const char *password, char *err,
               size_t errlen)
{
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    Cchc__V1__LoginRequest login = CCHC__V1__LOGIN_REQUEST__INIT;
    login.username = (char *)username;
    login.password = (char *)password;
    req.body_case = CCHC__V1__REQUEST__BODY_LOGIN;
    req.login = &login;
    Cchc__V1__Response *resp = lg_link_call(link, &req, err, errlen);
    if (!resp)
        return NULL;
    char *token = NULL;
    if (resp->error)
        snprintf(err, errlen, "login %s refused: %s", username, resp->error->message);
    else if (resp->body_case == CCHC__V1__RESPONSE__BODY_LOGIN)
        token = strdup(resp->login->session_token);
    cchc__v1__response__free_unpacked(resp, NULL);
    return token;
}
