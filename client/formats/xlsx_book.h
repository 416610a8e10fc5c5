/* The workbook-level parts of an .xlsx, each read from its XML text: the
 * workbook (which sheet, which date system), the relationships (where a
 * part lives), the shared strings (rich-text runs joined, phonetic runs
 * left out) and the styles (which cell style is a percentage or a date).
 * What a sheet's cells need to be rendered as a person sees them. */
#ifndef CCHC_XLSX_BOOK_H
#define CCHC_XLSX_BOOK_H

#include <stddef.h>

#include "xlsx_cell.h"

#define XLSX_MAX_SHARED_STRINGS 2000000
#define XLSX_MAX_STYLES 65536
#define XLSX_MAX_NUMBER_FORMATS 1024 /* custom ones; Excel allows about 250 */

typedef struct xlsx_book {
    int date1904;
    char **strings;
    size_t n_strings;
    xlsx_format_kind *formats; /* by cell style index (the s="…" of a cell) */
    size_t n_formats;
} xlsx_book;

/* From workbook.xml: the relationship id of the sheet named wanted, or of
 * the first sheet when none has that name (*name gets the chosen sheet's
 * name), and the date system. Returns 0, or -1 with a message. */
int xlsx_book_workbook(xlsx_book *book, const char *xml, size_t len, const char *wanted,
                       char *rel_id, size_t rel_id_size, char *name, size_t name_size,
                       char *error, size_t error_size);
/* From a .rels part: the target of the relationship with this id, or
 * (id NULL) of the first whose type ends in type_suffix. Returns 0, 1
 * when there is none, -1 with a message. */
int xlsx_book_relation(const char *xml, size_t len, const char *part, const char *id,
                       const char *type_suffix, char *target, size_t target_size, char *error,
                       size_t error_size);
/* sharedStrings.xml and styles.xml. Return 0, or -1 with a message. */
int xlsx_book_strings(xlsx_book *book, const char *xml, size_t len, char *error,
                      size_t error_size);
int xlsx_book_styles(xlsx_book *book, const char *xml, size_t len, char *error,
                     size_t error_size);
/* The kind of number format of cell style index style (PLAIN if unknown). */
xlsx_format_kind xlsx_book_format(const xlsx_book *book, long style);
void xlsx_book_free(xlsx_book *book);

#endif
