/* See harness_tls.h. The OpenSSL client works through memory BIOs, as
 * cchcd does: the harness moves the bytes itself with blocking send
 * (MSG_NOSIGNAL, so writing to a connection the server has closed fails
 * instead of killing the test with SIGPIPE) and poll + recv (so every
 * read keeps the timeout the plaintext path has). A test's raw_send then
 * puts its bytes, however odd, in TLS records exactly when it asks. */
#include "harness_tls.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

typedef struct tls_conn {
    SSL *ssl;
    BIO *in, *out;  /* owned by ssl: socket bytes in, socket bytes out */
    dev_t dev;      /* which socket this is: a closed descriptor's number */
    ino_t ino;      /* may be reused by another socket */
    int eof;        /* the server's TCP end (or a reset) was read */
} tls_conn;

static tls_conn **conns; /* by descriptor */
static int nconns;
static SSL_CTX *ctx;
static char ctx_ca[600];

static void conn_free(tls_conn *c)
{
    if (c) {
        SSL_free(c->ssl);
        free(c);
    }
}

static void forget_all(void)
{
    for (int fd = 0; fd < nconns; fd++)
        conn_free(conns[fd]);
    free(conns);
    conns = NULL;
    nconns = 0;
    SSL_CTX_free(ctx);
    ctx = NULL;
}

static void forget(int fd)
{
    if (fd >= 0 && fd < nconns) {
        conn_free(conns[fd]);
        conns[fd] = NULL;
    }
}

static tls_conn *lookup(int fd)
{
    if (fd < 0 || fd >= nconns || !conns[fd])
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_dev != conns[fd]->dev || st.st_ino != conns[fd]->ino) {
        forget(fd); /* the test closed it; the number now names another file */
        return NULL;
    }
    return conns[fd];
}

int tls_raw_active(int fd)
{
    return lookup(fd) != NULL;
}

static SSL_CTX *context_for(const char *ca_file)
{
    if (ctx && strcmp(ctx_ca, ca_file) == 0)
        return ctx;
    SSL_CTX_free(ctx);
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1)
        fail_msg("cannot load the test CA %s", ca_file);
    /* registered after OpenSSL's own exit handler, so it runs before it */
    static int registered;
    if (!registered) {
        atexit(forget_all);
        registered = 1;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* a TCP end without close_notify is an end, as in plaintext */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    snprintf(ctx_ca, sizeof(ctx_ca), "%s", ca_file);
    return ctx;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends what TLS has written; -1 when the socket fails. */
static int flush(tls_conn *c, int fd)
{
    char buf[16384];
    int n;
    while ((n = BIO_read(c->out, buf, sizeof(buf))) > 0) {
        for (int off = 0; off < n;) {
            ssize_t w = send(fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return -1;
            off += (int)w;
        }
    }
    return 0;
}

/* Reads what the socket has for TLS: 1 bytes, 0 the end (or a reset),
 * -1 an error, -2 nothing within timeout_ms. */
static int feed(tls_conn *c, int fd, int timeout_ms)
{
    char buf[16384];
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, timeout_ms);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return ready == 0 ? -2 : -1;
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0) {
            BIO_write(c->in, buf, (int)n);
            return 1;
        }
        if (n < 0 && errno != ECONNRESET)
            return -1;
        c->eof = 1;
        BIO_set_mem_eof_return(c->in, 0); /* now an empty BIO is the end */
        return 0;
    }
}

void tls_raw_start(int fd, const char *ca_file, int timeout_ms)
{
    forget(fd);
    struct stat st;
    if (fstat(fd, &st) != 0)
        fail_msg("TLS on descriptor %d: %s", fd, strerror(errno));
    if (fd >= nconns) {
        int n = fd + 64;
        conns = realloc(conns, sizeof(*conns) * (size_t)n);
        memset(conns + nconns, 0, sizeof(*conns) * (size_t)(n - nconns));
        nconns = n;
    }
    tls_conn *c = calloc(1, sizeof(*c));
    c->ssl = SSL_new(context_for(ca_file));
    c->in = BIO_new(BIO_s_mem());
    c->out = BIO_new(BIO_s_mem());
    if (!c->ssl || !c->in || !c->out)
        fail_msg("out of memory for TLS");
    BIO_set_mem_eof_return(c->in, -1); /* empty: wait for more */
    SSL_set_bio(c->ssl, c->in, c->out);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), "127.0.0.1");
    SSL_set_connect_state(c->ssl);
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    conns[fd] = c;
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        int r = SSL_do_handshake(c->ssl);
        if (flush(c, fd) != 0)
            fail_msg("TLS handshake: send: %s", strerror(errno));
        if (r == 1)
            return;
        int e = SSL_get_error(c->ssl, r);
        if (e != SSL_ERROR_WANT_READ || c->eof) {
            long verify = SSL_get_verify_result(c->ssl);
            unsigned long err = ERR_get_error();
            ERR_clear_error();
            fail_msg("TLS handshake with cchcd failed: %s (verify: %s)",
                     err ? ERR_reason_error_string(err) : c->eof ? "the server closed" : "?",
                     X509_verify_cert_error_string(verify));
        }
        long long left = deadline - now_ms();
        int f = feed(c, fd, left > 0 ? (int)left : 0);
        if (f == -2)
            fail_msg("TLS handshake with cchcd: no answer within %d ms", timeout_ms);
        if (f == -1)
            fail_msg("TLS handshake: recv: %s", strerror(errno));
    }
}

int tls_raw_send(int fd, const void *data, size_t len)
{
    tls_conn *c = lookup(fd);
    if (!c)
        return -1;
    const char *p = data;
    while (len > 0) {
        int chunk = len > (1u << 20) ? (1 << 20) : (int)len;
        int n = SSL_write(c->ssl, p, chunk);
        if (n <= 0) {
            ERR_clear_error();
            return -1;
        }
        if (flush(c, fd) != 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

long tls_raw_read(int fd, void *buf, size_t len, int timeout_ms)
{
    tls_conn *c = lookup(fd);
    if (!c)
        return -1;
    for (;;) {
        int n = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
        int e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, n);
        ERR_clear_error();
        flush(c, fd); /* what TLS answers while reading; a failure shows on read */
        if (n > 0)
            return n;
        if (e == SSL_ERROR_WANT_READ && !c->eof) {
            int f = feed(c, fd, timeout_ms);
            if (f < 0)
                return f;
            continue;
        }
        if (e == SSL_ERROR_ZERO_RETURN) {
            /* close_notify: the TCP end follows, as the plaintext path
             * would see it; anything after close_notify is discarded */
            while (!c->eof) {
                int f = feed(c, fd, timeout_ms);
                if (f < 0)
                    return f;
            }
            return 0;
        }
        return c->eof ? 0 : -1;
    }
}
