/* See deadline.h. */
#include "deadline.h"

#include <errno.h>

#include "plat_socket.h"
#include "plat_time.h"

int64_t deadline_now_ms(void)
{
    return plat_monotonic_ms();
}

int deadline_wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - deadline_now_ms();
        if (left <= 0)
            return 0;
        int n = plat_socket_poll(fd, events, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        return n;
    }
}
