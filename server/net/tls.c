/* See tls.h. The context follows Mozilla's "intermediate" advice: TLS 1.3
 * first, TLS 1.2 with forward-secret AEAD suites only, no renegotiation,
 * no compression. No session tickets: cchc opens a connection per command
 * and keeps no TLS session, so tickets would be bytes for nothing. */
#include "tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/buffer.h>
#include <openssl/x509.h>

struct tls_server {
    SSL_CTX *ctx;
    char *cert_path, *key_path;
    char fingerprint[8 + 2 * 32 + 1];
};

struct tls_session {
    SSL *ssl;
    BIO *in, *out;    /* memory BIOs: socket bytes in, socket bytes out */
    int seen_input;   /* the first byte told whether the peer speaks TLS */
};

/* The newest OpenSSL error as one short phrase, the queue emptied. */
static void take_error(const char *what, char *why, size_t why_size)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    char code[32];
    if (!reason) {
        snprintf(code, sizeof(code), "error %lx", e);
        reason = e ? code : "unknown error";
    }
    snprintf(why, why_size, "%s: %s", what, reason);
    ERR_clear_error();
}

static void fingerprint_of(SSL_CTX *ctx, char *out, size_t size)
{
    X509 *cert = SSL_CTX_get0_certificate(ctx);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    snprintf(out, size, "sha256:?");
    if (!cert || X509_digest(cert, EVP_sha256(), md, &n) != 1)
        return;
    size_t used = (size_t)snprintf(out, size, "sha256:");
    for (unsigned int i = 0; i < n && used + 2 < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%02x", md[i]);
}

static SSL_CTX *context_load(const char *cert_path, const char *key_path, char *why,
                             size_t why_size)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        take_error("cannot create a TLS context", why, why_size);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    /* an idle connection gives its record buffers back */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
#ifdef SSL_OP_CLEANSE_PLAINTEXT
    /* OpenSSL (3.0 on) zeroes its copy of each decrypted record once it
     * has been read, and the record buffer when it is released or freed:
     * requests in clear hold passwords and session tokens. What it hands
     * over is ours to wipe (connection.c); it keeps no plaintext of what
     * is sent, and the memory BIOs hold only ciphertext. */
    SSL_CTX_set_options(ctx, SSL_OP_CLEANSE_PLAINTEXT);
#endif
    if (SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL") != 1) {
        take_error("TLS 1.2 cipher list", why, why_size);
        SSL_CTX_free(ctx);
        return NULL;
    }
    char what[600];
    snprintf(what, sizeof(what), "certificate %s", cert_path);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) {
        take_error(what, why, why_size);
        SSL_CTX_free(ctx);
        return NULL;
    }
    snprintf(what, sizeof(what), "key %s", key_path);
    if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1) {
        take_error(what, why, why_size);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(what, sizeof(what), "key %s does not match certificate %s", key_path,
                 cert_path);
        take_error(what, why, why_size);
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

tls_server *tls_server_create(const char *cert_path, const char *key_path, char *why,
                              size_t why_size)
{
    tls_server *ts = calloc(1, sizeof(*ts));
    if (!ts || !(ts->cert_path = strdup(cert_path)) || !(ts->key_path = strdup(key_path))) {
        snprintf(why, why_size, "out of memory");
        tls_server_free(ts);
        return NULL;
    }
    ts->ctx = context_load(cert_path, key_path, why, why_size);
    if (!ts->ctx) {
        tls_server_free(ts);
        return NULL;
    }
    fingerprint_of(ts->ctx, ts->fingerprint, sizeof(ts->fingerprint));
    return ts;
}

int tls_server_reload(tls_server *ts, char *why, size_t why_size)
{
    SSL_CTX *ctx = context_load(ts->cert_path, ts->key_path, why, why_size);
    if (!ctx)
        return -1;
    SSL_CTX_free(ts->ctx); /* sessions still using it hold their own reference */
    ts->ctx = ctx;
    fingerprint_of(ts->ctx, ts->fingerprint, sizeof(ts->fingerprint));
    return 0;
}

const char *tls_server_fingerprint(const tls_server *ts)
{
    return ts->fingerprint;
}

void tls_server_free(tls_server *ts)
{
    if (!ts)
        return;
    SSL_CTX_free(ts->ctx);
    free(ts->cert_path);
    free(ts->key_path);
    free(ts);
}

tls_session *tls_session_new(tls_server *ts)
{
    tls_session *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->ssl = SSL_new(ts->ctx);
    s->in = BIO_new(BIO_s_mem());
    s->out = BIO_new(BIO_s_mem());
    if (!s->ssl || !s->in || !s->out) {
        SSL_free(s->ssl);
        BIO_free(s->in);
        BIO_free(s->out);
        free(s);
        ERR_clear_error();
        return NULL;
    }
    /* an empty read BIO means "wait for more", not end of file */
    BIO_set_mem_eof_return(s->in, -1);
    SSL_set_bio(s->ssl, s->in, s->out); /* the SSL owns both now */
    SSL_set_accept_state(s->ssl);
    return s;
}

/* A memory BIO keeps the capacity of the most it ever held (the
 * handshake's flight of certificates, the largest request or reply), and
 * an idle connection would keep it for its whole life: 10,000 idle TLS
 * connections are ~60 MiB of such buffers. Once a BIO is empty and holds
 * more than this, it is swapped for a new one. Zero: even the few hundred
 * bytes of a hello's records were 1.4 KiB of the 17 KiB an idle TLS
 * connection cost (docs/performance.md, "An idle TLS connection"); a new
 * BIO costs three small allocations per read, beside a record's AES-GCM. */
#define TLS_BIO_KEPT_BYTES 0

static int bio_empty_and_large(BIO *bio)
{
    BUF_MEM *mem = NULL;
    if (BIO_ctrl_pending(bio) != 0 || BIO_get_mem_ptr(bio, &mem) <= 0 || !mem)
        return 0;
    return mem->max > TLS_BIO_KEPT_BYTES;
}

static void trim_input_bio(tls_session *s)
{
    if (!bio_empty_and_large(s->in))
        return;
    BIO *fresh = BIO_new(BIO_s_mem());
    if (!fresh) /* the old one still works; it is only large */
        return;
    BIO_set_mem_eof_return(fresh, -1);
    SSL_set0_rbio(s->ssl, fresh); /* frees the old one */
    s->in = fresh;
}

static void trim_output_bio(tls_session *s)
{
    if (!bio_empty_and_large(s->out))
        return;
    BIO *fresh = BIO_new(BIO_s_mem());
    if (!fresh)
        return;
    SSL_set0_wbio(s->ssl, fresh);
    s->out = fresh;
}

void tls_session_free(tls_session *s)
{
    if (!s)
        return;
    SSL_free(s->ssl);
    free(s);
}

int tls_session_input(tls_session *s, const uint8_t *data, size_t len, char *why,
                      size_t why_size)
{
    if (len == 0)
        return 0;
    if (!s->seen_input) {
        s->seen_input = 1;
        /* Every TLS connection opens with a handshake record (type 22). A
         * plaintext cchc frame opens with its length's high byte, 0: answer
         * with a TLS "protocol version" alert, which a plaintext client
         * recognises and explains, rather than a silent close. */
        if (data[0] != 22) {
            static const uint8_t alert[] = {21, 3, 3, 0, 2, 2, 70};
            BIO_write(s->out, alert, sizeof(alert));
            snprintf(why, why_size, "TLS handshake failed: the client does not speak TLS");
            return -1;
        }
    }
    if (BIO_write(s->in, data, (int)len) != (int)len) {
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    return 0;
}

long tls_session_read(tls_session *s, uint8_t *out, size_t size, char *why, size_t why_size)
{
    int n = SSL_read(s->ssl, out, size > INT32_MAX ? INT32_MAX : (int)size);
    if (n > 0)
        return n;
    switch (SSL_get_error(s->ssl, n)) {
    case SSL_ERROR_WANT_READ:
        trim_input_bio(s); /* everything received so far was consumed */
        return 0;
    case SSL_ERROR_WANT_WRITE:
    case SSL_ERROR_ZERO_RETURN: /* close_notify: the TCP end follows */
        return 0;
    default:
        take_error(SSL_is_init_finished(s->ssl) ? "TLS error" : "TLS handshake failed", why,
                   why_size);
        return -1;
    }
}

int tls_session_write(tls_session *s, const uint8_t *data, size_t len)
{
    while (len > 0) {
        int chunk = len > (1u << 30) ? (1 << 30) : (int)len;
        int n = SSL_write(s->ssl, data, chunk);
        if (n <= 0) {
            ERR_clear_error();
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

void tls_session_shutdown(tls_session *s)
{
    if (SSL_is_init_finished(s->ssl))
        SSL_shutdown(s->ssl);
    ERR_clear_error();
}

int tls_session_take_output(tls_session *s, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    size_t pending = BIO_ctrl_pending(s->out);
    if (pending == 0)
        return 0;
    uint8_t *buf = malloc(pending);
    if (!buf)
        return -1;
    int n = BIO_read(s->out, buf, (int)pending);
    if (n <= 0) {
        free(buf);
        return 0;
    }
    *out = buf;
    *len = (size_t)n;
    trim_output_bio(s);
    return 0;
}
