/* See human_format.h. */
#include "human_format.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plat_time.h"

/* Vietnam keeps UTC+7 all year (docs/human-output.md cites the source). */
#define VIETNAM_OFFSET_SECONDS (7 * 3600)

int human_figure_places(human_figure kind)
{
    switch (kind) {
    case HUMAN_POINTS: return 2;   /* the methodology prints hundredths (1.14) */
    case HUMAN_PERCENT: return 1;  /* a tenth of a percent is finer than any decision */
    case HUMAN_PROGRESS: return 1; /* reported progress is a percentage too */
    }
    return 2;
}

static char *copy_text(const char *text, char *out, size_t size)
{
    if (size)
        snprintf(out, size, "%s", text ? text : "");
    return out;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* True when s starts with YYYY-MM-DD. */
static int iso_date_prefix(const char *s)
{
    return strlen(s) >= 10 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2) &&
           s[7] == '-' && all_digits(s + 8, 2);
}

char *human_format_date(const char *iso, char *out, size_t size)
{
    if (!iso || !iso_date_prefix(iso) || (iso[10] != '\0' && iso[10] != 'T'))
        return copy_text(iso, out, size);
    snprintf(out, size, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return out;
}

char *human_format_time(const char *iso_utc, char *out, size_t size)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    /* YYYY-MM-DDTHH:MM:SS, optional fraction, then Z */
    const char *s = iso_utc;
    if (!s || !iso_date_prefix(s) || s[10] != 'T' || strlen(s) < 20 || !all_digits(s + 11, 2) ||
        s[13] != ':' || !all_digits(s + 14, 2) || s[16] != ':' || !all_digits(s + 17, 2))
        return copy_text(iso_utc, out, size);
    const char *rest = s + 19;
    if (*rest == '.') {
        rest++;
        while (*rest >= '0' && *rest <= '9')
            rest++;
    }
    if (strcmp(rest, "Z") != 0)
        return copy_text(iso_utc, out, size);
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return copy_text(iso_utc, out, size);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = plat_timegm(&tm) + VIETNAM_OFFSET_SECONDS;
    struct tm local;
    if (!plat_gmtime(&t, &local))
        return copy_text(iso_utc, out, size);
    snprintf(out, size, "%02d/%02d/%04d %02d:%02d UTC+7", local.tm_mday, local.tm_mon + 1,
             local.tm_year + 1900, local.tm_hour, local.tm_min);
    return out;
}

char *human_vietnam_day(long long t, char *out, size_t size)
{
    time_t shifted = (time_t)(t + VIETNAM_OFFSET_SECONDS);
    struct tm tm;
    if (!plat_gmtime(&shifted, &tm))
        return copy_text("", out, size);
    snprintf(out, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return out;
}

int human_round_decimal(const char *decimal, int places, char mark, char *out, size_t size)
{
    const char *s = decimal;
    if (!s) {
        copy_text("", out, size);
        return -1;
    }
    int negative = 0;
    if (*s == '-' || *s == '+')
        negative = *s++ == '-';
    size_t int_len = strspn(s, "0123456789");
    const char *frac = "";
    size_t frac_len = 0;
    if (s[int_len] == '.') {
        frac = s + int_len + 1;
        frac_len = strspn(frac, "0123456789");
    }
    const char *end = s[int_len] == '.' ? frac + frac_len : s + int_len;
    /* digits around at most one point, at least one digit, nothing else */
    if (int_len + frac_len == 0 || *end != '\0' || int_len > 40 || places < 0 || places > 10) {
        copy_text(decimal, out, size);
        return -1;
    }
    /* the kept digits, one spare place in front for a carry */
    char digits[64];
    size_t n = 0;
    digits[n++] = '0';
    memcpy(digits + n, s, int_len);
    n += int_len;
    for (int i = 0; i < places; i++)
        digits[n++] = (size_t)i < frac_len ? frac[i] : '0';
    if ((size_t)places < frac_len && frac[places] >= '5') {
        size_t i = n;
        while (i-- > 0) {
            if (digits[i] == '9') {
                digits[i] = '0';
            } else {
                digits[i]++;
                break;
            }
        }
    }
    size_t int_digits = n - (size_t)places; /* spare place included */
    size_t first = 0;
    while (first + 1 < int_digits && digits[first] == '0')
        first++;
    int zero = 1;
    for (size_t i = 0; i < n; i++)
        if (digits[i] != '0')
            zero = 0;
    char text[80];
    size_t k = 0;
    if (negative && !zero)
        text[k++] = '-';
    for (size_t i = first; i < int_digits; i++)
        text[k++] = digits[i];
    if (places > 0) {
        text[k++] = mark;
        for (size_t i = int_digits; i < n; i++)
            text[k++] = digits[i];
    }
    text[k] = '\0';
    copy_text(text, out, size);
    return 0;
}

char *human_format_figure(const char *decimal, human_figure kind, char mark, char *out,
                          size_t size)
{
    char rounded[80];
    int is_number = human_round_decimal(decimal, human_figure_places(kind), mark, rounded,
                                        sizeof(rounded)) == 0;
    if (kind != HUMAN_POINTS && is_number)
        snprintf(out, size, "%s%%", rounded);
    else
        copy_text(rounded, out, size);
    return out;
}
