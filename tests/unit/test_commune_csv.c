/* Unit tests of the commune CSV reader (client/commune_csv.c): what
 * spreadsheets write (BOM, header, semicolons, quotes, CRLF) is read, and
 * every bad line is reported with its number; text that looks like a
 * formula survives the template writer and reader unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <locale.h>
#include <cmocka.h>

#include "commune_csv.h"
#include "csv_read.h"
#include "lang.h"

static void parse(const char *text, commune_list *out)
{
    assert_int_equal(commune_csv_parse(text, strlen(text), out), 0);
}

static void test_excel_style_file(void **state)
{
    (void)state;
    commune_list l;
    parse("\xEF\xBB\xBFMã;Tên;Quận/Huyện\r\n"
          "31117;Phường Tân An;Q-NINHKIEU\r\n"
          "31120;\"Phường An Hòa; khu 2\";  Ninh Kiều \r\n"
          "\r\n",
          &l);
    assert_int_equal(l.n_problems, 0);
    assert_int_equal(l.n_rows, 2);
    assert_int_equal(l.rows[0].line, 2);
    assert_string_equal(l.rows[0].code, "31117");
    assert_string_equal(l.rows[0].name, "Phường Tân An");
    assert_string_equal(l.rows[1].name, "Phường An Hòa; khu 2"); /* quoted separator kept */
    assert_string_equal(l.rows[1].district, "Ninh Kiều");        /* spaces trimmed */
    assert_int_equal(l.rows[1].line, 3);
    commune_list_free(&l);
}

static void test_no_header_commas(void **state)
{
    (void)state;
    commune_list l;
    parse("31117,Phường Tân An,Ninh Kiều\n31153,Xã Mỹ Khánh,Phong Điền", &l);
    assert_int_equal(l.n_problems, 0);
    assert_int_equal(l.n_rows, 2);
    assert_int_equal(l.rows[0].line, 1);
    assert_string_equal(l.rows[1].district, "Phong Điền"); /* last line without newline */
    commune_list_free(&l);
}

static void test_every_bad_line_reported(void **state)
{
    (void)state;
    commune_list l;
    parse("code,name,district\n"
          "1,A,Ninh Kiều\n"
          "2,B\n"
          "3,,Ninh Kiều\n"
          "4,C\xC3,Ninh Kiều\n"
          "5,D,Ninh Kiều,extra\n"
          "6,E,Cái Răng\n",
          &l);
    assert_int_equal(l.n_rows, 2);
    assert_string_equal(l.rows[1].code, "6");
    assert_int_equal(l.n_problems, 4);
    assert_int_equal(l.problems[0].line, 3);
    assert_non_null(strstr(l.problems[0].message, "3"));
    assert_int_equal(l.problems[1].line, 4);
    assert_int_equal(l.problems[2].line, 5);
    assert_non_null(strstr(l.problems[2].message, "UTF-8"));
    assert_int_equal(l.problems[3].line, 6);
    commune_list_free(&l);
}

static void test_empty_file(void **state)
{
    (void)state;
    commune_list l;
    parse("", &l);
    assert_int_equal(l.n_rows, 0);
    assert_int_equal(l.n_problems, 0);
    commune_list_free(&l);
}

/* Text that a spreadsheet would take for a formula is written guarded and
 * read back exactly as it was, the guard's own character included. */
static void test_formula_text_round_trips(void **state)
{
    (void)state;
    const char *texts[] = {"- Đã rà soát 20 văn bản", "=HYPERLINK(\"x\")", "+84 292", "@sonoivu",
                           "'- đã có dấu nháy", "''=2", "Bình thường", "'không phải công thức", ""};
    enum { N = sizeof(texts) / sizeof(texts[0]) };
    char *data = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&data, &len);
    assert_non_null(out);
    for (size_t i = 0; i < N; i++)
        csv_write_field(out, texts[i], i == N - 1);
    fclose(out);
    assert_non_null(strstr(data, "\"'- Đã rà soát")); /* guarded on the page */
    assert_null(strstr(data, "\"Bình thường\"'"));
    csv_records records;
    assert_int_equal(csv_read(data, len, &records), 0);
    assert_string_equal(records.error, "");
    assert_int_equal(records.n, 1);
    for (size_t i = 0; i < N; i++)
        assert_string_equal(csv_field(&records.records[0], i), texts[i]);
    csv_records_free(&records);
    free(data);
}

int main(void)
{
    /* the messages checked are the Vietnamese ones, as a clerk reads them
     * (the build tree's catalogue: CCHC_LOCALEDIR, tests/CMakeLists.txt) */
    setlocale(LC_ALL, "");
    lang_select(NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_excel_style_file),
        cmocka_unit_test(test_no_header_commas),
        cmocka_unit_test(test_every_bad_line_reported),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_formula_text_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
