/* See wide_text.h. */
#include "wide_text.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "utf16.h"

wchar_t *utf8_to_wide(const char *text)
{
    long units = utf16_from_utf8(text, NULL, 0);
    if (units < 0) {
        errno = EILSEQ;
        return NULL;
    }
    wchar_t *wide = malloc(((size_t)units + 1) * sizeof(wchar_t));
    if (!wide) {
        errno = ENOMEM;
        return NULL;
    }
    utf16_from_utf8(text, (uint16_t *)wide, (size_t)units + 1);
    return wide;
}

int wide_to_utf8(const wchar_t *wide, char *out, size_t size)
{
    long bytes = utf16_to_utf8((const uint16_t *)wide, NULL, 0);
    if (bytes < 0) {
        errno = EILSEQ;
        return -1;
    }
    if ((size_t)bytes >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    utf16_to_utf8((const uint16_t *)wide, out, size);
    return 0;
}
