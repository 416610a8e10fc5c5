/* cchcd and its database: migrations apply once, are recorded and are
 * protected against edits; the server answers UNAVAILABLE while the
 * database is missing, unmigrated or cut off, and recovers by itself with
 * backoff; SIGTERM drains in-flight requests before exiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "protocol.h"
#include "wire.h"

static void run_migrate(run_result *r, const test_db *db)
{
    const char *argv[] = {CCHCD_BIN, "migrate", "--db", db->conninfo, NULL};
    harness_run(r, NULL, argv);
}

static void test_migrate_applies_once_and_records(void **state)
{
    (void)state;
    test_db db;
    harness_db_create(&db, "mig");
    run_result r;
    run_migrate(&r, &db);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "applied 0001_schema_migrations"));
    run_result_free(&r);

    char *count = harness_db_query(&db, "SELECT count(*) FROM schema_migrations");
    char *first = harness_db_query(&db, "SELECT name || ' ' || length(checksum) "
                                        "FROM schema_migrations WHERE version = 1");
    assert_string_equal(first, "0001_schema_migrations 64");
    int applied = atoi(count);
    assert_true(applied >= 1);
    free(first);
    free(count);

    run_migrate(&r, &db); /* again: nothing to do */
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "applied 0 migration(s)"));
    run_result_free(&r);
    count = harness_db_query(&db, "SELECT count(*) FROM schema_migrations");
    assert_int_equal(atoi(count), applied);
    free(count);

    /* a migration edited after release is refused */
    free(harness_db_query(&db, "UPDATE schema_migrations SET checksum = 'x' WHERE version = 1"));
    run_migrate(&r, &db);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "changed after it was applied"));
    run_result_free(&r);
    harness_db_drop(&db);
}

static void test_migrate_reports_unreachable_database(void **state)
{
    (void)state;
    run_result r;
    const char *argv[] = {CCHCD_BIN, "migrate", "--db", "dbname=cchc_no_such_db", NULL};
    harness_run(&r, NULL, argv);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "cannot connect to the database"));
    run_result_free(&r);

    const char *nodb[] = {CCHCD_BIN, "serve", NULL};
    unsetenv("CCHC_DB");
    harness_run(&r, NULL, nodb);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "no database given"));
    run_result_free(&r);
}

/* Polls `cchc ping` until it exits with `want` (up to ~15 s). */
static int ping_until(const test_server *srv, int want)
{
    run_result r;
    const char *args[] = {"ping", NULL};
    for (int i = 0; i < 150; i++) {
        harness_cchc(&r, srv, args);
        int code = r.exit_code;
        run_result_free(&r);
        if (code == want)
            return 1;
        harness_sleep_ms(100);
    }
    return 0;
}

/* The server starts before its database exists, answers UNAVAILABLE, and
 * comes up on its own once the database is created and migrated. */
static void test_unavailable_then_recovers(void **state)
{
    (void)state;
    test_db db;
    snprintf(db.name, sizeof(db.name), "cchc_t_late_%d", (int)getpid());
    snprintf(db.conninfo, sizeof(db.conninfo), "dbname=%s", db.name);
    test_server srv;
    const char *extra[] = {"--db-retry-max", "200", NULL};
    harness_server_start(&srv, db.conninfo, extra);

    run_result r;
    const char *nodb[] = {"ping", "--no-db", NULL};
    harness_cchc(&r, &srv, nodb); /* the server itself is up */
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);

    const char *args[] = {"ping", NULL};
    harness_cchc(&r, &srv, args);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "unavailable"));
    run_result_free(&r);

    /* created but not migrated: still unavailable, and the log says why */
    char sql[512];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db.name);
    harness_admin_sql(sql);
    harness_sleep_ms(500);
    harness_cchc(&r, &srv, args);
    assert_int_equal(r.exit_code, 1);
    run_result_free(&r);

    const char *migrate[] = {CCHCD_BIN, "migrate", "--db", db.conninfo, NULL};
    harness_run(&r, NULL, migrate);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    assert_true(ping_until(&srv, 0));

    /* cut every backend of the server: it reconnects by itself */
    snprintf(sql, sizeof(sql),
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = '%s' AND pid <> pg_backend_pid()", db.name);
    harness_admin_sql(sql);
    assert_true(ping_until(&srv, 0));

    FILE *log = fopen(srv.log_path, "r");
    assert_non_null(log);
    char line[1024];
    int saw_migrate_hint = 0, saw_lost = 0;
    while (fgets(line, sizeof(line), log)) {
        saw_migrate_hint |= strstr(line, "cchcd migrate") != NULL;
        saw_lost |= strstr(line, "lost") != NULL || strstr(line, "terminat") != NULL;
    }
    fclose(log);
    assert_true(saw_migrate_hint);
    assert_true(saw_lost);
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

/* Backends killed while requests are in flight: every request gets an
 * answer (a result or UNAVAILABLE), none hangs, and the pool recovers. */
static void test_backends_killed_under_load(void **state)
{
    (void)state;
    test_db db;
    harness_db_create_migrated(&db, "kill");
    test_server srv;
    const char *extra[] = {"--db-retry-max", "200", NULL};
    harness_server_start(&srv, db.conninfo, extra);
    int fd = raw_connect(&srv);
    raw_hello(fd, 1);
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = '%s' AND pid <> pg_backend_pid()", db.name);
    uint64_t id = 10;
    for (int round = 0; round < 5; round++) {
        enum { N = 40 };
        for (int i = 0; i < N; i++) {
            Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
            ping.check_database = 1;
            Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
            req.request_id = id++;
            req.body_case = CCHC__V1__REQUEST__BODY_PING;
            req.ping = &ping;
            raw_send_request(fd, &req);
            if (i == N / 2)
                harness_admin_sql(sql);
        }
        for (int i = 0; i < N; i++) {
            Cchc__V1__Response *resp = raw_read_response(fd, 10000);
            assert_non_null(resp); /* answered, not hung */
            if (resp->error)
                assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__UNAVAILABLE);
            cchc__v1__response__free_unpacked(resp, NULL);
        }
    }
    close(fd);
    assert_true(ping_until(&srv, 0));
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

/* SIGTERM while requests are in flight: they are answered, then the
 * connection closes and cchcd exits 0. */
static void test_sigterm_drains(void **state)
{
    (void)state;
    test_db db;
    harness_db_create_migrated(&db, "drain");
    test_server srv;
    harness_server_start(&srv, db.conninfo, NULL);
    int fd = raw_connect(&srv);
    raw_hello(fd, 1);
    enum { N = 20 };
    /* all requests in one write, so the server reads them in one go */
    uint8_t batch[N * 16];
    size_t batch_len = 0;
    for (int i = 0; i < N; i++) {
        Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
        ping.check_database = 1;
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = (uint64_t)(100 + i);
        req.body_case = CCHC__V1__REQUEST__BODY_PING;
        req.ping = &ping;
        uint8_t *frame;
        size_t len;
        assert_int_equal(wire_encode_frame(&req.base, 1024, &frame, &len, NULL), 0);
        assert_true(batch_len + len <= sizeof(batch));
        memcpy(batch + batch_len, frame, len);
        batch_len += len;
        free(frame);
    }
    raw_send(fd, batch, batch_len);
    /* the first answer proves the batch was read; then ask for shutdown */
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    cchc__v1__response__free_unpacked(resp, NULL);
    kill(srv.pid, SIGTERM);
    int answered = 1;
    while ((resp = raw_read_response(fd, 5000)) != NULL) {
        /* every request already read is answered, from the database */
        assert_null(resp->error);
        assert_int_equal(resp->body_case, CCHC__V1__RESPONSE__BODY_PING);
        answered++;
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    assert_true(raw_wait_closed(fd, 5000));
    assert_int_equal(answered, N);
    close(fd);
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

/* SIGTERM while password checks run in the thread pool: the server waits
 * for them before closing the database pool, and exits cleanly. */
static void test_sigterm_with_password_jobs(void **state)
{
    (void)state;
    test_db db;
    harness_db_create_migrated(&db, "pwjobs");
    test_server srv;
    harness_server_start(&srv, db.conninfo, NULL);
    int fd = raw_connect(&srv);
    raw_hello(fd, 1);
    for (int i = 0; i < 10; i++) {
        Cchc__V1__LoginRequest login = CCHC__V1__LOGIN_REQUEST__INIT;
        login.username = "khong.co.ai";
        login.password = "Mot-mat-khau-bat-ky";
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = (uint64_t)(10 + i);
        req.body_case = CCHC__V1__REQUEST__BODY_LOGIN;
        req.login = &login;
        raw_send_request(fd, &req);
    }
    harness_sleep_ms(20); /* the checks are under way */
    close(fd);            /* the client vanishes */
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_applies_once_and_records),
        cmocka_unit_test(test_migrate_reports_unreachable_database),
        cmocka_unit_test(test_unavailable_then_recovers),
        cmocka_unit_test(test_backends_killed_under_load),
        cmocka_unit_test(test_sigterm_drains),
        cmocka_unit_test(test_sigterm_with_password_jobs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
