/* See report_file.h. */
#include "report_file.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "report_xlsx.h"

report_file_kind report_file_sniff(const char *data, size_t len)
{
    /* a local file header, or the end record of an empty archive */
    if (len >= 4 && (memcmp(data, "PK\x03\x04", 4) == 0 || memcmp(data, "PK\x05\x06", 4) == 0))
        return REPORT_FILE_XLSX;
    if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return REPORT_FILE_XLS;
    return REPORT_FILE_CSV;
}

int report_file_parse(const char *data, size_t len, report_sheet *sheet, char *error,
                      size_t error_size)
{
    switch (report_file_sniff(data, len)) {
    case REPORT_FILE_XLSX:
        return report_xlsx_parse(data, len, sheet, error, error_size);
    case REPORT_FILE_XLS:
        snprintf(error, error_size,
                 _("an Excel 97-2003 file (.xls): save it as .xlsx or CSV UTF-8"));
        return 1;
    case REPORT_FILE_CSV:
        break;
    }
    return report_sheet_parse(data, len, sheet);
}
