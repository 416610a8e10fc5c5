/* See text_decode.h. The order of the checks is the order of certainty:
 * a byte order mark says what the file is; then file signatures (a zip,
 * an old .xls, a PDF), NUL bytes (UTF-16 without a BOM, binary); then
 * valid UTF-8; only text that is none of these is weighed for the 8-bit
 * encodings, and only on byte patterns that real text in that encoding
 * produces (docs/spreadsheet-text.md). */
#include "text_decode.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "plat_charset.h"
#include "utf8.h"

/* How to save a UTF-8 CSV, appended to every "cannot read" message. */
static const char *save_as_utf8(void)
{
    return _("Open the file in Excel or LibreOffice, save it as CSV UTF-8 and send it "
             "again:\n"
             "  Excel: File > Save As > file type \"CSV UTF-8 (Comma delimited) (*.csv)\".\n"
             "  LibreOffice Calc: File > Save As > file type \"Text CSV (.csv)\", tick "
             "\"Edit filter settings\", then Character set \"Unicode (UTF-8)\".\n"
             "Nothing was sent.");
}

static int unreadable(text_decoded *out, const char *seems)
{
    snprintf(out->unreadable, sizeof(out->unreadable),
             _("cannot read the file: it seems to be %s, not CSV UTF-8.\n%s"), seems,
             save_as_utf8());
    return 0;
}

/* Converts to UTF-8 (iconv, or Windows' code pages: plat_charset.h); 0
 * when every byte converted, 1 when the bytes are not valid in that
 * encoding, -1 when memory ran out. */
static int convert(const char *from, const char *data, size_t len, text_decoded *out)
{
    return plat_to_utf8(from, data, len, &out->data, &out->len);
}

static int copy(const char *data, size_t len, text_decoded *out)
{
    out->data = malloc(len + 1);
    if (!out->data)
        return -1;
    memcpy(out->data, data, len);
    out->data[len] = '\0';
    out->len = len;
    return 0;
}

static int is_ascii_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ascii_vowel(unsigned char c)
{
    return c && strchr("aeiouyAEIOUY", c) != NULL;
}

/* Evidence for each 8-bit encoding Vietnamese text is found in, counted
 * on byte pairs that text in that encoding produces and other text
 * almost never does. */
typedef struct evidence {
    /* a combining tone mark after a vowel (in 1252 ì ò Ì Ò Þ, which follow
     * consonants), đ/Đ beside letters (ð Ð in 1252). Not ă ơ ư: in 1252
     * they are ã õ ý, Vietnamese letters too */
    size_t cp1258;
    size_t tcvn3;  /* ă â ê ô ơ ư đ, à ả ã á ạ ằ ẳ ẵ ắ in TCVN3 (¨©ª«¬­® µ¶·¸¹º»¼½¾
                    * in 1252/1258, signs no word contains) beside letters */
    size_t vni;    /* a VNI diacritic byte after a vowel that no 1258 or 1252
                    * word puts there (ø û ï ä å ë ü …), ñ (VNI đ) starting a word */
    size_t high;   /* bytes ≥ 0x80 */
} evidence;

static evidence weigh(const unsigned char *s, size_t len)
{
    /* Windows-1258 vowels that take a tone mark: â ă ê ô ơ ư and capitals */
    static const unsigned char v1258[] = {0xE2, 0xE3, 0xEA, 0xF4, 0xF5, 0xFD,
                                          0xC2, 0xC3, 0xCA, 0xD4, 0xD5, 0xDD, 0};
    static const unsigned char tone1258[] = {0xCC, 0xEC, 0xD2, 0xDE, 0xF2, 0};
    static const unsigned char vni_marks[] = {0xF8, 0xFB, 0xEF, 0xE4, 0xE5, 0xEB, 0xFC,
                                              0xD8, 0xDB, 0xCF, 0xC4, 0xC5, 0xCB, 0xDC, 0};
    evidence e = {0};
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c < 0x80)
            continue;
        e.high++;
        unsigned char prev = i ? s[i - 1] : 0, next = i + 1 < len ? s[i + 1] : 0;
        int beside_letter = is_ascii_letter(prev) || is_ascii_letter(next);
        if (strchr((const char *)tone1258, c) &&
            (is_ascii_vowel(prev) || (prev && strchr((const char *)v1258, prev))))
            e.cp1258++;
        else if ((c == 0xF0 || c == 0xD0) && beside_letter) /* ð Ð in 1252: no Vietnamese word */
            e.cp1258++;
        if (((c >= 0xA8 && c <= 0xAE) || (c >= 0xB5 && c <= 0xBE)) && beside_letter)
            e.tcvn3++;
        if (is_ascii_vowel(prev) && strchr((const char *)vni_marks, c))
            e.vni++;
        else if ((c == 0xF1 || c == 0xD1) && !is_ascii_letter(prev) && is_ascii_letter(next))
            e.vni++;
    }
    return e;
}

/* Zeros at every other byte: UTF-16 text of mostly ASCII characters
 * (LE: zeros at odd offsets). Returns 'L', 'B' or 0. */
static char utf16_without_bom(const unsigned char *s, size_t len)
{
    size_t even = 0, odd = 0, n = len < 4096 ? len : 4096;
    for (size_t i = 0; i < n; i++)
        if (s[i] == 0 && i % 2)
            odd++;
        else if (s[i] == 0)
            even++;
    if (n >= 4 && odd * 3 > n && even * 10 < n)
        return 'L';
    if (n >= 4 && even * 3 > n && odd * 10 < n)
        return 'B';
    return 0;
}

/* Valid multi-byte UTF-8 sequences at least as many as invalid bytes:
 * UTF-8 with damage, not an 8-bit encoding (in 1258 or 1252 text a
 * letter followed by 0x80-0xBF, the shape of a UTF-8 sequence, is rare). */
static int mostly_utf8(const char *data, size_t len)
{
    size_t sequences = 0, invalid = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        int ok;
        size_t n = utf8_decode(data + i, len - i, &cp, &ok);
        if (!ok)
            invalid++;
        else if (n > 1)
            sequences++;
        i += n;
    }
    return sequences > 0 && sequences >= invalid;
}

int text_decode(const char *data, size_t len, text_decoded *out)
{
    memset(out, 0, sizeof(*out));
    const unsigned char *s = (const unsigned char *)data;
    int rc;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        if (memchr(data + 3, '\0', len - 3))
            return unreadable(out, _("binary data, not text"));
        out->encoding = "UTF-8"; /* damaged bytes, if any, are the readers' to name by line */
        return copy(data + 3, len - 3, out);
    }
    if (len >= 4 && (memcmp(s, "\xFF\xFE\0\0", 4) == 0 || memcmp(s, "\0\0\xFE\xFF", 4) == 0))
        return unreadable(out, _("UTF-32 text"));
    if (len >= 2 && (memcmp(s, "\xFF\xFE", 2) == 0 || memcmp(s, "\xFE\xFF", 2) == 0)) {
        int le = s[0] == 0xFF;
        out->encoding = le ? "UTF-16LE" : "UTF-16BE";
        if ((rc = convert(out->encoding, data + 2, len - 2, out)) < 0)
            return -1;
        if (rc > 0 || !utf8_valid(out->data, out->len)) {
            text_decoded_free(out);
            out->encoding = le ? "UTF-16LE" : "UTF-16BE";
            return unreadable(out, _("UTF-16 text (\"Unicode text\") with damaged bytes"));
        }
        out->converted = 1;
        snprintf(out->notice, sizeof(out->notice),
                 _("read the file as %s (Excel's \"Unicode text\")"), out->encoding);
        return 0;
    }
    if (len >= 4 && memcmp(s, "PK\x03\x04", 4) == 0)
        return unreadable(out, _("a zipped spreadsheet (.xlsx or .ods) named like a CSV file"));
    if (len >= 8 && memcmp(s, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return unreadable(out, _("an Excel 97-2003 workbook (.xls)"));
    if (len >= 5 && memcmp(s, "%PDF-", 5) == 0)
        return unreadable(out, _("a PDF file"));
    if (memchr(data, '\0', len)) {
        char order = utf16_without_bom(s, len);
        if (order)
            return unreadable(out, order == 'L'
                                       ? _("UTF-16 LE text without a byte order mark")
                                       : _("UTF-16 BE text without a byte order mark"));
        return unreadable(out, _("binary data, not text"));
    }
    if (utf8_valid(data, len) || mostly_utf8(data, len)) {
        /* a UTF-8 file with a few damaged bytes stays UTF-8: each reader
         * names the lines that are not (reading it as 1252 would turn
         * every Vietnamese letter into mojibake) */
        out->encoding = "UTF-8";
        return copy(data, len, out);
    }
    evidence e = weigh(s, len);
    if (e.tcvn3 >= 2 && e.tcvn3 > e.cp1258)
        return unreadable(out, _("text in TCVN3 (ABC, the .VnTime fonts), an encoding older "
                                 "than Unicode; convert it to Unicode first, for example "
                                 "with Unikey's converter"));
    if (e.vni >= 2 && e.vni > e.cp1258)
        return unreadable(out, _("text in VNI (the VNI-Times fonts), an encoding older than "
                                 "Unicode; convert it to Unicode first, for example with "
                                 "Unikey's converter"));
    out->encoding = e.cp1258 ? "WINDOWS-1258" : "WINDOWS-1252";
    if ((rc = convert(out->encoding, data, len, out)) < 0)
        return -1;
    if (rc > 0 || !utf8_valid(out->data, out->len)) {
        text_decoded_free(out);
        return unreadable(out, _("text in an unrecognised 8-bit encoding"));
    }
    out->converted = 1;
    const char *name = e.cp1258 ? "Windows-1258" : "Windows-1252";
    snprintf(out->notice, sizeof(out->notice),
             e.cp1258 ? _("read the file as %s (Vietnamese, Excel's CSV on Windows)")
                      : _("read the file as %s (no Vietnamese letters)"),
             name);
    return 0;
}

void text_decoded_free(text_decoded *decoded)
{
    free(decoded->data);
    memset(decoded, 0, sizeof(*decoded));
}
