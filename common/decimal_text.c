/* See decimal_text.h. The text is first reduced to a skeleton of digits,
 * '.', ',' and 'S' (any kind of space), then the skeleton is read by the
 * rule; only ASCII digits are ever interpreted, so no locale is involved. */
#include "decimal_text.h"

#include <stdio.h>
#include <string.h>

#include "msg_format.h"
#include "utf8.h"

const char DECIMAL_TEXT_RULE_VI[] =
    "Cách viết giá trị chỉ số: dấu phẩy (,) là dấu thập phân, ví dụ 12,5. Nên viết số không "
    "tách hàng nghìn (12530). Nếu tách hàng nghìn thì dùng dấu chấm hoặc khoảng trắng, mỗi "
    "nhóm đủ 3 chữ số (1.234.567 hoặc 1 234 567; 12.530,5). Khi có cả dấu chấm và dấu phẩy, "
    "dấu viết sau là dấu thập phân. Một dấu chấm hoặc dấu phẩy duy nhất, đứng sau 1-3 chữ số "
    "và theo sau đúng 3 chữ số (12.530, 12,530), không rõ là hàng nghìn hay thập phân nên bị "
    "từ chối: hãy viết 12530 hoặc 12,53. Tiến độ (%) viết 75, 75%, 75,5 hoặc 75.5, từ 0 "
    "đến 100, tối đa 2 chữ số thập phân.";

/* The spaces a spreadsheet or a keyboard puts in numbers: ASCII space and
 * tab, no-break space, narrow no-break space, thin space. Returns the
 * length of the one at s, 0 when there is none. */
static size_t space_at(const char *s)
{
    if (*s == ' ' || *s == '\t')
        return 1;
    if (strncmp(s, "\xC2\xA0", 2) == 0) /* strncmp: s may be shorter */
        return 2;
    if (strncmp(s, "\xE2\x80\xAF", 3) == 0 || strncmp(s, "\xE2\x80\x89", 3) == 0)
        return 3;
    return 0;
}

/* text without the spaces around it (and, with percent, a '%' at the end
 * and the spaces before it) as a skeleton: digits, '.', ',', 'S'.
 * Returns a decimal_text_result (*negative set for a leading minus). */
static int skeleton(const char *text, int percent, char *out, size_t size, int *negative)
{
    const char *start = text, *end = text + strlen(text);
    size_t n;
    while ((n = space_at(start)) > 0)
        start += n;
    for (int pass = 0; pass < 2; pass++) {
        for (int trimmed = 1; trimmed && end > start;) {
            trimmed = 0;
            if (end[-1] == ' ' || end[-1] == '\t') {
                end--, trimmed = 1;
            } else if (end - start >= 2 && memcmp(end - 2, "\xC2\xA0", 2) == 0) {
                end -= 2, trimmed = 1;
            } else if (end - start >= 3 && (memcmp(end - 3, "\xE2\x80\xAF", 3) == 0 ||
                                             memcmp(end - 3, "\xE2\x80\x89", 3) == 0)) {
                end -= 3, trimmed = 1;
            }
        }
        if (pass == 0 && percent && end > start && end[-1] == '%')
            end--;
        else
            break;
    }
    if (start == end)
        return DECIMAL_TEXT_EMPTY;
    *negative = 0;
    if (*start == '-' || *start == '+') {
        *negative = *start == '-';
        start++;
    } else if (end - start >= 3 && memcmp(start, "\xE2\x88\x92", 3) == 0) { /* − U+2212 */
        *negative = 1;
        start += 3;
    }
    size_t used = 0;
    for (const char *p = start; p < end;) {
        if (used + 1 >= size)
            return DECIMAL_TEXT_NOT_A_NUMBER;
        if ((*p >= '0' && *p <= '9') || *p == '.' || *p == ',') {
            out[used++] = *p++;
        } else if ((n = space_at(p)) > 0) {
            out[used++] = 'S';
            p += n;
        } else {
            return DECIMAL_TEXT_NOT_A_NUMBER;
        }
    }
    out[used] = '\0';
    return strpbrk(out, "0123456789") ? DECIMAL_TEXT_OK : DECIMAL_TEXT_NOT_A_NUMBER;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* The integer part s[0..n) grouped by sep: 1–3 digits, then groups of 3.
 * Writes the digits to out. Returns 0 when well grouped. */
static int ungroup(const char *s, size_t n, char sep, char *out, size_t size)
{
    size_t used = 0, group = 0, groups = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == sep) {
            if (group == 0 || group > 3 || (groups > 0 && group != 3))
                return -1;
            groups++;
            group = 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || used + 1 >= size)
            return -1;
        out[used++] = s[i];
        group++;
    }
    out[used] = '\0';
    return 0;
}

/* integer digits and fraction digits as canonical text: no leading
 * zeros, no trailing zeros after the point, no point without decimals. */
static void canonical(const char *integer, size_t ni, const char *fraction, size_t nf, char *out,
                      size_t size, int *integer_digits, int *fraction_digits)
{
    while (ni > 1 && *integer == '0')
        integer++, ni--;
    while (nf > 0 && fraction[nf - 1] == '0')
        nf--;
    if (ni == 0)
        integer = "0", ni = 1;
    *integer_digits = (int)ni;
    *fraction_digits = (int)nf;
    if (nf)
        snprintf(out, size, "%.*s.%.*s", (int)ni, integer, (int)nf, fraction);
    else
        snprintf(out, size, "%.*s", (int)ni, integer);
}

int decimal_text_percent(const char *text, decimal_parse *out)
{
    memset(out, 0, sizeof(*out));
    char sk[DECIMAL_TEXT_MAX * 2], quoted[41];
    int negative = 0;
    int rc = skeleton(text, 1, sk, sizeof(sk), &negative);
    if (rc == DECIMAL_TEXT_EMPTY) {
        msg_encode(out->why, sizeof(out->why), MSG_ID("progress (%%) missing"), NULL, 0);
        return rc;
    }
    const char *mark = strpbrk(sk, ".,");
    if (rc != DECIMAL_TEXT_OK || strchr(sk, 'S') || (mark && strpbrk(mark + 1, ".,")) ||
        (mark && !mark[1])) {
        const char *args[] = {utf8_quotable(text, quoted, 40)};
        msg_encode(out->why, sizeof(out->why),
                   MSG_ID("\"%s\" is not a progress: write 75, 75%%, 75,5 or 75.5"), args, 1);
        return DECIMAL_TEXT_NOT_A_NUMBER;
    }
    size_t ni = mark ? (size_t)(mark - sk) : strlen(sk);
    const char *fraction = mark ? mark + 1 : "";
    int di, df;
    canonical(sk, ni, fraction, strlen(fraction), out->value, sizeof(out->value), &di, &df);
    (void)di;
    if ((negative && strcmp(out->value, "0") != 0) || decimal_text_compare(out->value, "100") > 0) {
        const char *args[] = {utf8_quotable(text, quoted, 40)};
        msg_encode(out->why, sizeof(out->why), MSG_ID("progress \"%s\" must be from 0 to 100"),
                   args, 1);
        out->value[0] = '\0';
        return negative ? DECIMAL_TEXT_NEGATIVE : DECIMAL_TEXT_OUT_OF_RANGE;
    }
    if (df > 2) {
        const char *args[] = {utf8_quotable(text, quoted, 40)};
        msg_encode(out->why, sizeof(out->why), MSG_ID("progress \"%s\": at most 2 decimals"),
                   args, 1);
        out->value[0] = '\0';
        return DECIMAL_TEXT_TOO_PRECISE;
    }
    return DECIMAL_TEXT_OK;
}

int decimal_text_quantity(const char *text, int max_integer, int max_fraction,
                          decimal_parse *out)
{
    memset(out, 0, sizeof(*out));
    char sk[DECIMAL_TEXT_MAX * 2], quoted[41];
    int negative = 0;
    int rc = skeleton(text, 0, sk, sizeof(sk), &negative);
    if (rc == DECIMAL_TEXT_EMPTY) {
        msg_encode(out->why, sizeof(out->why), MSG_ID("no value"), NULL, 0);
        return rc;
    }
    const char *last_dot = strrchr(sk, '.'), *last_comma = strrchr(sk, ',');
    size_t dots = 0, commas = 0, spaces = 0;
    for (const char *p = sk; *p; p++) {
        dots += *p == '.';
        commas += *p == ',';
        spaces += *p == 'S';
    }
    char mark = 0, group = 0;
    if (rc != DECIMAL_TEXT_OK) {
        /* not a number; said below */
    } else if (dots && commas) {
        mark = last_dot > last_comma ? '.' : ',';
        group = mark == '.' ? ',' : '.';
        if ((mark == '.' ? dots : commas) != 1 || spaces)
            rc = DECIMAL_TEXT_NOT_A_NUMBER;
    } else if (dots || commas) {
        char c = dots ? '.' : ',';
        size_t k = dots ? dots : commas;
        const char *at = strchr(sk, c);
        size_t before = (size_t)(at - sk), after = strlen(at + 1);
        if (spaces) {
            mark = c, group = 'S';
            if (k != 1)
                rc = DECIMAL_TEXT_NOT_A_NUMBER;
        } else if (k > 1) {
            group = c;
        } else if (after == 3 && before >= 1 && before <= 3 && sk[0] != '0' &&
                   all_digits(sk, before) && all_digits(at + 1, 3)) {
            rc = DECIMAL_TEXT_AMBIGUOUS;
            char thousands[8], decimal[16];
            int di, df;
            snprintf(thousands, sizeof(thousands), "%.*s%s", (int)before, sk, at + 1);
            canonical(sk, before, at + 1, 3, decimal, sizeof(decimal), &di, &df);
            snprintf(out->as_thousands, sizeof(out->as_thousands), "%s", thousands);
            decimal_text_sheet_form(decimal, out->as_decimal, sizeof(out->as_decimal));
            const char *args[] = {utf8_quotable(text, quoted, 40), out->as_thousands,
                                  out->as_decimal};
            msg_encode(out->why, sizeof(out->why),
                       MSG_ID("\"%1$s\" is ambiguous: %2$s or %3$s? write %2$s or %3$s; ',' is "
                              "the decimal mark"),
                       args, 3);
            return rc;
        } else {
            mark = c;
        }
    } else if (spaces) {
        group = 'S';
    }
    char digits[DECIMAL_TEXT_MAX * 2];
    const char *at = mark ? strchr(sk, mark) : NULL;
    size_t ni = at ? (size_t)(at - sk) : strlen(sk);
    const char *fraction = at ? at + 1 : "";
    if (rc == DECIMAL_TEXT_OK && (at && (!*fraction || !all_digits(fraction, strlen(fraction)))))
        rc = DECIMAL_TEXT_NOT_A_NUMBER;
    if (rc == DECIMAL_TEXT_OK) {
        if (group && ni > 0) {
            if (ungroup(sk, ni, group, digits, sizeof(digits)) != 0)
                rc = DECIMAL_TEXT_NOT_A_NUMBER;
        } else if (all_digits(sk, ni) && ni < sizeof(digits)) {
            memcpy(digits, sk, ni);
            digits[ni] = '\0';
        } else {
            rc = DECIMAL_TEXT_NOT_A_NUMBER;
        }
    }
    if (rc != DECIMAL_TEXT_OK) {
        const char *args[] = {utf8_quotable(text, quoted, 40)};
        msg_encode(out->why, sizeof(out->why),
                   MSG_ID("\"%s\" is not a number; ',' is the decimal mark, e.g. 12530 or 12,53"),
                   args, 1);
        return DECIMAL_TEXT_NOT_A_NUMBER;
    }
    int di, df;
    canonical(digits, strlen(digits), fraction, strlen(fraction), out->value, sizeof(out->value),
              &di, &df);
    if (negative && strcmp(out->value, "0") != 0) {
        const char *args[] = {utf8_quotable(text, quoted, 40)};
        msg_encode(out->why, sizeof(out->why), MSG_ID("\"%s\": no negative values"), args, 1);
        out->value[0] = '\0';
        return DECIMAL_TEXT_NEGATIVE;
    }
    if (di > max_integer) {
        char limit[16];
        snprintf(limit, sizeof(limit), "%d", max_integer);
        const char *args[] = {utf8_quotable(text, quoted, 40), limit};
        msg_encode(out->why, sizeof(out->why),
                   MSG_ID("\"%s\" is too large: at most %s digits before the decimal mark"), args,
                   2);
        out->value[0] = '\0';
        return DECIMAL_TEXT_OUT_OF_RANGE;
    }
    if (df > max_fraction) {
        char limit[16];
        snprintf(limit, sizeof(limit), "%d", max_fraction);
        const char *args[] = {utf8_quotable(text, quoted, 40), limit};
        msg_encode(out->why, sizeof(out->why),
                   MSG_ID("\"%s\": at most %s digits after the decimal mark"), args, 2);
        out->value[0] = '\0';
        return DECIMAL_TEXT_TOO_PRECISE;
    }
    return DECIMAL_TEXT_OK;
}

void decimal_text_sheet_form(const char *canonical_text, char *out, size_t size)
{
    const char *point = strchr(canonical_text, '.');
    size_t ni = point ? (size_t)(point - canonical_text) : strlen(canonical_text);
    size_t nf = point ? strlen(point + 1) : 0;
    if (ni == 0 || !all_digits(canonical_text, ni) || (point && (nf == 0 || !all_digits(point + 1, nf)))) {
        snprintf(out, size, "%s", canonical_text);
        return;
    }
    if (!point)
        snprintf(out, size, "%s", canonical_text);
    else
        snprintf(out, size, "%.*s,%s%s", (int)ni, canonical_text, point + 1, nf == 3 ? "0" : "");
}

int decimal_text_compare(const char *a, const char *b)
{
    while (*a == '0' && a[1] >= '0' && a[1] <= '9')
        a++;
    while (*b == '0' && b[1] >= '0' && b[1] <= '9')
        b++;
    size_t ia = strspn(a, "0123456789"), ib = strspn(b, "0123456789");
    if (ia != ib)
        return ia < ib ? -1 : 1;
    int c = memcmp(a, b, ia);
    if (c)
        return c < 0 ? -1 : 1;
    const char *fa = a[ia] == '.' ? a + ia + 1 : "", *fb = b[ib] == '.' ? b + ib + 1 : "";
    while (*fa || *fb) {
        char da = (*fa >= '0' && *fa <= '9') ? *fa : '0', db = (*fb >= '0' && *fb <= '9') ? *fb : '0';
        if (da != db)
            return da < db ? -1 : 1;
        if (*fa)
            fa++;
        if (*fb)
            fb++;
    }
    return 0;
}

double decimal_text_approx(const char *text)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    int negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    double value = 0, scale = 1;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        value = value * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            scale /= 10;
            value += (*p - '0') * scale;
        }
    if (!digits)
        return 0;
    return negative ? -value : value;
}
