/* See text_width.h. Widths are utf8proc's (Unicode's East Asian Width and
 * the zero-width categories, kept current by Debian's libutf8proc), not
 * the C library's wcwidth, which depends on the locale. */
#include "text_width.h"

#include "utf8.h"

#include <string.h>
#include <utf8proc.h>

int codepoint_width(unsigned cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (cp > 0x10FFFF)
        return 1;
    int w = utf8proc_charwidth((utf8proc_int32_t)cp);
    /* format characters (zero-width space, joiners, BOM) take no column
     * either; utf8proc leaves some of them at 1 */
    if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_CF)
        return 0;
    return w < 0 ? 0 : w > 2 ? 2 : w;
}

size_t text_width(const char *s)
{
    size_t n = strlen(s), cols = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        int ok;
        i += utf8_decode(s + i, n - i, &cp, &ok);
        cols += (size_t)codepoint_width(cp);
    }
    return cols;
}

size_t text_fit(const char *s, size_t max_cols, size_t *cols_used)
{
    size_t n = strlen(s), cols = 0, i = 0;
    while (i < n) {
        unsigned cp;
        int ok;
        size_t len = utf8_decode(s + i, n - i, &cp, &ok);
        int w = codepoint_width(cp);
        if (cols + (size_t)w > max_cols)
            break;
        cols += (size_t)w;
        i += len;
    }
    /* Combining marks are zero-width, so the loop keeps every mark of a
     * kept base and stops before a base that does not fit, marks and all. */
    if (cols_used)
        *cols_used = cols;
    return i;
}
