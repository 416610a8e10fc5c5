/* Fuzz target: a file a clerk or an administrator gives cchc — the same
 * bytes read as plain CSV (csv_read), as a filled report template
 * (report_sheet_parse then report_sheet_check, as `cchc report submit
 * --file` does) and as a commune list (commune_csv_parse). Every field
 * csv_read returns must also survive csv_write_field and csv_read again
 * unchanged, since cchc writes the templates it later reads back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commune_csv.h"
#include "csv_read.h"
#include "report_csv.h"
#include "utf8.h"

/* Writes one record with csv_write_field and reads it back. */
static void check_round_trip(const csv_record *r)
{
    size_t n = r->nfields < CSV_MAX_FIELDS ? r->nfields : CSV_MAX_FIELDS;
    int blank = 1;
    for (size_t i = 0; i < n; i++)
        blank = blank && !*r->fields[i];
    if (blank || (n == 1 && r->line == 1))
        return; /* blank records are left out; a first field may hold a BOM */
    for (size_t i = 0; i < n; i++)
        if (!utf8_valid(r->fields[i], strlen(r->fields[i])))
            return; /* a damaged UTF-8 file is passed on as it is for the
                     * readers to refuse by line; alone, its bad bytes may
                     * read as another encoding (text_decode.c) */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        abort();
    for (size_t i = 0; i < n; i++)
        csv_write_field(out, r->fields[i], i + 1 == n);
    fclose(out);
    csv_records again = {0};
    if (csv_read(text, len, &again) == 0 && !again.error[0]) {
        if (again.n != 1 || again.records[0].nfields != n)
            abort();
        for (size_t i = 0; i < n; i++)
            if (strcmp(again.records[0].fields[i], r->fields[i]) != 0)
                abort();
    }
    csv_records_free(&again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;

    csv_records records = {0};
    if (csv_read(text, size, &records) == 0 && !records.error[0])
        for (size_t i = 0; i < records.n && i < 64; i++)
            check_round_trip(&records.records[i]);
    csv_records_free(&records);

    report_sheet *sheet = calloc(1, sizeof(*sheet));
    if (!sheet)
        abort();
    if (report_sheet_parse(text, size, sheet) == 0) {
        report_sheet_check(sheet);
        if (sheet->n_problems > REPORT_SHEET_MAX_PROBLEMS)
            abort();
    }
    report_sheet_free(sheet);
    free(sheet);

    commune_list communes = {0};
    (void)commune_csv_parse(text, size, &communes);
    commune_list_free(&communes);
    return 0;
}
