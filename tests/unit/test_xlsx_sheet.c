/* Unit tests of the .xlsx part readers (client/formats/xlsx_book.c,
 * xlsx_sheet.c) on XML text, without a zip: shared strings with rich-text
 * runs and phonetic runs, styles telling percentages and dates apart,
 * every cell type, gaps in rows and columns, and hostile XML (a DTD, a
 * missing shared string, bad references) refused with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <locale.h>
#include <cmocka.h>

#include "xlsx_book.h"
#include "xlsx_sheet.h"
#include "lang.h"

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

static const char strings_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<sst " NS " count=\"4\" uniqueCount=\"4\">"
    "<si><t>Trạng thái</t></si>"
    "<si><r><rPr><b/></rPr><t>đang </t></r><r><t xml:space=\"preserve\">triển khai</t></r></si>"
    "<si><t>Hà Nội</t><rPh sb=\"0\" eb=\"1\"><t>HANOI</t></rPh></si>"
    "<si><t>dòng 1_x000D_\ndòng 2 &amp; &lt;3&gt;</t></si>"
    "</sst>";

static const char styles_xml[] =
    "<styleSheet " NS "><numFmts count=\"2\">"
    "<numFmt numFmtId=\"164\" formatCode=\"0.0%\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"9\"/></cellStyleXfs>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"9\"/><xf numFmtId=\"164\"/>"
    "<xf numFmtId=\"165\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";

static void load_book(xlsx_book *book)
{
    char error[300] = "";
    memset(book, 0, sizeof(*book));
    assert_int_equal(xlsx_book_strings(book, strings_xml, strlen(strings_xml), error,
                                       sizeof(error)), 0);
    assert_int_equal(xlsx_book_styles(book, styles_xml, strlen(styles_xml), error,
                                      sizeof(error)), 0);
}

static void test_shared_strings(void **state)
{
    (void)state;
    xlsx_book book;
    load_book(&book);
    assert_int_equal(book.n_strings, 4);
    assert_string_equal(book.strings[0], "Trạng thái");
    assert_string_equal(book.strings[1], "đang triển khai"); /* runs joined */
    assert_string_equal(book.strings[2], "Hà Nội");           /* the reading left out */
    assert_string_equal(book.strings[3], "dòng 1\r\ndòng 2 & <3>");
    xlsx_book_free(&book);
}

static void test_styles(void **state)
{
    (void)state;
    xlsx_book book;
    load_book(&book);
    assert_int_equal(book.n_formats, 5); /* cellXfs only, not cellStyleXfs */
    assert_int_equal(xlsx_book_format(&book, 0), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_book_format(&book, 1), XLSX_FORMAT_PERCENT);
    assert_int_equal(xlsx_book_format(&book, 2), XLSX_FORMAT_PERCENT);
    assert_int_equal(xlsx_book_format(&book, 3), XLSX_FORMAT_DATE);
    assert_int_equal(xlsx_book_format(&book, 4), XLSX_FORMAT_DATE);
    assert_int_equal(xlsx_book_format(&book, 5), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_book_format(&book, -1), XLSX_FORMAT_PLAIN);
    xlsx_book_free(&book);
}

static int parse(const char *xml, xlsx_table *table, char *error, size_t size)
{
    xlsx_book book;
    load_book(&book);
    int rc = xlsx_sheet_parse(xml, strlen(xml), &book, table, error, size);
    xlsx_book_free(&book);
    return rc;
}

static void test_cells_of_every_kind(void **state)
{
    (void)state;
    const char *xml =
        "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<x:sheetData>"
        "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c></x:row>"
        "<x:row r=\"3\">"
        "<x:c r=\"B3\" t=\"s\"><x:v>1</x:v></x:c>"
        "<x:c r=\"D3\" s=\"1\"><x:v>0.75</x:v></x:c>"
        "<x:c r=\"E3\" s=\"2\"><x:v>0.755</x:v></x:c>"
        "<x:c r=\"F3\" s=\"3\"><x:v>46361</x:v></x:c>"
        "<x:c r=\"G3\"><x:v>75.500000000000014</x:v></x:c>"
        "<x:c r=\"H3\" t=\"inlineStr\"><x:is><x:r><x:t>Kết </x:t></x:r><x:r><x:t>quả</x:t></x:r>"
        "</x:is></x:c>"
        "<x:c r=\"I3\" t=\"str\"><x:f>A1&amp;\"\"</x:f><x:v>công thức</x:v></x:c>"
        "<x:c r=\"J3\" t=\"b\"><x:v>1</x:v></x:c>"
        "<x:c r=\"K3\" t=\"e\"><x:v>#N/A</x:v></x:c>"
        "<x:c r=\"L3\" s=\"2\"/>"
        "<x:c r=\"AB3\" t=\"s\"><x:v>3</x:v></x:c>"
        "</x:row>"
        "<x:row r=\"4\"><x:c r=\"C4\" s=\"1\"/></x:row>"
        "<x:row><x:c t=\"s\"><x:v>2</x:v></x:c><x:c><x:v>5</x:v></x:c></x:row>"
        "</x:sheetData></x:worksheet>";
    xlsx_table t;
    char error[300] = "";
    assert_int_equal(parse(xml, &t, error, sizeof(error)), 0);
    assert_int_equal(t.n_rows, 3); /* row 4 holds only a styled empty cell */
    assert_int_equal(t.rows[0].number, 1);
    assert_string_equal(xlsx_row_cell(&t.rows[0], 0), "Trạng thái");
    const xlsx_row *r = &t.rows[1];
    assert_int_equal(r->number, 3);
    assert_string_equal(xlsx_row_cell(r, 0), "");
    assert_string_equal(xlsx_row_cell(r, 1), "đang triển khai");
    assert_string_equal(xlsx_row_cell(r, 2), "");
    assert_string_equal(xlsx_row_cell(r, 3), "75%");
    assert_string_equal(xlsx_row_cell(r, 4), "75.5%");
    assert_string_equal(xlsx_row_cell(r, 5), "2026-12-05");
    assert_string_equal(xlsx_row_cell(r, 6), "75.5");
    assert_string_equal(xlsx_row_cell(r, 7), "Kết quả");
    assert_string_equal(xlsx_row_cell(r, 8), "công thức");
    assert_string_equal(xlsx_row_cell(r, 9), "TRUE");
    assert_string_equal(xlsx_row_cell(r, 10), "#N/A");
    assert_string_equal(xlsx_row_cell(r, 11), "");
    assert_string_equal(xlsx_row_cell(r, 27), "dòng 1\r\ndòng 2 & <3>");
    /* a row and cells without references follow the ones before */
    assert_int_equal(t.rows[2].number, 5);
    assert_string_equal(xlsx_row_cell(&t.rows[2], 0), "Hà Nội");
    assert_string_equal(xlsx_row_cell(&t.rows[2], 1), "5");
    xlsx_table_free(&t);
}

static void refused(const char *xml, const char *expected)
{
    xlsx_table t;
    char error[300] = "";
    assert_int_equal(parse(xml, &t, error, sizeof(error)), -1);
    if (!strstr(error, expected))
        fail_msg("expected \"%s\" in \"%s\"", expected, error);
    assert_int_equal(t.n_rows, 0);
}

static void test_hostile_sheets(void **state)
{
    (void)state;
    refused("<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;\">]>"
            "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>"
            "</sheetData></worksheet>",
            "DTD");
    refused("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row>"
            "</sheetData></worksheet>",
            "chuỗi dùng chung");
    refused("<worksheet><sheetData><row r=\"1\"><c r=\"1A\"><v>1</v></c></row>"
            "</sheetData></worksheet>",
            "địa chỉ ô");
    refused("<worksheet><sheetData><row r=\"2\"><c r=\"A1\"><v>1</v></c></row>"
            "</sheetData></worksheet>",
            "ngoài dòng");
    refused("<worksheet><sheetData><row r=\"0\"/></sheetData></worksheet>", "số dòng");
    refused("<worksheet><sheetData><row><c><v>1</v></c></row>", "hỏng");
    /* a row inside a row: read without losing memory (the ASan build checks) */
    xlsx_table t;
    char error[300] = "";
    assert_int_equal(parse("<worksheet><sheetData><row><c><v>1</v></c><row><c><v>2</v></c>"
                           "</row></row></sheetData></worksheet>",
                           &t, error, sizeof(error)),
                     0);
    xlsx_table_free(&t);
    /* deeper than any spreadsheet */
    char deep[2000] = "";
    for (int i = 0; i < 100; i++)
        strcat(deep, "<a>");
    refused(deep, "lồng");
}

static void test_too_many_rows(void **state)
{
    (void)state;
    size_t size = (XLSX_SHEET_MAX_ROWS + 2) * 40 + 100, used = 0;
    char *xml = malloc(size);
    assert_non_null(xml);
    used += (size_t)snprintf(xml + used, size - used, "<worksheet><sheetData>");
    for (int r = 1; r <= XLSX_SHEET_MAX_ROWS + 1; r++)
        used += (size_t)snprintf(xml + used, size - used, "<row><c><v>%d</v></c></row>", r);
    snprintf(xml + used, size - used, "</sheetData></worksheet>");
    refused(xml, "quá nhiều dòng");
    free(xml);
}

int main(void)
{
    /* the messages checked are the Vietnamese ones, as a clerk reads them
     * (the build tree's catalogue: CCHC_LOCALEDIR, tests/CMakeLists.txt) */
    setlocale(LC_ALL, "");
    lang_select(NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_strings),      cmocka_unit_test(test_styles),
        cmocka_unit_test(test_cells_of_every_kind), cmocka_unit_test(test_hostile_sheets),
        cmocka_unit_test(test_too_many_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
