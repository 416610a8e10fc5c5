/* See date_text.h. Digits are read one by one (no sscanf), so nothing
 * depends on the locale; the calendar check is validate_date's. */
#include "date_text.h"

#include <stdio.h>
#include <string.h>

#include "msg_format.h"
#include "validate.h"

/* Reads 1..max digits at *p into *value; returns how many were read. */
static int number(const char **p, int max, int *value)
{
    int n = 0;
    *value = 0;
    while (n < max && **p >= '0' && **p <= '9') {
        *value = *value * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n;
}

int date_text_iso(const char *text, char iso[11], char *why, size_t why_size)
{
    char trimmed[64];
    const char *start = text;
    while (*start == ' ' || *start == '\t')
        start++;
    size_t n = strlen(start);
    while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t' || start[n - 1] == '\r'))
        n--;
    iso[0] = '\0';
    if (n == 0)
        return 0;
    if (n >= sizeof(trimmed))
        n = sizeof(trimmed) - 1;
    memcpy(trimmed, start, n);
    trimmed[n] = '\0';
    const char *p = trimmed;
    int a, b, c;
    int na = number(&p, 4, &a);
    char sep = *p;
    int day_first = na >= 1 && na <= 2 && (sep == '/' || sep == '-' || sep == '.');
    if (na == 4 && sep == '-') { /* ISO: validate_date says the rest */
        snprintf(iso, 11, "%.10s", trimmed);
        if (n != 10)
            iso[0] = '\0';
        if (n == 10 && validate_date(iso, why, why_size) == 0)
            return 0;
        iso[0] = '\0';
        if (n != 10)
            validate_date(trimmed, why, why_size);
        return -1;
    }
    int nb = 0, nc = 0;
    if (day_first) {
        p++;
        nb = number(&p, 2, &b);
        if (nb > 0 && *p == sep) {
            p++;
            nc = number(&p, 4, &c);
        }
    }
    if (!day_first || nb == 0 || *p != '\0' || (nc != 4 && nc != 2)) {
        const char *args[] = {trimmed};
        msg_encode(why, why_size,
                   MSG_ID("date \"%s\" is not in the form dd/mm/yyyy (05/12/2026) or YYYY-MM-DD "
                          "(2026-12-05)"),
                   args, 1);
        return -1;
    }
    if (nc == 2) {
        char example[40];
        snprintf(example, sizeof(example), "%02d/%02d/20%02d", a, b, c);
        const char *args[] = {trimmed, example};
        msg_encode(why, why_size, MSG_ID("date \"%s\": write a four-digit year, e.g. %s"), args, 2);
        return -1;
    }
    if (b > 12 && a <= 12) {
        char swapped[40];
        snprintf(swapped, sizeof(swapped), "%02d/%02d/%04d", b, a, c);
        const char *args[] = {trimmed, swapped};
        msg_encode(why, why_size,
                   MSG_ID("date \"%s\" looks month-first; the format is dd/mm/yyyy: %s"), args, 2);
        return -1;
    }
    char candidate[40]; /* a, b: 2 digits, c: 4 digits, so 10 characters */
    snprintf(candidate, sizeof(candidate), "%04d-%02d-%02d", c, b, a);
    if (b < 1 || b > 12 || validate_date(candidate, why, why_size) != 0) {
        const char *args[] = {trimmed};
        msg_encode(why, why_size, MSG_ID("date \"%s\" does not exist; the format is dd/mm/yyyy"),
                   args, 1);
        return -1;
    }
    memcpy(iso, candidate, 10);
    iso[10] = '\0';
    return 0;
}
