/* TLS for cchc's one connection, apart from connection.c: which servers
 * get TLS, the handshake under the command's deadline, verification of
 * the server (CA file or the system store, host name, optional pin), and
 * each failure said plainly in Vietnamese and English. OpenSSL drives the
 * socket itself (SSL_set_fd); the socket stays non-blocking and every
 * wait goes through poll with the caller's deadline. */
#ifndef CCHC_TLS_CLIENT_H
#define CCHC_TLS_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "plat_socket.h"

#include "cli.h"

struct ssl_st; /* OpenSSL's SSL */

/* Whether to speak TLS to a server at addr: --tls, a CA or a pin
 * configured, or any address that is not loopback; never with
 * --insecure-plaintext. */
int tls_client_wanted(const cli_options *opts, const struct sockaddr *addr);
/* Handshakes on the connected, non-blocking fd with the server named host
 * (a name or an address, as the user gave it), verifying it as
 * opts says, within deadline_ms (CLOCK_MONOTONIC milliseconds). On
 * success *out is the session; otherwise err says why (EXIT_PROTOCOL for
 * a server that cannot be trusted or does not speak TLS, EXIT_USAGE for
 * a bad --ca or --pin, EXIT_UNREACHABLE for a timeout or a lost peer). */
int tls_client_handshake(int fd, const char *host, const char *server, const cli_options *opts,
                         int64_t deadline_ms, struct ssl_st **out, cli_error *err);
/* Like send/recv on a non-blocking socket: >0 bytes, recv 0 at the end
 * of the stream; -1 with *want set to POLLIN or POLLOUT when the call
 * must wait and be repeated, or to 0 (and errno set) when the connection
 * failed. */
ssize_t tls_client_send(struct ssl_st *ssl, const uint8_t *data, size_t len, short *want);
ssize_t tls_client_recv(struct ssl_st *ssl, uint8_t *buf, size_t size, short *want);
/* Sends close_notify if it can at once and frees the session. */
void tls_client_close(struct ssl_st *ssl);
/* True when bytes that opened a plaintext conversation are a TLS record
 * (the server requires TLS). */
int tls_client_looks_like_tls(const uint8_t *data, size_t len);

#endif
