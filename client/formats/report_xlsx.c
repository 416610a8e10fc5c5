/* See report_xlsx.h. */
#include "report_xlsx.h"

#include <string.h>

#include "xlsx_read.h"

/* How far down the header row may be (a title above it, a blank line). */
#define HEADER_SEARCH_ROWS 10

/* s equals header, ignoring spaces around s. */
static int is_header(const char *s, const char *header)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s), k = strlen(header);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n == k && memcmp(s, header, k) == 0;
}

/* The cell column of each template column in a header row; how many were found. */
static int map_header(const xlsx_row *row, int map[REPORT_COL_COUNT])
{
    int found = 0;
    for (int c = 0; c < REPORT_COL_COUNT; c++) {
        map[c] = -1;
        for (size_t i = 0; i < row->n && map[c] < 0; i++)
            if (is_header(row->cells[i].text, report_column_header(c))) {
                map[c] = row->cells[i].column;
                found++;
            }
    }
    return found;
}

/* A header not found: the template's own position, unless another
 * header took that column. */
static void fall_back_to_positions(int map[REPORT_COL_COUNT])
{
    for (int c = 0; c < REPORT_COL_COUNT; c++) {
        if (map[c] >= 0)
            continue;
        int taken = 0;
        for (int k = 0; k < REPORT_COL_COUNT; k++)
            taken = taken || map[k] == c;
        map[c] = taken ? -2 : c; /* -2: not in this sheet */
    }
}

int report_xlsx_parse(const char *data, size_t len, report_sheet *sheet, char *error,
                      size_t error_size)
{
    xlsx_table table;
    char name[128];
    if (xlsx_read(data, len, REPORT_XLSX_SHEET, &table, name, sizeof(name), error, error_size) != 0)
        return 1;
    int map[REPORT_COL_COUNT];
    size_t first = 0; /* the first data row */
    for (size_t r = 0; r < table.n_rows && r < HEADER_SEARCH_ROWS; r++)
        if (map_header(&table.rows[r], map) >= 2) {
            first = r + 1;
            break;
        }
    if (first == 0)
        for (int c = 0; c < REPORT_COL_COUNT; c++)
            map[c] = -1; /* no header: every column where the template puts it */
    fall_back_to_positions(map);
    if (report_sheet_init(sheet, table.n_rows - first) != 0) {
        xlsx_table_free(&table);
        return -1;
    }
    int rc = 0;
    for (size_t r = first; r < table.n_rows && rc == 0; r++) {
        const char *fields[REPORT_COL_COUNT];
        int blank = 1;
        for (int c = 0; c < REPORT_COL_COUNT; c++) {
            fields[c] = map[c] >= 0 ? xlsx_row_cell(&table.rows[r], map[c]) : "";
            blank = blank && !*fields[c];
        }
        if (!blank) /* only cells of columns the template does not have */
            rc = report_sheet_add(sheet, table.rows[r].number, fields);
    }
    xlsx_table_free(&table);
    if (rc != 0) {
        report_sheet_free(sheet);
        return -1;
    }
    return 0;
}
