/* See utf16.h. */
#include "utf16.h"

/* One code point from UTF-8 at *p (advanced past it); -1 when invalid. */
static long next_from_utf8(const unsigned char **p)
{
    const unsigned char *s = *p;
    long cp;
    int extra;
    if (s[0] < 0x80) {
        cp = s[0];
        extra = 0;
    } else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        cp = s[0] & 0x1F;
        extra = 1;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        cp = s[0] & 0x0F;
        extra = 2;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        cp = s[0] & 0x07;
        extra = 3;
    } else {
        return -1;
    }
    for (int i = 1; i <= extra; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1; /* also stops at the NUL */
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const long least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *p = s + extra + 1;
    return cp;
}

/* Stores unit at out[at] when it fits (one place kept for the NUL). */
static int put16(uint16_t *out, size_t cap, size_t at, uint16_t unit)
{
    if (!out)
        return 0;
    if (at + 1 >= cap)
        return -1;
    out[at] = unit;
    return 0;
}

long utf16_from_utf8(const char *in, uint16_t *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t n = 0;
    while (*p) {
        long cp = next_from_utf8(&p);
        if (cp < 0)
            return -1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            if (put16(out, cap, n++, (uint16_t)(0xD800 + (cp >> 10))) != 0 ||
                put16(out, cap, n++, (uint16_t)(0xDC00 + (cp & 0x3FF))) != 0)
                return -1;
        } else if (put16(out, cap, n++, (uint16_t)cp) != 0) {
            return -1;
        }
    }
    if (out) {
        if (cap == 0)
            return -1;
        out[n] = 0;
    }
    return (long)n;
}

static int put8(char *out, size_t cap, size_t at, long byte)
{
    if (!out)
        return 0;
    if (at + 1 >= cap)
        return -1;
    out[at] = (char)byte;
    return 0;
}

long utf16_to_utf8(const uint16_t *in, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; in[i]; i++) {
        long cp = in[i];
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return -1; /* a low surrogate without its high one */
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (in[i + 1] < 0xDC00 || in[i + 1] > 0xDFFF)
                return -1;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (in[++i] - 0xDC00);
        }
        int rc;
        if (cp < 0x80) {
            rc = put8(out, cap, n++, cp);
        } else if (cp < 0x800) {
            rc = put8(out, cap, n++, 0xC0 | (cp >> 6)) || put8(out, cap, n++, 0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            rc = put8(out, cap, n++, 0xE0 | (cp >> 12)) ||
                 put8(out, cap, n++, 0x80 | ((cp >> 6) & 0x3F)) ||
                 put8(out, cap, n++, 0x80 | (cp & 0x3F));
        } else {
            rc = put8(out, cap, n++, 0xF0 | (cp >> 18)) ||
                 put8(out, cap, n++, 0x80 | ((cp >> 12) & 0x3F)) ||
                 put8(out, cap, n++, 0x80 | ((cp >> 6) & 0x3F)) ||
                 put8(out, cap, n++, 0x80 | (cp & 0x3F));
        }
        if (rc != 0)
            return -1;
    }
    if (out) {
        if (cap == 0)
            return -1;
        out[n] = '\0';
    }
    return (long)n;
}
