/* plat_time.h on Windows: the C runtime's 64-bit calendar calls (time_t is
 * 64 bits under mingw-w64), the system's file-time clock for the wall
 * time with sub-second digits, the performance counter for deadlines and
 * timings (GetTickCount64 moves in 16 ms steps), and Sleep. */
#include "plat_time.h"

#include <windows.h>

struct tm *plat_gmtime(const time_t *t, struct tm *out)
{
    __time64_t t64 = (__time64_t)*t;
    return _gmtime64_s(out, &t64) == 0 ? out : NULL;
}

time_t plat_timegm(struct tm *tm)
{
    return (time_t)_mkgmtime64(tm);
}

/* 100-nanosecond ticks between 1601-01-01 (FILETIME's epoch) and 1970. */
#define FILETIME_TO_UNIX_TICKS 116444736000000000LL

void plat_realtime(int64_t *seconds, long *nanoseconds)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    int64_t ticks = (((int64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime) -
                    FILETIME_TO_UNIX_TICKS;
    *seconds = ticks / 10000000;
    *nanoseconds = (long)(ticks % 10000000) * 100;
}

int64_t plat_monotonic_ms(void)
{
    return plat_monotonic_us() / 1000;
}

int64_t plat_monotonic_us(void)
{
    LARGE_INTEGER count, frequency;
    if (!QueryPerformanceFrequency(&frequency) || !QueryPerformanceCounter(&count))
        return (int64_t)GetTickCount64() * 1000;
    return (int64_t)(count.QuadPart / frequency.QuadPart * 1000000 +
                     count.QuadPart % frequency.QuadPart * 1000000 / frequency.QuadPart);
}

void plat_sleep_ms(int64_t ms)
{
    Sleep((DWORD)ms);
}
