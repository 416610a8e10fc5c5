/* See tls_client.h. The client trusts the CA file it is given (--ca,
 * CCHC_CA, config `ca = …`), else the system store; it checks the host
 * name (or IP address) the user typed against the certificate, and, with
 * --pin, also the certificate's SHA-256 fingerprint. A pin adds to the
 * verification, it never replaces it. */
#include "tls_client.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "deadline.h"
#include "hostport.h"
#include "i18n.h"
#include "tls_roots.h"

int tls_client_wanted(const cli_options *opts, const struct sockaddr *addr)
{
    if (opts->insecure_plaintext)
        return 0;
    return opts->tls || opts->ca[0] || opts->pin[0] || !hostport_is_loopback(addr);
}

int tls_client_looks_like_tls(const uint8_t *data, size_t len)
{
    /* a handshake (22) or alert (21) record of TLS 1.x: a cchc frame's
     * first byte is its length's high byte, 0 for every allowed size */
    return len >= 2 && (data[0] == 21 || data[0] == 22) && data[1] == 3;
}

static int hex_value(char c)
{
    return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* "sha256:HEX" (colons between bytes allowed) into 32 bytes; 0 or -1. */
static int parse_pin(const char *text, unsigned char out[32])
{
    if (strncasecmp(text, "sha256:", 7) != 0)
        return -1;
    const char *p = text + 7;
    for (int i = 0; i < 32; i++) {
        if (i > 0 && *p == ':')
            p++;
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
            return -1;
        out[i] = (unsigned char)(hex_value(p[0]) * 16 + hex_value(p[1]));
        p += 2;
    }
    return *p == '\0' ? 0 : -1;
}

static void hex_of(const unsigned char *md, unsigned n, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < n && used + 2 < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%02x", md[i]);
}

/* The newest OpenSSL error as a short phrase; the queue is emptied. */
static const char *last_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    ERR_clear_error();
    return reason ? reason : _("connection closed");
}

/* Why verification failed, for people. */
static void explain_verify(long result, const char *host, const char *server,
                           const cli_options *opts, cli_error *err)
{
    const char *detail = X509_verify_cert_error_string(result);
    switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        cli_error_set(err, EXIT_PROTOCOL,
                      _("the server's TLS certificate is not for %s: maybe this is the wrong "
                        "machine"),
                      host);
        return;
    case X509_V_ERR_CERT_HAS_EXPIRED:
        cli_error_set(err, EXIT_PROTOCOL,
                      _("the TLS certificate of the server %s has expired; tell the server's "
                        "administrator"),
                      server);
        return;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        cli_error_set(err, EXIT_PROTOCOL,
                      _("the TLS certificate of the server %s is not valid yet; check this "
                        "computer's clock"),
                      server);
        return;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        cli_error_set(err, EXIT_PROTOCOL,
                      _("the TLS certificate of the server %s is not trusted: it is not "
                        "signed by the CA %s: %s"),
                      server, opts->ca[0] ? opts->ca : _("of the system store"), detail);
        return;
    default:
        cli_error_set(err, EXIT_PROTOCOL,
                      _("cannot verify the TLS certificate of the server %s: %s"),
                      server, detail);
    }
}

static SSL_CTX *client_context(const cli_options *opts, cli_error *err)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        cli_error_set(err, EXIT_USAGE, _("cannot create a TLS context: %s"), last_reason());
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    int loaded = opts->ca[0] ? SSL_CTX_load_verify_locations(ctx, opts->ca, NULL)
                             : tls_load_system_roots(ctx);
    if (loaded != 1) {
        cli_error_set(err, EXIT_USAGE,
                      _("cannot read the CA file %s (from %s): %s"),
                      opts->ca[0] ? opts->ca : _("(system)"), opts->ca_source ? opts->ca_source : "",
                      last_reason());
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Waits for what SSL asked for; 1 ready, 0 deadline passed. */
static int wait_for(int fd, int ssl_error, int64_t deadline)
{
    return deadline_wait_fd(fd, ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline) > 0;
}

static int check_pin(SSL *ssl, const char *server, const cli_options *opts, cli_error *err)
{
    unsigned char want[32], md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (parse_pin(opts->pin, want) != 0) {
        cli_error_set(err, EXIT_USAGE,
                      _("--pin takes sha256:HEX, 64 hex digits: %s"),
                      opts->pin);
        return -1;
    }
    X509 *cert = SSL_get0_peer_certificate(ssl);
    if (!cert || X509_digest(cert, EVP_sha256(), md, &n) != 1 || n != 32 ||
        memcmp(md, want, 32) != 0) {
        char got[65] = "?";
        if (cert && n == 32)
            hex_of(md, n, got, sizeof(got));
        cli_error_set(err, EXIT_PROTOCOL,
                      _("the TLS certificate fingerprint of the server %s is sha256:%s, "
                        "which does not match --pin %s"),
                      server, got, opts->pin);
        return -1;
    }
    return 0;
}

int tls_client_handshake(int fd, const char *host, const char *server, const cli_options *opts,
                         int64_t deadline_ms, SSL **out, cli_error *err)
{
    *out = NULL;
    if (opts->pin[0]) {
        unsigned char scratch[32];
        if (parse_pin(opts->pin, scratch) != 0)
            return check_pin(NULL, server, opts, err);
    }
    SSL_CTX *ctx = client_context(opts, err);
    if (!ctx)
        return -1;
    SSL *ssl = SSL_new(ctx);
    SSL_CTX_free(ctx); /* the session keeps its own reference */
    if (!ssl || SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        cli_error_set(err, EXIT_UNREACHABLE, _("cannot start TLS: %s"), last_reason());
        return -1;
    }
    unsigned char ip[16];
    if (inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
    } else {
        SSL_set_tlsext_host_name(ssl, host);
        SSL_set1_host(ssl, host);
    }
    for (;;) {
        ERR_clear_error();
        int rc = SSL_connect(ssl);
        if (rc == 1)
            break;
        int e = SSL_get_error(ssl, rc);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (wait_for(fd, e, deadline_ms))
                continue;
            cli_error_set(err, EXIT_UNREACHABLE,
                          _("the server %s did not complete the TLS handshake within %d ms"),
                          server, opts->timeout_ms);
        } else if (SSL_get_verify_result(ssl) != X509_V_OK) {
            explain_verify(SSL_get_verify_result(ssl), host, server, opts, err);
            ERR_clear_error();
        } else if (!SSL_get0_peer_certificate(ssl)) {
            cli_error_set(err, EXIT_PROTOCOL,
                          _("the server %s does not speak TLS (%s); for a cchcd without TLS "
                            "on loopback, drop --tls, --ca and --pin"),
                          server, last_reason());
        } else {
            cli_error_set(err, EXIT_PROTOCOL,
                          _("the TLS handshake with the server %s failed: %s"),
                          server, last_reason());
        }
        SSL_free(ssl);
        return -1;
    }
    if (opts->pin[0] && check_pin(ssl, server, opts, err) != 0) {
        SSL_free(ssl);
        return -1;
    }
    *out = ssl;
    return 0;
}

/* SSL_get_error as the caller of send/recv sees it. */
static ssize_t failed(SSL *ssl, int rc, short *want)
{
    int e = SSL_get_error(ssl, rc);
    *want = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (e == SSL_ERROR_ZERO_RETURN)
        return 0;
    if (*want == 0) {
        /* an end without close_notify is still an end: the frames tell
         * whether the answer came whole */
        if (e == SSL_ERROR_SYSCALL && errno == 0)
            return 0;
        if (e == SSL_ERROR_SSL) {
            unsigned long code = ERR_peek_last_error();
            ERR_clear_error();
            if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
                return 0;
        }
        errno = errno ? errno : ECONNRESET;
    }
    return -1;
}

ssize_t tls_client_send(SSL *ssl, const uint8_t *data, size_t len, short *want)
{
    ERR_clear_error();
    errno = 0;
    int n = SSL_write(ssl, data, len > (1u << 30) ? (1 << 30) : (int)len);
    return n > 0 ? n : failed(ssl, n, want);
}

ssize_t tls_client_recv(SSL *ssl, uint8_t *buf, size_t size, short *want)
{
    ERR_clear_error();
    errno = 0;
    int n = SSL_read(ssl, buf, size > (1u << 30) ? (1 << 30) : (int)size);
    return n > 0 ? n : failed(ssl, n, want);
}

void tls_client_close(SSL *ssl)
{
    if (!ssl)
        return;
    SSL_shutdown(ssl); /* non-blocking: sent if the socket takes it */
    ERR_clear_error();
    SSL_free(ssl);
}
