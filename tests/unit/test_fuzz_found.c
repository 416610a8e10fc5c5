/* Regression tests for what the fuzz targets of fuzz/ found, one test per
 * finding, each with the input the fuzzer made (the raw reproducers are
 * also kept in fuzz/regressions/ and replayed by the replay_* tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "msg_format.h"
#include "utf8.h"
#include "validate.h"

/* fuzz_request: a date field holding an invalid byte ("2024-03\x9c" "31")
 * was quoted as is, and a long one cut at 40 bytes inside a character, so
 * the reason, which goes into the error reply, was not valid UTF-8. */
/* A reason is an id with its arguments (msg_encode); the quotes are the
 * id's, so the tests look in its English rendering. */
static const char *english(const char *why)
{
    static char text[400];
    msg_format_encoded(text, sizeof(text), why);
    return text;
}

static void test_date_reason_is_utf8(void **state)
{
    (void)state;
    char why[160];
    assert_int_equal(validate_date("2024-03\x9c" "31", why, sizeof(why)), -1);
    assert_true(utf8_valid(why, strlen(why)));
    assert_non_null(strstr(english(why), "\"2024-03\""));

    /* 13 × "ầ" (3 bytes) = 39 bytes, then "ầ" would end at byte 42 */
    char long_date[64] = "";
    for (int i = 0; i < 14; i++)
        strcat(long_date, "ầ");
    assert_int_equal(validate_date(long_date, why, sizeof(why)), -1);
    assert_true(utf8_valid(why, strlen(why)));
    char thirteen[64] = "";
    for (int i = 0; i < 13; i++)
        strcat(thirteen, "ầ");
    char expected[80];
    snprintf(expected, sizeof(expected), "\"%s\"", thirteen);
    assert_non_null(strstr(english(why), expected));

    /* valid text is still quoted whole */
    assert_int_equal(validate_date("ngày 31/3", why, sizeof(why)), -1);
    assert_non_null(strstr(english(why), "\"ngày 31/3\""));
}

/* fuzz_request: an index result's value "\xb8" "7.52" was quoted as is in
 * the reason, and a long one cut at 40 bytes inside a character. */
static void test_decimal_reason_is_utf8(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(validate_decimal("\xb8" "7.52", 5, 4, why, sizeof(why)), -1);
    assert_true(utf8_valid(why, strlen(why)));
    assert_non_null(strstr(english(why), "\"\" is not a valid decimal"));

    char long_text[64] = "";
    for (int i = 0; i < 14; i++)
        strcat(long_text, "ố");
    assert_int_equal(validate_decimal(long_text, 5, 4, why, sizeof(why)), -1);
    assert_true(utf8_valid(why, strlen(why)));

    assert_int_equal(validate_decimal("87,52", 5, 4, why, sizeof(why)), -1);
    assert_non_null(strstr(english(why), "\"87,52\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_reason_is_utf8),
        cmocka_unit_test(test_decimal_reason_is_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
