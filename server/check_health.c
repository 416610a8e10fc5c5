/* See check_health.h. A blocking client of a few dozen lines of its own,
 * not cchc: the check runs on balancer and monitoring hosts where only the
 * server package may be installed, and it needs nothing of the client's
 * session, store or rendering. TLS is OpenSSL over the socket; one line of
 * output (monitoring plugins show it) and the exit code say the outcome. */
#include "check_health.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "frame.h"
#include "hostport.h"
#include "protocol.h"
#include "wire.h"

enum { HEALTH_OK = 0, HEALTH_CRITICAL = 2, HEALTH_UNKNOWN = 3 };

typedef struct health_link {
    int fd;
    SSL *ssl;
} health_link;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cchcd check-health [HOST:PORT] [--tls] [--ca FILE] [--tls-name NAME]\n"
            "                          [--send-proxy] [--timeout MS]\n"
            "Asks the cchcd at HOST:PORT (default 127.0.0.1:%d) whether it is healthy:\n"
            "serving, its database reachable and migrated. Prints one line and exits\n"
            "0 when healthy, 2 when not (or no answer), 3 on a usage error.\n"
            "  --tls            speak TLS, verifying against the system's CAs\n"
            "  --ca FILE        speak TLS, verifying against this CA (PEM)\n"
            "  --tls-name NAME  the name the certificate must carry (default HOST)\n"
            "  --send-proxy     start with a PROXY protocol v2 LOCAL header, as a check\n"
            "                   from a load balancer listed in cchcd's proxy-from must\n"
            "  --timeout MS     each step (connect, every read and write) within this\n"
            "                   (default 5000)\n",
            CCHC_DEFAULT_PORT);
}

static int link_write(health_link *l, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = l->ssl ? SSL_write(l->ssl, data, (int)len) : write(l->fd, data, len);
        if (n <= 0) {
            if (!l->ssl && n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static int link_read(health_link *l, uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = l->ssl ? SSL_read(l->ssl, data, (int)len) : read(l->fd, data, len);
        if (n <= 0) {
            if (!l->ssl && n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Sends request and returns the answer (free with
 * cchc__v1__response__free_unpacked), or NULL with why. */
static Cchc__V1__Response *exchange(health_link *l, Cchc__V1__Request *request, char *why, size_t size)
{
    uint8_t *frame;
    size_t frame_len;
    if (wire_encode_frame(&request->base, CCHC_DEFAULT_MAX_FRAME, &frame, &frame_len, NULL) != 0) {
        snprintf(why, size, "cannot encode the request");
        return NULL;
    }
    int sent = link_write(l, frame, frame_len);
    free(frame);
    uint8_t header[FRAME_HEADER_SIZE];
    if (sent != 0 || link_read(l, header, sizeof(header)) != 0) {
        snprintf(why, size, "no answer (connection closed, timed out, or TLS refused)");
        return NULL;
    }
    uint32_t len = frame_get_header(header);
    if (len == 0 || len > CCHC_DEFAULT_MAX_FRAME) {
        snprintf(why, size, "a frame of %u bytes: not cchcd?", len);
        return NULL;
    }
    uint8_t *payload = malloc(len);
    if (!payload || link_read(l, payload, len) != 0) {
        free(payload);
        snprintf(why, size, "the answer was cut short");
        return NULL;
    }
    Cchc__V1__Response *response = wire_decode_response(payload, len);
    free(payload);
    if (!response)
        snprintf(why, size, "the answer is not a cchc response: not cchcd?");
    else if (response->error) {
        snprintf(why, size, "the server answered %s: %s",
                 wire_error_code_name(response->error->code), response->error->message);
        cchc__v1__response__free_unpacked(response, NULL);
        return NULL;
    }
    return response;
}

static int connect_to(const hostport *hp, int timeout_ms, char *why, size_t size)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *list;
    const char *host = hp->host[0] ? hp->host : "127.0.0.1";
    int rc = getaddrinfo(host, hp->port, &hints, &list);
    if (rc != 0) {
        snprintf(why, size, "cannot resolve %s: %s", host, gai_strerror(rc));
        return -1;
    }
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    int fd = -1;
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        /* Linux applies SO_SNDTIMEO to connect(2) as well */
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        snprintf(why, size, "cannot connect to %s:%s: %s", host, hp->port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    return fd;
}

static SSL_CTX *tls_context(const char *ca, char *why, size_t size)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        snprintf(why, size, "cannot create a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if ((ca ? SSL_CTX_load_verify_locations(ctx, ca, NULL)
            : SSL_CTX_set_default_verify_paths(ctx)) != 1) {
        snprintf(why, size, "cannot load the CA %s", ca ? ca : "(system)");
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static int tls_start(health_link *l, SSL_CTX *ctx, const char *name, char *why, size_t size)
{
    l->ssl = SSL_new(ctx);
    if (!l->ssl || SSL_set_fd(l->ssl, l->fd) != 1) {
        snprintf(why, size, "cannot start TLS");
        return -1;
    }
    struct in6_addr ip;
    if (inet_pton(AF_INET, name, &ip) == 1 || inet_pton(AF_INET6, name, &ip) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(l->ssl), name);
    } else {
        SSL_set_tlsext_host_name(l->ssl, name);
        SSL_set1_host(l->ssl, name);
    }
    if (SSL_connect(l->ssl) != 1) {
        long verify = SSL_get_verify_result(l->ssl);
        unsigned long err = ERR_get_error();
        snprintf(why, size, "TLS handshake failed: %s",
                 verify != X509_V_OK ? X509_verify_cert_error_string(verify)
                 : err               ? ERR_reason_error_string(err)
                                     : "the server closed the connection (plaintext?)");
        return -1;
    }
    return 0;
}

static int run_check(health_link *l, char *line, size_t size)
{
    char why[400];
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    hello.client_name = "cchcd-check-health";
    hello.client_version = CCHC_VERSION;
    Cchc__V1__Request request = CCHC__V1__REQUEST__INIT;
    request.request_id = 1;
    request.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    request.hello = &hello;
    Cchc__V1__Response *answer = exchange(l, &request, why, sizeof(why));
    if (!answer) {
        snprintf(line, size, "CRITICAL - hello: %s", why);
        return HEALTH_CRITICAL;
    }
    cchc__v1__response__free_unpacked(answer, NULL);

    Cchc__V1__HealthRequest health = CCHC__V1__HEALTH_REQUEST__INIT;
    request.request_id = 2;
    request.body_case = CCHC__V1__REQUEST__BODY_HEALTH;
    request.health = &health;
    answer = exchange(l, &request, why, sizeof(why));
    if (!answer || answer->body_case != CCHC__V1__RESPONSE__BODY_HEALTH) {
        snprintf(line, size, "CRITICAL - health: %s",
                 answer ? "the server answered something else" : why);
        if (answer)
            cchc__v1__response__free_unpacked(answer, NULL);
        return HEALTH_CRITICAL;
    }
    const Cchc__V1__HealthResponse *h = answer->health;
    /* the words of a monitoring plugin's line, then its performance data */
    snprintf(line, size,
             "%s - %s%s%s; serving=%s database=%s migrations=%s pool=%u/%u pending=%u "
             "uptime=%llus version=%s schema=%d | pool_ready=%u;;;0;%u pending=%u uptime=%llus",
             h->healthy ? "OK" : "CRITICAL", h->healthy ? "healthy" : "not healthy",
             h->problem && *h->problem ? ": " : "", h->problem ? h->problem : "",
             h->serving ? "yes" : "no", h->database_reachable ? "reachable" : "unreachable",
             h->migrations_current ? "current" : "not-current", h->pool_ready, h->pool_size,
             h->pool_pending, (unsigned long long)h->uptime_seconds, h->server_version,
             h->schema_version, h->pool_ready, h->pool_size, h->pool_pending,
             (unsigned long long)h->uptime_seconds);
    int code = h->healthy ? HEALTH_OK : HEALTH_CRITICAL;
    cchc__v1__response__free_unpacked(answer, NULL);
    return code;
}

int check_health_main(int argc, char **argv)
{
    static const struct option options[] = {
        {"tls", no_argument, NULL, 't'},
        {"ca", required_argument, NULL, 'c'},
        {"tls-name", required_argument, NULL, 'n'},
        {"send-proxy", no_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int tls = 0, send_proxy = 0, timeout_ms = 5000;
    const char *ca = NULL, *name = NULL;
    optind = 0;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 't': tls = 1; break;
        case 'c': ca = optarg; tls = 1; break;
        case 'n': name = optarg; break;
        case 'p': send_proxy = 1; break;
        case 'T': {
            char *end;
            long value = strtol(optarg, &end, 10);
            if (*end || value < 1 || value > 600000) {
                fprintf(stderr, "cchcd check-health: --timeout takes milliseconds, 1 to 600000\n");
                return HEALTH_UNKNOWN;
            }
            timeout_ms = (int)value;
            break;
        }
        case 'h': usage(stdout); return HEALTH_OK;
        default: usage(stderr); return HEALTH_UNKNOWN;
        }
    }
    if (argc - optind > 1) {
        usage(stderr);
        return HEALTH_UNKNOWN;
    }
    hostport hp;
    char why[400], line[900];
    if (hostport_parse(optind < argc ? argv[optind] : "127.0.0.1", CCHC_DEFAULT_PORT_STR, &hp,
                       why, sizeof(why)) != 0) {
        fprintf(stderr, "cchcd check-health: %s\n", why);
        return HEALTH_UNKNOWN;
    }
    health_link l = {connect_to(&hp, timeout_ms, why, sizeof(why)), NULL};
    if (l.fd < 0) {
        printf("CRITICAL - %s\n", why);
        return HEALTH_CRITICAL;
    }
    /* a PROXY v2 header, command LOCAL: "the balancer itself, no client
     * address follows" (the signature, version 2 + LOCAL, family and
     * length 0), sent in clear before TLS as HAProxy sends it */
    static const uint8_t proxy_local[16] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51,
                                            0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00};
    SSL_CTX *ctx = NULL;
    int code;
    if (send_proxy && link_write(&l, proxy_local, sizeof(proxy_local)) != 0) {
        printf("CRITICAL - cannot send the PROXY header: %s\n", strerror(errno));
        code = HEALTH_CRITICAL;
    } else if (tls && !(ctx = tls_context(ca, why, sizeof(why)))) {
        printf("UNKNOWN - %s\n", why);
        code = HEALTH_UNKNOWN;
    } else if (tls && tls_start(&l, ctx, name ? name : (hp.host[0] ? hp.host : "127.0.0.1"),
                                why, sizeof(why)) != 0) {
        printf("CRITICAL - %s\n", why);
        code = HEALTH_CRITICAL;
    } else {
        code = run_check(&l, line, sizeof(line));
        printf("%s\n", line);
    }
    if (l.ssl) {
        SSL_shutdown(l.ssl);
        SSL_free(l.ssl);
    }
    SSL_CTX_free(ctx);
    close(l.fd);
    return code;
}
