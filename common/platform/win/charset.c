/* plat_charset.h on Windows, without iconv (Debian ships no Windows build
 * of one): UTF-16 is read unit by unit into utf16.c; Windows-1252 and
 * Windows-1258 go through the system's code page tables, refusing bytes
 * the code page does not define (MB_ERR_INVALID_CHARS) as iconv does.
 * Windows-1258 writes a tone as a separate mark after its vowel, and
 * Windows keeps it separate; glibc's iconv composes the pair into one
 * letter, so the result is put in NFC here to give the same bytes on
 * both systems. */
#include "plat_charset.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <windows.h>

#include "utf16.h"

/* NUL-terminated UTF-16 to a new UTF-8 string; 1 when invalid. */
static int from_units(const uint16_t *units, char **out, size_t *out_len)
{
    long bytes = utf16_to_utf8(units, NULL, 0);
    if (bytes < 0)
        return 1;
    char *buf = malloc((size_t)bytes + 1);
    if (!buf)
        return -1;
    utf16_to_utf8(units, buf, (size_t)bytes + 1);
    *out = buf;
    *out_len = (size_t)bytes;
    return 0;
}

static int from_utf16(int big_endian, const unsigned char *data, size_t len, char **out,
                      size_t *out_len)
{
    if (len % 2)
        return 1;
    size_t n = len / 2;
    uint16_t *units = malloc((n + 1) * sizeof(uint16_t));
    if (!units)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        units[i] = big_endian ? (uint16_t)(data[2 * i] << 8 | data[2 * i + 1])
                              : (uint16_t)(data[2 * i + 1] << 8 | data[2 * i]);
        rc = units[i] == 0; /* a NUL inside text: not what a spreadsheet writes */
    }
    units[n] = 0;
    if (rc == 0)
        rc = from_units(units, out, out_len);
    free(units);
    return rc;
}

static int from_code_page(UINT code_page, const char *data, size_t len, char **out,
                          size_t *out_len)
{
    if (len == 0)
        return from_units((const uint16_t *)L"", out, out_len);
    if (len > INT_MAX / 2)
        return 1;
    int n = MultiByteToWideChar(code_page, MB_ERR_INVALID_CHARS, data, (int)len, NULL, 0);
    if (n <= 0)
        return 1;
    wchar_t *wide = malloc(((size_t)n + 1) * sizeof(wchar_t));
    if (!wide)
        return -1;
    MultiByteToWideChar(code_page, MB_ERR_INVALID_CHARS, data, (int)len, wide, n);
    wide[n] = L'\0';
    int rc = wcslen(wide) == (size_t)n ? from_units((const uint16_t *)wide, out, out_len) : 1;
    free(wide);
    if (rc != 0 || code_page != 1258)
        return rc;
    char *composed = (char *)utf8proc_NFC((const utf8proc_uint8_t *)*out);
    free(*out);
    *out = NULL;
    if (!composed)
        return -1;
    *out = composed;
    *out_len = strlen(composed);
    return 0;
}

int plat_to_utf8(const char *from, const char *data, size_t len, char **out, size_t *out_len)
{
    if (strcmp(from, "UTF-16LE") == 0 || strcmp(from, "UTF-16BE") == 0)
        return from_utf16(from[6] == 'B', (const unsigned char *)data, len, out, out_len);
    if (strcmp(from, "WINDOWS-1258") == 0)
        return from_code_page(1258, data, len, out, out_len);
    if (strcmp(from, "WINDOWS-1252") == 0)
        return from_code_page(1252, data, len, out, out_len);
    return 1;
}
