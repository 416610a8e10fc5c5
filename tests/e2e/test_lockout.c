/* Admins see and clear login lockouts (issue 10, part 6): five failed
 * logins block an account; `cchc user show` says it is blocked and until
 * when; `user enable` does not pretend to lift it; `user unlock` lifts it
 * at once (audited) and `user reset-password` does too; the attempts stay
 * recorded, and attempts refused while blocked write nothing (issue 11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, VIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"ubnd.lanhdao", "Lanh-dao-UBND-TP-2023", "VP-UBND", "viewer"},
};
static char attempt_home[64]; /* where the failed logins are typed */

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "lockout", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_new_home(attempt_home, sizeof(attempt_home));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    harness_remove_home(attempt_home);
    return fixture_stop(&fx);
}

/* Logs in as the reporter from the attempt home; returns cchc's exit
 * code and, when err is given, its stderr. */
static int try_login(const char *password, char *err, size_t size)
{
    harness_use_home(attempt_home);
    char input[128];
    snprintf(input, sizeof(input), "%s\n", password);
    const char *login[] = {"login", people[REPORTER].username, "--password-stdin", NULL};
    run_result r;
    harness_cchc_input(&r, srv, input, login);
    if (err)
        snprintf(err, size, "%s", r.err);
    int code = r.exit_code;
    run_result_free(&r);
    fixture_as(&fx, -1);
    return code;
}

static void block_reporter(void)
{
    for (int i = 0; i < 5; i++)
        assert_int_equal(try_login("Sai-mat-khau-2023", NULL, 0), 1);
    char err[2048];
    assert_int_equal(try_login(people[REPORTER].password, err, sizeof(err)), 1);
    assert_non_null(strstr(err, "máy chủ bận hoặc vượt giới hạn"));
    assert_non_null(strstr(err, "hãy thử lại sau 20")); /* says until when */
    assert_non_null(strstr(err, "cchc user unlock"));
}

/* Until when the account is blocked; "" when it is not (--json shows an
 * empty string as null). */
static const char *blocked_until(json_t *acc)
{
    const char *s = json_string_value(json_object_get(acc, "blocked_until"));
    return s ? s : "";
}

/* The reporter's account as `cchc --json user show` gives it. */
static json_t *shown_account(void)
{
    fixture_as(&fx, -1);
    const char *show[] = {"user", "show", people[REPORTER].username, NULL};
    json_t *root = harness_cchc_json(srv, show);
    json_t *acc = json_incref(json_array_get(json_object_get(root, "accounts"), 0));
    json_decref(root);
    assert_non_null(acc);
    return acc;
}

static void test_unlock_lifts_a_lockout(void **state)
{
    (void)state;
    json_t *acc = shown_account();
    assert_string_equal(blocked_until(acc), "");
    json_decref(acc);

    block_reporter();
    /* user show: blocked, until a time within the next 15 minutes */
    acc = shown_account();
    char until[32];
    snprintf(until, sizeof(until), "%s", blocked_until(acc));
    assert_true(*until);
    assert_true(jint(acc, "failed_logins") >= 5);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT '%s'::timestamptz > now() AND '%s'::timestamptz <= now() + interval '15 minutes'",
             until, until);
    char *in_window = harness_db_query(&fx.db, sql);
    assert_string_equal(in_window, "t");
    free(in_window);
    json_decref(acc);
    const char *show[] = {"user", "show", people[REPORTER].username, NULL};
    run_result r;
    harness_cchc(&r, srv, show);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "bị chặn đăng nhập đến"));
    assert_non_null(strstr(r.out, "cchc user unlock nk.baocao"));
    assert_null(strstr(r.out, "hoạt động")); /* not "active" */
    run_result_free(&r);

    /* enable does not lift it, and does not say it did */
    const char *enable[] = {"user", "enable", people[REPORTER].username, NULL};
    harness_cchc(&r, srv, enable);
    assert_int_equal(r.exit_code, 0);
    assert_null(strstr(r.out, "mở khóa"));
    assert_non_null(strstr(r.out, "bị chặn đăng nhập đến"));
    run_result_free(&r);
    assert_int_equal(try_login(people[REPORTER].password, NULL, 0), 1);

    /* unlock: login works at once; the attempts stay recorded */
    const char *unlock[] = {"user", "unlock", people[REPORTER].username, NULL};
    harness_cchc(&r, srv, unlock);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Đã gỡ chặn đăng nhập"));
    run_result_free(&r);
    acc = shown_account();
    assert_string_equal(blocked_until(acc), "");
    assert_int_equal(jint(acc, "failed_logins"), 0);
    json_decref(acc);
    assert_int_equal(try_login(people[REPORTER].password, NULL, 0), 0);
    /* the five failures; the two logins refused while blocked wrote nothing */
    char *kept = harness_db_query(&fx.db, "SELECT count(*) FROM login_attempt"
                                          " WHERE username = 'nk.baocao' AND NOT succeeded");
    assert_string_equal(kept, "5");
    free(kept);

    /* audited: who lifted what */
    const char *audit[] = {"audit", "--action", "account.unlock", NULL};
    json_t *root = harness_cchc_json(srv, audit);
    json_t *entries = json_object_get(root, "entries");
    assert_int_equal(json_array_size(entries), 1);
    json_t *e = json_array_get(entries, 0);
    assert_string_equal(jstr(e, "username"), HARNESS_ADMIN);
    assert_string_equal(jstr(e, "target"), people[REPORTER].username);
    json_t *detail = json_loads(jstr(e, "detail"), 0, NULL);
    assert_non_null(detail);
    /* the block as it was: refused attempts did not move it */
    assert_string_equal(blocked_until(detail), until);
    assert_int_equal(jint(detail, "failed_logins"), 5);
    json_decref(detail);
    json_decref(root);

    /* failures after the unlock count again from zero: four do not block */
    for (int i = 0; i < 4; i++)
        assert_int_equal(try_login("Sai-mat-khau-2023", NULL, 0), 1);
    assert_int_equal(try_login(people[REPORTER].password, NULL, 0), 0);
    free(harness_db_query(&fx.db, "UPDATE account SET failures_cleared_at = now()"
                                  " WHERE username = 'nk.baocao' RETURNING 1"));
}

static void test_reset_password_lifts_a_lockout(void **state)
{
    (void)state;
    block_reporter();
    fixture_as(&fx, -1);
    const char *reset[] = {"user", "reset-password", people[REPORTER].username, NULL};
    run_result r;
    harness_cchc_input(&r, srv, "Mat-khau-moi-Ninh-Kieu-2024\n", reset);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    json_t *acc = shown_account();
    assert_string_equal(blocked_until(acc), "");
    json_decref(acc);
    assert_int_equal(try_login("Mat-khau-moi-Ninh-Kieu-2024", NULL, 0), 0);
    const char *audit[] = {"audit", "--action", "account.reset_password", NULL};
    json_t *root = harness_cchc_json(srv, audit);
    assert_int_equal(json_array_size(json_object_get(root, "entries")), 1);
    json_decref(root);
}

/* Only an administrator unlocks, and only an account that exists. */
static void test_unlock_refusals(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *unknown[] = {"user", "unlock", "khong.co.ai", NULL};
    run_result r;
    harness_cchc(&r, srv, unknown);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "không tìm thấy"));
    run_result_free(&r);
    /* anyone but an administrator */
    fixture_as(&fx, VIEWER);
    const char *unlock[] = {"user", "unlock", people[REPORTER].username, NULL};
    harness_cchc(&r, srv, unlock);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "không có quyền"));
    run_result_free(&r);
    fixture_as(&fx, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unlock_lifts_a_lockout),
        cmocka_unit_test(test_reset_password_lifts_a_lockout),
        cmocka_unit_test(test_unlock_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
