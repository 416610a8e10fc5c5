/* What people see (issue 14, part H3), end to end through the real client
 * and server: dates dd/mm/yyyy, times in Vietnam time marked UTC+7, the
 * decimal comma in Vietnamese (a point in English) at one precision per
 * kind of figure, while --json keeps ISO dates, UTC timestamps and point
 * decimals; tables fit COLUMNS with "…" and --wide shows everything;
 * --json, --lang, --wide and --quiet work after the command too; the due
 * reminder appears on a terminal at most once a day per account and never
 * in piped output or with --json; colours only on a terminal without
 * NO_COLOR; a progress line for a big submission on a terminal only, wiped
 * afterwards. Terminals are pseudo-terminals opened here. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"
#include "harness_terminal.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, OTHER_REPORTER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"nk.baocao2", "Bao-cao-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
};

/* 2023-6M is open until 2099 (reports on time); 2023-9M is open with the
 * deadlines it was planned with, long past: its reports are overdue. */
#define PERIOD "2023-6M"
#define OVERDUE_PERIOD "2023-9M"
#define TASK "105"

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "human_output", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    const char *open[] = {"period", "open", OVERDUE_PERIOD, NULL};
    harness_cchc_ok(srv, open);
    fixture_as(&fx, REPORTER);
    const char *submit[] = {"submit", "--task", TASK, "--period", PERIOD, "--status",
                            "đang triển khai", "--progress", "12.25", "--result",
                            "Đã tiếp nhận hồ sơ", NULL};
    harness_cchc_ok(srv, submit);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* cchc ARGS… (NULL-terminated) with stdout and stderr piped, as a script. */
static void run_piped(run_result *r, const char *const *args)
{
    harness_cchc(r, srv, args);
}

/* Runs cchc ARGS… on a pseudo-terminal of `columns` columns, with the
 * environment variables in env ("NAME=value", or "NAME" to unset;
 * NULL-terminated, may be NULL) changed for it alone. Returns the exit
 * code; out gets everything the terminal showed (stdout and stderr). */
static int run_on_terminal(const char *const *args, const char *const *env, int columns, char *out,
                           size_t size)
{
    const harness_terminal t = {.columns = columns, .env = env};
    return harness_cchc_on_terminal(srv, args, &t, out, size);
}

/* Display columns of the widest table line in text: a task's row (it
 * starts with the task's number) or the rule under the header. UTF-8
 * letters count one column each (the tables here hold Vietnamese and
 * ASCII only); a terminal's carriage returns count nothing. */
static size_t widest_table_line(const char *text)
{
    size_t widest = 0;
    const char *line = text;
    while (*line) {
        size_t len = strcspn(line, "\n");
        int row = (*line >= '0' && *line <= '9') || strncmp(line, "─", strlen("─")) == 0;
        size_t cols = 0;
        for (size_t i = 0; row && i < len; i++) {
            unsigned char c = (unsigned char)line[i];
            cols += c >= 0x20 && (c & 0xC0) != 0x80;
        }
        widest = cols > widest ? cols : widest;
        line += len + (line[len] == '\n');
    }
    return widest;
}

/* Dates are dd/mm/yyyy for people, ISO in --json. */
static void test_dates_for_people_iso_in_json(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *list[] = {"period", "list", NULL};
    run_result r;
    run_piped(&r, list);
    assert_int_equal(r.exit_code, 0);
    /* 2023-6M: data from 15/12/2022 to 14/06/2023 (Decree 09/2019/NĐ-CP's
     * window); its unit deadline moved to 2099 */
    assert_non_null(strstr(r.out, "15/12/2022"));
    assert_non_null(strstr(r.out, "14/06/2023"));
    assert_non_null(strstr(r.out, "01/01/2099"));
    assert_null(strstr(r.out, "2023-06-14"));
    assert_null(strstr(r.out, "2099-01-01"));
    run_result_free(&r);

    json_t *root = harness_cchc_json(srv, list);
    json_t *periods = json_object_get(root, "periods");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(periods); i++) {
        json_t *p = json_array_get(periods, i);
        if (strcmp(jstr(p, "id"), PERIOD) == 0) {
            assert_string_equal(jstr(p, "data_until"), "2023-06-14");
            assert_string_equal(jstr(p, "unit_deadline"), "2099-01-01");
            seen = 1;
        }
    }
    assert_true(seen);
    json_decref(root);
}

/* A session's end is shown in Vietnam time with its zone; --json keeps
 * the server's UTC timestamp, and the two agree: 7 hours apart. */
static void test_times_in_vietnam_time(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *whoami[] = {"whoami", NULL};
    json_t *root = harness_cchc_json(srv, whoami);
    char utc[32];
    snprintf(utc, sizeof(utc), "%s", jstr(root, "session_expires_at"));
    json_decref(root);
    assert_int_equal(strlen(utc), 20);
    assert_int_equal(utc[19], 'Z');
    struct tm tm = {0};
    assert_int_equal(sscanf(utc, "%d-%d-%dT%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                            &tm.tm_hour, &tm.tm_min),
                     5);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t vn = timegm(&tm) + 7 * 3600;
    struct tm local;
    gmtime_r(&vn, &local);
    char expected[40];
    snprintf(expected, sizeof(expected), "%02d/%02d/%04d %02d:%02d UTC+7", local.tm_mday,
             local.tm_mon + 1, local.tm_year + 1900, local.tm_hour, local.tm_min);

    run_result r;
    run_piped(&r, whoami);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, expected));
    assert_null(strstr(r.out, utc));
    run_result_free(&r);
}

/* Progress 12.25 is one figure: "12,3%" in Vietnamese (the default),
 * "12.3%" with --lang en (after the command, too), 12.25 in --json. */
static void test_decimal_mark_follows_the_language(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *tasks[] = {"tasks", "--period", PERIOD, NULL};
    run_result r;
    run_piped(&r, tasks);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "12,3%"));
    assert_null(strstr(r.out, "12.25"));
    assert_null(strstr(r.out, "12.3"));
    run_result_free(&r);

    const char *english[] = {"tasks", "--period", PERIOD, "--lang", "en", NULL};
    run_piped(&r, english);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "12.3%"));
    assert_null(strstr(r.out, "12,3"));
    run_result_free(&r);

    json_t *task = harness_my_task(srv, PERIOD, atoi(TASK));
    assert_string_equal(jstr(task, "progress"), "12.25");
    json_decref(task);
}

/* The task list is wider than 70 columns: with COLUMNS=70 every line fits
 * and long text ends in "…"; --wide (after the command) shows it whole;
 * piped without COLUMNS lines are not cut to any width. */
static void test_tables_fit_columns(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *tasks[] = {"tasks", "--period", PERIOD, NULL};
    run_result full;
    run_piped(&full, tasks);
    assert_int_equal(full.exit_code, 0);
    assert_true(widest_table_line(full.out) > 70);
    assert_non_null(strstr(full.out, "…")); /* a task's text longer than its column's 56 */

    setenv("COLUMNS", "70", 1);
    run_result cut;
    run_piped(&cut, tasks);
    const char *wide[] = {"tasks", "--period", PERIOD, "--wide", NULL};
    run_result all;
    run_piped(&all, wide);
    unsetenv("COLUMNS");

    assert_int_equal(cut.exit_code, 0);
    assert_true(widest_table_line(cut.out) <= 70);
    assert_non_null(strstr(cut.out, "…"));
    /* --wide lifts even a column's own maximum (task text stops at 56
     * columns otherwise): nothing is cut, lines are at least as wide */
    assert_int_equal(all.exit_code, 0);
    assert_null(strstr(all.out, "…"));
    assert_true(widest_table_line(all.out) >= widest_table_line(full.out));
    run_result_free(&full);
    run_result_free(&cut);
    run_result_free(&all);

    /* on a terminal, its width is the limit */
    char out[65536];
    assert_int_equal(run_on_terminal(tasks, NULL, 60, out, sizeof(out)), 0);
    assert_true(widest_table_line(out) <= 60);
}

/* --json, --quiet and --server work after the command as before it. */
static void test_global_options_anywhere(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *after[] = {"tasks", "--period", PERIOD, "--json", NULL};
    run_result r;
    run_piped(&r, after);
    assert_int_equal(r.exit_code, 0);
    json_error_t error;
    json_t *root = json_loads(r.out, 0, &error);
    assert_non_null(root);
    assert_non_null(json_object_get(root, "tasks"));
    json_decref(root);
    run_result_free(&r);

    /* a --server after the command wins over the harness's one before it */
    const char *elsewhere[] = {"ping", "--server", "127.0.0.1:1", NULL};
    run_piped(&r, elsewhere);
    assert_int_equal(r.exit_code, 3);
    assert_non_null(strstr(r.err, "127.0.0.1:1"));
    run_result_free(&r);

    /* "--" keeps what follows for the command: here an unexpected argument */
    const char *kept[] = {"whoami", "--", "--json", NULL};
    run_piped(&r, kept);
    assert_null(json_loads(r.out, 0, &error));
    run_result_free(&r);
}

/* Something is overdue (2023-9M). Piped and with --json: no reminder. On
 * a terminal: the first command of the day shows it, the next does not;
 * another account on the same machine gets its own. */
static void test_due_reminder_once_a_day_on_a_terminal(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    /* earlier tests ran on a terminal today: start the day afresh */
    char state_file[256];
    snprintf(state_file, sizeof(state_file), "%s/cchc/due-reminder", fx.homes[REPORTER]);
    unlink(state_file);
    const char *whoami[] = {"whoami", NULL};
    run_result r;
    run_piped(&r, whoami);
    assert_int_equal(r.exit_code, 0);
    assert_null(strstr(r.err, "cchc due"));
    run_result_free(&r);

    char out[65536];
    const char *json_whoami[] = {"whoami", "--json", NULL};
    assert_int_equal(run_on_terminal(json_whoami, NULL, 200, out, sizeof(out)), 0);
    assert_null(strstr(out, "cchc due"));
    const char *quiet_whoami[] = {"whoami", "--quiet", NULL};
    assert_int_equal(run_on_terminal(quiet_whoami, NULL, 200, out, sizeof(out)), 0);
    assert_null(strstr(out, "cchc due"));

    assert_int_equal(run_on_terminal(whoami, NULL, 200, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "cchc due"));
    assert_int_equal(run_on_terminal(whoami, NULL, 200, out, sizeof(out)), 0);
    assert_null(strstr(out, "cchc due"));

    /* the other clerk logs in in the same home: a reminder of their own */
    assert_int_equal(harness_login(srv, people[OTHER_REPORTER].username,
                                   people[OTHER_REPORTER].password),
                     0);
    assert_int_equal(run_on_terminal(whoami, NULL, 200, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "cchc due"));
    assert_int_equal(run_on_terminal(whoami, NULL, 200, out, sizeof(out)), 0);
    assert_null(strstr(out, "cchc due"));
    assert_int_equal(harness_login(srv, people[REPORTER].username, people[REPORTER].password), 0);
}

/* An error and an overdue row are coloured on a terminal; never with
 * NO_COLOR, never when piped. */
static void test_colours_on_a_terminal_only(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *bad[] = {"period", "open", "2024-Q1", NULL}; /* a clerk may not */
    char out[65536];
    assert_int_not_equal(run_on_terminal(bad, NULL, 200, out, sizeof(out)), 0);
    if (!strstr(out, "\033[1;31mcchc:"))
        fail_msg("no red error line; the terminal showed: %s", out);
    const char *no_color[] = {"NO_COLOR=1", NULL};
    assert_int_not_equal(run_on_terminal(bad, no_color, 200, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "cchc:"));
    assert_null(strstr(out, "\033["));

    const char *due[] = {"due", NULL};
    assert_int_equal(run_on_terminal(due, NULL, 200, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "\033[31m" OVERDUE_PERIOD));
    run_result r;
    run_piped(&r, due);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, OVERDUE_PERIOD));
    assert_null(strstr(r.out, "\033["));
    assert_null(strstr(r.err, "\033["));
    run_result_free(&r);
}

/* A submission of about 45 KiB shows a progress line on a terminal,
 * wiped before the result; piped, stderr carries none of it. */
static void test_progress_line_for_a_big_submission(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    static char text[15001];
    const char *words = "Đã tiếp nhận, giải quyết hồ sơ đúng hạn; ";
    size_t n = 0, wl = strlen(words);
    while (n + wl < sizeof(text))
        memcpy(text + n, words, wl), n += wl;
    text[n] = '\0';
    const char *submit[] = {"submit",     "--task",  TASK, "--period",     PERIOD,
                            "--status",   "chậm tiến độ",  "--progress",   "20",
                            "--result",   text,            "--difficulties", text,
                            "--proposals", text,           NULL};
    char out[65536];
    assert_int_equal(run_on_terminal(submit, NULL, 200, out, sizeof(out)), 0);
    /* the line was drawn, then wiped before the result was said */
    const char *done = strstr(out, "báo cáo kỳ " PERIOD); /* "Đã gửi 1 báo cáo kỳ …" */
    assert_non_null(done);
    const char *drawn = strstr(out, "KiB");
    assert_non_null(drawn);
    assert_true(drawn < done);
    const char *wiped = NULL;
    for (const char *p = strstr(out, "\r\033[K"); p; p = strstr(p + 1, "\r\033[K"))
        wiped = p;
    assert_true(wiped > drawn && wiped < done);
    assert_null(strstr(done, "KiB"));

    const char *again[] = {"submit",     "--task",  TASK, "--period",     PERIOD,
                           "--status",   "chậm tiến độ",  "--progress",   "21",
                           "--result",   text,            "--difficulties", text,
                           "--proposals", text,           NULL};
    run_result r;
    run_piped(&r, again);
    assert_int_equal(r.exit_code, 0);
    assert_null(strstr(r.err, "KiB"));
    assert_null(strchr(r.err, '\r'));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates_for_people_iso_in_json),
        cmocka_unit_test(test_times_in_vietnam_time),
        cmocka_unit_test(test_decimal_mark_follows_the_language),
        cmocka_unit_test(test_tables_fit_columns),
        cmocka_unit_test(test_global_options_anywhere),
        cmocka_unit_test(test_due_reminder_once_a_day_on_a_terminal),
        cmocka_unit_test(test_colours_on_a_terminal_only),
        cmocka_unit_test(test_progress_line_for_a_big_submission),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
