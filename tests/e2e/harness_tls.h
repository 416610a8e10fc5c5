/* Inside the harness only: the TLS side of raw connections, kept apart
 * from harness.c so each file has one purpose. A raw connection stays an
 * int (tests, and the tests of other branches, pass descriptors around and
 * close them with close()); this file keeps, per descriptor, the OpenSSL
 * client that speaks TLS on it, and notices when a descriptor number has
 * been closed and reused by another socket. */
#ifndef CCHC_TEST_HARNESS_TLS_H
#define CCHC_TEST_HARNESS_TLS_H

#include <stddef.h>

/* Makes the TLS handshake on the connected socket fd, verifying the server
 * against ca_file for 127.0.0.1; fails the test when it does not finish
 * within timeout_ms (already scaled) or the server is not trusted. */
void tls_raw_start(int fd, const char *ca_file, int timeout_ms);
/* True when fd is a socket tls_raw_start made TLS on (and not another
 * socket that has since taken its number). */
int tls_raw_active(int fd);
/* Encrypts and sends all of data; 0, or -1 when the socket fails. */
int tls_raw_send(int fd, const void *data, size_t len);
/* Up to len decrypted bytes: >0 how many, 0 when the server has closed
 * (close_notify and TCP end, a plain end, or a reset), -1 on a TLS or
 * socket error, -2 when nothing came within timeout_ms (already scaled). */
long tls_raw_read(int fd, void *buf, size_t len, int timeout_ms);

#endif
