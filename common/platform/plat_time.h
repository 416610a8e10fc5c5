/* The clock and calendar calls POSIX spells one way and Windows' C runtime
 * another: broken-down UTC without the shared static buffer (gmtime_r ↔
 * _gmtime64_s), its inverse (timegm ↔ _mkgmtime), the wall clock with
 * nanoseconds, a monotonic clock for deadlines and sleeping. unix/time.c and
 * win/time.c. */
#ifndef CCHC_PLAT_TIME_H
#define CCHC_PLAT_TIME_H

#include <stdint.h>
#include <time.h>

/* gmtime_r: out filled and returned, NULL when t cannot be broken down. */
struct tm *plat_gmtime(const time_t *t, struct tm *out);
/* timegm: tm read as UTC (normalised like mktime); -1 when out of range. */
time_t plat_timegm(struct tm *tm);
/* The wall clock: seconds since the epoch and the nanoseconds within. */
void plat_realtime(int64_t *seconds, long *nanoseconds);
/* Milliseconds on a clock that never goes back (for deadlines). */
int64_t plat_monotonic_ms(void);
/* The same clock in microseconds (for timing a ping). */
int64_t plat_monotonic_us(void);
/* Sleeps ms milliseconds (resumed after a signal). */
void plat_sleep_ms(int64_t ms);

#endif
