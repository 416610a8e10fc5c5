/* End-to-end tests of running cchcd as an operator does (issue 14, deliver
 * 5): the settings file and what overrides it (flags, then environment,
 * then the file), the shipped dist/cchcd.conf, SIGHUP reloading the live
 * settings and refusing a broken file, and the health request that load
 * balancers and monitoring ask (envelope field 96), raw and through
 * `cchcd check-health`. Each test waits on a log line or an answer, never
 * on time. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "protocol.h"

static test_db db;

static int setup(void **state)
{
    (void)state;
    harness_db_create_migrated(&db, "operate");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    harness_db_drop(&db);
    return 0;
}

/* A settings file of the test's, written fresh. */
static const char *settings_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof(path), "cchcd-operate-%d.conf", (int)getpid());
    harness_write_file(path, text);
    return path;
}

/* Runs cchcd with args (NULL-terminated, after the binary). */
static void run_cchcd(run_result *r, const char *const *args)
{
    const char *argv[24] = {CCHCD_BIN};
    int n = 1;
    for (int i = 0; args[i] && n < 23; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    harness_run(r, NULL, argv);
}

/* One health request on a fresh connection: no login, no session. */
static Cchc__V1__Response *ask_health(const test_server *srv)
{
    int fd = raw_connect_greeted(srv);
    Cchc__V1__HealthRequest health = CCHC__V1__HEALTH_REQUEST__INIT;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 2;
    req.body_case = CCHC__V1__REQUEST__BODY_HEALTH;
    req.health = &health;
    raw_send_request(fd, &req);
    Cchc__V1__Response *resp = raw_read_response(fd, harness_scaled_ms(10000));
    close(fd);
    assert_non_null(resp);
    if (resp->error)
        fail_msg("health answered %d: %s", resp->error->code, resp->error->message);
    assert_int_equal(resp->body_case, CCHC__V1__RESPONSE__BODY_HEALTH);
    return resp;
}

/* The settings file is read, a flag beats it, and the startup line shows
 * the limits it set; an unknown setting, a bad value and a missing file
 * each stop cchcd with the file and line named. */
static void test_file_then_flags(void **state)
{
    (void)state;
    const char *path = settings_file("# limits for the test\n"
                                     "max-connections = 321\n"
                                     "max-connections-per-address = 11\n"
                                     "max-frame = \"70000\"\n"
                                     "\n");
    test_server srv;
    const char *args[] = {"--config", path, "--max-connections-per-address", "12", NULL};
    harness_server_start(&srv, db.conninfo, args);
    assert_true(harness_log_contains(&srv, "max frame 70000 bytes, 321 connections, "
                                           "12 per address"));
    assert_int_equal(harness_server_stop(&srv), 0);

    run_result r;
    settings_file("listen = 127.0.0.1:0\nmax-conections = 5\n");
    const char *typo[] = {"serve", "--config", path, "--db", db.conninfo, NULL};
    run_cchcd(&r, typo);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "line 2: unknown setting 'max-conections'"));
    run_result_free(&r);

    settings_file("db-pool = 99\n");
    run_cchcd(&r, typo);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "line 1: --db-pool takes a number from 1 to 64"));
    run_result_free(&r);

    const char *missing[] = {"serve", "--config", "no-such-dir/cchcd.conf", NULL};
    run_cchcd(&r, missing);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "no-such-dir/cchcd.conf: No such file or directory"));
    run_result_free(&r);
    unlink(path);
}

/* The database: the file says one thing, CCHC_DB another, --db a third;
 * `migrate --dry-run` succeeds only against the real one, so which source
 * won is visible. Also: the shipped dist/cchcd.conf is valid as it stands
 * (every setting it names is known) and names the socket of a local
 * PostgreSQL. */
static void test_environment_beats_file(void **state)
{
    (void)state;
    const char *path = settings_file("db = dbname=cchc_no_such_database_here\n");
    run_result r;
    const char *dry[] = {"migrate", "--config", path, "--dry-run", NULL};

    unsetenv("CCHC_DB");
    run_cchcd(&r, dry);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "cchc_no_such_database_here"));
    run_result_free(&r);

    setenv("CCHC_DB", db.conninfo, 1);
    run_cchcd(&r, dry);
    if (r.exit_code != 0)
        fail_msg("CCHC_DB did not beat the file: %d %s", r.exit_code, r.err);
    run_result_free(&r);

    /* and the flag beats the environment */
    setenv("CCHC_DB", "dbname=cchc_no_such_database_either", 1);
    const char *flag[] = {"migrate", "--config", path, "--db", db.conninfo, "--dry-run", NULL};
    run_cchcd(&r, flag);
    if (r.exit_code != 0)
        fail_msg("--db did not beat CCHC_DB: %d %s", r.exit_code, r.err);
    run_result_free(&r);

    setenv("CCHC_DB", db.conninfo, 1);
    const char *shipped[] = {"migrate", "--config", CCHC_SOURCE_DIR "/dist/cchcd.conf",
                             "--dry-run", NULL};
    run_cchcd(&r, shipped);
    if (r.exit_code != 0)
        fail_msg("dist/cchcd.conf is refused: %d %s", r.exit_code, r.err);
    run_result_free(&r);
    unsetenv("CCHC_DB");
    char *conf = harness_read_file(CCHC_SOURCE_DIR "/dist/cchcd.conf");
    assert_non_null(strstr(conf, "\ndb = host=/run/postgresql dbname=cchc\n"));
    free(conf);
    unlink(path);
}

/* Starts cchcd with only a settings file (no --log-level flag, which
 * would beat the file) and reads the port it bound. journal: stderr is
 * announced as the journal's stream, as systemd does (JOURNAL_STREAM). */
static void start_from_file(test_server *srv, const char *path, int journal)
{
    memset(srv, 0, sizeof(*srv));
    snprintf(srv->log_path, sizeof(srv->log_path), "cchcd-operate-%d.log", (int)getpid());
    const char *argv[] = {CCHCD_BIN, "serve", "--config", path, NULL};
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *log = freopen(srv->log_path, "w", stderr);
        (void)log;
        dup2(STDERR_FILENO, STDOUT_FILENO);
        struct stat st;
        char stream[64];
        if (journal && fstat(STDERR_FILENO, &st) == 0) {
            snprintf(stream, sizeof(stream), "%llu:%llu", (unsigned long long)st.st_dev,
                     (unsigned long long)st.st_ino);
            setenv("JOURNAL_STREAM", stream, 1);
        }
        harness_exec(argv);
    }
    srv->pid = pid;
    harness_wait_log(srv, "listening on 127.0.0.1:", harness_scaled_ms(20000));
    char *log = harness_read_file(srv->log_path);
    const char *at = strstr(log, "listening on 127.0.0.1:");
    srv->port = atoi(at + strlen("listening on 127.0.0.1:"));
    free(log);
    assert_true(srv->port > 0);
    snprintf(srv->addr, sizeof(srv->addr), "127.0.0.1:%d", srv->port);
}

/* Counts the lines of srv's log containing needle. */
static int log_count(const test_server *srv, const char *needle)
{
    char *log = harness_read_file(srv->log_path);
    int n = 0;
    for (const char *at = log; (at = strstr(at, needle)); at += strlen(needle))
        n++;
    free(log);
    return n;
}

/* SIGHUP: the log level and the per-address cap change live, a change that
 * needs a restart is named, and a broken file is refused as a whole while
 * the running settings stay. */
static void test_sighup_reload(void **state)
{
    (void)state;
    char text[512];
    snprintf(text, sizeof(text), "db = %s\nlisten = 127.0.0.1:0\nlog-level = info\n",
             db.conninfo);
    const char *path = settings_file(text);
    test_server srv;
    start_from_file(&srv, path, 0);
    harness_assert_serves(&srv);
    int connected = log_count(&srv, "connected from");
    assert_true(connected >= 1); /* info lines are written */

    snprintf(text, sizeof(text),
             "db = %s\nlisten = 127.0.0.1:0\nlog-level = warn\n"
             "max-connections-per-address = 1\ndb-pool = 2\n", db.conninfo);
    settings_file(text);
    kill(srv.pid, SIGHUP);
    /* a warning, so written at the new level; the live changes before it
     * are info lines, no longer written */
    harness_wait_log(&srv, "SIGHUP: db-pool changed; it takes effect at the next restart",
                     harness_scaled_ms(10000));
    assert_true(harness_log_contains(&srv, "SIGHUP: log-level info -> warn"));
    assert_false(harness_log_contains(&srv, "SIGHUP: max-connections-per-address"));
    /* listen 127.0.0.1:0 is the same text: not named */
    assert_false(harness_log_contains(&srv, "SIGHUP: listen changed"));

    /* the cap: a second connection from this address is closed */
    int first = raw_connect_greeted(&srv);
    int second = raw_connect_plain(&srv);
    assert_true(raw_wait_closed(second, harness_scaled_ms(10000)));
    close(second);
    close(first);

    /* a broken file: refused, an ERROR line (shown at warn), nothing changes */
    snprintf(text, sizeof(text), "db = %s\nlog-level = info\nmax-connections-per-address\n",
             db.conninfo);
    settings_file(text);
    kill(srv.pid, SIGHUP);
    harness_wait_log(&srv, "SIGHUP: settings not reloaded, the previous ones stay",
                     harness_scaled_ms(10000));
    assert_true(harness_log_contains(&srv, "line 3: expected \"key = value\""));
    /* at warn, the connections since the first reload were not logged */
    assert_int_equal(log_count(&srv, "connected from"), connected);

    /* back to info: connections are logged again */
    snprintf(text, sizeof(text), "db = %s\nlisten = 127.0.0.1:0\nlog-level = info\n",
             db.conninfo);
    settings_file(text);
    kill(srv.pid, SIGHUP);
    harness_wait_log(&srv, "SIGHUP: log-level warn -> info", harness_scaled_ms(10000));
    harness_wait_log(&srv, "SIGHUP: max-connections-per-address 1 -> 64",
                     harness_scaled_ms(10000));
    harness_assert_serves(&srv);
    assert_true(log_count(&srv, "connected from") > connected);
    assert_int_equal(harness_server_stop(&srv), 0);
    unlink(path);
}

/* Under systemd, with stderr the journal's stream, each line starts with
 * its syslog priority (sd-daemon(3)) and no time of its own; elsewhere
 * with the time. */
static void test_journal_lines(void **state)
{
    (void)state;
    char text[512];
    snprintf(text, sizeof(text), "db = %s\nlisten = 127.0.0.1:0\n", db.conninfo);
    const char *path = settings_file(text);
    test_server srv;
    start_from_file(&srv, path, 1);
    assert_true(harness_log_contains(&srv, "<6>INFO  listening on 127.0.0.1:"));
    assert_false(harness_log_contains(&srv, "Z INFO "));
    snprintf(text, sizeof(text), "db = %s\nlisten = 127.0.0.1:0\ndb-pool = 3\n", db.conninfo);
    settings_file(text);
    kill(srv.pid, SIGHUP);
    harness_wait_log(&srv, "<4>WARN  SIGHUP: db-pool changed", harness_scaled_ms(10000));
    assert_int_equal(harness_server_stop(&srv), 0);

    /* the stream of another file is not the journal */
    setenv("JOURNAL_STREAM", "1:1", 1);
    start_from_file(&srv, path, 0);
    assert_false(harness_log_contains(&srv, "<6>INFO"));
    assert_true(harness_log_contains(&srv, "Z INFO  listening on 127.0.0.1:"));
    assert_int_equal(harness_server_stop(&srv), 0);
    unsetenv("JOURNAL_STREAM");
    unlink(path);
}

/* A healthy server says so, field by field, to a connection without a
 * session. */
static void test_health_answer(void **state)
{
    (void)state;
    test_server srv;
    harness_server_start(&srv, db.conninfo, NULL);
    harness_wait_log(&srv, "database ready", harness_scaled_ms(20000));
    Cchc__V1__Response *resp = ask_health(&srv);
    const Cchc__V1__HealthResponse *h = resp->health;
    if (!h->healthy)
        fail_msg("not healthy: %s", h->problem);
    assert_true(h->serving);
    assert_true(h->database_reachable);
    assert_true(h->migrations_current);
    assert_int_equal(h->pool_size, 4);
    assert_true(h->pool_ready >= 1 && h->pool_ready <= 4);
    assert_string_equal(h->server_version, CCHC_VERSION);
    char *version = harness_db_query(&db, "SELECT max(version) FROM schema_migrations");
    assert_int_equal(h->schema_version, atoi(version));
    free(version);
    assert_string_equal(h->problem, "");
    cchc__v1__response__free_unpacked(resp, NULL);
    assert_int_equal(harness_server_stop(&srv), 0);
}

typedef struct health_wait {
    const test_server *srv;
} health_wait;

static int is_healthy(void *arg)
{
    health_wait *w = arg;
    Cchc__V1__Response *resp = ask_health(w->srv);
    int healthy = resp->health->healthy;
    cchc__v1__response__free_unpacked(resp, NULL);
    return healthy;
}

/* On a database not migrated yet the server runs but is not healthy, and
 * says why; once migrated it becomes healthy by itself. */
static void test_health_until_migrated(void **state)
{
    (void)state;
    test_db fresh;
    harness_db_create(&fresh, "operate_fresh");
    test_server srv;
    harness_server_start(&srv, fresh.conninfo, NULL);
    harness_wait_log(&srv, "run 'cchcd migrate'", harness_scaled_ms(20000));
    Cchc__V1__Response *resp = ask_health(&srv);
    const Cchc__V1__HealthResponse *h = resp->health;
    assert_false(h->healthy);
    assert_true(h->serving);
    assert_true(h->database_reachable); /* reached: it has no schema */
    assert_false(h->migrations_current);
    assert_int_equal(h->pool_ready, 0);
    assert_non_null(strstr(h->problem, "migrations not current (run 'cchcd migrate')"));
    cchc__v1__response__free_unpacked(resp, NULL);

    run_result r;
    const char *migrate[] = {"migrate", "--db", fresh.conninfo, NULL};
    run_cchcd(&r, migrate);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    /* the pool retries within --db-retry-max (5 s) */
    health_wait w = {&srv};
    harness_wait_for(is_healthy, &w, harness_scaled_ms(30000), "healthy after migrate");
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&fresh);
}

/* `cchcd check-health`, what a balancer or monitoring runs: exit 0 and an
 * OK line when healthy (over TLS, verified against the CA), 2 and a
 * CRITICAL line when not or when nobody answers, 3 on a usage error. */
static void test_check_health_command(void **state)
{
    (void)state;
    test_server srv;
    harness_server_start(&srv, db.conninfo, NULL);
    harness_wait_log(&srv, "database ready", harness_scaled_ms(20000));
    run_result r;
    /* the test certificate names IP:127.0.0.1, checked as an address */
    const char *tls_args[] = {"check-health", srv.addr, "--ca", harness_cert("ca.crt"), NULL};
    const char *plain_args[] = {"check-health", srv.addr, NULL};
    run_cchcd(&r, srv.tls ? tls_args : plain_args);
    if (r.exit_code != 0)
        fail_msg("check-health: %d %s%s", r.exit_code, r.out, r.err);
    assert_true(strncmp(r.out, "OK - healthy; serving=yes database=reachable "
                               "migrations=current pool=", 63) == 0);
    assert_non_null(strstr(r.out, "| pool_ready="));
    run_result_free(&r);

    if (srv.tls) {
        /* plaintext to a TLS listener is no answer */
        run_cchcd(&r, plain_args);
        assert_int_equal(r.exit_code, 2);
        assert_true(strncmp(r.out, "CRITICAL - hello: ", 18) == 0);
        run_result_free(&r);
    }
    char addr[64];
    snprintf(addr, sizeof(addr), "%s", srv.addr);
    assert_int_equal(harness_server_stop(&srv), 0);

    const char *gone[] = {"check-health", addr, "--timeout", "3000", NULL};
    run_cchcd(&r, gone);
    assert_int_equal(r.exit_code, 2);
    assert_true(strncmp(r.out, "CRITICAL - cannot connect to 127.0.0.1:", 39) == 0);
    run_result_free(&r);

    /* behind a balancer: its own checks say LOCAL in a PROXY header */
    const char *proxied[] = {"--proxy-from", "127.0.0.1", NULL};
    harness_server_start(&srv, db.conninfo, proxied);
    harness_wait_log(&srv, "database ready", harness_scaled_ms(20000));
    const char *tls_proxy[] = {"check-health", srv.addr, "--send-proxy", "--ca",
                               harness_cert("ca.crt"), NULL};
    const char *plain_proxy[] = {"check-health", srv.addr, "--send-proxy", NULL};
    run_cchcd(&r, srv.tls ? tls_proxy : plain_proxy);
    if (r.exit_code != 0)
        fail_msg("check-health --send-proxy: %d %s%s", r.exit_code, r.out, r.err);
    assert_true(strncmp(r.out, "OK - healthy;", 13) == 0);
    run_result_free(&r);
    assert_true(harness_log_contains(&srv, "(PROXY LOCAL: the proxy itself)"));
    assert_int_equal(harness_server_stop(&srv), 0);

    const char *usage[] = {"check-health", "--timeout", "soon", NULL};
    run_cchcd(&r, usage);
    assert_int_equal(r.exit_code, 3);
    assert_non_null(strstr(r.err, "--timeout takes milliseconds"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_then_flags),
        cmocka_unit_test(test_environment_beats_file),
        cmocka_unit_test(test_sighup_reload),
        cmocka_unit_test(test_journal_lines),
        cmocka_unit_test(test_health_answer),
        cmocka_unit_test(test_health_until_migrated),
        cmocka_unit_test(test_check_health_command),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
