/* TLS for cchcd's connections, kept apart from connection.c so that the
 * connection layer stays one piece: OpenSSL never touches the socket. Each
 * connection's SSL object sits between two memory BIOs; bytes read from
 * libuv go into the read BIO, what SSL_read yields goes to the frame
 * reader, frames go through SSL_write and the write BIO is drained into
 * the connection's ordinary write path (as Redis and PgBouncer layer it).
 *
 * tls_server owns the certificate and key: loaded at start, loaded again
 * on SIGHUP (new connections get the new context, existing ones keep the
 * one they started with: OpenSSL counts the references). */
#ifndef CCHCD_NET_TLS_H
#define CCHCD_NET_TLS_H

#include <stddef.h>
#include <stdint.h>

typedef struct tls_server tls_server;
typedef struct tls_session tls_session;

/* Loads cert (PEM, the chain after the leaf) and key into a new context:
 * TLS 1.3 preferred, 1.2 at least. NULL with why (one line) on failure. */
tls_server *tls_server_create(const char *cert_path, const char *key_path,
                              char *why, size_t why_size);
/* Loads the same files again; on failure the old context stays and why
 * says what went wrong. 0 or -1. */
int tls_server_reload(tls_server *ts, char *why, size_t why_size);
/* "sha256:HEX" of the current certificate (for logs and pins). */
const char *tls_server_fingerprint(const tls_server *ts);
void tls_server_free(tls_server *ts);

/* A connection's TLS state on the current context; NULL when out of memory. */
tls_session *tls_session_new(tls_server *ts);
void tls_session_free(tls_session *s);

/* Hands bytes read from the socket to TLS. 0, or -1 with why (the
 * handshake failed, the peer does not speak TLS, a record is bad). */
int tls_session_input(tls_session *s, const uint8_t *data, size_t len,
                      char *why, size_t why_size);
/* Decrypted bytes ready to read into out: >0 bytes, 0 none for now, -1
 * with why on a TLS error. Advances the handshake first. */
long tls_session_read(tls_session *s, uint8_t *out, size_t size, char *why, size_t why_size);
/* Encrypts len bytes (after the handshake). 0 or -1 (out of memory). */
int tls_session_write(tls_session *s, const uint8_t *data, size_t len);
/* Starts the close (close_notify). */
void tls_session_shutdown(tls_session *s);
/* Takes the encrypted bytes waiting to go to the socket: a malloc'd
 * buffer in *out (NULL, 0 when none). -1 when out of memory. */
int tls_session_take_output(tls_session *s, uint8_t **out, size_t *len);

#endif
