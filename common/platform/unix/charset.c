/* plat_charset.h on POSIX: glibc's iconv. */
#include "plat_charset.h"

#include <iconv.h>
#include <stdlib.h>

int plat_to_utf8(const char *from, const char *data, size_t len, char **out, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return 1;
    size_t cap = len * 3 + 4; /* UTF-16 → at most 3/2, one 8-bit byte → at most 3 */
    char *buf = malloc(cap + 1);
    if (!buf) {
        iconv_close(cd);
        return -1;
    }
    char *in = (char *)data, *o = buf;
    size_t in_left = len, out_left = cap;
    size_t rc = iconv(cd, &in, &in_left, &o, &out_left);
    if (rc != (size_t)-1)
        rc = iconv(cd, NULL, NULL, &o, &out_left); /* flush a held base letter (1258) */
    iconv_close(cd);
    if (rc == (size_t)-1 || in_left) {
        free(buf);
        return 1;
    }
    *out_len = (size_t)(o - buf);
    buf[*out_len] = '\0';
    *out = buf;
    return 0;
}
