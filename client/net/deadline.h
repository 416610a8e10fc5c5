/* Waiting on a socket against a deadline: what the connection (connect,
 * send, receive) and the TLS handshake share, so --timeout means the same
 * thing everywhere. Deadlines are absolute, on the monotonic clock. */
#ifndef CCHC_CLIENT_DEADLINE_H
#define CCHC_CLIENT_DEADLINE_H

#include <stdint.h>

/* Milliseconds on the monotonic clock. */
int64_t deadline_now_ms(void);
/* Polls fd for events until deadline: >0 ready, 0 the deadline passed,
 * <0 poll failed (errno set). EINTR is retried. */
int deadline_wait_fd(int fd, short events, int64_t deadline);

#endif
