/* Unit tests of numbers and dates as people write them
 * (common/decimal_text.c, common/date_text.c): every form of progress a
 * spreadsheet or a clerk produces reads the same, indicator values follow
 * the stated thousands rule and an ambiguous one is refused with both
 * readings, dates in both orders, and none of it follows LC_NUMERIC. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "date_text.h"
#include "decimal_text.h"
#include "msg_format.h"
#include "validate.h"

/* A reason is an English id with its arguments (msg_encode): the tests
 * look in its English rendering. */
static const char *english(const char *why)
{
    static char text[400];
    msg_format_encoded(text, sizeof(text), why);
    return text;
}

static void percent_is(const char *text, const char *expected)
{
    decimal_parse p;
    int rc = decimal_text_percent(text, &p);
    if (rc != DECIMAL_TEXT_OK)
        fail_msg("\"%s\": %s", text, p.why);
    assert_string_equal(p.value, expected);
}

static void percent_fails(const char *text, int expected, const char *in_why)
{
    decimal_parse p;
    int rc = decimal_text_percent(text, &p);
    if (rc != expected)
        fail_msg("\"%s\": got %d (%s), expected %d", text, rc, p.value, expected);
    if (in_why && !strstr(english(p.why), in_why))
        fail_msg("\"%s\": \"%s\" lacks \"%s\"", text, english(p.why), in_why);
    assert_string_equal(p.value, "");
}

static void test_progress_as_written(void **state)
{
    (void)state;
    percent_is("75", "75");
    percent_is("75%", "75");
    percent_is("75 %", "75");
    percent_is("75,5", "75.5");
    percent_is("75.00%", "75");       /* LibreOffice vi-VN export */
    percent_is("75,50 %", "75.5");
    percent_is(" 75 ", "75");
    percent_is("\xC2\xA0" "75\xC2\xA0%", "75"); /* no-break spaces */
    percent_is("75\xE2\x80\xAF%", "75");        /* narrow no-break space */
    percent_is("100", "100");
    percent_is("100.00", "100");      /* as the server prints numeric(5,2) */
    percent_is("100,000", "100");     /* a percentage has no thousands */
    percent_is("0", "0");
    percent_is("007", "7");
    percent_is(",5", "0.5");
    percent_is("87.52", "87.52");
    percent_is("-0", "0");
}

static void test_progress_refused(void **state)
{
    (void)state;
    percent_fails("", DECIMAL_TEXT_EMPTY, "progress (%) missing");
    percent_fails("  % ", DECIMAL_TEXT_EMPTY, NULL);
    percent_fails("100.5", DECIMAL_TEXT_OUT_OF_RANGE, "from 0 to 100");
    percent_fails("100,01%", DECIMAL_TEXT_OUT_OF_RANGE, "from 0 to 100");
    percent_fails("1000", DECIMAL_TEXT_OUT_OF_RANGE, "from 0 to 100");
    percent_fails("-5", DECIMAL_TEXT_NEGATIVE, "from 0 to 100");
    percent_fails("75.555", DECIMAL_TEXT_TOO_PRECISE, "2 decimals");
    percent_fails("75.5.5", DECIMAL_TEXT_NOT_A_NUMBER, "\"75.5.5\"");
    percent_fails("7 5", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    percent_fails("75%%", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    percent_fails("bảy lăm", DECIMAL_TEXT_NOT_A_NUMBER, "is not a progress");
    percent_fails("75.", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    percent_fails("0x4B", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    percent_fails("1e2", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
}

static void quantity_is(const char *text, const char *expected)
{
    decimal_parse p;
    int rc = decimal_text_quantity(text, 12, 4, &p);
    if (rc != DECIMAL_TEXT_OK)
        fail_msg("\"%s\": %s", text, p.why);
    assert_string_equal(p.value, expected);
    char why[200];
    assert_int_equal(validate_decimal(p.value, 12, 4, why, sizeof(why)), 0); /* what the server takes */
}

static void quantity_fails(const char *text, int expected, const char *in_why)
{
    decimal_parse p;
    int rc = decimal_text_quantity(text, 12, 4, &p);
    if (rc != expected)
        fail_msg("\"%s\": got %d (%s), expected %d", text, rc, p.value, expected);
    if (in_why && !strstr(english(p.why), in_why))
        fail_msg("\"%s\": \"%s\" lacks \"%s\"", text, english(p.why), in_why);
}

static void test_indicator_rule(void **state)
{
    (void)state;
    quantity_is("12530", "12530");
    quantity_is("12,5", "12.5");            /* ',' is the decimal mark */
    quantity_is("99,2", "99.2");
    quantity_is("12.5", "12.5");            /* a '.' that cannot be grouping */
    quantity_is("1234.567", "1234.567");    /* 4 digits before: not a group */
    quantity_is("0.530", "0.53");           /* a group never starts with 0 */
    quantity_is("0,530", "0.53");
    quantity_is("1.234.567", "1234567");    /* several: grouping */
    quantity_is("1,234,567", "1234567");
    quantity_is("1.234.567,89", "1234567.89"); /* both: the later is the decimal mark */
    quantity_is("1,234,567.89", "1234567.89");
    quantity_is("12.530,5", "12530.5");
    quantity_is("12 530", "12530");         /* space grouping */
    quantity_is("12\xC2\xA0" "530", "12530"); /* no-break space grouping */
    quantity_is("1 234 567,5", "1234567.5");
    quantity_is("12 530.5", "12530.5");     /* grouped by spaces, so '.' is the decimal mark */
    quantity_is(" 42 ", "42");
    quantity_is("0", "0");
    quantity_is("99,5000", "99.5");
    quantity_is("1,2340", "1.234");         /* how a value with three decimals is written */
}

static void test_indicator_refused(void **state)
{
    (void)state;
    decimal_parse p;
    /* the ambiguous form, both readings shown and written unambiguously */
    assert_int_equal(decimal_text_quantity("12.530", 12, 4, &p), DECIMAL_TEXT_AMBIGUOUS);
    assert_string_equal(p.as_thousands, "12530");
    assert_string_equal(p.as_decimal, "12,53");
    /* sent as the id and its three arguments, rendered in the reader's language */
    char copy[400];
    snprintf(copy, sizeof(copy), "%s", p.why);
    const char *id, *args[4];
    assert_int_equal(msg_format_split(copy, &id, args, 4), 3);
    assert_string_equal(id, "\"%1$s\" is ambiguous: %2$s or %3$s? write %2$s or %3$s; ',' is the "
                            "decimal mark");
    assert_string_equal(args[0], "12.530");
    assert_string_equal(args[1], "12530");
    assert_string_equal(args[2], "12,53");
    assert_non_null(strstr(english(p.why), "12530 or 12,53? write 12530 or 12,53"));
    assert_string_equal(p.value, ""); /* never 12.53 */
    assert_int_equal(decimal_text_quantity("12,530", 12, 4, &p), DECIMAL_TEXT_AMBIGUOUS);
    assert_int_equal(decimal_text_quantity("1.234", 12, 4, &p), DECIMAL_TEXT_AMBIGUOUS);
    assert_string_equal(p.as_decimal, "1,2340");
    assert_int_equal(decimal_text_quantity("999,999", 12, 4, &p), DECIMAL_TEXT_AMBIGUOUS);
    quantity_fails("12.53.0", DECIMAL_TEXT_NOT_A_NUMBER, NULL);  /* improper groups */
    quantity_fails("1.23.456", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    quantity_fails("1234.567,5", DECIMAL_TEXT_NOT_A_NUMBER, NULL); /* a group of 4 */
    quantity_fails("1,2,3", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    quantity_fails("12 53", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    quantity_fails("1.234 567", DECIMAL_TEXT_NOT_A_NUMBER, NULL); /* two kinds of grouping */
    quantity_fails("12,5,", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    quantity_fails("abc", DECIMAL_TEXT_NOT_A_NUMBER, "is not a number");
    quantity_fails("12%", DECIMAL_TEXT_NOT_A_NUMBER, NULL);
    quantity_fails("", DECIMAL_TEXT_EMPTY, NULL);
    quantity_fails("-3", DECIMAL_TEXT_NEGATIVE, "no negative");
    quantity_fails("1234567890123", DECIMAL_TEXT_OUT_OF_RANGE, "12");
    quantity_fails("1,23456", DECIMAL_TEXT_TOO_PRECISE, "at most 4 digits after");
}

static void test_sheet_form(void **state)
{
    (void)state;
    char out[40];
    const char *canonical[] = {"12530", "12.53", "1.234", "0.5", "87.52", "1234567.8901"};
    const char *written[] = {"12530", "12,53", "1,2340", "0,5", "87,52", "1234567,8901"};
    for (size_t i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++) {
        decimal_text_sheet_form(canonical[i], out, sizeof(out));
        assert_string_equal(out, written[i]);
        decimal_parse p; /* and it reads back as it was */
        assert_int_equal(decimal_text_quantity(out, 12, 4, &p), DECIMAL_TEXT_OK);
        assert_string_equal(p.value, canonical[i]);
    }
    decimal_text_sheet_form("không", out, sizeof(out));
    assert_string_equal(out, "không");
}

static void test_compare_and_approx(void **state)
{
    (void)state;
    assert_true(decimal_text_compare("100.5", "100") > 0);
    assert_true(decimal_text_compare("100.00", "100") == 0);
    assert_true(decimal_text_compare("0100", "100") == 0);
    assert_true(decimal_text_compare("99.99", "100") < 0);
    assert_true(decimal_text_compare("0", "0.00") == 0);
    assert_true(decimal_text_compare("0.01", "0") > 0);
    assert_true(decimal_text_compare("12.5", "12.49") > 0);
    assert_true(decimal_text_approx("75.5") == 75.5);
    assert_true(decimal_text_approx("-12.25") == -12.25);
    assert_true(decimal_text_approx("x") == 0);
}

/* Under a locale whose decimal mark is ',' nothing changes (skipped when
 * vi_VN.UTF-8 is not installed: scripts/deps makes it). */
static void test_locale_independent(void **state)
{
    (void)state;
    if (!setlocale(LC_ALL, "vi_VN.UTF-8")) {
        skip();
        return;
    }
    percent_is("75,5", "75.5");
    percent_is("75.5", "75.5");
    percent_fails("100.5", DECIMAL_TEXT_OUT_OF_RANGE, NULL);
    quantity_fails("12.530", DECIMAL_TEXT_AMBIGUOUS, NULL);
    assert_true(decimal_text_approx("87.5") == 87.5);
    assert_true(decimal_text_compare("100.5", "100") > 0);
    report_fields f = {1, "in_progress", "100.5", "x", "", "", "0123456789abcdef", NULL, NULL, 0};
    field_problem found[8];
    size_t n = validate_report(&f, found, 8);
    int refused = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        refused |= strcmp(found[i].field, "progress") == 0;
    assert_true(refused); /* the pre-check refuses 100.5 under vi_VN too */
    setlocale(LC_ALL, "C");
}

static void date_is(const char *text, const char *expected)
{
    char iso[11], why[240] = "";
    if (date_text_iso(text, iso, why, sizeof(why)) != 0)
        fail_msg("\"%s\": %s", text, why);
    assert_string_equal(iso, expected);
}

static void date_fails(const char *text, const char *in_why)
{
    char iso[11], why[240] = "";
    assert_int_equal(date_text_iso(text, iso, why, sizeof(why)), -1);
    if (!strstr(english(why), in_why))
        fail_msg("\"%s\": \"%s\" lacks \"%s\"", text, english(why), in_why);
}

static void test_dates(void **state)
{
    (void)state;
    date_is("2026-12-05", "2026-12-05");
    date_is("05/12/2026", "2026-12-05");
    date_is("5/12/2026", "2026-12-05");
    date_is("5/2/2026", "2026-02-05");
    date_is("05-12-2026", "2026-12-05");
    date_is("05.12.2026", "2026-12-05");
    date_is(" 29/02/2024 ", "2024-02-29");
    date_is("", "");
    date_fails("31/02/2026", "does not exist");
    date_fails("29/02/2026", "does not exist; the format is dd/mm/yyyy");
    date_fails("12/31/2026", "month-first");
    date_fails("12/31/2026", "31/12/2026");
    date_fails("05/12/26", "four-digit year");
    date_fails("2026-02-30", "does not exist");
    date_fails("2026-2-5", "YYYY-MM-DD");
    date_fails("05/12/2026 10:00", "dd/mm/yyyy");
    date_fails("hôm nay", "dd/mm/yyyy");
    date_fails("5//2026", "dd/mm/yyyy");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progress_as_written),
        cmocka_unit_test(test_progress_refused),
        cmocka_unit_test(test_indicator_rule),
        cmocka_unit_test(test_indicator_refused),
        cmocka_unit_test(test_sheet_form),
        cmocka_unit_test(test_compare_and_approx),
        cmocka_unit_test(test_locale_independent),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
