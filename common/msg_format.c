/* See msg_format.h. Kept free of printf so a format from a catalogue (or
 * a peer) can never read an argument that is not there. */
#include "msg_format.h"

#include <string.h>

/* Parses a conversion at p (just past '%'): returns the argument index
 * (0-based) and sets *len to the bytes after '%'; -1 for "%%", -2 when
 * it is not a conversion a message may hold. *next supplies %s's index. */
static long conversion(const char *p, size_t *len, size_t *next)
{
    if (p[0] == '%') {
        *len = 1;
        return -1;
    }
    if (p[0] == 's') {
        *len = 1;
        return (long)(*next)++;
    }
    size_t i = 0;
    long n = 0;
    while (p[i] >= '0' && p[i] <= '9' && n < 1000)
        n = n * 10 + (p[i++] - '0');
    if (i > 0 && n > 0 && p[i] == '$' && p[i + 1] == 's') {
        *len = i + 2;
        return n - 1;
    }
    return -2;
}

int msg_format_arity(const char *fmt)
{
    size_t next = 0;
    long highest = 0;
    for (const char *p = fmt; (p = strchr(p, '%')) != NULL;) {
        size_t len;
        long idx = conversion(p + 1, &len, &next);
        if (idx == -2)
            return -1;
        if (idx >= 0 && idx + 1 > highest)
            highest = idx + 1;
        p += 1 + len;
    }
    return (int)highest;
}

/* Appends n bytes of s to out at *used, never splitting a UTF-8 character
 * at the end of out; *need counts every byte regardless. */
static void put(char *out, size_t size, size_t *used, size_t *need, const char *s, size_t n)
{
    *need += n;
    if (*used >= size - 1)
        return;
    size_t room = size - 1 - *used;
    int cut = n > room;
    if (cut) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* s[n] continues a character: cut before it starts */
    }
    memcpy(out + *used, s, n);
    out[*used + n] = '\0';
    *used = cut ? size - 1 : *used + n; /* once cut, later pieces are only counted */
}

size_t msg_format(char *out, size_t size, const char *fmt, const char *const *args, size_t nargs)
{
    size_t used = 0, need = 0, next = 0;
    out[0] = '\0';
    const char *p = fmt;
    for (const char *pct; (pct = strchr(p, '%')) != NULL;) {
        put(out, size, &used, &need, p, (size_t)(pct - p));
        size_t len;
        long idx = conversion(pct + 1, &len, &next);
        if (idx == -1) {
            put(out, size, &used, &need, "%", 1);
        } else if (idx == -2) {
            put(out, size, &used, &need, "%", 1);
            len = 0;
        } else if ((size_t)idx < nargs && args[idx]) {
            put(out, size, &used, &need, args[idx], strlen(args[idx]));
        }
        p = pct + 1 + len;
    }
    put(out, size, &used, &need, p, strlen(p));
    return need;
}

int msg_format_split(char *text, const char **id, const char **args, size_t max_args)
{
    char *sep = strchr(text, MSG_FORMAT_SEP);
    *id = text;
    int n = 0;
    while (sep) {
        *sep = '\0';
        char *arg = sep + 1;
        if ((size_t)n < max_args)
            args[n] = arg;
        n++;
        sep = strchr(arg, MSG_FORMAT_SEP);
    }
    return n;
}

void msg_encode(char *out, size_t size, const char *id, const char *const *args, size_t nargs)
{
    size_t used = 0;
    /* whole characters only: the text may end up in a protobuf string */
    for (size_t part = 0; part <= nargs; part++) {
        const char *s = part == 0 ? id : args[part - 1] ? args[part - 1] : "";
        if (part > 0 && used + 1 < size)
            out[used++] = MSG_FORMAT_SEP;
        size_t n = strlen(s);
        if (used + n >= size) {
            n = size - 1 - used;
            while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
                n--;
        }
        for (size_t i = 0; i < n; i++) /* an argument's own separator would split it */
            out[used + i] = s[i] == MSG_FORMAT_SEP ? '?' : s[i];
        used += n;
    }
    out[used] = '\0';
}

size_t msg_format_encoded_as(char *out, size_t size, const char *text,
                             const char *(*translate)(const char *id))
{
    char copy[1024];
    size_t len = strlen(text);
    if (len >= sizeof(copy))
        len = sizeof(copy) - 1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    const char *id, *args[MSG_FORMAT_MAX_ARGS];
    int n = msg_format_split(copy, &id, args, MSG_FORMAT_MAX_ARGS);
    const char *fmt = translate && *id ? translate(id) : id;
    return msg_format(out, size, fmt, args, n < MSG_FORMAT_MAX_ARGS ? (size_t)n : MSG_FORMAT_MAX_ARGS);
}

size_t msg_format_encoded(char *out, size_t size, const char *text)
{
    return msg_format_encoded_as(out, size, text, NULL);
}
