/* The Windows client end to end (issue 16): cchc.exe from the zip of
 * scripts/build-windows, run under Wine against the Linux cchcd by
 * scripts/test's windows build (CCHC_TEST_CLIENT = tests/windows/cchc-wine.sh).
 * A clerk's quarterly job as on an office PC: the server set in the
 * configuration file of its folder, ping, login, tasks, the template as
 * CSV (BOM, CRLF, for Excel) and as .xlsx under a Vietnamese file name,
 * filled and submitted; a submission made while the server is down waits
 * in the outbox and is delivered once after it comes back; the lead
 * agency reviews; the status; --json; Vietnamese text byte-exact from the
 * command line and the files to the database and back to the screen.
 * Without CCHC_TEST_CLIENT (every other build) each test is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;
static int on_windows; /* CCHC_TEST_CLIENT names the client to run */

enum { CLERK, LEAD_REVIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2023", "VP-UBND", "reviewer"}, /* leads 105, 106, 107 */
};

/* the start of task 105's text in the plan (sql/0003_plan_data.sql) */
#define TASK_105_TEXT "Tổ chức tiếp nhận hồ sơ, trả kết quả tại Bộ phận một cửa"

static int setup(void **state)
{
    (void)state;
    on_windows = getenv("CCHC_TEST_CLIENT") != NULL;
    if (!on_windows)
        return 0;
    fixture_start(&fx, "windows", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    harness_open_period(srv, "2023-9M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return on_windows ? fixture_stop(&fx) : 0;
}

#define WINDOWS_ONLY()                                                                           \
    do {                                                                                         \
        if (!on_windows) {                                                                       \
            print_message("skipped: CCHC_TEST_CLIENT is unset (scripts/test's windows build)\n"); \
            skip();                                                                              \
        }                                                                                        \
    } while (0)

/* One column of Ninh Kiều's latest revision of a task's report ("" when none). */
static void assert_stored(const char *period, int task, const char *column, const char *expected)
{
    char expression[80];
    snprintf(expression, sizeof(expression), "v.%s", column);
    char *got = harness_report_latest(&fx.db, period, "Q-NINHKIEU", task, expression);
    if (strcmp(got, expected) != 0)
        fail_msg("%s task %d: %s is \"%s\", expected \"%s\"", period, task, column, got, expected);
    free(got);
}

/* The server from the configuration file of the client's folder (what
 * the clerk sets once), ping and version; the folder is the one the
 * harness's home names (CCHC_HOME under Wine). */
static void test_config_ping_version(void **state)
{
    (void)state;
    WINDOWS_ONLY();
    char dir[64], path[256], config[1024];
    harness_new_home(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/cchc", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/cchc/config", dir);
    snprintf(config, sizeof(config), "# Sở Nội vụ: máy chủ\r\nserver = %s\r\n%s%s%s", srv->addr,
             srv->tls ? "ca = " : "", srv->tls ? harness_cert("ca.crt") : "",
             srv->tls ? "\r\n" : "");
    harness_write_file(path, config);
    harness_use_home(dir);

    run_result r;
    const char *ping[] = {harness_cchc_bin(), "ping", NULL}; /* no --server: the file's */
    harness_run(&r, NULL, ping);
    if (r.exit_code != 0)
        fail_msg("cchc.exe ping: exit %d\nstdout: %s\nstderr: %s", r.exit_code, r.out, r.err);
    run_result_free(&r);

    const char *json_ping[] = {harness_cchc_bin(), "--json", "ping", NULL};
    harness_run(&r, NULL, json_ping);
    assert_int_equal(r.exit_code, 0);
    json_error_t error;
    json_t *root = json_loads(r.out, 0, &error);
    if (!root)
        fail_msg("ping --json is not JSON: %s", r.out);
    assert_string_equal(jstr(root, "server"), srv->addr);
    assert_true(json_string_length(json_object_get(root, "database_version")) > 0);
    json_decref(root);
    run_result_free(&r);

    const char *version[] = {harness_cchc_bin(), "version", NULL};
    harness_run(&r, NULL, version);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, CCHC_VERSION));
    run_result_free(&r);

    /* a mistake is told in Vietnamese, the product's language */
    const char *bogus[] = {"frobnicate", NULL};
    harness_cchc(&r, srv, bogus);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "không có lệnh 'frobnicate'"));
    run_result_free(&r);
    harness_remove_home(dir);
    fixture_as(&fx, -1);
}

/* Without --ca, cchc.exe trusts Windows' "ROOT" store (client/net/win/
 * tls_roots.c): reading it succeeds under Wine, and the test server's
 * certificate, signed by the test CA that store does not hold, is refused
 * as unverified (not as an unreadable CA file); --ca still trusts it. */
static void test_system_roots(void **state)
{
    (void)state;
    WINDOWS_ONLY();
    if (!srv->tls)
        skip(); /* a plaintext server has no certificate to verify */
    char dir[64], path[256], config[512];
    harness_new_home(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/cchc", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/cchc/config", dir);
    snprintf(config, sizeof(config), "server = %s\r\n", srv->addr); /* no "ca =" */
    harness_write_file(path, config);
    harness_use_home(dir);

    run_result r;
    const char *ping[] = {harness_cchc_bin(), "--tls", "ping", NULL};
    harness_run(&r, NULL, ping);
    /* "...'s TLS certificate is not trusted: not signed by a CA of the system" */
    if (r.exit_code != 4 || !strstr(r.err, "không do CA của hệ thống ký"))
        fail_msg("ping without --ca: exit %d (expected 4, unverified)\nstderr: %s", r.exit_code,
                 r.err);
    assert_null(strstr(r.err, "không đọc được tệp CA"));
    run_result_free(&r);

    const char *ping_ca[] = {harness_cchc_bin(), "--tls", "--ca", harness_cert("ca.crt"), "ping",
                             NULL};
    harness_run(&r, NULL, ping_ca);
    if (r.exit_code != 0)
        fail_msg("ping --ca: exit %d\nstderr: %s", r.exit_code, r.err);
    run_result_free(&r);
    harness_remove_home(dir);
    fixture_as(&fx, -1);
}

/* The zip unpacked under a folder with Vietnamese letters (an office PC's
 * C:\Users\Người dùng\...): cchc.exe still finds its catalogue beside it
 * (share\locale, through wbindtextdomain: client/core/win/
 * catalogue_bind.c) and speaks Vietnamese, not the English msgids. */
static void test_catalogue_in_vietnamese_folder(void **state)
{
    (void)state;
    WINDOWS_ONLY();
    const char *exe = getenv("CCHC_WINDOWS_EXE");
    assert_non_null(exe);
    char folder[512], copy[4096], moved_exe[700];
    snprintf(folder, sizeof(folder), "%s", exe);
    char *slash = strrchr(folder, '/');
    assert_non_null(slash);
    *slash = '\0'; /* the unpacked zip's folder: cchc.exe, share/locale, ... */
    snprintf(moved_exe, sizeof(moved_exe), "%s/../Người dùng/cchc/cchc.exe", folder);
    snprintf(copy, sizeof(copy),
             "rm -rf '%s/../Người dùng' && mkdir -p '%s/../Người dùng' && "
             "cp -r '%s' '%s/../Người dùng/cchc'",
             folder, folder, folder, folder);
    const char *sh[] = {"/bin/sh", "-c", copy, NULL};
    run_result r;
    harness_run(&r, NULL, sh);
    if (r.exit_code != 0)
        fail_msg("copying the zip's folder: %s", r.err);
    run_result_free(&r);

    char exe_env[800];
    snprintf(exe_env, sizeof(exe_env), "CCHC_WINDOWS_EXE=%s", moved_exe);
    const char *bogus[] = {"/usr/bin/env", exe_env, harness_cchc_bin(), "frobnicate", NULL};
    harness_run(&r, NULL, bogus);
    assert_int_equal(r.exit_code, 2);
    if (!strstr(r.err, "không có lệnh 'frobnicate'"))
        fail_msg("cchc.exe under 'Người dùng' did not speak Vietnamese: %s", r.err);
    run_result_free(&r);
}

/* Login (the fixture's, through cchc.exe) holds: the clerk's tasks, as
 * JSON and as Vietnamese text for people; a wrong password is refused. */
static void test_login_and_tasks(void **state)
{
    (void)state;
    WINDOWS_ONLY();
    fixture_as(&fx, CLERK);
    json_t *t = harness_my_task(srv, "2023-6M", 105);
    assert_string_equal(jstr(t, "report_state"), "missing");
    const char *text = jstr(t, "text");
    if (strncmp(text, TASK_105_TEXT, strlen(TASK_105_TEXT)) != 0)
        fail_msg("task 105 reads \"%s\"", text);
    json_decref(t);

    run_result r;
    const char *tasks[] = {"tasks", "--period", "2023-6M", NULL};
    harness_cchc(&r, srv, tasks);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Tổ chức tiếp nhận"));
    run_result_free(&r);

    char dir[64];
    harness_new_home(dir, sizeof(dir));
    harness_use_home(dir);
    assert_int_not_equal(harness_login(srv, people[CLERK].username, "Sai-mat-khau-2023"), 0);
    assert_int_equal(harness_login(srv, people[CLERK].username, people[CLERK].password), 0);
    harness_remove_home(dir);
    fixture_as(&fx, -1);
}

/* Fills the CSV template's rows of task 105 and 106 as Excel would save
 * them (CRLF), keeping each row's base revision (the 13th column). */
static void fill_csv(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char line[8192], out[1 << 17] = "";
    size_t used = 0;
    while (fgets(line, sizeof(line), f)) {
        int task = 0;
        if (sscanf(line, "\"%*[^\"]\",\"%d\"", &task) != 1 &&
            sscanf(line, "\xEF\xBB\xBF\"%*[^\"]\",\"%d\"", &task) != 1)
            task = 0;
        if (task != 105 && task != 106) {
            used += (size_t)snprintf(out + used, sizeof(out) - used, "%s", line);
            continue;
        }
        char base[16] = "";
        const char *field = line;
        for (int c = 0; c < 12 && field; c++)
            if ((field = strstr(field, "\",\"")))
                field += 2;
        if (field)
            sscanf(field, "\"%15[0-9]\"", base);
        used += (size_t)snprintf(
            out + used, sizeof(out) - used,
            "\"2023-6M\",\"%d\",\"\",\"\",\"%s\",\"%s\",\"%s\",\"\",\"\",\"\",\"\",\"\",\"%s\"\r\n",
            task, task == 105 ? "đang triển khai" : "hoàn thành", task == 105 ? "60" : "100",
            task == 105 ? "Đã tiếp nhận 12.345 hồ sơ; trả đúng hạn 98,5%" : "Rà soát xong ở cả 11 phường",
            base);
    }
    fclose(f);
    harness_write_file(path, out);
}

/* The CSV template for Excel (BOM, CRLF), filled and submitted. */
static void test_csv_template_submit(void **state)
{
    (void)state;
    WINDOWS_ONLY();
    fixture_as(&fx, CLERK);
    unlink("win-bao-cao.csv");
    const char *tmpl[] = {"template", "--period", "2023-6M", "-o", "win-bao-cao.csv", NULL};
    harness_cchc_ok(srv, tmpl);
    char *csv = harness_read_file("win-bao-cao.csv");
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);   /* BOM: Excel reads UTF-8 */
    assert_non_null(strstr(csv, "\r\n"));           /* CRLF, as Excel writes */
    assert_non_null(strstr(csv, "\"Mã đơn vị\""));  /* Vietnamese headers, byte-exact */
    assert_non_null(strstr(csv, TASK_105_TEXT));
    free(csv);
    fill_csv("win-bao-cao.csv");
    const char *submit[] = {"submit", "--file", "win-bao-cao.csv", NULL};
    harness_cchc_ok(srv, submit);
    assert_stored("2023-6M", 105, "status", "in_progress");
    assert_stored("2023-6M", 105, "progress", "60.00");
    assert_stored("2023-6M", 105, "results", "Đã tiếp nhận 12.345 hồ sơ; trả đúng hạn 98,5%");
    assert_stored("2023-6M", 106, "status", "completed");
    assert_stored("2023-6M", 106, "results", "Rà soát xong ở cả 11 phường");
    fixture_as(&fx, -1);
}

/* The .xlsx template under a Vietnamese file name: written by cchc.exe,
 * filled as Excel would leave it (openpyxl), submitted by cchc.exe. */
static void test_xlsx_template_submit(void **state)
{
    (void)state;
    WINDOWS_ONLY();
    fixture_as(&fx, CLERK);
    const char *name = "báo-cáo-Ninh-Kiều.xlsx";
    unlink(name);
    const char *tmpl[] = {"template", "--period", "2023-6M", "-o", name, NULL};
    harness_cchc_ok(srv, tmpl);
    char *data = harness_read_file(name);
    assert_memory_equal(data, "PK\x03\x04", 4); /* a workbook */
    free(data);

    const char *fill[] = {"/usr/bin/python3", CCHC_TESTS_DIR "/e2e/xlsx_tool.py", "fill", name,
                          "win-bao-cao-filled.xlsx",
                          "{\"107\": {\"Trạng thái\": \"chậm tiến độ\", \"Tiến độ (%)\": 30.5,"
                          " \"Khó khăn, vướng mắc\": \"Thiếu cán bộ “chuyên trách” <một cửa>\","
                          " \"Kiến nghị\": \"Đề nghị Sở Nội vụ hỗ trợ\"}}",
                          NULL};
    run_result r;
    harness_run(&r, NULL, fill);
    if (r.exit_code != 0)
        fail_msg("xlsx_tool.py fill: %s", r.err);
    run_result_free(&r);
    const char *submit[] = {"submit", "--file", "win-bao-cao-filled.xlsx", NULL};
    harness_cchc_ok(srv, submit);
    assert_stored("2023-6M", 107, "status", "behind");
    assert_stored("2023-6M", 107, "progress", "30.50");
    assert_stored("2023-6M", 107, "difficulties", "Thiếu cán bộ “chuyên trách” <một cửa>");
    assert_stored("2023-6M", 107, "proposals", "Đề nghị Sở Nội vụ hỗ trợ");
    fixture_as(&fx, -1);
}

static long long revisions_of_105_9m(void)
{
    return harness_db_count(&fx.db,
        "SELECT count(*) FROM report_revision v JOIN report x ON x.id = v.report_id "
        "WHERE x.period_id = '2023-9M' AND x.task_id = 105 AND x.unit_code = 'Q-NINHKIEU'");
}

/* The server is down: the submission waits in the outbox (a private file
 * of the client's folder, written atomically) and the next command after
 * the server is back delivers it, once. */
static void test_outbox_across_restart(void **state)
{
    (void)state;
    WINDOWS_ONLY();
    fixture_as(&fx, CLERK);
    assert_int_equal(harness_server_stop(srv), 0);
    const char *submit[] = {"submit", "--task", "105", "--period", "2023-9M", "--status",
                            "đang triển khai", "--progress", "75", "--result",
                            "Gửi khi mất mạng ở Cần Thơ", NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    assert_int_equal(r.exit_code, 3);
    assert_non_null(strstr(r.err, "hộp thư đi"));
    run_result_free(&r);
    const char *count[] = {"--json", "outbox", NULL};
    harness_cchc(&r, srv, count);
    assert_non_null(strstr(r.out, "\"waiting\": 1"));
    run_result_free(&r);

    harness_server_restart(srv, fx.db.conninfo, NULL);
    assert_int_equal(revisions_of_105_9m(), 0);
    json_t *t = harness_my_task(srv, "2023-9M", 105); /* sends what waits first */
    assert_string_equal(jstr(t, "report_state"), "submitted");
    assert_string_equal(jstr(t, "results"), "Gửi khi mất mạng ở Cần Thơ");
    json_decref(t);
    harness_cchc(&r, srv, count);
    assert_non_null(strstr(r.out, "\"waiting\": 0"));
    run_result_free(&r);
    const char *send[] = {"outbox", "send", NULL};
    harness_cchc_ok(srv, send);
    assert_int_equal(revisions_of_105_9m(), 1);
    fixture_as(&fx, -1);
}

/* The lead agency returns with a Vietnamese reason, then accepts; the
 * status counts the reports; both in Vietnamese and as JSON. */
static void test_review_and_status(void **state)
{
    (void)state;
    WINDOWS_ONLY();
    fixture_as(&fx, CLERK);
    const char *submit[] = {"submit", "--task", "106", "--period", "2023-9M", "--status",
                            "hoàn thành", "--progress", "100", "--result", "Đã công bố", NULL};
    harness_cchc_ok(srv, submit);

    fixture_as(&fx, LEAD_REVIEWER);
    const char *list[] = {"review", "list", "--period", "2023-9M", "--task", "106", NULL};
    json_t *root = harness_cchc_json(srv, list);
    json_t *reports = json_object_get(root, "reports");
    assert_int_equal(json_array_size(reports), 1);
    json_t *x = json_array_get(reports, 0);
    char item[48];
    snprintf(item, sizeof(item), "%lld@%lld", jint(x, "report_id"), jint(x, "revision"));
    json_decref(root);

    run_result r;
    const char *ret[] = {"review", "return", item, "--reason", "Thiếu số liệu quý III", NULL};
    harness_cchc_ok(srv, ret);
    char *reason = harness_db_queryf(&fx.db,
        "SELECT reason FROM report_review WHERE report_id = %lld ORDER BY id DESC LIMIT 1",
        atoll(item));
    assert_string_equal(reason, "Thiếu số liệu quý III");
    free(reason);

    fixture_as(&fx, CLERK);
    const char *fix[] = {"submit", "--task", "106", "--period", "2023-9M", "--status",
                         "hoàn thành", "--progress", "100", "--result", "Đã công bố, đủ số liệu",
                         NULL};
    harness_cchc_ok(srv, fix);
    fixture_as(&fx, LEAD_REVIEWER);
    root = harness_cchc_json(srv, list);
    x = json_array_get(json_object_get(root, "reports"), 0);
    snprintf(item, sizeof(item), "%lld@%lld", jint(x, "report_id"), jint(x, "revision"));
    json_decref(root);
    const char *accept[] = {"review", "accept", item, NULL};
    harness_cchc(&r, srv, accept);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Đã chấp nhận 1 báo cáo"));
    run_result_free(&r);
    assert_int_equal(harness_db_count(&fx.db,
                         "SELECT count(*) FROM report WHERE id = %lld AND state = 'accepted'",
                         atoll(item)),
                     1);

    fixture_as(&fx, -1);
    const char *status[] = {"status", "--period", "2023-9M", "--by", "district", NULL};
    json_t *st = harness_cchc_json(srv, status);
    assert_int_equal(jint(json_object_get(st, "total"), "received"), 2); /* 105 and 106 */
    json_decref(st);
    harness_cchc(&r, srv, status);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Ninh Kiều")); /* the district's name, byte-exact */
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_ping_version),
        cmocka_unit_test(test_system_roots),
        cmocka_unit_test(test_catalogue_in_vietnamese_folder),
        cmocka_unit_test(test_login_and_tasks),
        cmocka_unit_test(test_csv_template_submit),
        cmocka_unit_test(test_xlsx_template_submit),
        cmocka_unit_test(test_outbox_across_restart),
        cmocka_unit_test(test_review_and_status),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
