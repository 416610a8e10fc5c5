/* plat_time.h on POSIX: the calls of the same names. */
#include "plat_time.h"

#include <errno.h>

struct tm *plat_gmtime(const time_t *t, struct tm *out)
{
    return gmtime_r(t, out);
}

time_t plat_timegm(struct tm *tm)
{
    return timegm(tm);
}

void plat_realtime(int64_t *seconds, long *nanoseconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *seconds = (int64_t)ts.tv_sec;
    *nanoseconds = ts.tv_nsec;
}

int64_t plat_monotonic_ms(void)
{
    return plat_monotonic_us() / 1000;
}

int64_t plat_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void plat_sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}
