/* Fuzz target: an .xlsx a clerk hands to `cchc submit --file` — the bytes
 * through report_file_parse (a zip read as a workbook, an OLE2 file
 * refused, anything else as CSV) then report_sheet_check, as submit does;
 * and, since a mutated zip rarely passes its CRCs, the same bytes straight
 * into the XML part readers (shared strings, styles, then a sheet rendered
 * with what they found), where expat and our handlers meet hostile XML. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_file.h"
#include "xlsx_book.h"
#include "xlsx_sheet.h"

static void check_table(const xlsx_table *t)
{
    if (t->n_rows > XLSX_SHEET_MAX_ROWS || t->text_bytes > XLSX_SHEET_MAX_TEXT)
        abort();
    for (size_t r = 0; r < t->n_rows; r++) {
        if (t->rows[r].n == 0 || t->rows[r].n > XLSX_SHEET_MAX_COLUMNS)
            abort(); /* rows without values are left out */
        for (size_t c = 0; c < t->rows[r].n; c++)
            if (t->rows[r].cells[c].column >= XLSX_SHEET_MAX_COLUMNS ||
                !*t->rows[r].cells[c].text)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    report_sheet *sheet = calloc(1, sizeof(*sheet));
    if (!sheet)
        abort();
    char error[600];
    error[0] = '\0';
    int rc = report_file_parse(bytes, size, sheet, error, sizeof(error));
    if (rc == 0) {
        report_sheet_check(sheet);
        if (sheet->n_problems > REPORT_SHEET_MAX_PROBLEMS)
            abort();
        report_sheet_free(sheet);
    } else if (rc > 0 && !error[0]) {
        abort(); /* a refusal always says why */
    }
    free(sheet);

    xlsx_book book = {0};
    (void)xlsx_book_strings(&book, bytes, size, error, sizeof(error));
    (void)xlsx_book_styles(&book, bytes, size, error, sizeof(error));
    xlsx_table table;
    if (xlsx_sheet_parse(bytes, size, &book, &table, error, sizeof(error)) == 0) {
        check_table(&table);
        xlsx_table_free(&table);
    }
    xlsx_book_free(&book);
    return 0;
}
