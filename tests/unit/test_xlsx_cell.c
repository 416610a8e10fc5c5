/* Unit tests of client/formats/xlsx_cell.c: cell references to columns
 * and rows, number formats to kinds, and a stored number's text as a
 * person sees it (no float noise, percentages, dates), whatever the
 * process locale. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xlsx_cell.h"

static void test_cell_references(void **state)
{
    (void)state;
    int col = -1, row = -1;
    assert_int_equal(xlsx_cell_ref("A1", &col, &row), 0);
    assert_int_equal(col, 0);
    assert_int_equal(row, 1);
    assert_int_equal(xlsx_cell_ref("Z9", &col, &row), 0);
    assert_int_equal(col, 25);
    assert_int_equal(xlsx_cell_ref("AA10", &col, &row), 0);
    assert_int_equal(col, 26);
    assert_int_equal(row, 10);
    assert_int_equal(xlsx_cell_ref("AB12", &col, NULL), 0);
    assert_int_equal(col, 27);
    assert_int_equal(xlsx_cell_ref("XFD1048576", &col, &row), 0);
    assert_int_equal(col, 16383);
    assert_int_equal(row, 1048576);
    const char *bad[] = {"", "A", "1", "A0", "XFE1", "AAAA1", "A1048577", "A1B", "$A$1", "A-1",
                         "A12345678"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(xlsx_cell_ref(bad[i], &col, &row), -1);
}

static void test_format_kinds(void **state)
{
    (void)state;
    assert_int_equal(xlsx_format_kind_of(0, NULL), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_format_kind_of(2, NULL), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_format_kind_of(9, NULL), XLSX_FORMAT_PERCENT);
    assert_int_equal(xlsx_format_kind_of(10, NULL), XLSX_FORMAT_PERCENT);
    assert_int_equal(xlsx_format_kind_of(14, NULL), XLSX_FORMAT_DATE);
    assert_int_equal(xlsx_format_kind_of(22, NULL), XLSX_FORMAT_DATE);
    assert_int_equal(xlsx_format_kind_of(20, NULL), XLSX_FORMAT_PLAIN); /* h:mm */
    assert_int_equal(xlsx_format_kind_of(164, "0.0%"), XLSX_FORMAT_PERCENT);
    assert_int_equal(xlsx_format_kind_of(165, "dd/mm/yyyy"), XLSX_FORMAT_DATE);
    assert_int_equal(xlsx_format_kind_of(166, "[$-42A]d mmmm yyyy"), XLSX_FORMAT_DATE);
    assert_int_equal(xlsx_format_kind_of(167, "mm/yy"), XLSX_FORMAT_DATE);
    assert_int_equal(xlsx_format_kind_of(168, "h:mm:ss"), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_format_kind_of(169, "General"), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_format_kind_of(170, "#,##0.00"), XLSX_FORMAT_PLAIN);
    /* quoted text, escapes and colours say nothing */
    assert_int_equal(xlsx_format_kind_of(171, "0.00\" %\""), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_format_kind_of(172, "0\\%"), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_format_kind_of(173, "[Red]0.00\" ngày\""), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_format_kind_of(174, "0;[Red]-0%"), XLSX_FORMAT_PLAIN);
    assert_int_equal(xlsx_format_kind_of(175, NULL), XLSX_FORMAT_PLAIN);
}

static const char *text(const char *value, xlsx_format_kind kind)
{
    static char out[128];
    assert_int_equal(xlsx_number_text(value, kind, 0, out, sizeof(out)), 0);
    return out;
}

static void test_number_text(void **state)
{
    (void)state;
    assert_string_equal(text("75", XLSX_FORMAT_PLAIN), "75");
    assert_string_equal(text("75.5", XLSX_FORMAT_PLAIN), "75.5");
    assert_string_equal(text("75.500000000000014", XLSX_FORMAT_PLAIN), "75.5");
    assert_string_equal(text("0.30000000000000004", XLSX_FORMAT_PLAIN), "0.3");
    assert_string_equal(text("99.999999999999986", XLSX_FORMAT_PLAIN), "100");
    assert_string_equal(text("100", XLSX_FORMAT_PLAIN), "100");
    assert_string_equal(text("0", XLSX_FORMAT_PLAIN), "0");
    assert_string_equal(text("-0", XLSX_FORMAT_PLAIN), "0");
    assert_string_equal(text("-12.25", XLSX_FORMAT_PLAIN), "-12.25");
    assert_string_equal(text("007", XLSX_FORMAT_PLAIN), "7");
    assert_string_equal(text("1.2345E-3", XLSX_FORMAT_PLAIN), "0.0012345");
    assert_string_equal(text("1.5E+3", XLSX_FORMAT_PLAIN), "1500");
    assert_string_equal(text("12345678901234567890", XLSX_FORMAT_PLAIN), "12345678901234600000");
    /* percentages: the fraction Excel stores, shown as typed */
    assert_string_equal(text("0.75", XLSX_FORMAT_PERCENT), "75%");
    assert_string_equal(text("0.755", XLSX_FORMAT_PERCENT), "75.5%");
    assert_string_equal(text("1", XLSX_FORMAT_PERCENT), "100%");
    assert_string_equal(text("0", XLSX_FORMAT_PERCENT), "0%");
    assert_string_equal(text("0.7550000000000001", XLSX_FORMAT_PERCENT), "75.5%");
    /* not a number: as it is */
    assert_string_equal(text("abc", XLSX_FORMAT_PLAIN), "abc");
    assert_string_equal(text("1e99999", XLSX_FORMAT_PLAIN), "1e99999");
    assert_string_equal(text("1.2.3", XLSX_FORMAT_PERCENT), "1.2.3");
    assert_string_equal(text("", XLSX_FORMAT_PLAIN), "");
    char tiny[4];
    assert_int_equal(xlsx_number_text("123456", XLSX_FORMAT_PLAIN, 0, tiny, sizeof(tiny)), -1);
    assert_string_equal(tiny, "123");
}

static void test_dates(void **state)
{
    (void)state;
    assert_string_equal(text("46361", XLSX_FORMAT_DATE), "2026-12-05");
    assert_string_equal(text("46361.75", XLSX_FORMAT_DATE), "2026-12-05"); /* time dropped */
    assert_string_equal(text("1", XLSX_FORMAT_DATE), "1900-01-01");
    assert_string_equal(text("59", XLSX_FORMAT_DATE), "1900-02-28");
    assert_string_equal(text("60", XLSX_FORMAT_DATE), "1900-02-29"); /* Lotus's day */
    assert_string_equal(text("61", XLSX_FORMAT_DATE), "1900-03-01");
    assert_string_equal(text("2958465", XLSX_FORMAT_DATE), "9999-12-31");
    assert_string_equal(text("2958466", XLSX_FORMAT_DATE), "2958466"); /* past Excel's end */
    assert_string_equal(text("-1", XLSX_FORMAT_DATE), "-1");
    char out[32];
    assert_int_equal(xlsx_number_text("44899", XLSX_FORMAT_DATE, 1, out, sizeof(out)), 0);
    assert_string_equal(out, "2026-12-05"); /* the 1904 date system */
}

static void test_locale_does_not_matter(void **state)
{
    (void)state;
    if (!setlocale(LC_ALL, "vi_VN.UTF-8") && !setlocale(LC_ALL, "de_DE.UTF-8"))
        skip(); /* no locale with a decimal comma installed */
    assert_string_equal(text("75.5", XLSX_FORMAT_PLAIN), "75.5");
    assert_string_equal(text("0.755", XLSX_FORMAT_PERCENT), "75.5%");
    setlocale(LC_ALL, "C");
}

static void test_unescape(void **state)
{
    (void)state;
    char a[] = "dòng 1_x000D_\ndòng 2";
    xlsx_unescape(a);
    assert_string_equal(a, "dòng 1\r\ndòng 2");
    char b[] = "_x005F_x000D_ and _x00e9_ and _x1EA1_";
    xlsx_unescape(b);
    assert_string_equal(b, "_x000D_ and é and ạ");
    char c[] = "_x0000_x_xZZZZ_ _xD800_ _x12";
    xlsx_unescape(c);
    assert_string_equal(c, "x_xZZZZ_ _xD800_ _x12");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cell_references), cmocka_unit_test(test_format_kinds),
        cmocka_unit_test(test_number_text),     cmocka_unit_test(test_dates),
        cmocka_unit_test(test_locale_does_not_matter), cmocka_unit_test(test_unescape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
