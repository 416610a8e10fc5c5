/* See city_report_xlsx.h. */
#include "city_report_xlsx.h"

#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "decimal_text.h"
#include "i18n.h"
#include "plat_locale.h"

/* Column widths in characters: the texts wide, the figures narrow. */
static double width_of(int column)
{
    switch (column) {
    case CITY_COL_CRITERION: case CITY_COL_TASK: return 40;
    case CITY_COL_ASSESSMENT: case CITY_COL_DIFFICULTIES: case CITY_COL_PROPOSALS: return 50;
    case CITY_COL_AUTHOR: return 28;
    case CITY_COL_ROW: case CITY_COL_STATE: return 16;
    default: return city_report_column_numeric(column) ? 11 : 12;
    }
}

/* The server's decimal text ("75.5", "100", "-1") as a number, without
 * strtod (whose decimal point is the locale's); -1 when it is not one. */
static int decimal_value(const char *s, double *out)
{
    const char *p = s + (*s == '-');
    size_t digits = strspn(p, "0123456789");
    if (!digits)
        return -1;
    p += digits;
    if (*p == '.' && !strspn(p + 1, "0123456789"))
        return -1;
    if (*p == '.')
        p += 1 + strspn(p + 1, "0123456789");
    if (*p)
        return -1;
    *out = decimal_text_approx(s);
    return 0;
}

int city_report_xlsx_write(const char *path, const city_report_table *t, char *error,
                           size_t error_size)
{
    /* libxlsxwriter prints numbers with "%G": under a Vietnamese
     * LC_NUMERIC that would write "75,5" into the XML */
    plat_c_numeric *c_numeric = plat_c_numeric_begin();
    lxw_workbook *wb = workbook_new(path);
    lxw_error rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (wb) {
        lxw_format *header = workbook_add_format(wb), *text = workbook_add_format(wb);
        lxw_worksheet *ws = workbook_add_worksheet(wb, CITY_REPORT_SHEET);
        if (header && text && ws) {
            format_set_bold(header);
            format_set_text_wrap(header);
            format_set_align(header, LXW_ALIGN_VERTICAL_CENTER);
            format_set_bg_color(header, 0xDDEBF7);
            format_set_border(header, LXW_BORDER_THIN);
            format_set_text_wrap(text);
            format_set_align(text, LXW_ALIGN_VERTICAL_TOP);
            format_set_border(text, LXW_BORDER_THIN);
            for (int c = 0; c < CITY_COL_COUNT; c++) {
                worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width_of(c), NULL);
                worksheet_write_string(ws, 0, (lxw_col_t)c, t->headers[c], header);
            }
            for (size_t r = 0; r < t->n; r++) {
                lxw_row_t row = (lxw_row_t)(r + 1);
                for (int c = 0; c < CITY_COL_COUNT; c++) {
                    const char *cell = t->rows[r][c];
                    double v;
                    if (city_report_column_numeric(c) && decimal_value(cell, &v) == 0)
                        worksheet_write_number(ws, row, (lxw_col_t)c, v, text);
                    else if (*cell)
                        worksheet_write_string(ws, row, (lxw_col_t)c, cell, text);
                    else
                        worksheet_write_blank(ws, row, (lxw_col_t)c, text);
                }
            }
            worksheet_freeze_panes(ws, 1, 0);
            worksheet_autofilter(ws, 0, 0, (lxw_row_t)(t->n ? t->n : 1), CITY_COL_COUNT - 1);
        }
        rc = workbook_close(wb);
    }
    plat_c_numeric_end(c_numeric);
    if (rc != LXW_NO_ERROR) {
        snprintf(error, error_size, _("cannot write %s: %s"), path, lxw_strerror(rc));
        return -1;
    }
    return 0;
}
