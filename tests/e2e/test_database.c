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

/* What a wait on `cchc ping` looks at: the exit code it wants, and the
 * last answer for the failure message. */
typedef struct ping_wait {
    const test_server *srv;
    int want;
    int last_code;
    char last_err[512];
} ping_wait;

static int ping_exits_as_wanted(void *arg)
{
    ping_wait *w = arg;
    run_result r;
    const char *args[] = {"ping", NULL};
    harness_cchc(&r, w->srv, args);
    w->last_code = r.exit_code;
    snprintf(w->last_err, sizeof(w->last_err), "%s", r.err);
    run_result_free(&r);
    return w->last_code == w->want;
}

/* How long the server may take to find its database again: its retries
 * back off to at most 200 ms here, so this is a generous bound. */
#define RECOVERY_TIMEOUT_MS 15000

/* Waits until `cchc ping` (with the database) exits with want; fails
 * with the last answer when it does not within RECOVERY_TIMEOUT_MS. */
static void wait_ping_exit(const test_server *srv, int want)
{
    ping_wait w = {.srv = srv, .want = want, .last_code = -1};
    if (!harness_poll(ping_exits_as_wanted, &w, RECOVERY_TIMEOUT_MS))
        fail_msg("cchc ping did not exit %d within %d ms; it last exited %d: %s", want,
                 RECOVERY_TIMEOUT_MS, w.last_code, w.last_err);
}

/* A migrated database, cchcd serving it with extra arguments, and a raw
 * connection past hello (returned). */
static int serve_new_db(test_db *db, test_server *srv, const char *tag,
                        const char *const *extra)
{
    harness_db_create_migrated(db, tag);
    harness_server_start(srv, db->conninfo, extra);
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    return fd;
}

/* Ends every connection to db but the caller's own. */
static void terminate_backends(const test_db *db)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = '%s' AND pid <> pg_backend_pid()", db->name);
    harness_admin_sql(sql);
}

/* Lets db take new connections, or refuses all of them (superusers' too),
 * so an outage lasts until the test ends it. */
static void allow_connections(const test_db *db, int allow)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "ALTER DATABASE %s WITH ALLOW_CONNECTIONS %s", db->name,
             allow ? "true" : "false");
    harness_admin_sql(sql);
}

/* What a wait on the server's database connections looks at. */
typedef struct backends_wait {
    const test_db *db;
    int want;
} backends_wait;

static int backends_connected(void *arg)
{
    backends_wait *w = arg;
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_stat_activity "
             "WHERE datname = '%s' AND backend_type = 'client backend'", w->db->name);
    char *count = harness_admin_query(sql);
    int n = count ? atoi(count) : 0;
    free(count);
    return n >= w->want;
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
    assert_non_null(strstr(r.err, "máy chủ chưa sẵn sàng"));
    run_result_free(&r);

    /* created but not migrated: still unavailable, and the log says why */
    char sql[512];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db.name);
    harness_admin_sql(sql);
    /* the server has tried the new database once its log says to migrate */
    harness_wait_log(&srv, "run 'cchcd migrate'", RECOVERY_TIMEOUT_MS);
    harness_cchc(&r, &srv, args);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "máy chủ chưa sẵn sàng"));
    run_result_free(&r);

    const char *migrate[] = {CCHCD_BIN, "migrate", "--db", db.conninfo, NULL};
    harness_run(&r, NULL, migrate);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    wait_ping_exit(&srv, 0);

    /* cut every backend of the server: it reconnects by itself */
    terminate_backends(&db);
    wait_ping_exit(&srv, 0);

    assert_true(harness_log_contains(&srv, "cchcd migrate"));
    assert_true(harness_log_contains(&srv, "lost") || harness_log_contains(&srv, "terminat"));
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

/* Backends killed while requests are in flight: every request gets an
 * answer (a result or UNAVAILABLE), none hangs, some do see the outage,
 * and the pool recovers. The database refuses new connections from the
 * kill until the round's answers are read, so the outage cannot heal
 * before a request meets it (the server reconnects within milliseconds
 * otherwise, and then no request need ever see it). */
static void test_backends_killed_under_load(void **state)
{
    (void)state;
    enum { POOL = 4 };
    test_db db;
    test_server srv;
    const char *extra[] = {"--db-retry-max", "200", "--db-pool", "4", NULL};
    int fd = serve_new_db(&db, &srv, "kill", extra);
    uint64_t id = 10;
    for (int round = 0; round < 5; round++) {
        /* every connection of the pool is up, so the kill takes them all */
        backends_wait pool_up = {.db = &db, .want = POOL};
        harness_wait_for(backends_connected, &pool_up, RECOVERY_TIMEOUT_MS,
                         "the server's database connections");
        enum { N = 40 };
        for (int i = 0; i < N; i++) {
            raw_send_ping(fd, id++, 1);
            if (i == N / 2) {
                allow_connections(&db, 0);
                terminate_backends(&db);
            }
        }
        int unavailable = 0;
        for (int i = 0; i < N; i++) {
            Cchc__V1__Response *resp = raw_read_response(fd, 10000);
            assert_non_null(resp); /* answered, not hung */
            if (resp->error) {
                assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__UNAVAILABLE);
                unavailable++;
            }
            cchc__v1__response__free_unpacked(resp, NULL);
        }
        if (unavailable == 0)
            fail_msg("round %d: no request saw the database go away", round);
        allow_connections(&db, 1);
    }
    close(fd);
    wait_ping_exit(&srv, 0);
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

/* SIGTERM while requests are in flight: they are answered, then the
 * connection closes and cchcd exits 0. */
static void test_sigterm_drains(void **state)
{
    (void)state;
    test_db db;
    test_server srv;
    int fd = serve_new_db(&db, &srv, "drain", NULL);
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

/* What a wait on recorded login attempts looks at. */
typedef struct attempts_wait {
    const test_db *db;
    const char *username;
} attempts_wait;

static int attempt_recorded(void *arg)
{
    attempts_wait *w = arg;
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM login_attempt WHERE username = '%s'",
             w->username);
    char *count = harness_db_query(w->db, sql);
    int n = count ? atoi(count) : 0;
    free(count);
    return n > 0;
}

/* SIGTERM while password checks run in the thread pool: the server waits
 * for them before closing the database pool, and exits cleanly. */
static void test_sigterm_with_password_jobs(void **state)
{
    (void)state;
    test_db db;
    test_server srv;
    int fd = serve_new_db(&db, &srv, "pwjobs", NULL);
    for (int i = 0; i < 10; i++)
        raw_send_login(fd, (uint64_t)(10 + i), "khong.co.ai", "Mot-mat-khau-bat-ky");
    /* the checks are under way: each login records its attempt, then
     * hands the password to the thread pool */
    attempts_wait attempts = {.db = &db, .username = "khong.co.ai"};
    harness_wait_for(attempt_recorded, &attempts, RECOVERY_TIMEOUT_MS,
                     "a login attempt to be recorded");
    close(fd); /* the client vanishes */
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
