/* Sockets for the client's one connection, one small layer so that
 * client/net/ reads the same on Linux and on Windows (Winsock): opening a
 * non-blocking socket, connecting, waiting with a timeout, sending without
 * SIGPIPE, closing, and the text of an error. A socket is an int on both
 * (a Winsock SOCKET is a small kernel handle, and OpenSSL's SSL_set_fd
 * takes an int there too). Errors come back in errno with their POSIX
 * names (EAGAIN, EINPROGRESS, ECONNREFUSED…) on both, so callers test one
 * set of names. unix/socket.c and win/socket.c implement it; the system's
 * own socket headers come from plat_socket_sys.h in the same folder. */
#ifndef CCHC_PLAT_SOCKET_H
#define CCHC_PLAT_SOCKET_H

#include <stddef.h>
#include <sys/types.h>

#include "plat_socket_sys.h"

/* Before the first socket: WSAStartup on Windows (once), nothing on Unix.
 * 0, or -1 when the system has no sockets to give. */
int plat_socket_startup(void);
/* A non-blocking, close-on-exec socket for ai; -1 with errno. */
int plat_socket_open(const struct addrinfo *ai);
/* Starts connecting: 0 connected, -1 with errno (EINPROGRESS: wait for
 * POLLOUT, then ask plat_socket_pending_error). */
int plat_socket_connect(int fd, const struct sockaddr *addr, size_t len);
/* The outcome of a connect that was in progress: 0 or an errno value. */
int plat_socket_pending_error(int fd);
/* Sends without delay for small writes (TCP_NODELAY); failures ignored. */
void plat_socket_nodelay(int fd);
/* send/recv on a non-blocking socket, never raising SIGPIPE: bytes, recv 0
 * at the end of the stream, -1 with errno (EAGAIN when it would block). */
ssize_t plat_socket_send(int fd, const void *data, size_t len);
ssize_t plat_socket_recv(int fd, void *buf, size_t size);
/* Waits up to timeout_ms for events (POLLIN, POLLOUT) on fd: >0 ready (a
 * failed connect counts as ready), 0 timed out, -1 with errno. */
int plat_socket_poll(int fd, short events, int timeout_ms);
void plat_socket_close(int fd);
/* A sentence for an errno value from the calls above, in UTF-8. */
const char *plat_socket_strerror(int err);

#endif
