/* The pure parts of reading a spreadsheet cell as a person sees it: where
 * a cell reference ("AB12") points, what kind of number format a style
 * has (percent, date, plain), and the text of a stored number under that
 * format ("0.75" under 0% → "75%", a date serial → "2026-12-05", float
 * noise trimmed as Excel's own display does). Everything works on the
 * decimal text the XML holds, never on a double and never through the
 * process locale, so a Vietnamese LC_NUMERIC cannot turn "75.5" into
 * "75,5". Unit tested in tests/unit/test_xlsx_cell.c. */
#ifndef CCHC_XLSX_CELL_H
#define CCHC_XLSX_CELL_H

#include <stddef.h>

/* The largest column the reader keeps (XFD, Excel's last, is 16383). */
#define XLSX_MAX_COLUMN 16383
#define XLSX_MAX_ROW 1048576

typedef enum { XLSX_FORMAT_PLAIN, XLSX_FORMAT_PERCENT, XLSX_FORMAT_DATE } xlsx_format_kind;

/* "AB12" → column 27 (0-based) and row 12; returns 0, or -1 when ref is
 * not a cell reference within Excel's limits. Either out may be NULL. */
int xlsx_cell_ref(const char *ref, int *column, int *row);
/* The kind of a number format: a built-in id (0-163) or, for a custom
 * one, its format code (NULL when there is none). */
xlsx_format_kind xlsx_format_kind_of(int num_fmt_id, const char *format_code);
/* The text a person sees for a number stored as text (the XML's <v>):
 * at most 15 significant digits, no exponent, no trailing zeros, "." as
 * the decimal point; PERCENT multiplies by 100 and appends "%"; DATE
 * gives YYYY-MM-DD of the serial (date1904: the 1904 date system).
 * Text that is not a number is copied as it is. out gets at least 1 byte;
 * returns 0, or -1 when out is too small (out then holds the value as it
 * was, truncated). */
int xlsx_number_text(const char *value, xlsx_format_kind kind, int date1904, char *out,
                     size_t size);
/* Undoes OOXML's escaping of characters XML cannot carry ("_x000D_" → CR,
 * "_x005F_" → "_") in place. */
void xlsx_unescape(char *text);

#endif
