/* Turning the bytes of a text file a spreadsheet wrote into UTF-8 before
 * anything reads them as CSV. Excel and LibreOffice save text in several
 * encodings depending on the menu item and the Windows code page: UTF-8
 * with or without BOM, UTF-16 LE/BE with BOM (Excel's "Unicode text"),
 * Windows-1258 (Excel's plain "CSV" on Vietnamese Windows) and
 * Windows-1252. Each is recognised by evidence (a BOM, valid UTF-8, the
 * byte patterns only Vietnamese text produces in 1258) and converted with
 * glibc's iconv. What is none of these (UTF-16 without BOM, the legacy
 * TCVN3 and VNI font encodings, a spreadsheet file, binary data) is not
 * read at all: one message says what the file seems to be and how to save
 * it as "CSV UTF-8". Pure: bytes in, UTF-8 or a message out
 * (docs/spreadsheet-text.md). */
#ifndef CCHC_TEXT_DECODE_H
#define CCHC_TEXT_DECODE_H

#include <stddef.h>

typedef struct text_decoded {
    /* UTF-8 without BOM, NUL-terminated; NULL when unreadable. A UTF-8
     * file with a few damaged bytes (more valid multi-byte sequences than
     * bad bytes) is passed as it is, for the readers to name its lines. */
    char *data;
    size_t len;
    const char *encoding; /* "UTF-8", "UTF-16LE", "Windows-1258"…; what was recognised */
    int converted;        /* 1 when the file was not UTF-8 (notice is set) */
    char notice[200];     /* one line for stderr: how the file was read */
    char unreadable[1400]; /* set when data is NULL: what the file seems to be, what to do */
} text_decoded;

/* Returns 0 (check unreadable[]) or -1 when memory ran out. */
int text_decode(const char *data, size_t len, text_decoded *out);
void text_decoded_free(text_decoded *decoded);

#endif
