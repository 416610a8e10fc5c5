/* The printed report's figures and dates (client/render/print_figures.c):
 * exact decimal rounding half up on text, a decimal comma, dd/mm/yyyy, the
 * day in Vietnam time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "print_figures.h"

static void expect_decimal(const char *in, int places, const char *want)
{
    char out[64];
    assert_int_equal(print_decimal(in, places, out, sizeof(out)), 0);
    if (strcmp(out, want) != 0)
        fail_msg("print_decimal(\"%s\", %d) = \"%s\", expected \"%s\"", in, places, out, want);
}

static void test_rounds_half_up_with_a_comma(void **state)
{
    (void)state;
    expect_decimal("60.8571", 2, "60,86");
    expect_decimal("51.805", 2, "51,81");  /* exactly half: up, which a double might not do */
    expect_decimal("1.5000", 2, "1,50");
    expect_decimal("0.004", 2, "0,00");
    expect_decimal("99.995", 2, "100,00"); /* the carry reaches the integer part */
    expect_decimal("9.999", 2, "10,00");
    expect_decimal("100", 2, "100,00");
    expect_decimal("46", 0, "46");
    expect_decimal("46.5", 0, "47");
    expect_decimal(".5", 2, "0,50");
    expect_decimal("007.10", 2, "7,10");
    expect_decimal("-0.005", 2, "-0,01");
    expect_decimal("-0.004", 2, "0,00"); /* no "-0,00" */
    expect_decimal("+3.14159", 3, "3,142");
}

static void test_other_text_as_it_is(void **state)
{
    (void)state;
    expect_decimal("", 2, "");
    expect_decimal("n/a", 2, "n/a");
    expect_decimal("1.2.3", 2, "1.2.3");
    expect_decimal("12,5", 2, "12,5");
    char tiny[4];
    assert_int_equal(print_decimal("100.25", 2, tiny, sizeof(tiny)), -1);
    assert_string_equal(tiny, "");
}

static void test_dot_form_for_drawing(void **state)
{
    (void)state;
    char out[32];
    assert_int_equal(print_decimal_dot("60.8571", 2, out, sizeof(out)), 0);
    assert_string_equal(out, "60.86");
}

static void test_dates(void **state)
{
    (void)state;
    char out[40];
    print_date("2024-03-31", out, sizeof(out));
    assert_string_equal(out, "31/03/2024");
    print_date("2024-03-31T17:00:00Z", out, sizeof(out));
    assert_string_equal(out, "31/03/2024");
    print_date("31/03/2024", out, sizeof(out));
    assert_string_equal(out, "31/03/2024");
    print_date("2024-3-1", out, sizeof(out));
    assert_string_equal(out, "2024-3-1");
    print_date("", out, sizeof(out));
    assert_string_equal(out, "");
}

static void test_vietnam_day(void **state)
{
    (void)state;
    char day[11];
    print_vietnam_day(1711904399, day); /* 2024-03-31 16:59:59 UTC = 23:59:59 in Vietnam */
    assert_string_equal(day, "31/03/2024");
    print_vietnam_day(1711904400, day); /* 17:00 UTC: already 1 April in Vietnam */
    assert_string_equal(day, "01/04/2024");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounds_half_up_with_a_comma),
        cmocka_unit_test(test_other_text_as_it_is),
        cmocka_unit_test(test_dot_form_for_drawing),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_vietnam_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
