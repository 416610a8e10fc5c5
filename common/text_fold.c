/* See text_fold.h. Normal forms and case folding are utf8proc's; what is
 * ours is the Vietnamese detail utf8proc leaves out (đ has no
 * decomposition, so it is folded by hand), the white space and punctuation
 * rules of a matching key, and the edit distance. */
#include "text_fold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

static char *map(const char *s, utf8proc_option_t options)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                                      (utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_STABLE | options));
    if (n < 0)
        return NULL;
    return (char *)out;
}

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *out = malloc(n);
    if (out)
        memcpy(out, s, n);
    return out;
}

int text_is_nfc(const char *s)
{
    if (is_ascii(s))
        return 1;
    char *nfc = text_nfc(s);
    int same = nfc && strcmp(nfc, s) == 0;
    free(nfc);
    return same;
}

char *text_nfc(const char *s)
{
    return is_ascii(s) ? copy(s) : map(s, UTF8PROC_COMPOSE);
}

char *text_nfd(const char *s)
{
    return is_ascii(s) ? copy(s) : map(s, UTF8PROC_DECOMPOSE);
}

/* ---- the Vietnamese combining form --------------------------------------- */

static int is_tone_mark(utf8proc_int32_t cp)
{
    return cp == 0x0300 || cp == 0x0301 || cp == 0x0303 || cp == 0x0309 || cp == 0x0323;
}

/* Appends the UTF-8 of cps[0..n) to out (room enough: 4 bytes each). */
static size_t put_cps(char *out, const utf8proc_int32_t *cps, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)utf8proc_encode_char(cps[i], (utf8proc_uint8_t *)out + len);
    return len;
}

char *text_vi_combining(const char *s)
{
    if (is_ascii(s))
        return copy(s);
    char *nfd = text_nfd(s);
    if (!nfd)
        return NULL;
    /* composing never lengthens a cluster, and the tone marks only move */
    size_t len = strlen(nfd);
    char *out = malloc(len + 1);
    if (!out) {
        free(nfd);
        return NULL;
    }
    size_t used = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)nfd, *end = p + len;
    while (p < end) {
        /* one cluster: a starter and the combining marks after it */
        utf8proc_int32_t shape[16], tones[16];
        size_t n_shape = 0, n_tones = 0;
        const utf8proc_uint8_t *start = p;
        utf8proc_int32_t cp;
        p += utf8proc_iterate(p, end - p, &cp);
        shape[n_shape++] = cp;
        int overflow = 0;
        while (p < end) {
            utf8proc_ssize_t step = utf8proc_iterate(p, end - p, &cp);
            if (utf8proc_get_property(cp)->combining_class == 0)
                break;
            if (n_shape == 16 || n_tones == 16)
                overflow = 1;
            else if (is_tone_mark(cp))
                tones[n_tones++] = cp;
            else
                shape[n_shape++] = cp;
            p += step;
        }
        if (overflow) { /* not Vietnamese: left decomposed */
            memcpy(out + used, start, (size_t)(p - start));
            used += (size_t)(p - start);
            continue;
        }
        char piece[16 * 4 + 1];
        piece[put_cps(piece, shape, n_shape)] = '\0';
        char *composed = map(piece, UTF8PROC_COMPOSE);
        if (!composed) {
            free(nfd);
            free(out);
            return NULL;
        }
        size_t clen = strlen(composed);
        memcpy(out + used, composed, clen);
        used += clen;
        free(composed);
        used += put_cps(out + used, tones, n_tones);
    }
    out[used] = '\0';
    free(nfd);
    return out;
}

/* ---- matching keys -------------------------------------------------------- */

static int is_space(utf8proc_int32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) ||
           utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

static int is_trailing_punct(char c)
{
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ' ';
}

char *text_fold_key(const char *s)
{
    char *folded = map(s, UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                              UTF8PROC_STRIPMARK | UTF8PROC_LUMP);
    if (!folded)
        return NULL;
    /* the key is never longer than the folded text */
    size_t len = strlen(folded), used = 0;
    char *out = malloc(len + 1);
    if (!out) {
        free(folded);
        return NULL;
    }
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)folded, *end = p + len;
    int pending_space = 0;
    while (p < end) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t step = utf8proc_iterate(p, end - p, &cp);
        if (is_space(cp)) {
            pending_space = used > 0;
        } else {
            if (pending_space)
                out[used++] = ' ';
            pending_space = 0;
            if (cp == 0x0111) /* đ: no decomposition in Unicode, d to a reader */
                out[used++] = 'd';
            else {
                memcpy(out + used, p, (size_t)step);
                used += (size_t)step;
            }
        }
        p += step;
    }
    while (used > 0 && is_trailing_punct(out[used - 1]))
        used--;
    out[used] = '\0';
    free(folded);
    return out;
}

int text_fold_equal(const char *a, const char *b)
{
    char *ka = text_fold_key(a), *kb = text_fold_key(b);
    int same = ka && kb && strcmp(ka, kb) == 0;
    free(ka);
    free(kb);
    return same;
}

/* ---- edit distance -------------------------------------------------------- */

#define DISTANCE_MAX_CPS 256

/* The code points of s; -1 when invalid or longer than DISTANCE_MAX_CPS. */
static long decode_all(const char *s, utf8proc_int32_t *cps)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t left = strlen(s);
    long n = 0;
    while (left > 0) {
        if (n == DISTANCE_MAX_CPS)
            return -1;
        utf8proc_ssize_t step = utf8proc_iterate(p, (utf8proc_ssize_t)left, &cps[n]);
        if (step <= 0)
            return -1;
        n++;
        p += step;
        left -= (size_t)step;
    }
    return n;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t text_edit_distance(const char *a, const char *b)
{
    utf8proc_int32_t x[DISTANCE_MAX_CPS], y[DISTANCE_MAX_CPS];
    long n = decode_all(a, x), m = decode_all(b, y);
    if (n < 0 || m < 0)
        return SIZE_MAX;
    /* three rows of the optimal-string-alignment table */
    size_t rows[3][DISTANCE_MAX_CPS + 1];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (long j = 0; j <= m; j++)
        prev[j] = (size_t)j;
    for (long i = 1; i <= n; i++) {
        cur[0] = (size_t)i;
        for (long j = 1; j <= m; j++) {
            size_t cost = x[i - 1] == y[j - 1] ? 0 : 1;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
                before[j - 2] + 1 < cur[j])
                cur[j] = before[j - 2] + 1;
        }
        size_t *t = before;
        before = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

size_t text_closest(const char *typed, const char *const *candidates, size_t n,
                    size_t max_distance, size_t *out, size_t max_out)
{
    char *key = text_fold_key(typed);
    size_t found = 0;
    size_t dist[64];
    if (!key)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char *other = text_fold_key(candidates[i]);
        size_t d = other ? text_edit_distance(key, other) : SIZE_MAX;
        free(other);
        if (d > max_distance)
            continue;
        /* insertion into the sorted list; later equals stay after */
        size_t at = found;
        while (at > 0 && dist[at - 1] > d)
            at--;
        size_t keep = found < max_out && found < 64 ? found + 1 : found;
        if (at >= keep)
            continue;
        for (size_t k = keep - 1; k > at; k--) {
            out[k] = out[k - 1];
            dist[k] = dist[k - 1];
        }
        out[at] = i;
        dist[at] = d;
        found = keep;
    }
    free(key);
    return found;
}
