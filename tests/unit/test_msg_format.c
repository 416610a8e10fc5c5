/* Unit tests of message ids with arguments (common/msg_format.c): the
 * English the server renders and the translation the client renders come
 * from one substitution, which must survive reordered, missing, extra and
 * hostile arguments and formats, and cut long text at a character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "msg_format.h"

static void test_substitutes_in_order(void **state)
{
    (void)state;
    const char *args[] = {"2026-Q1", "locked"};
    char out[128];
    size_t n = msg_format(out, sizeof(out), "period %s is %s", args, 2);
    assert_string_equal(out, "period 2026-Q1 is locked");
    assert_int_equal(n, strlen(out));
}

static void test_positions_reorder(void **state)
{
    (void)state;
    const char *args[] = {"accept", "42"};
    char out[128];
    msg_format(out, sizeof(out), "báo cáo %2$s: không thể %1$s", args, 2);
    assert_string_equal(out, "báo cáo 42: không thể accept");
}

static void test_percent_and_unknown_conversions_copied(void **state)
{
    (void)state;
    const char *args[] = {"60"};
    char out[128];
    msg_format(out, sizeof(out), "%s%% done, %d %n %x left", args, 1);
    assert_string_equal(out, "60% done, %d %n %x left");
}

static void test_missing_argument_is_empty(void **state)
{
    (void)state;
    const char *args[] = {"a"};
    char out[128];
    msg_format(out, sizeof(out), "[%s][%s][%3$s]", args, 1);
    assert_string_equal(out, "[a][][]");
    msg_format(out, sizeof(out), "no args %s", NULL, 0);
    assert_string_equal(out, "no args ");
}

static void test_cut_at_character_boundary(void **state)
{
    (void)state;
    const char *args[] = {"Phường Tân An"};
    char out[10];
    size_t need = msg_format(out, sizeof(out), "đơn vị %s", args, 1);
    assert_true(need > sizeof(out));
    /* "đơn v" is 7 bytes, "ị" 3 more: 9 bytes of room cut before "ị" */
    assert_string_equal(out, "đơn v");
    char whole[12];
    msg_format(whole, sizeof(whole), "đơn vị %s", args, 1);
    assert_string_equal(whole, "đơn vị "); /* 11 bytes: no room for 'P' */
    char tiny[4];
    msg_format(tiny, sizeof(tiny), "đđđ", NULL, 0);
    assert_string_equal(tiny, "đ");
}

static void test_arity(void **state)
{
    (void)state;
    assert_int_equal(msg_format_arity("plain"), 0);
    assert_int_equal(msg_format_arity("%s and %s, 100%%"), 2);
    assert_int_equal(msg_format_arity("%2$s before %1$s"), 2);
    assert_int_equal(msg_format_arity("%d"), -1);
    assert_int_equal(msg_format_arity("%.20s"), -1);
    assert_int_equal(msg_format_arity("trailing %"), -1);
}

static void test_split(void **state)
{
    (void)state;
    char text[] = "task %s twice on line %s\x1f" "106\x1f" "12";
    const char *id, *args[4];
    assert_int_equal(msg_format_split(text, &id, args, 4), 2);
    assert_string_equal(id, "task %s twice on line %s");
    assert_string_equal(args[0], "106");
    assert_string_equal(args[1], "12");

    char plain[] = "no arguments";
    assert_int_equal(msg_format_split(plain, &id, args, 4), 0);
    assert_string_equal(id, "no arguments");

    char many[] = "x\x1f" "1\x1f" "2\x1f" "3";
    assert_int_equal(msg_format_split(many, &id, args, 2), 3);
    assert_string_equal(args[1], "2");

    char empty_arg[] = "[%s]\x1f";
    assert_int_equal(msg_format_split(empty_arg, &id, args, 4), 1);
    assert_string_equal(args[0], "");
}

/* What the validators write (msg_encode) splits back into the same id and
 * arguments, renders in English, and is never cut inside a character. */
static void test_encode(void **state)
{
    (void)state;
    char out[64];
    const char *in[] = {"5\x1f" "6", "ngày"};
    msg_encode(out, sizeof(out), "%s and %s", in, 2);
    assert_string_equal(out, "%s and %s\x1f" "5?6\x1f" "ngày"); /* a separator in an argument */
    const char *id, *args[4];
    assert_int_equal(msg_format_split(out, &id, args, 4), 2);
    assert_string_equal(id, "%s and %s");
    assert_string_equal(args[1], "ngày");

    char english[64];
    msg_encode(out, sizeof(out), "too long: %s bytes", (const char *[]){"12"}, 1);
    msg_format_encoded(english, sizeof(english), out);
    assert_string_equal(english, "too long: 12 bytes");

    char small[7]; /* "ab", separator, then "ngày" cut before its 2-byte "à" */
    msg_encode(small, sizeof(small), "ab", (const char *[]){"ngày"}, 1);
    assert_string_equal(small, "ab\x1f" "ng");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_substitutes_in_order),
        cmocka_unit_test(test_positions_reorder),
        cmocka_unit_test(test_percent_and_unknown_conversions_copied),
        cmocka_unit_test(test_missing_argument_is_empty),
        cmocka_unit_test(test_cut_at_character_boundary),
        cmocka_unit_test(test_arity),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_encode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
