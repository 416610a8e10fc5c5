/* See text_width.h. Width tables follow Unicode's East Asian Width (W/F)
 * and the combining-mark blocks, reduced to the ranges that matter for a
 * Vietnamese tool; anything else counts one column. */
#include "text_width.h"

#include "utf8.h"

#include <string.h>

typedef struct range { unsigned lo, hi; } range;

static const range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

static const range double_width[] = {
    {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
    {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int in_ranges(unsigned cp, const range *ranges, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (cp >= ranges[i].lo && cp <= ranges[i].hi)
            return 1;
    return 0;
}

int codepoint_width(unsigned cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
        return 0;
    if (in_ranges(cp, double_width, sizeof(double_width) / sizeof(double_width[0])))
        return 2;
    return 1;
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
