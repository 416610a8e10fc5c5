/* End to end through the real client: PostgreSQL, `cchcd migrate`, `cchcd
 * serve`, and `cchc` run as a subprocess exactly as a user runs it. Covers
 * ping and version, table and JSON output, where the server address comes
 * from, and the exit codes scripts rely on. */
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

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "client", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

static void test_ping_prints_round_trip_and_versions(void **state)
{
    (void)state;
    run_result r;
    const char *args[] = {"ping", NULL};
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "thời gian khứ hồi"));
    assert_non_null(strstr(r.out, "cchcd " CCHC_VERSION));
    assert_non_null(strstr(r.out, "PostgreSQL 15"));
    assert_non_null(strstr(r.out, srv->addr));
    run_result_free(&r);
}

static void test_ping_json(void **state)
{
    (void)state;
    run_result r;
    const char *args[] = {"--json", "ping", "--count", "3", NULL};
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 0);
    json_error_t jerr;
    json_t *obj = json_loads(r.out, 0, &jerr);
    assert_non_null(obj);
    assert_string_equal(json_string_value(json_object_get(obj, "server_version")), CCHC_VERSION);
    assert_int_equal(jint(obj, "protocol"), 1);
    assert_int_equal(jint(obj, "count"), 3);
    assert_true(json_real_value(json_object_get(obj, "round_trip_ms")) > 0);
    assert_true(json_real_value(json_object_get(obj, "round_trip_min_ms")) <=
                json_real_value(json_object_get(obj, "round_trip_max_ms")));
    const char *dbv = json_string_value(json_object_get(obj, "database_version"));
    assert_non_null(dbv);
    assert_memory_equal(dbv, "15.", 3);
    json_decref(obj);
    run_result_free(&r);
}

static void test_ping_without_database(void **state)
{
    (void)state;
    run_result r;
    const char *args[] = {"--json", "ping", "--no-db", NULL};
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 0);
    json_t *obj = json_loads(r.out, 0, NULL);
    assert_non_null(obj);
    assert_null(json_object_get(obj, "database_version"));
    json_decref(obj);
    run_result_free(&r);
}

static void test_version(void **state)
{
    (void)state;
    run_result r;
    const char *argv[] = {CCHC_BIN, "version", NULL};
    harness_run(&r, NULL, argv);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "cchc " CCHC_VERSION " (giao thức 1)\n");
    run_result_free(&r);
}

static void test_unreachable_server_exit_code(void **state)
{
    (void)state;
    test_server closed = *srv;
    closed.port = 1; /* nothing listens on port 1 */
    snprintf(closed.addr, sizeof(closed.addr), "127.0.0.1:1");
    run_result r;
    const char *args[] = {"ping", NULL};
    harness_cchc(&r, &closed, args);
    assert_int_equal(r.exit_code, 3);
    assert_non_null(strstr(r.err, "không kết nối được tới máy chủ 127.0.0.1:1"));
    run_result_free(&r);

    const char *json_args[] = {"--json", "ping", NULL};
    harness_cchc(&r, &closed, json_args);
    assert_int_equal(r.exit_code, 3);
    json_t *obj = json_loads(r.out, 0, NULL);
    assert_non_null(obj);
    json_t *error = json_object_get(obj, "error");
    assert_int_equal(jint(error, "exit_code"), 3);
    json_decref(obj);
    run_result_free(&r);
}

static void test_usage_errors_exit_2(void **state)
{
    (void)state;
    run_result r;
    const char *bogus[] = {"frobnicate", NULL};
    harness_cchc(&r, srv, bogus);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "không có lệnh 'frobnicate'"));
    run_result_free(&r);

    const char *count[] = {"ping", "--count", "0", NULL};
    harness_cchc(&r, srv, count);
    assert_int_equal(r.exit_code, 2);
    run_result_free(&r);

    const char *argv[] = {CCHC_BIN, "--server", "::1:80", "ping", NULL};
    harness_run(&r, NULL, argv);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "brackets"));
    run_result_free(&r);
}

/* --server beats CCHC_SERVER, which beats the config file. */
static void test_server_address_sources(void **state)
{
    (void)state;
    char dir[64], path[256], config[1024];
    harness_new_home(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/cchc", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/cchc/config", dir);
    /* these runs name no --ca: a TLS server's CA comes from the file too */
    snprintf(config, sizeof(config), "# written by the test\nserver = %s\n%s%s%s", srv->addr,
             srv->tls ? "ca = " : "", srv->tls ? harness_cert("ca.crt") : "",
             srv->tls ? "\n" : "");
    harness_write_file(path, config);
    harness_use_home(dir);
    unsetenv("CCHC_SERVER");

    run_result r;
    const char *plain[] = {CCHC_BIN, "ping", "--no-db", NULL};
    harness_run(&r, NULL, plain); /* from the config file */
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);

    setenv("CCHC_SERVER", "127.0.0.1:1", 1);
    harness_run(&r, NULL, plain); /* the environment wins over the file */
    assert_int_equal(r.exit_code, 3);
    assert_non_null(strstr(r.err, "CCHC_SERVER"));
    run_result_free(&r);

    const char *flag[] = {CCHC_BIN, "--server", srv->addr, "ping", "--no-db", NULL};
    harness_run(&r, NULL, flag); /* the flag wins over the environment */
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);

    unsetenv("CCHC_SERVER");
    harness_write_file(path, "this line has no equals sign\n");
    harness_run(&r, NULL, plain);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "dòng 1"));
    run_result_free(&r);

    harness_remove_home(dir);
    harness_use_home(fx.home);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_prints_round_trip_and_versions),
        cmocka_unit_test(test_ping_json),
        cmocka_unit_test(test_ping_without_database),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_unreachable_server_exit_code),
        cmocka_unit_test(test_usage_errors_exit_2),
        cmocka_unit_test(test_server_address_sources),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
