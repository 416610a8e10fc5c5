/* See cell_compare.h. */
#include "cell_compare.h"

#include <stdio.h>
#include <string.h>

int cell_same_text(const char *a, const char *b)
{
    const char *trim = " \t\r";
    a += strspn(a, trim);
    b += strspn(b, trim);
    size_t la = strlen(a), lb = strlen(b);
    while (la && strchr(trim, a[la - 1]))
        la--;
    while (lb && strchr(trim, b[lb - 1]))
        lb--;
    return la == lb && memcmp(a, b, la) == 0;
}

void cell_canonical_decimal(const char *in, char *out, size_t size)
{
    char buf[64];
    size_t n = 0;
    for (in += strspn(in, " "); *in && *in != ' ' && n < sizeof(buf) - 1; in++)
        buf[n++] = *in == ',' ? '.' : *in;
    buf[n] = '\0';
    char *p = buf;
    while (p[0] == '0' && p[1] && p[1] != '.')
        p++;
    if (strchr(p, '.')) {
        size_t len = strlen(p);
        while (len && p[len - 1] == '0')
            p[--len] = '\0';
        if (len && p[len - 1] == '.')
            p[--len] = '\0';
    }
    snprintf(out, size, "%s", *p ? p : "0");
}

int cell_same_decimal(const char *a, const char *b)
{
    char ca[64], cb[64];
    cell_canonical_decimal(a, ca, sizeof(ca));
    cell_canonical_decimal(b, cb, sizeof(cb));
    return strcmp(ca, cb) == 0;
}
