/* See harness.h. Failures here fail the calling test through cmocka's
 * fail_msg, with the server's log tail where it helps. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame.h"
#include "harness_tls.h"
#include "protocol.h"
#include "wire.h"

/* ---- valgrind mode ---------------------------------------------------------
 * With CCHC_VALGRIND=1 in the environment every cchcd and cchc the tests
 * start runs under valgrind memcheck (scripts/test's "valgrind" build).
 * A memcheck error or a definite/indirect leak makes the program exit
 * VALGRIND_ERROR_EXIT, which the harness turns into a test failure with
 * valgrind's report (written to valgrind-PID.log in the test's directory,
 * so it never mixes with the stderr a test looks at). */
#define VALGRIND_ERROR_EXIT 97

int harness_valgrind(void)
{
    const char *v = getenv("CCHC_VALGRIND");
    return v && *v && strcmp(v, "0") != 0;
}

int harness_time_factor(void)
{
    const char *f = getenv("CCHC_TEST_TIME_FACTOR");
    if (f && atoi(f) > 0)
        return atoi(f);
    /* memcheck runs our code 10-50x slower; argon2's 64 MiB pass is the
     * slowest part and a loaded machine adds to it */
    return harness_valgrind() ? 25 : 1;
}

int harness_scaled_ms(int ms)
{
    long long scaled = (long long)ms * harness_time_factor();
    return scaled > 3600 * 1000 ? 3600 * 1000 : (int)scaled;
}

static int is_our_program(const char *path)
{
    return strcmp(path, CCHCD_BIN) == 0 || strcmp(path, CCHC_BIN) == 0;
}

void harness_exec(const char *const *argv)
{
    if (!harness_valgrind() || !is_our_program(argv[0])) {
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    char error_exit[32], suppressions[512];
    snprintf(error_exit, sizeof(error_exit), "--error-exitcode=%d", VALGRIND_ERROR_EXIT);
    snprintf(suppressions, sizeof(suppressions), "--suppressions=%s", CCHC_VALGRIND_SUPP);
    const char *wrapped[96] = {"valgrind",
                               "--tool=memcheck",
                               "--quiet",
                               error_exit,
                               "--leak-check=full",
                               "--errors-for-leak-kinds=definite,indirect",
                               "--show-leak-kinds=definite,indirect",
                               "--num-callers=30",
                               suppressions,
                               "--log-file=valgrind-%p.log"};
    int n = 10;
    for (int i = 0; argv[i] && n < 95; i++)
        wrapped[n++] = argv[i];
    wrapped[n] = NULL;
    execvp(wrapped[0], (char *const *)wrapped);
    _exit(127);
}

int harness_valgrind_check(pid_t pid, int exit_code)
{
    if (!harness_valgrind())
        return 0;
    char path[64];
    snprintf(path, sizeof(path), "valgrind-%d.log", (int)pid);
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (exit_code == VALGRIND_ERROR_EXIT || st.st_size > 0) {
        FILE *f = fopen(path, "r");
        char line[1024];
        fprintf(stderr, "---- %s ----\n", path);
        while (f && fgets(line, sizeof(line), f))
            fputs(line, stderr);
        if (f)
            fclose(f);
        fprintf(stderr, "---- end of %s ----\n", path);
    }
    if (exit_code != VALGRIND_ERROR_EXIT)
        unlink(path);
    return exit_code == VALGRIND_ERROR_EXIT;
}

void harness_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How often a wait looks again: short enough not to slow the suite, long
 * enough not to load the machine it waits on. */
#define POLL_MS 10

int harness_poll(int (*done)(void *arg), void *arg, int timeout_ms)
{
    long long deadline = now_ms() + harness_scaled_ms(timeout_ms);
    for (;;) {
        if (done(arg))
            return 1;
        if (now_ms() >= deadline)
            return 0;
        harness_sleep_ms(POLL_MS);
    }
}

void harness_wait_for(int (*done)(void *arg), void *arg, int timeout_ms, const char *what)
{
    if (!harness_poll(done, arg, timeout_ms))
        fail_msg("timed out after %d ms waiting for %s", harness_scaled_ms(timeout_ms), what);
}

static PGconn *admin_connect(const char *dbname)
{
    if (!getenv("PGHOST"))
        fail_msg("PGHOST is not set: run the end-to-end tests through ./scripts/test, "
                 "which starts a private PostgreSQL");
    char conninfo[128];
    snprintf(conninfo, sizeof(conninfo), "dbname=%s", dbname);
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
        fail_msg("cannot connect to test PostgreSQL: %s", PQerrorMessage(conn));
    return conn;
}

/* Runs sql on dbname; the first column of the first row, or NULL. */
static char *query_first(const char *dbname, const char *sql)
{
    PGconn *conn = admin_connect(dbname);
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(res));
    char *value = NULL;
    if (st == PGRES_TUPLES_OK && PQntuples(res) > 0)
        value = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(conn);
    return value;
}

void harness_admin_sql(const char *sql)
{
    free(query_first("postgres", sql));
}

char *harness_admin_query(const char *sql)
{
    return query_first("postgres", sql);
}

char *harness_db_query(const test_db *db, const char *sql)
{
    return query_first(db->name, sql);
}

static char *db_query_va(const test_db *db, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static char *db_query_va(const test_db *db, const char *fmt, va_list ap)
{
    char sql[1024];
    vsnprintf(sql, sizeof(sql), fmt, ap);
    return harness_db_query(db, sql);
}

char *harness_db_queryf(const test_db *db, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = db_query_va(db, fmt, ap);
    va_end(ap);
    return v;
}

long long harness_db_count(const test_db *db, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = db_query_va(db, fmt, ap);
    va_end(ap);
    long long n = v ? atoll(v) : -1;
    free(v);
    return n;
}

char *harness_report_latest(const test_db *db, const char *period, const char *unit, int task,
                            const char *expression)
{
    char sql[1200];
    snprintf(sql, sizeof(sql),
             "SELECT coalesce((SELECT (%s)::text FROM report x JOIN report_revision v"
             " ON v.report_id = x.id AND v.revision = x.revision"
             " WHERE x.period_id = '%s' AND x.unit_code = '%s' AND x.task_id = %d), '')",
             expression, period, unit, task);
    return harness_db_query(db, sql);
}

void harness_db_create(test_db *db, const char *tag)
{
    static int counter;
    snprintf(db->name, sizeof(db->name), "cchc_t_%s_%d_%d", tag, (int)getpid(), ++counter);
    char sql[160];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db->name);
    harness_admin_sql(sql);
    /* host and port come from PGHOST/PGPORT, which cchcd's libpq reads too */
    snprintf(db->conninfo, sizeof(db->conninfo), "dbname=%s", db->name);
}

void harness_db_create_migrated(test_db *db, const char *tag)
{
    harness_db_create(db, tag);
    run_result r;
    const char *argv[] = {CCHCD_BIN, "migrate", "--db", db->conninfo, NULL};
    harness_run(&r, NULL, argv);
    if (r.exit_code != 0)
        fail_msg("cchcd migrate failed (%d): %s", r.exit_code, r.err);
    run_result_free(&r);
}

void harness_db_drop(test_db *db)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", db->name);
    harness_admin_sql(sql);
}

void harness_print_log_tail(const char *path)
{
    enum { TAIL = 40 };
    static char lines[TAIL][1024];
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "---- %s: cannot open: %s ----\n", path, strerror(errno));
        return;
    }
    int n = 0;
    while (fgets(lines[n % TAIL], sizeof(lines[0]), f))
        n++;
    fclose(f);
    fprintf(stderr, "---- last %d line(s) of %s ----\n", n < TAIL ? n : TAIL, path);
    for (int i = n < TAIL ? 0 : n - TAIL; i < n; i++)
        fputs(lines[i % TAIL], stderr);
    fprintf(stderr, "---- end of %s ----\n", path);
}

int harness_server_alive(test_server *srv)
{
    if (srv->pid <= 0)
        return 0;
    int status;
    return waitpid(srv->pid, &status, WNOHANG) == 0;
}

/* harness_server_alive that, when cchcd has exited, reaps it and shows
 * what memcheck found in it. */
static int server_alive_or_checked(test_server *srv)
{
    if (srv->pid <= 0)
        return 0;
    int status;
    pid_t pid = srv->pid;
    if (waitpid(pid, &status, WNOHANG) == 0)
        return 1;
    srv->pid = 0; /* reaped: nothing left to stop */
    harness_valgrind_check(pid, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}

/* Calls each(line, arg) for each complete line of the log until it
 * returns non-zero; returns that value, or 0. A line still being written
 * (no newline yet) is not looked at. */
static int scan_log(const char *path, int (*each)(const char *line, void *arg), void *arg)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[2048];
    int found = 0;
    while (!found && fgets(line, sizeof(line), f))
        if (strchr(line, '\n'))
            found = each(line, arg);
    fclose(f);
    return found;
}

static int line_contains(const char *line, void *needle)
{
    return strstr(line, needle) != NULL;
}

int harness_log_contains(const test_server *srv, const char *needle)
{
    return scan_log(srv->log_path, line_contains, (void *)needle);
}

/* Waits until some complete line of cchcd's log satisfies match; fails
 * with the log's tail when cchcd exits first or timeout_ms pass. */
static void wait_log_line(test_server *srv, int (*match)(const char *line, void *arg), void *arg,
                          int timeout_ms, const char *what)
{
    long long deadline = now_ms() + harness_scaled_ms(timeout_ms);
    while (!scan_log(srv->log_path, match, arg)) {
        if (!server_alive_or_checked(srv)) {
            harness_print_log_tail(srv->log_path);
            fail_msg("cchcd exited before its log said %s", what);
        }
        if (now_ms() >= deadline) {
            harness_print_log_tail(srv->log_path);
            fail_msg("timed out after %d ms waiting for cchcd's log to say %s",
                     harness_scaled_ms(timeout_ms), what);
        }
        harness_sleep_ms(POLL_MS);
    }
}

void harness_wait_log(test_server *srv, const char *needle, int timeout_ms)
{
    char what[300];
    snprintf(what, sizeof(what), "\"%s\"", needle);
    wait_log_line(srv, line_contains, (void *)needle, timeout_ms, what);
}

/* ---- TLS -------------------------------------------------------------------
 * Every server the harness starts speaks TLS with the certificates of
 * scripts/lib/certs.sh, and every cchc it runs is given the test CA, so
 * the whole suite runs as a district office would (issue 11); the
 * plaintext path is kept by CCHC_TEST_TLS=0 and by tests that ask for it. */

int harness_tls_default(void)
{
    const char *v = getenv("CCHC_TEST_TLS");
    return !(v && strcmp(v, "0") == 0);
}

static char certs_dir[512];
static char own_certs[64]; /* made here: removed at exit */
static pid_t own_certs_pid;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw);

static void remove_own_certs(void)
{
    /* only by the process that made them, not by a forked child exiting */
    if (own_certs[0] && getpid() == own_certs_pid)
        nftw(own_certs, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

const char *harness_certs(void)
{
    if (certs_dir[0])
        return certs_dir;
    const char *given = getenv("CCHC_TEST_CERTS");
    if (given && *given) {
        snprintf(certs_dir, sizeof(certs_dir), "%s", given);
        return certs_dir;
    }
    snprintf(own_certs, sizeof(own_certs), "/tmp/cchc-certs.XXXXXX");
    if (!mkdtemp(own_certs))
        fail_msg("mkdtemp: %s", strerror(errno));
    own_certs_pid = getpid();
    atexit(remove_own_certs);
    const char *make[] = {"/bin/bash", CCHC_CERTS_SCRIPT, own_certs, NULL};
    run_result r;
    harness_run(&r, NULL, make);
    if (r.exit_code != 0)
        fail_msg("%s failed: %s", CCHC_CERTS_SCRIPT, r.err);
    run_result_free(&r);
    snprintf(certs_dir, sizeof(certs_dir), "%s", own_certs);
    return certs_dir;
}

const char *harness_cert(const char *name)
{
    static char paths[8][600];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof(paths[0]), "%s/%s", harness_certs(), name);
    return p;
}

static int has_arg(const char *const *args, const char *name)
{
    for (int i = 0; args && args[i]; i++)
        if (strcmp(args[i], name) == 0)
            return 1;
    return 0;
}

/* The port of listener.c's "listening on 127.0.0.1:PORT (max frame …)". */
static int bound_port(const char *line, void *port)
{
    const char *p = strstr(line, "listening on 127.0.0.1:");
    return p && sscanf(p, "listening on 127.0.0.1:%d", (int *)port) == 1 && *(int *)port > 0;
}

/* How long cchcd may take to say it listens: it binds before it touches
 * the database, so this is process start-up (slow only under sanitizers). */
#define START_TIMEOUT_MS 30000

/* Starts cchcd listening on 127.0.0.1:port (0: a port the kernel picks)
 * and waits for its log to say which port it bound. */
static void start_on(test_server *srv, int port, const char *conninfo,
                     const char *const *extra_args)
{
    static int started;
    char listen[32];
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
    snprintf(srv->log_path, sizeof(srv->log_path), "cchcd-%d-%d.log", (int)getpid(), ++started);
    const char *argv[48] = {CCHCD_BIN, "serve", "--db", conninfo, "--listen", listen,
                            "--log-level", "debug"};
    int argc = 8;
    /* a slowed cchcd drains as much slower (argon2 jobs in flight); a
     * test's own --drain-timeout, given later, still wins */
    char drain[16], hello[16], frame[16], lock[16];
    snprintf(drain, sizeof(drain), "%d", harness_scaled_ms(10000));
    snprintf(hello, sizeof(hello), "%d", harness_scaled_ms(10000));
    snprintf(frame, sizeof(frame), "%d", harness_scaled_ms(30000));
    snprintf(lock, sizeof(lock), "%d", harness_scaled_ms(5000));
    if (harness_time_factor() > 1) {
        /* and its connection deadlines stretch as much as the peers slow */
        argv[argc++] = "--drain-timeout";
        argv[argc++] = drain;
        argv[argc++] = "--hello-timeout";
        argv[argc++] = hello;
        argv[argc++] = "--frame-timeout";
        argv[argc++] = frame;
        /* as does a lock wait behind a test that holds a lock while a
         * slowed cchc works (test_stream's snapshot: past the 5 s default
         * the export is rolled back and retried after the lock is gone) */
        argv[argc++] = "--db-lock-timeout";
        argv[argc++] = lock;
    }
    char cert[600], key[600];
    if (srv->tls) {
        snprintf(cert, sizeof(cert), "%s", harness_cert("server.crt"));
        snprintf(key, sizeof(key), "%s", harness_cert("server.key"));
        argv[argc++] = "--tls-cert";
        argv[argc++] = cert;
        argv[argc++] = "--tls-key";
        argv[argc++] = key;
    }
    for (int i = 0; extra_args && extra_args[i] && argc < 47; i++)
        argv[argc++] = extra_args[i];
    argv[argc] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        int log = open(srv->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (log >= 0) {
            dup2(log, STDERR_FILENO);
            dup2(log, STDOUT_FILENO);
        }
        harness_exec(argv);
    }
    srv->pid = pid;
    int bound = 0;
    char what[96];
    snprintf(what, sizeof(what), "\"listening on 127.0.0.1:PORT\" (--listen %s)", listen);
    wait_log_line(srv, bound_port, &bound, START_TIMEOUT_MS, what); /* scaled inside */
    if (port != 0 && bound != port)
        fail_msg("cchcd was asked for port %d and bound %d", port, bound);
    srv->port = bound;
    snprintf(srv->addr, sizeof(srv->addr), "127.0.0.1:%d", bound);
}

void harness_server_start(test_server *srv, const char *conninfo,
                          const char *const *extra_args)
{
    memset(srv, 0, sizeof(*srv));
    /* a test that gives its own certificate decides what cchc trusts */
    srv->tls = harness_tls_default() && !has_arg(extra_args, "--tls-cert");
    start_on(srv, 0, conninfo, extra_args);
}

void harness_server_start_plaintext(test_server *srv, const char *conninfo,
                                    const char *const *extra_args)
{
    memset(srv, 0, sizeof(*srv));
    start_on(srv, 0, conninfo, extra_args);
}

void harness_server_start_tls(test_server *srv, const char *conninfo,
                              const char *const *extra_args)
{
    const char *args[40] = {"--tls-cert", harness_cert("server.crt"), "--tls-key",
                            harness_cert("server.key")};
    int n = 4;
    for (int i = 0; extra_args && extra_args[i] && n < 39; i++)
        args[n++] = extra_args[i];
    args[n] = NULL;
    harness_server_start(srv, conninfo, args);
    srv->tls = 1; /* the certificates are the harness's: raw connections speak TLS */
}

void harness_with_server(const test_db *db, int tls, void (*check)(test_server *srv))
{
    test_server srv;
    if (tls)
        harness_server_start_tls(&srv, db->conninfo, NULL);
    else
        harness_server_start_plaintext(&srv, db->conninfo, NULL);
    check(&srv);
    assert_int_equal(harness_server_stop(&srv), 0);
}

/* Binding the same port again is safe here, unlike guessing a free one:
 * the port was this server's until it stopped, nothing else in the suite
 * asks for a fixed port, and libuv sets SO_REUSEADDR so connections left
 * in TIME_WAIT by the old process do not block the bind. Should something
 * have taken the port meanwhile, cchcd says so and the start fails. */
void harness_server_restart(test_server *srv, const char *conninfo,
                            const char *const *extra_args)
{
    int port = srv->port, tls = srv->tls;
    memset(srv, 0, sizeof(*srv));
    srv->tls = tls;
    start_on(srv, port, conninfo, extra_args);
}

int harness_server_stop(test_server *srv)
{
    if (srv->pid <= 0)
        return -1;
    kill(srv->pid, SIGTERM);
    long long deadline = now_ms() + harness_scaled_ms(20000);
    while (now_ms() < deadline) {
        int status;
        pid_t done = waitpid(srv->pid, &status, WNOHANG);
        if (done == srv->pid) {
            srv->pid = 0;
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            harness_valgrind_check(done, code);
            if (code != 0)
                harness_print_log_tail(srv->log_path);
            else
                unlink(srv->log_path);
            return code;
        }
        harness_sleep_ms(10);
    }
    kill(srv->pid, SIGKILL);
    waitpid(srv->pid, NULL, 0);
    srv->pid = 0;
    harness_print_log_tail(srv->log_path);
    fail_msg("cchcd did not stop within %d ms of SIGTERM", harness_scaled_ms(20000));
    return -1;
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1024 > cap)
            buf = realloc(buf, cap *= 2);
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

void harness_run(run_result *result, const char *stdin_text, const char *const *argv)
{
    char out_path[] = "/tmp/cchc-test-out.XXXXXX";
    char err_path[] = "/tmp/cchc-test-err.XXXXXX";
    int out = mkstemp(out_path), err = mkstemp(err_path);
    int in_pipe[2];
    if (out < 0 || err < 0 || pipe(in_pipe) != 0)
        fail_msg("cannot create capture files: %s", strerror(errno));
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in_pipe[0], STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        close(in_pipe[1]);
        harness_exec(argv);
    }
    close(in_pipe[0]);
    if (stdin_text) {
        size_t len = strlen(stdin_text), off = 0;
        while (off < len) {
            ssize_t n = write(in_pipe[1], stdin_text + off, len - off);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
    }
    close(in_pipe[1]);
    int status;
    waitpid(pid, &status, 0);
    result->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (harness_valgrind_check(pid, result->exit_code))
        fail_msg("valgrind memcheck found errors in %s (see valgrind-%d.log above)", argv[0],
                 (int)pid);
    lseek(out, 0, SEEK_SET);
    lseek(err, 0, SEEK_SET);
    result->out = slurp_fd(out);
    result->err = slurp_fd(err);
    close(out);
    close(err);
    unlink(out_path);
    unlink(err_path);
}

const char *harness_cchc_bin(void)
{
    const char *client = getenv("CCHC_TEST_CLIENT");
    return client && *client ? client : CCHC_BIN;
}

int harness_cchc_argv(const test_server *srv, const char **argv)
{
    /* under valgrind the client waits as much longer as the server is
     * slower; a test's own --timeout, given later, still wins */
    static char timeout[16], ca[600];
    int argc = 0;
    argv[argc++] = harness_cchc_bin();
    argv[argc++] = "--server";
    argv[argc++] = srv->addr;
    if (srv->tls) {
        snprintf(ca, sizeof(ca), "%s", harness_cert("ca.crt"));
        argv[argc++] = "--ca";
        argv[argc++] = ca;
    }
    if (harness_time_factor() > 1) {
        snprintf(timeout, sizeof(timeout), "%d", harness_scaled_ms(10000));
        argv[argc++] = "--timeout";
        argv[argc++] = timeout;
    }
    argv[argc] = NULL;
    return argc;
}

void harness_cchc_input(run_result *result, const test_server *srv, const char *stdin_text,
                        const char *const *args)
{
    const char *argv[64];
    int argc = harness_cchc_argv(srv, argv);
    for (int i = 0; args[i] && argc < 63; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    harness_run(result, stdin_text, argv);
}

void harness_cchc(run_result *result, const test_server *srv, const char *const *args)
{
    harness_cchc_input(result, srv, NULL, args);
}

const char *jstr(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        fail_msg("field %s missing or not a string", key);
    return s;
}

long long jint(json_t *obj, const char *key)
{
    return (long long)json_integer_value(json_object_get(obj, key));
}

void harness_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

char *harness_read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    char *text = slurp_fd(fd);
    close(fd);
    return text;
}

void run_result_free(run_result *result)
{
    free(result->out);
    free(result->err);
    result->out = result->err = NULL;
}

/* How long raw_connect waits for the TLS handshake (scaled). */
#define HANDSHAKE_TIMEOUT_MS 10000

/* A TCP connection to srv on the loopback address; with rcvbuf > 0, its
 * receive buffer set to that before connect (so the kernel cannot grow it). */
static int connect_loopback(const test_server *srv, int rcvbuf)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)srv->port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
        fail_msg("cannot connect to cchcd at %s: %s", srv->addr, strerror(errno));
    return fd;
}

int raw_connect_plain(const test_server *srv)
{
    return connect_loopback(srv, 0);
}

int raw_connect_small_window(const test_server *srv)
{
    return connect_loopback(srv, 4096);
}

int raw_connect_plain_from(const test_server *srv, const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in from = {.sin_family = AF_INET};
    assert_int_equal(inet_pton(AF_INET, source, &from.sin_addr), 1);
    if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0)
        fail_msg("bind %s: %s", source, strerror(errno));
    struct sockaddr_in to = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)srv->port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0)
        fail_msg("connect from %s: %s", source, strerror(errno));
    return fd;
}

/* ---- the server seen from /proc ------------------------------------------- */

long harness_proc_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    long kb = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            kb = atol(line + n + 1);
    fclose(f);
    assert_true(kb > 0);
    return kb;
}

void harness_reset_peak(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)pid);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("5", f);
    assert_int_equal(fclose(f), 0);
}

#if defined(__SANITIZE_ADDRESS__)
#define HARNESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HARNESS_ASAN 1
#endif
#endif
#ifndef HARNESS_ASAN
#define HARNESS_ASAN 0
#endif

int harness_rss_measurable(void)
{
    return !HARNESS_ASAN && !harness_valgrind();
}

void raw_start_tls(int fd, const test_server *srv)
{
    if (srv->tls)
        tls_raw_start(fd, harness_cert("ca.crt"), harness_scaled_ms(HANDSHAKE_TIMEOUT_MS));
}

int raw_connect(const test_server *srv)
{
    int fd = raw_connect_plain(srv);
    raw_start_tls(fd, srv);
    return fd;
}

int raw_try_send(int fd, const void *data, size_t len)
{
    if (tls_raw_active(fd))
        return tls_raw_send(fd, data, len);
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void raw_send(int fd, const void *data, size_t len)
{
    if (raw_try_send(fd, data, len) != 0)
        fail_msg("send: %s", strerror(errno));
}

void raw_send_request(int fd, Cchc__V1__Request *request)
{
    uint8_t *frame;
    size_t len;
    if (wire_encode_frame(&request->base, CCHC_ABSOLUTE_MAX_FRAME, &frame, &len, NULL) != 0)
        fail_msg("cannot encode request");
    raw_send(fd, frame, len);
    free(frame);
}

/* Up to len bytes from fd, through TLS when it has it: >0 how many, 0 the
 * peer's end (or a reset), -1 an error, -2 nothing within timeout_ms. */
static long raw_recv(int fd, void *buf, size_t len, int timeout_ms)
{
    if (tls_raw_active(fd))
        return tls_raw_read(fd, buf, len, harness_scaled_ms(timeout_ms));
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, harness_scaled_ms(timeout_ms));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return ready == 0 ? -2 : -1;
        ssize_t n = recv(fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == ECONNRESET)
            return 0;
        return n;
    }
}

int raw_read_exact(int fd, void *buf, size_t len, int timeout_ms)
{
    size_t got = 0;
    while (got < len) {
        long n = raw_recv(fd, (uint8_t *)buf + got, len - got, timeout_ms);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

Cchc__V1__Response *raw_read_response(int fd, int timeout_ms)
{
    uint8_t header[4];
    if (raw_read_exact(fd, header, 4, timeout_ms) != 0)
        return NULL;
    uint32_t len = frame_get_header(header);
    if (len == 0 || len > 64u * 1024 * 1024)
        return NULL;
    uint8_t *payload = malloc(len);
    Cchc__V1__Response *response = NULL;
    if (raw_read_exact(fd, payload, len, timeout_ms) == 0)
        response = wire_decode_response(payload, len);
    free(payload);
    return response;
}

int raw_wait_closed(int fd, int timeout_ms)
{
    char buf[4096];
    for (;;) {
        long n = raw_recv(fd, buf, sizeof(buf), timeout_ms);
        if (n == 0)
            return 1;
        if (n < 0)
            return 0;
    }
}

void raw_send_ping(int fd, uint64_t request_id, int check_db)
{
    Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
    ping.check_database = check_db;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = CCHC__V1__REQUEST__BODY_PING;
    req.ping = &ping;
    raw_send_request(fd, &req);
}

uint8_t *raw_ping_frames(uint64_t first_id, int n, int check_db, size_t *out_len)
{
    size_t cap = (size_t)n * 32, len = 0;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    for (int i = 0; i < n; i++) {
        Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
        ping.check_database = check_db;
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = first_id + (uint64_t)i;
        req.body_case = CCHC__V1__REQUEST__BODY_PING;
        req.ping = &ping;
        uint8_t *frame;
        size_t flen;
        assert_int_equal(wire_encode_frame(&req.base, CCHC_ABSOLUTE_MAX_FRAME, &frame, &flen, NULL), 0);
        assert_true(len + flen <= cap);
        memcpy(buf + len, frame, flen);
        len += flen;
        free(frame);
    }
    *out_len = len;
    return buf;
}

void raw_send_login(int fd, uint64_t request_id, const char *username, const char *password)
{
    Cchc__V1__LoginRequest login = CCHC__V1__LOGIN_REQUEST__INIT;
    login.username = (char *)username;
    login.password = (char *)password;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = CCHC__V1__REQUEST__BODY_LOGIN;
    req.login = &login;
    raw_send_request(fd, &req);
}

void raw_hello(int fd, uint64_t request_id)
{
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    hello.client_name = "test";
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    raw_send_request(fd, &req);
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    assert_null(resp->error);
    assert_int_equal(resp->request_id, request_id);
    assert_int_equal(resp->body_case, CCHC__V1__RESPONSE__BODY_HELLO);
    cchc__v1__response__free_unpacked(resp, NULL);
}

int raw_connect_greeted(const test_server *srv)
{
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    return fd;
}

void harness_new_home(char *out, size_t size)
{
    snprintf(out, size, "/tmp/cchc-home.XXXXXX");
    if (!mkdtemp(out))
        fail_msg("mkdtemp: %s", strerror(errno));
}

void harness_use_home(const char *dir)
{
    setenv("XDG_CONFIG_HOME", dir, 1);
}

int harness_login(const test_server *srv, const char *username, const char *password)
{
    char input[300];
    snprintf(input, sizeof(input), "%s\n", password);
    const char *args[] = {"login", username, "--password-stdin", NULL};
    run_result r;
    harness_cchc_input(&r, srv, input, args);
    int code = r.exit_code;
    run_result_free(&r);
    return code;
}

void harness_add_account(const test_server *srv, const char *username, const char *password,
                         const char *unit, const char *roles)
{
    char input[300];
    snprintf(input, sizeof(input), "%s\n", password);
    const char *args[] = {"user", "add", username, "--unit", unit, "--role", roles, NULL};
    run_result r;
    harness_cchc_input(&r, srv, input, args);
    if (r.exit_code != 0)
        fail_msg("user add %s: %s", username, r.err);
    run_result_free(&r);
}

void harness_home_token(const char *dir, char *out, size_t size)
{
    char path[200], line[300];
    snprintf(path, sizeof(path), "%s/cchc/session", dir);
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "token=", 6) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, size, "%s", line + 6);
        }
    fclose(f);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void harness_remove_home(const char *dir)
{
    /* only what harness_new_home made: never follow a link out of it */
    if (strncmp(dir, "/tmp/cchc-home.", 15) != 0)
        fail_msg("%s is not a home made by harness_new_home", dir);
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

void fixture_start(test_fixture *fx, const char *tag, const char *const *extra_args)
{
    harness_db_create_migrated(&fx->db, tag);
    const char *argv[] = {CCHCD_BIN, "create-admin", "--db", fx->db.conninfo, "--user",
                          HARNESS_ADMIN, "--full-name", "Quản trị Sở Nội vụ", NULL};
    run_result r;
    harness_run(&r, HARNESS_ADMIN_PASSWORD "\n", argv);
    if (r.exit_code != 0)
        fail_msg("cchcd create-admin failed (%d): %s", r.exit_code, r.err);
    run_result_free(&r);
    harness_server_start(&fx->srv, fx->db.conninfo, extra_args);
    harness_new_home(fx->home, sizeof(fx->home));
    harness_use_home(fx->home);
    if (harness_login(&fx->srv, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD) != 0)
        fail_msg("the administrator could not log in");
}

int fixture_stop(test_fixture *fx)
{
    int code = harness_server_stop(&fx->srv);
    harness_db_drop(&fx->db);
    harness_remove_home(fx->home);
    for (int i = 0; i < fx->npeople; i++)
        harness_remove_home(fx->homes[i]);
    fx->npeople = 0;
    return code == 0 ? 0 : -1;
}

void fixture_add_people(test_fixture *fx, const test_person *people, int n, int login)
{
    if (n > HARNESS_MAX_PEOPLE)
        fail_msg("%d people; the fixture holds %d", n, HARNESS_MAX_PEOPLE);
    for (int i = 0; i < n; i++) {
        harness_use_home(fx->home); /* the administrator adds each account */
        harness_add_account(&fx->srv, people[i].username, people[i].password, people[i].unit,
                            people[i].roles);
        harness_new_home(fx->homes[i], sizeof(fx->homes[i]));
        fx->npeople = i + 1;
        if (login) {
            harness_use_home(fx->homes[i]);
            if (harness_login(&fx->srv, people[i].username, people[i].password) != 0)
                fail_msg("%s cannot log in", people[i].username);
        }
    }
    harness_use_home(fx->home);
}

void fixture_as(test_fixture *fx, int who)
{
    if (who >= fx->npeople)
        fail_msg("no person %d among the fixture's %d", who, fx->npeople);
    harness_use_home(who < 0 ? fx->home : fx->homes[who]);
}

void harness_import_communes(const test_server *srv, const char *csv)
{
    char path[64];
    snprintf(path, sizeof(path), "communes-%d.csv", (int)getpid());
    harness_write_file(path, csv);
    const char *import[] = {"units", "import", path, "--valid-from", "2004-01-02", NULL};
    harness_cchc_ok(srv, import);
    unlink(path);
}

void harness_open_period(const test_server *srv, const char *period)
{
    const char *open[] = {"period", "open", period, NULL};
    const char *extend[] = {"period", "extend", period, "--unit-deadline", "2099-01-01",
                            "--lead-deadline", "2099-02-01", NULL};
    harness_cchc_ok(srv, open);
    harness_cchc_ok(srv, extend);
}

void harness_cchc_ok(const test_server *srv, const char *const *args)
{
    run_result r;
    harness_cchc(&r, srv, args);
    if (r.exit_code != 0)
        fail_msg("cchc %s %s exited %d: %s", args[0], args[1] ? args[1] : "", r.exit_code, r.err);
    run_result_free(&r);
}

/* Runs `cchc --json ARGS…` into r. */
static void cchc_json_run(run_result *r, const test_server *srv, const char *const *args)
{
    const char *argv[40] = {"--json"};
    int n = 1;
    for (int i = 0; args[i] && n < 39; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    harness_cchc(r, srv, argv);
}

char *harness_cchc_refused(const test_server *srv, const char *const *args, const char *code)
{
    const char *what = args[1] ? args[1] : "";
    run_result r;
    cchc_json_run(&r, srv, args);
    if (r.exit_code != 1)
        fail_msg("cchc %s %s: exit %d, expected a refusal: %s%s", args[0], what, r.exit_code,
                 r.out, r.err);
    json_t *root = json_loads(r.out, 0, NULL);
    if (!root)
        fail_msg("cchc %s %s: the refusal is not JSON: %s", args[0], what, r.out);
    json_t *error = json_object_get(root, "error");
    if (strcmp(jstr(error, "code"), code) != 0)
        fail_msg("cchc %s %s: refused with %s, expected %s: %s", args[0], what,
                 jstr(error, "code"), code, r.out);
    char *id = strdup(jstr(error, "message_id"));
    assert_non_null(id);
    json_decref(root);
    run_result_free(&r);
    return id;
}

json_t *harness_cchc_json(const test_server *srv, const char *const *args)
{
    run_result r;
    cchc_json_run(&r, srv, args);
    if (r.exit_code != 0)
        fail_msg("cchc %s %s exited %d: %s", args[0], args[1] ? args[1] : "", r.exit_code, r.err);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    if (!root)
        fail_msg("cchc %s printed invalid JSON: %s", args[0], jerr.text);
    run_result_free(&r);
    return root;
}

void harness_assert_serves(const test_server *srv)
{
    assert_true(harness_server_alive((test_server *)srv));
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    raw_send_ping(fd, 2, 1);
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    assert_null(resp->error);
    assert_int_equal(resp->request_id, 2);
    assert_int_equal(resp->body_case, CCHC__V1__RESPONSE__BODY_PING);
    cchc__v1__response__free_unpacked(resp, NULL);
    close(fd);
}

int harness_someone_waits_for_lock(void *db)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_stat_activity"
             " WHERE datname = '%s' AND wait_event_type = 'Lock'",
             ((const test_db *)db)->name);
    char *v = harness_admin_query(sql);
    int waiting = v && atoi(v) > 0;
    free(v);
    return waiting;
}

json_t *harness_my_task(const test_server *srv, const char *period, int task_id)
{
    const char *args[] = {"tasks", "--period", period, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *tasks = json_object_get(root, "tasks"), *found = NULL;
    for (size_t i = 0; i < json_array_size(tasks); i++)
        if (jint(json_array_get(tasks, i), "task_id") == task_id)
            found = json_incref(json_array_get(tasks, i));
    json_decref(root);
    if (!found)
        fail_msg("task %d not among my tasks for %s", task_id, period);
    return found;
}

char *harness_cchc_output_in(const test_server *srv, int english, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    if (english) {
        argv[n++] = "--lang";
        argv[n++] = "en";
    }
    for (int i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    run_result r;
    harness_cchc(&r, srv, argv);
    if (r.exit_code != 0)
        fprintf(stderr, "cchc exited %d:\n%s\n%s\n", r.exit_code, r.out, r.err);
    assert_int_equal(r.exit_code, 0);
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

void harness_expect_has(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("\"%s\" is missing from:\n%s", needle, text);
}

void harness_expect_lacks(const char *text, const char *needle)
{
    if (strstr(text, needle))
        fail_msg("\"%s\" should not be in:\n%s", needle, text);
}
