/* See deadline.h. */
#include "deadline.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

int64_t deadline_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int deadline_wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - deadline_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        return n;
    }
}
