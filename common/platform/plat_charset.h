/* Converting a spreadsheet's text from the encodings Excel and LibreOffice
 * save in (UTF-16LE, UTF-16BE, WINDOWS-1258, WINDOWS-1252) to UTF-8:
 * glibc's iconv on Linux; on Windows, where no iconv ships, the system's
 * own code pages (MultiByteToWideChar) and utf16.c, with 1258's separate
 * tone marks composed (NFC, utf8proc) as glibc's iconv composes them.
 * unix/charset.c, win/charset.c; client/formats/text_decode.c decides
 * which encoding a file is in. */
#ifndef CCHC_PLAT_CHARSET_H
#define CCHC_PLAT_CHARSET_H

#include <stddef.h>

/* Converts len bytes of data in encoding from (one of the names above)
 * into a new NUL-terminated UTF-8 string *out of *out_len bytes. 0 when
 * every byte converted, 1 when the bytes are not valid in that encoding
 * (or the encoding is unknown), -1 when memory ran out. */
int plat_to_utf8(const char *from, const char *data, size_t len, char **out, size_t *out_len);

#endif
