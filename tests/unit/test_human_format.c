/* Unit tests of what people read (client/render/human_format.c, human.c,
 * table.c's fitting): dd/mm/yyyy dates, Vietnam time, one precision per
 * kind of figure rounded as text, the language's decimal mark, and tables
 * cut to a width with a clear mark. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "human.h"
#include "human_format.h"
#include "table.h"
#include "text_width.h"

static void test_dates(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(human_format_date("2023-07-31", out, sizeof(out)), "31/07/2023");
    assert_string_equal(human_format_date("2099-01-02", out, sizeof(out)), "02/01/2099");
    /* a timestamp's date part, as written (no zone shift: that is a time) */
    assert_string_equal(human_format_date("2023-07-31T18:29:05Z", out, sizeof(out)),
                        "31/07/2023");
    /* not a date: unchanged, so nothing is ever lost */
    assert_string_equal(human_format_date("", out, sizeof(out)), "");
    assert_string_equal(human_format_date("31/07/2023", out, sizeof(out)), "31/07/2023");
    assert_string_equal(human_format_date("2023-7-31", out, sizeof(out)), "2023-7-31");
    assert_string_equal(human_format_date("2023-07-31x", out, sizeof(out)), "2023-07-31x");
    assert_string_equal(human_format_date(NULL, out, sizeof(out)), "");
}

static void test_times_in_vietnam(void **state)
{
    (void)state;
    char out[64];
    /* the "hết hạn lúc …18:29Z": after 17:00 UTC it is tomorrow in Vietnam */
    assert_string_equal(human_format_time("2023-07-31T18:29:05Z", out, sizeof(out)),
                        "01/08/2023 01:29 UTC+7");
    assert_string_equal(human_format_time("2023-07-31T10:00:00Z", out, sizeof(out)),
                        "31/07/2023 17:00 UTC+7");
    /* across a year and a leap day */
    assert_string_equal(human_format_time("2023-12-31T17:00:00Z", out, sizeof(out)),
                        "01/01/2024 00:00 UTC+7");
    assert_string_equal(human_format_time("2024-02-28T20:00:00.123Z", out, sizeof(out)),
                        "29/02/2024 03:00 UTC+7");
    /* no zone, another zone, garbage: unchanged */
    assert_string_equal(human_format_time("2023-07-31T18:29:05", out, sizeof(out)),
                        "2023-07-31T18:29:05");
    assert_string_equal(human_format_time("2023-07-31T18:29:05+02:00", out, sizeof(out)),
                        "2023-07-31T18:29:05+02:00");
    assert_string_equal(human_format_time("", out, sizeof(out)), "");
    char day[16];
    /* 2023-07-31T17:00:00Z is midnight of 1 August in Vietnam */
    assert_string_equal(human_vietnam_day(1690822800LL, day, sizeof(day)), "2023-08-01");
    assert_string_equal(human_vietnam_day(1690822799LL, day, sizeof(day)), "2023-07-31");
}

static void test_rounding_as_text(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(human_round_decimal("60.857", 1, ',', out, sizeof(out)), 0);
    assert_string_equal(out, "60,9");
    human_round_decimal("20.56", 1, '.', out, sizeof(out));
    assert_string_equal(out, "20.6");
    /* half away from zero, carried through every nine */
    human_round_decimal("99.95", 1, ',', out, sizeof(out));
    assert_string_equal(out, "100,0");
    human_round_decimal("9.995", 2, ',', out, sizeof(out));
    assert_string_equal(out, "10,00");
    human_round_decimal("0.125", 2, ',', out, sizeof(out));
    assert_string_equal(out, "0,13");
    human_round_decimal("-1.25", 1, ',', out, sizeof(out));
    assert_string_equal(out, "-1,3");
    /* a negative that rounds to zero is zero */
    human_round_decimal("-0.04", 1, ',', out, sizeof(out));
    assert_string_equal(out, "0,0");
    /* padding, whole numbers, a bare fraction, leading zeros */
    human_round_decimal("100", 2, ',', out, sizeof(out));
    assert_string_equal(out, "100,00");
    human_round_decimal(".5", 1, ',', out, sizeof(out));
    assert_string_equal(out, "0,5");
    human_round_decimal("007.1", 1, ',', out, sizeof(out));
    assert_string_equal(out, "7,1");
    human_round_decimal("12.345", 0, ',', out, sizeof(out));
    assert_string_equal(out, "12");
    /* a value float arithmetic gets wrong: 1.005 is 1.00499999… as a double */
    human_round_decimal("1.005", 2, ',', out, sizeof(out));
    assert_string_equal(out, "1,01");
    /* not decimals: unchanged */
    assert_int_equal(human_round_decimal("", 1, ',', out, sizeof(out)), -1);
    assert_string_equal(out, "");
    assert_int_equal(human_round_decimal("1e5", 1, ',', out, sizeof(out)), -1);
    assert_string_equal(out, "1e5");
    assert_int_equal(human_round_decimal("1.2.3", 1, ',', out, sizeof(out)), -1);
    assert_int_equal(human_round_decimal(".", 1, ',', out, sizeof(out)), -1);
    assert_int_equal(human_round_decimal("-", 1, ',', out, sizeof(out)), -1);
    assert_int_equal(human_round_decimal("n/a", 1, ',', out, sizeof(out)), -1);
    assert_string_equal(out, "n/a");
}

static void test_one_precision_per_kind(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(human_format_figure("1.5", HUMAN_POINTS, ',', out, sizeof(out)), "1,50");
    assert_string_equal(human_format_figure("1.14", HUMAN_POINTS, '.', out, sizeof(out)), "1.14");
    assert_string_equal(human_format_figure("60.86", HUMAN_PERCENT, ',', out, sizeof(out)),
                        "60,9%");
    assert_string_equal(human_format_figure("100", HUMAN_PERCENT, ',', out, sizeof(out)),
                        "100,0%");
    assert_string_equal(human_format_figure("12.25", HUMAN_PROGRESS, ',', out, sizeof(out)),
                        "12,3%");
    /* an empty figure ("not stated") stays empty, without a percent sign */
    assert_string_equal(human_format_figure("", HUMAN_PERCENT, ',', out, sizeof(out)), "");
    assert_string_equal(human_format_figure("12.5", HUMAN_PROGRESS, ',', out, sizeof(out)),
                        "12,5%");
}

static void test_the_language_sets_the_mark(void **state)
{
    (void)state;
    human_use_english(0);
    assert_int_equal(human_decimal_mark(), ',');
    const char *vi = human_percent("60.857");
    human_use_english(1);
    const char *en = human_percent("60.857");
    /* both buffers still hold their text: several values in one printf */
    assert_string_equal(vi, "60,9%");
    assert_string_equal(en, "60.9%");
    assert_string_equal(human_points("2.5"), "2.50");
    assert_string_equal(human_progress("40"), "40.0%");
    human_use_english(0);
    assert_string_equal(human_date("2023-07-31"), "31/07/2023");
    assert_string_equal(human_time("2023-07-31T18:29:05Z"), "01/08/2023 01:29 UTC+7");
}

/* Prints t within columns; returns the text (free it). */
static char *print_fit(const table *t, int columns)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    table_print_fit(t, out, 1, columns);
    fclose(out);
    return buf;
}

static size_t widest_line(const char *text)
{
    size_t widest = 0;
    char *copy = strdup(text), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (text_width(line) > widest)
            widest = text_width(line);
    free(copy);
    return widest;
}

static void test_tables_fit_the_width(void **state)
{
    (void)state;
    const char *headers[] = {"Mã", "Nhiệm vụ", "Hạn"};
    table *t = table_new(3, headers, NULL);
    const char *long_text = "Rà soát, đánh giá thủ tục hành chính và đơn giản hóa quy trình "
                            "giải quyết cho người dân";
    const char *row1[] = {"PLI-06", long_text, "31/07/2023"};
    const char *row2[] = {"PLI-07", "Ngắn", "01/08/2023"};
    table_add_row(t, row1);
    table_add_row(t, row2);

    char *full = print_fit(t, 0);
    assert_non_null(strstr(full, "cho người dân"));
    assert_null(strstr(full, "…"));

    char *narrow = print_fit(t, 60);
    assert_true(widest_line(narrow) <= 60);
    /* the long text gave way, marked; codes and dates are whole */
    assert_non_null(strstr(narrow, "Rà soát, đánh giá"));
    assert_non_null(strstr(narrow, "…"));
    assert_null(strstr(narrow, "cho người dân"));
    assert_non_null(strstr(narrow, "PLI-06"));
    assert_non_null(strstr(narrow, "31/07/2023"));
    assert_non_null(strstr(narrow, "01/08/2023"));

    /* narrower than the columns can go: cut to their minimum, no crash */
    char *tiny = print_fit(t, 5);
    assert_non_null(strstr(tiny, "PLI-06"));
    assert_true(widest_line(tiny) < widest_line(full));
    free(full);
    free(narrow);
    free(tiny);
    table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_times_in_vietnam),
        cmocka_unit_test(test_rounding_as_text),
        cmocka_unit_test(test_one_precision_per_kind),
        cmocka_unit_test(test_the_language_sets_the_mark),
        cmocka_unit_test(test_tables_fit_the_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
