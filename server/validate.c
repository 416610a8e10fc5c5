/* See validate.h. */
#include "validate.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int validate_date(const char *text, char *why, size_t why_size)
{
    if (!text || !*text)
        return 0;
    int y, m, d;
    char tail;
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
        sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) {
        snprintf(why, why_size, "ngày \"%.40s\" không đúng dạng YYYY-MM-DD (expected YYYY-MM-DD)", text);
        return -1;
    }
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) {
            snprintf(why, why_size, "ngày \"%s\" không đúng dạng YYYY-MM-DD (expected YYYY-MM-DD)", text);
            return -1;
        }
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 ||
        d > days[m - 1] + (m == 2 && leap(y))) {
        snprintf(why, why_size, "ngày \"%s\" không có thật (no such date)", text);
        return -1;
    }
    return 0;
}

int validate_text(const char *text, size_t max_bytes, char *why, size_t why_size)
{
    size_t n = strlen(text);
    if (n > max_bytes) {
        snprintf(why, why_size, "dài %zu byte, tối đa %zu (too long)", n, max_bytes);
        return -1;
    }
    if (!utf8_valid(text, n)) {
        snprintf(why, why_size, "không phải văn bản UTF-8 hợp lệ (not valid UTF-8)");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            snprintf(why, why_size, "có ký tự điều khiển 0x%02X (control character)", c);
            return -1;
        }
    }
    return 0;
}

int validate_decimal(const char *text, int max_integer, int max_fraction, char *why,
                     size_t why_size)
{
    int integer = 0, fraction = 0, seen_point = 0;
    const char *p = text;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (seen_point)
                fraction++;
            else
                integer++;
        } else if (*p == '.' && !seen_point) {
            seen_point = 1;
        } else {
            break;
        }
    }
    if (*p || integer == 0 || (seen_point && fraction == 0) || integer > max_integer ||
        fraction > max_fraction) {
        snprintf(why, why_size,
                 "\"%.40s\" không phải số thập phân hợp lệ (expected a decimal like 87.52, "
                 "at most %d digits after the point)",
                 text, max_fraction);
        return -1;
    }
    return 0;
}
