/* See xlsx_cell.h. */
#include "xlsx_cell.h"

#include <stdio.h>
#include <string.h>

int xlsx_cell_ref(const char *ref, int *column, int *row)
{
    long col = 0, r = 0;
    int letters = 0, digits = 0;
    const char *p = ref;
    for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++, letters++) {
        if (letters == 3)
            return -1;
        col = col * 26 + ((*p | 0x20) - 'a' + 1); /* bijective base 26: A=1 … Z=26, AA=27 */
    }
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits == 7)
            return -1;
        r = r * 10 + (*p - '0');
    }
    if (*p || !letters || !digits || col - 1 > XLSX_MAX_COLUMN || r < 1 || r > XLSX_MAX_ROW)
        return -1;
    if (column)
        *column = (int)col - 1;
    if (row)
        *row = (int)r;
    return 0;
}

xlsx_format_kind xlsx_format_kind_of(int id, const char *code)
{
    if (id == 9 || id == 10)
        return XLSX_FORMAT_PERCENT;
    /* the built-in dates, the East Asian ones (27-36, 50-58) included */
    if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
        return XLSX_FORMAT_DATE;
    if (id < 164 || !code)
        return XLSX_FORMAT_PLAIN;
    int date = 0, month = 0, time = 0;
    /* only the first section (positive numbers) decides; literal text in
     * quotes, escaped characters, [colour]/[$-locale] and the padding
     * characters after _ and * say nothing about the kind */
    for (const char *p = code; *p && *p != ';'; p++) {
        switch (*p) {
        case '"':
            while (p[1] && p[1] != '"')
                p++;
            if (p[1])
                p++;
            break;
        case '\\': case '_': case '*':
            if (p[1])
                p++;
            break;
        case '[':
            while (p[1] && p[1] != ']')
                p++;
            if (p[1])
                p++;
            break;
        case '%': return XLSX_FORMAT_PERCENT;
        case 'd': case 'D': case 'y': case 'Y': date = 1; break;
        case 'm': case 'M': month = 1; break;
        case 'h': case 'H': case 's': case 'S': time = 1; break;
        default: break;
        }
    }
    return date || (month && !time) ? XLSX_FORMAT_DATE : XLSX_FORMAT_PLAIN;
}

/* A number as significant digits and a power of ten: value = digits × 10^exp. */
typedef struct decimal {
    int negative;
    char digits[48];
    int n;
    int exp;
} decimal;

#define DECIMAL_KEPT 40

static int decimal_parse(const char *s, decimal *d)
{
    memset(d, 0, sizeof(*d));
    if (*s == '-' || *s == '+')
        d->negative = *s++ == '-';
    int seen = 0, point = 0;
    for (;; s++) {
        if (*s == '.' && !point) {
            point = 1;
            continue;
        }
        if (*s < '0' || *s > '9')
            break;
        seen = 1;
        if (d->n == 0 && *s == '0') { /* a leading zero */
            if (point)
                d->exp--;
            continue;
        }
        if (d->n < DECIMAL_KEPT) {
            d->digits[d->n++] = *s;
            if (point)
                d->exp--;
        } else if (!point) {
            d->exp++; /* an integer digit past what is kept */
        }
    }
    if (!seen)
        return -1;
    if (*s == 'e' || *s == 'E') {
        s++;
        int negative = 0, e = 0, edigits = 0;
        if (*s == '-' || *s == '+')
            negative = *s++ == '-';
        for (; *s >= '0' && *s <= '9'; s++, edigits++)
            if ((e = e * 10 + (*s - '0')) > 1000)
                return -1;
        if (!edigits)
            return -1;
        d->exp += negative ? -e : e;
    }
    return *s ? -1 : 0;
}

/* To Excel's 15 significant digits, without trailing zeros. */
static void decimal_round(decimal *d)
{
    if (d->n > 15) {
        int up = d->digits[15] >= '5';
        d->exp += d->n - 15;
        d->n = 15;
        for (int i = 14; up && i >= 0; i--) {
            if (d->digits[i] == '9') {
                d->digits[i] = '0';
            } else {
                d->digits[i]++;
                up = 0;
            }
        }
        if (up) { /* 999…9 + 1 */
            d->digits[0] = '1';
            d->n = 1;
            d->exp += 15;
        }
    }
    while (d->n > 0 && d->digits[d->n - 1] == '0') {
        d->n--;
        d->exp++;
    }
}

static int decimal_text(const decimal *d, const char *suffix, char *out, size_t size)
{
    char text[800];
    size_t used = 0;
    if (d->n == 0) {
        snprintf(out, size, "0%s", suffix);
        return strlen(suffix) + 2 > size ? -1 : 0;
    }
    if (d->exp > 300 || d->exp < -330)
        return -1;
    if (d->negative)
        text[used++] = '-';
    int point = d->n + d->exp; /* digits before the decimal point */
    if (point <= 0) {
        text[used++] = '0';
        text[used++] = '.';
        for (int i = 0; i < -point; i++)
            text[used++] = '0';
        memcpy(text + used, d->digits, (size_t)d->n);
        used += (size_t)d->n;
    } else {
        for (int i = 0; i < point; i++)
            text[used++] = i < d->n ? d->digits[i] : '0';
        if (point < d->n) {
            text[used++] = '.';
            memcpy(text + used, d->digits + point, (size_t)(d->n - point));
            used += (size_t)(d->n - point);
        }
    }
    text[used] = '\0';
    int written = snprintf(out, size, "%s%s", text, suffix);
    return written < 0 || (size_t)written >= size ? -1 : 0;
}

/* Days from 1970-01-01 to a civil date (H. Hinnant's algorithm), inverted. */
static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int date_text(const decimal *d, int date1904, char *out, size_t size)
{
    if (d->negative)
        return 1;
    long serial = 0;
    for (int i = 0; i < d->n + d->exp; i++) { /* the whole days: the time of day is dropped */
        serial = serial * 10 + (i < d->n ? d->digits[i] - '0' : 0);
        if (serial > 2958465) /* 9999-12-31 */
            return 1;
    }
    long days; /* from 1970-01-01 */
    if (date1904) {
        days = serial - 24107;
    } else if (serial == 60) { /* Lotus's 1900-02-29, kept by Excel */
        snprintf(out, size, "1900-02-29");
        return size < 11 ? -1 : 0;
    } else {
        days = serial - 25569 + (serial < 60); /* before the phantom day, one more */
    }
    int y, m, day;
    civil_from_days(days, &y, &m, &day);
    int written = snprintf(out, size, "%04d-%02d-%02d", y, m, day);
    return written < 0 || (size_t)written >= size ? -1 : 0;
}

int xlsx_number_text(const char *value, xlsx_format_kind kind, int date1904, char *out,
                     size_t size)
{
    decimal d;
    if (decimal_parse(value, &d) == 0) {
        if (kind == XLSX_FORMAT_DATE) {
            int rc = date_text(&d, date1904, out, size);
            if (rc <= 0)
                return rc;
        }
        if (kind == XLSX_FORMAT_PERCENT)
            d.exp += 2;
        decimal_round(&d);
        if (decimal_text(&d, kind == XLSX_FORMAT_PERCENT ? "%" : "", out, size) == 0)
            return 0;
    }
    int written = snprintf(out, size, "%s", value);
    return written < 0 || (size_t)written >= size ? -1 : 0;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
}

void xlsx_unescape(char *text)
{
    char *in = text, *out = text;
    while (*in) {
        unsigned cp = 0;
        int ok = in[0] == '_' && in[1] == 'x';
        for (int i = 2; ok && i < 6; i++) {
            int h = hex_value(in[i]);
            ok = h >= 0;
            cp = cp * 16 + (unsigned)(h < 0 ? 0 : h);
        }
        ok = ok && in[6] == '_' && !(cp >= 0xD800 && cp <= 0xDFFF);
        if (!ok) {
            *out++ = *in++;
            continue;
        }
        in += 7;
        if (cp == 0)
            continue; /* no NUL inside a C string */
        if (cp < 0x80) {
            *out++ = (char)cp;
        } else if (cp < 0x800) {
            *out++ = (char)(0xC0 | (cp >> 6));
            *out++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *out++ = (char)(0xE0 | (cp >> 12));
            *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *out++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    *out = '\0';
}
