/* See print_figures.h. */
#include "print_figures.h"

#include <stdio.h>
#include <string.h>

/* Rounds the digits of a plain decimal; mark is the decimal mark written. */
static int round_decimal(const char *s, int places, char mark, char *out, size_t size)
{
    if (size == 0)
        return -1;
    out[0] = '\0';
    const char *p = s;
    int negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    const char *int_start = p;
    while (*p >= '0' && *p <= '9')
        p++;
    size_t int_len = (size_t)(p - int_start);
    const char *frac_start = p, *frac_end = p;
    if (*p == '.') {
        frac_start = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        frac_end = p;
    }
    if (*p != '\0' || int_len + (size_t)(frac_end - frac_start) == 0 || places < 0 || places > 12) {
        if (strlen(s) >= size)
            return -1;
        memcpy(out, s, strlen(s) + 1); /* not a plain decimal: as it is */
        return 0;
    }
    /* digits = integer digits then exactly `places` fraction digits, with
     * one leading 0 so a carry (99.995 → 100.00) has room */
    char digits[80];
    size_t frac_len = (size_t)(frac_end - frac_start);
    if (int_len + (size_t)places + 2 > sizeof(digits))
        return -1;
    size_t n = 0;
    digits[n++] = '0';
    for (size_t i = 0; i < int_len; i++)
        digits[n++] = int_start[i];
    for (int i = 0; i < places; i++)
        digits[n++] = (size_t)i < frac_len ? frac_start[i] : '0';
    if ((size_t)places < frac_len && frac_start[places] >= '5') {
        size_t k = n;
        while (k-- > 0) {
            if (digits[k] == '9') {
                digits[k] = '0';
            } else {
                digits[k]++;
                break;
            }
        }
    }
    /* skip leading zeros of the integer part, keeping one */
    size_t first = 0, int_end = n - (size_t)places;
    while (first + 1 < int_end && digits[first] == '0')
        first++;
    int all_zero = 1;
    for (size_t i = first; i < n; i++)
        all_zero &= digits[i] == '0';
    size_t need = (negative && !all_zero) + (int_end - first) + (places ? 1 + (size_t)places : 0) + 1;
    if (need > size)
        return -1;
    size_t o = 0;
    if (negative && !all_zero)
        out[o++] = '-';
    for (size_t i = first; i < int_end; i++)
        out[o++] = digits[i];
    if (places) {
        out[o++] = mark;
        for (size_t i = int_end; i < n; i++)
            out[o++] = digits[i];
    }
    out[o] = '\0';
    return 0;
}

int print_decimal(const char *canonical, int places, char *out, size_t size)
{
    return round_decimal(canonical, places, ',', out, size);
}

int print_decimal_dot(const char *canonical, int places, char *out, size_t size)
{
    return round_decimal(canonical, places, '.', out, size);
}

static int digits_at(const char *s, const int *at, int n)
{
    for (int i = 0; i < n; i++)
        if (s[at[i]] < '0' || s[at[i]] > '9')
            return 0;
    return 1;
}

void print_date(const char *iso, char *out, size_t size)
{
    static const int date_digits[] = {0, 1, 2, 3, 5, 6, 8, 9};
    if (size >= 11 && strlen(iso) >= 10 && iso[4] == '-' && iso[7] == '-' &&
        digits_at(iso, date_digits, 8) && (iso[10] == '\0' || iso[10] == 'T' || iso[10] == ' ')) {
        snprintf(out, size, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
        return;
    }
    snprintf(out, size, "%s", iso);
}

void print_vietnam_day(time_t when, char out[11])
{
    time_t vn = when + 7 * 3600;
    struct tm tm;
    gmtime_r(&vn, &tm);
    snprintf(out, 11, "%02u/%02u/%04u", (unsigned)tm.tm_mday % 100u, (unsigned)(tm.tm_mon + 1) % 100u,
             (unsigned)(tm.tm_year + 1900) % 10000u);
}
