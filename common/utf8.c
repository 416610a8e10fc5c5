/* See utf8.h. */
#include "utf8.h"

#include <string.h>

size_t utf8_decode(const char *s, size_t n, unsigned *cp, int *ok)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    unsigned value, min;
    *ok = 1;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    } else if ((u[0] & 0xE0) == 0xC0) {
        len = 2, value = u[0] & 0x1F, min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        len = 3, value = u[0] & 0x0F, min = 0x800;
    } else if ((u[0] & 0xF8) == 0xF0) {
        len = 4, value = u[0] & 0x07, min = 0x10000;
    } else {
        goto invalid;
    }
    if (len > n)
        goto invalid;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            goto invalid;
        value = (value << 6) | (u[i] & 0x3F);
    }
    if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        goto invalid;
    *cp = value;
    return len;
invalid:
    *cp = 0xFFFD;
    *ok = 0;
    return 1;
}

int utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        int ok;
        i += utf8_decode(s + i, n - i, &cp, &ok);
        if (!ok || cp == 0)
            return 0;
    }
    return 1;
}

size_t utf8_boundary(const char *s, size_t n)
{
    /* step back over continuation bytes to the last lead byte, and keep
     * its sequence only if it is complete */
    size_t lead = n;
    while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return n;
    unsigned char b = (unsigned char)s[lead - 1];
    size_t want = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3
                : (b & 0xF8) == 0xF0 ? 4 : 1;
    return n - (lead - 1) < want ? lead - 1 : n;
}

size_t utf8_scrub(char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    n = utf8_boundary(s, n);
    s[n] = '\0';
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        int ok;
        size_t step = utf8_decode(s + i, n - i, &cp, &ok);
        if (!ok)
            s[i] = '?';
        i += step;
    }
    return n;
}

const char *utf8_quotable(const char *text, char *out, size_t max)
{
    size_t n = strlen(text), used = 0;
    while (used < n) {
        unsigned cp;
        int ok;
        size_t len = utf8_decode(text + used, n - used, &cp, &ok);
        if (!ok || used + len > max)
            break;
        used += len;
    }
    memcpy(out, text, used);
    out[used] = '\0';
    return out;
}
