/* Unit tests of the server's field checks (common/validate.c) and of the
 * arena replies are built in (server/util/arena.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "validate.h"

static void test_dates(void **state)
{
    (void)state;
    char why[160];
    assert_int_equal(validate_date("", why, sizeof(why)), 0);
    assert_int_equal(validate_date("2023-06-06", why, sizeof(why)), 0);
    assert_int_equal(validate_date("2024-02-29", why, sizeof(why)), 0); /* leap year */
    assert_int_equal(validate_date("2023-02-29", why, sizeof(why)), -1);
    /* the reason as an id and its argument (msg_encode) */
    assert_string_equal(why, "date \"%s\" does not exist\x1f" "2023-02-29");
    assert_int_equal(validate_date("2100-02-29", why, sizeof(why)), -1); /* not leap */
    assert_int_equal(validate_date("2000-02-29", why, sizeof(why)), 0);
    assert_int_equal(validate_date("2023-13-01", why, sizeof(why)), -1);
    assert_int_equal(validate_date("2023-6-6", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "YYYY-MM-DD"));
    assert_int_equal(validate_date("06/06/2023", why, sizeof(why)), -1);
    assert_int_equal(validate_date("2023-06-06x", why, sizeof(why)), -1);
    assert_int_equal(validate_date("2023-0a-06", why, sizeof(why)), -1);
    assert_int_equal(validate_date("1899-12-31", why, sizeof(why)), -1);
}

static void test_text(void **state)
{
    (void)state;
    char why[160];
    assert_int_equal(validate_text("Sở Nội vụ", 100, why, sizeof(why)), 0);
    assert_int_equal(validate_text("dòng 1\ndòng 2\tcột", 100, why, sizeof(why)), 0);
    assert_int_equal(validate_text("abc\xFF", 100, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "UTF-8"));
    assert_int_equal(validate_text("a\x01" "b", 100, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "0x01"));
    assert_int_equal(validate_text("abcdef", 5, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "too long"));
    assert_int_equal(validate_text("abcde", 5, why, sizeof(why)), 0);
}

static void test_decimals(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(validate_decimal("87.52", 3, 4, why, sizeof(why)), 0);
    assert_int_equal(validate_decimal("100", 3, 4, why, sizeof(why)), 0);
    assert_int_equal(validate_decimal("0.0001", 3, 4, why, sizeof(why)), 0);
    assert_int_equal(validate_decimal("0.00001", 3, 4, why, sizeof(why)), -1);
    assert_int_equal(validate_decimal("1000", 3, 4, why, sizeof(why)), -1);
    assert_int_equal(validate_decimal("87,52", 3, 4, why, sizeof(why)), -1);
    assert_int_equal(validate_decimal("-1", 3, 4, why, sizeof(why)), -1);
    assert_int_equal(validate_decimal("1.", 3, 4, why, sizeof(why)), -1);
    assert_int_equal(validate_decimal(".5", 3, 4, why, sizeof(why)), -1);
    assert_int_equal(validate_decimal("", 3, 4, why, sizeof(why)), -1);
    assert_int_equal(validate_decimal("1e5", 3, 4, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "decimal"));
}

/* The fields a problem list names, joined by spaces. */
static const char *problem_fields(const report_fields *r)
{
    static char joined[512];
    field_problem found[16];
    size_t n = validate_report(r, found, 16);
    joined[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(joined, i ? " " : "");
        strcat(joined, found[i].field);
    }
    return joined;
}

static void test_report_rows(void **state)
{
    (void)state;
    const char *names[REPORT_INDICATORS_MAX + 1], *values[REPORT_INDICATORS_MAX + 1];
    char name_text[REPORT_INDICATORS_MAX + 1][16];
    for (int i = 0; i <= REPORT_INDICATORS_MAX; i++) {
        snprintf(name_text[i], sizeof(name_text[i]), "chi_so_%d", i);
        names[i] = name_text[i];
        values[i] = "1.5";
    }
    report_fields good = {105, "in_progress", "60", "Đã tiếp nhận 12.345 hồ sơ", "", "",
                          "key-0123456789abcdef", names, values, 2};
    assert_string_equal(problem_fields(&good), "");

    report_fields done_at_90 = good;
    done_at_90.status = "completed";
    done_at_90.progress = "90";
    assert_string_equal(problem_fields(&done_at_90), "progress");

    report_fields behind = good;
    behind.status = "behind";
    behind.progress = "30";
    assert_string_equal(problem_fields(&behind), "difficulties"); /* behind needs a why */

    report_fields too_many = good;
    too_many.n_indicators = REPORT_INDICATORS_MAX + 1;
    assert_string_equal(problem_fields(&too_many), "indicators");

    const char *twice[] = {"ty_le", "ty_le"};
    report_fields repeated = good;
    repeated.indicator_names = twice;
    assert_string_equal(problem_fields(&repeated), "indicators");

    report_fields bad_key = good;
    bad_key.key = "short";
    assert_string_equal(problem_fields(&bad_key), "idempotency_key");

    report_fields not_utf8 = good;
    not_utf8.results = "k\xe9t qu\xe1";
    assert_string_equal(problem_fields(&not_utf8), "results");
}

static void test_arena(void **state)
{
    (void)state;
    arena a = {0};
    int *small = arena_alloc(&a, sizeof(int) * 4);
    assert_non_null(small);
    assert_int_equal(small[3], 0); /* zeroed */
    char *big = arena_alloc(&a, 100000); /* larger than a chunk */
    assert_non_null(big);
    big[99999] = 'x';
    char *s = arena_strndup(&a, "Cần Thơ!", 10); /* 10 bytes: the "!" is cut */
    assert_string_equal(s, "Cần Thơ");
    assert_null(arena_array(&a, 0, 8));
    assert_null(arena_array(&a, SIZE_MAX / 2, 4)); /* overflow refused */
    assert_true(a.failed);
    arena_free(&a);
    assert_null(a.chunks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_report_rows),
        cmocka_unit_test(test_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
