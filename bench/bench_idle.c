/* Holds N idle connections open, for scripts/bench's memory figure: what
 * one idle client costs the server. Each connection says hello to cchcd
 * (over TLS with --tls: the handshake made, then hello) or PING to Redis
 * (--redis), reads the answer, then sits still. Prints "ready N" once all
 * are open, then waits until its standard input closes; the script reads
 * the server's resident size meanwhile.
 *   cchc-bench-idle --server H:P --connections 10000 [--tls | --redis] */
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bench_addr.h"
#include "protocol.h"
#include "wire.h"

static int io_write(int fd, SSL *ssl, const void *buf, size_t len)
{
    if (ssl)
        return SSL_write(ssl, buf, (int)len) == (int)len ? 0 : -1;
    return send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

static ssize_t io_read(int fd, SSL *ssl, void *buf, size_t len)
{
    if (ssl)
        return SSL_read(ssl, buf, (int)len);
    return recv(fd, buf, len, 0);
}

static int hello_cchc(int fd, SSL *ssl)
{
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    req.request_id = 1;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    uint8_t *frame;
    size_t len;
    if (wire_encode_frame(&req.base, CCHC_DEFAULT_MAX_FRAME, &frame, &len, NULL) != 0)
        return -1;
    int rc = io_write(fd, ssl, frame, len);
    free(frame);
    uint8_t buf[4096];
    return rc == 0 && io_read(fd, ssl, buf, sizeof(buf)) > 0 ? 0 : -1;
}

static int ping_redis(int fd)
{
    char buf[64];
    if (send(fd, "PING\r\n", 6, MSG_NOSIGNAL) != 6)
        return -1;
    return recv(fd, buf, sizeof(buf), 0) > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *server = "127.0.0.1:7121";
    long n = 1000;
    int tls = 0, redis = 0;
    static const struct option options[] = {{"server", required_argument, NULL, 's'},
                                            {"connections", required_argument, NULL, 'c'},
                                            {"tls", no_argument, NULL, 't'},
                                            {"redis", no_argument, NULL, 'r'},
                                            {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 's': server = optarg; break;
        case 'c': n = atol(optarg); break;
        case 't': tls = 1; break;
        case 'r': redis = 1; break;
        default:
            fprintf(stderr, "usage: cchc-bench-idle --server H:P --connections N [--tls|--redis]\n");
            return 2;
        }
    }
    char err[256];
    struct addrinfo *ai = bench_resolve(server, err, sizeof(err));
    if (!ai) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    /* the server's memory is measured, not its certificate: no verification */
    SSL_CTX *ctx = tls ? SSL_CTX_new(TLS_client_method()) : NULL;
    for (long i = 0; i < n; i++) {
        int fd = socket(ai->ai_family, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            fprintf(stderr, "connection %ld: cannot connect\n", i);
            return 1;
        }
        /* the handshake's small writes must not wait for delayed ACKs
         * (40 ms each: 10,000 TLS connections would take minutes) */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        SSL *ssl = NULL;
        if (ctx) {
            ssl = SSL_new(ctx);
            SSL_set_fd(ssl, fd);
            if (SSL_connect(ssl) != 1) {
                fprintf(stderr, "connection %ld: TLS handshake failed\n", i);
                ERR_print_errors_fp(stderr);
                return 1;
            }
        }
        if ((redis ? ping_redis(fd) : hello_cchc(fd, ssl)) != 0) {
            fprintf(stderr, "connection %ld: no answer\n", i);
            return 1;
        }
        /* kept open (and its SSL with it) until the process ends */
    }
    freeaddrinfo(ai);
    printf("ready %ld\n", n);
    fflush(stdout);
    char line[16];
    while (fgets(line, sizeof(line), stdin))
        ;
    return 0;
}
