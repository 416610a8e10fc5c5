/* Unit tests of the server's field checks (server/validate.c) and of the
 * arena replies are built in (server/arena.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
    assert_non_null(strstr(why, "no such date"));
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
        cmocka_unit_test(test_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
