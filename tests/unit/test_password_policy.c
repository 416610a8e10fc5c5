/* Unit tests of the password rules (common/password_policy.c) shared by
 * client and server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "password_policy.h"

static int ok(const char *user, const char *password)
{
    char why[200];
    return password_policy_check(user, password, why, sizeof(why)) == 0;
}

static void test_accepted(void **state)
{
    (void)state;
    assert_true(ok("nk.baocao", "Bao-cao-Ninh-Kieu-2023"));
    assert_true(ok("admin", "mùa nước nổi Cần Thơ")); /* a Vietnamese passphrase */
    assert_true(ok(NULL, "correct horse battery"));
}

static void test_refused(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(password_policy_check("x", "short", why, sizeof(why)), -1);
    /* the reason as an id and its argument (msg_encode) */
    assert_string_equal(why, "the password needs at least %s characters\x1f" "10");
    /* ten characters but fifteen bytes would pass a byte count; characters count */
    assert_true(ok("x", "Cần Thơ 2023"));
    assert_false(ok("x", "Cần Thơ23")); /* 9 characters */
    assert_false(ok("nk.baocao", "xx-NK.BAOCAO-xx")); /* contains the username */
    assert_false(ok("x", "matkhau123"));
    assert_false(ok("x", "PASSWORD123"));  /* common, whatever the case */
    assert_false(ok("x", "aaaaaaaaaaaa")); /* one repeated character */
    assert_false(ok("x", "abcdefghijkl")); /* a run */
    assert_false(ok("x", "9876543210"));
    assert_false(ok("x", "bad\xFFutf8-password"));
    char longest[PASSWORD_MAX_LENGTH + 2];
    memset(longest, 'q', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = '\0';
    longest[5] = 'z';
    assert_false(ok("x", longest));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
