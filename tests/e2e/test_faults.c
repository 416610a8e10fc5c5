/* Faults survived with nothing lost (issue 11, deliverable 6, the database
 * side; docs/security.md "Database deadlines and faults"). cchcd runs on a
 * PRIVATE PostgreSQL cluster started here, because the tests restart and
 * kill it, and the cluster of scripts/test is shared by the test programs
 * that ctest runs at the same time.
 *
 * While several clerks submit (real `cchc submit` processes, each report
 * with its own text): PostgreSQL restarted with `pg_ctl restart -m
 * immediate`, its postmaster killed with SIGKILL, and cchcd itself killed
 * with SIGKILL and restarted. Each time cchcd (when not killed) keeps
 * running, answers a retryable UNAVAILABLE while the database is away,
 * reconnects by itself once it is back (within 10 s: backoff at most 1 s
 * here), every submission that cchc acknowledged is in the database
 * exactly once, and sending the rest again (the outbox, then the same
 * submissions once more) completes them without a duplicate.
 *
 * A backend stopped with SIGSTOP: the pool's query deadline fails and
 * recycles its connection, its requests get an answer, and requests on
 * the other connections are answered before them. A deadlock between a
 * submission and an administrator's transaction, and a lock held longer
 * than the statement timeout, are answered ABORTED and cchc's retry with the
 * same key succeeds. A host name in --db is resolved off the loop. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "harness.h"
#include "protocol.h"
#include "wire.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { CLERK_A, CLERK_B, CLERK_C, NCLERKS };
static const test_person people[NCLERKS] = {
    {"nk.lan", "Bao-cao-Ninh-Kieu-Lan-2023", "Q-NINHKIEU", "reporter"},
    {"nk.minh", "Bao-cao-Ninh-Kieu-Minh-2023", "Q-NINHKIEU", "reporter"},
    {"nk.hoa", "Bao-cao-Ninh-Kieu-Hoa-2023", "Q-NINHKIEU", "reporter"},
};

/* Short deadlines so that the stopped backend is noticed quickly; a lock
 * timeout longer than PostgreSQL's deadlock_timeout (1 s) so that a
 * deadlock is found before; reconnects at most 1 s apart. */
static const char *const server_args[] = {
    "--db-statement-timeout", "2000", "--db-lock-timeout", "4000", "--db-query-deadline",
    "3000", "--db-retry-max", "1000", NULL};

/* How long cchcd may take to serve again once PostgreSQL is back. */
#define RECONNECT_BOUND_MS 10000

/* ---- the private cluster ----------------------------------------------------- */

static char pg_dir[64];
static char pg_port[16];

/* Runs a bash script with scripts/lib/pg.sh loaded and DIR/PORT set;
 * returns its exit code. */
static int pg_script(const char *script)
{
    char text[2048];
    snprintf(text, sizeof(text), ". '%s/scripts/lib/pg.sh' && DIR='%s' && PORT=%s && %s",
             CCHC_SOURCE_DIR, pg_dir, pg_port, script);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/bash", "bash", "-c", text, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* A TCP port free on localhost right now (the cluster listens on TCP too
 * for the host name test). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
        fail_msg("cannot find a free port: %s", strerror(errno));
    close(fd);
    return ntohs(addr.sin_port);
}

static void private_pg_start(void)
{
    /* PostgreSQL's postmaster, orphaned by pg_ctl, becomes this process's
     * child: once killed it can be reaped here, else as a zombie it keeps
     * its lock file alive and PostgreSQL refuses to start again */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    snprintf(pg_dir, sizeof(pg_dir), "/tmp/cchc-faults.XXXXXX");
    if (!mkdtemp(pg_dir))
        fail_msg("mkdtemp: %s", strerror(errno));
    chmod(pg_dir, 0755); /* the postgres user must reach the cluster inside */
    snprintf(pg_port, sizeof(pg_port), "%d", free_port());
    if (pg_script("PG_FSYNC=off pg_start \"$DIR/pg\" \"$PORT\"") != 0)
        fail_msg("cannot start a private PostgreSQL in %s", pg_dir);
    char host[96];
    snprintf(host, sizeof(host), "%s/pg", pg_dir);
    setenv("PGHOST", host, 1);
    setenv("PGPORT", pg_port, 1);
    setenv("PGUSER", "postgres", 1);
}

static int postmaster_pid(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/pg/data/postmaster.pid", pg_dir);
    FILE *f = fopen(path, "r");
    int pid = 0;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return pid;
}

/* ---- the fixture ------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    private_pg_start();
    fixture_start(&fx, "faults", server_args);
    fixture_add_people(&fx, people, NCLERKS, 1);
    harness_open_period(srv, "2023-6M");
    harness_open_period(srv, "2023-9M");
    harness_open_period(srv, "2023-Y");
    harness_open_period(srv, "2024-6M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    int rc = fixture_stop(&fx);
    pg_script("pg_stop \"$DIR/pg\"");
    pg_script("rm -rf \"$DIR\"");
    return rc;
}

/* ---- asking cchcd -------------------------------------------------------------- */

/* A ping with a database round trip: 0 answered, else the error code
 * (-1 no answer). */
/* raw_hello with a patient read: the machine may be loaded by the clerks,
 * PostgreSQL's recovery and other test programs. */
static int hello_answered(int fd)
{
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    hello.client_name = "test_faults";
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 1;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    raw_send_request(fd, &req);
    Cchc__V1__Response *resp = raw_read_response(fd, 30000);
    int ok = resp && !resp->error && resp->body_case == CCHC__V1__RESPONSE__BODY_HELLO;
    if (resp)
        cchc__v1__response__free_unpacked(resp, NULL);
    return ok;
}

static int ping_db_on(const test_server *server)
{
    int fd = raw_connect(server);
    if (!hello_answered(fd)) {
        close(fd);
        return -1;
    }
    raw_send_ping(fd, 2, 1);
    Cchc__V1__Response *resp = raw_read_response(fd, 15000);
    int code = !resp ? -1 : resp->error ? (int)resp->error->code : 0;
    if (resp)
        cchc__v1__response__free_unpacked(resp, NULL);
    close(fd);
    return code;
}

static int ping_db(void)
{
    return ping_db_on(srv);
}

static int server_serves(void *server)
{
    return ping_db_on(server) == 0;
}

static int db_serves(void *arg)
{
    (void)arg;
    return ping_db() == 0;
}

/* What the pings said while waiting for UNAVAILABLE (for a failure's
 * message): 0 answered, -1 no answer, else an error code. */
static char answers_seen[256];

static int db_refused_retryably(void *arg)
{
    (void)arg;
    int code = ping_db();
    size_t used = strlen(answers_seen);
    if (used + 8 < sizeof(answers_seen))
        snprintf(answers_seen + used, sizeof(answers_seen) - used, " %d", code);
    return code == CCHC__V1__ERROR_CODE__UNAVAILABLE;
}

/* ---- clerks submitting while something breaks ---------------------------------- */

#define TASKS_PER_CLERK 6

typedef struct submission {
    int clerk, task;
    char text[96];
    int exit_code; /* of the first `cchc submit`: 0 = acknowledged */
} submission;

static submission subs[NCLERKS * TASKS_PER_CLERK];

static pid_t spawn_cchc(int clerk, const char *const *args)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("XDG_CONFIG_HOME", fx.homes[clerk], 1);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        const char *argv[40];
        int argc = harness_cchc_argv(srv, argv);
        for (int i = 0; args[i] && argc < 31; i++)
            argv[argc++] = args[i];
        argv[argc] = NULL;
        execv(CCHC_BIN, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static int wait_exit(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void submit_args(const submission *s, const char *period, char task[8],
                        const char *args[16])
{
    snprintf(task, 8, "%d", s->task);
    const char *a[] = {"submit", "--task", task, "--period", period, "--status",
                       "đang triển khai", "--progress", "50", "--result", s->text, NULL};
    memcpy(args, a, sizeof(a));
}

/* One process per clerk submitting its reports one after another; each
 * writes the exit codes of its `cchc submit`s to a file. */
static pid_t spawn_clerk(int clerk, const char *period, const char *tag)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    char path[64];
    snprintf(path, sizeof(path), "faults-%s-%d.codes", tag, clerk);
    FILE *out = fopen(path, "w");
    for (int k = 0; k < TASKS_PER_CLERK; k++) {
        const submission *s = &subs[clerk * TASKS_PER_CLERK + k];
        char task[8];
        const char *args[16];
        submit_args(s, period, task, args);
        fprintf(out, "%d\n", wait_exit(spawn_cchc(clerk, args)));
        fflush(out);
    }
    fclose(out);
    _exit(0);
}

static void prepare(const char *tag)
{
    for (int c = 0; c < NCLERKS; c++)
        for (int k = 0; k < TASKS_PER_CLERK; k++) {
            submission *s = &subs[c * TASKS_PER_CLERK + k];
            s->clerk = c;
            s->task = 101 + c * TASKS_PER_CLERK + k;
            s->exit_code = -1;
            snprintf(s->text, sizeof(s->text), "faults %s: clerk %d task %d", tag, c, s->task);
        }
}

static const char *current_tag;

static long long revisions_with(const char *like)
{
    char sql[300];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM report_revision WHERE results LIKE '%s'",
             like);
    char *n = harness_db_query(&fx.db, sql);
    long long count = n ? atoll(n) : 0;
    free(n);
    return count;
}

/* Some submissions of the round have committed: the fault comes in the
 * middle of the work. */
static int some_committed(void *arg)
{
    (void)arg;
    char like[96];
    snprintf(like, sizeof(like), "faults %s: %%", current_tag);
    return revisions_with(like) >= 2;
}

static long long copies_of(const submission *s)
{
    char sql[300];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM report_revision WHERE results = '%s'",
             s->text);
    char *n = harness_db_query(&fx.db, sql);
    long long count = n ? atoll(n) : 0;
    free(n);
    return count;
}

/* Runs a round: clerks submit, fault() strikes once some have committed,
 * recover() brings things back; then every acknowledged submission is
 * there once, and after the outbox and a resend of the rest every
 * submission is there exactly once. */
static void round_with_fault(const char *period, const char *tag, void (*fault)(void),
                             void (*recover)(void))
{
    current_tag = tag;
    prepare(tag);
    pid_t clerks[NCLERKS];
    for (int c = 0; c < NCLERKS; c++)
        clerks[c] = spawn_clerk(c, period, tag);
    harness_wait_for(some_committed, NULL, 60000, "the first submissions to commit");
    fault();
    recover();
    for (int c = 0; c < NCLERKS; c++) {
        assert_int_equal(wait_exit(clerks[c]), 0);
        char path[64];
        snprintf(path, sizeof(path), "faults-%s-%d.codes", tag, c);
        FILE *in = fopen(path, "r");
        assert_non_null(in);
        for (int k = 0; k < TASKS_PER_CLERK; k++)
            assert_int_equal(fscanf(in, "%d", &subs[c * TASKS_PER_CLERK + k].exit_code), 1);
        fclose(in);
        unlink(path);
    }
    assert_true(harness_server_alive(srv));
    harness_wait_for(db_serves, NULL, RECONNECT_BOUND_MS, "cchcd to serve again");

    int acknowledged = 0;
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (subs[i].exit_code != 0)
            continue;
        acknowledged++;
        if (copies_of(&subs[i]) != 1)
            fail_msg("acknowledged \"%s\" is in the database %lld times", subs[i].text,
                     copies_of(&subs[i]));
    }
    fprintf(stderr, "[%s] %d of %zu submissions acknowledged during the fault\n", tag,
            acknowledged, sizeof(subs) / sizeof(subs[0]));
    /* the others mostly wait in the outbox: once one waits there, the
     * clerk's later submissions queue behind it (exit 3) */
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        fprintf(stderr, " %d", subs[i].exit_code);
    fprintf(stderr, " (exit codes)\n");

    /* the clients' retries: what waits in the outbox, then each
     * submission that was not acknowledged sent again as it was */
    for (int c = 0; c < NCLERKS; c++) {
        const char *send[] = {"outbox", "send", NULL};
        assert_int_equal(wait_exit(spawn_cchc(c, send)), 0);
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (subs[i].exit_code == 0)
            continue;
        char task[8];
        const char *args[16];
        submit_args(&subs[i], period, task, args);
        fixture_as(&fx, subs[i].clerk);
        harness_cchc_ok(srv, args);
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (copies_of(&subs[i]) != 1)
            fail_msg("\"%s\" is in the database %lld times after the retries", subs[i].text,
                     copies_of(&subs[i]));
}

/* ---- PostgreSQL restarted, PostgreSQL killed, cchcd killed ------------------------ */

static void restart_immediate(void)
{
    assert_int_equal(pg_script("pg_as_owner \"$(pg_bindir)/pg_ctl\" -D \"$DIR/pg/data\" "
                               "-l \"$DIR/pg/postgres.log\" -m immediate -w -t 60 restart "
                               ">/dev/null"),
                     0);
}

static void nothing(void)
{
}

static void test_postgres_restarted_immediately(void **state)
{
    (void)state;
    round_with_fault("2023-6M", "restart", restart_immediate, nothing);
    assert_false(harness_log_contains(srv, "unexpected result"));
}

static void kill_postmaster(void)
{
    int pid = postmaster_pid();
    assert_true(pid > 0);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    waitpid(pid, &status, 0);
    /* meanwhile: a retryable answer, and cchcd stays up */
    answers_seen[0] = '\0';
    if (!harness_poll(db_refused_retryably, NULL, 60000))
        fail_msg("cchcd did not answer UNAVAILABLE within 60 s of the postmaster's death "
                 "(answers:%s)",
                 answers_seen);
    assert_true(harness_server_alive(srv));
}

/* The killed postmaster's backends leave one by one; PostgreSQL starts
 * again once their shared memory is free. */
static int postgres_started(void *arg)
{
    (void)arg;
    return pg_script("PG_FSYNC=off pg_start \"$DIR/pg\" \"$PORT\" 2>/dev/null") == 0;
}

static void start_postgres_again(void)
{
    harness_wait_for(postgres_started, NULL, 60000, "PostgreSQL to start again");
}

static void test_postmaster_killed(void **state)
{
    (void)state;
    round_with_fault("2023-9M", "sigkill", kill_postmaster, start_postgres_again);
    assert_true(harness_log_contains(srv, "database connection"));
    /* a FATAL from a terminated backend is a lost connection, not "unexpected" */
    assert_false(harness_log_contains(srv, "unexpected result"));
}

static void kill_cchcd(void)
{
    assert_int_equal(kill(srv->pid, SIGKILL), 0);
    int status;
    waitpid(srv->pid, &status, 0);
    srv->pid = 0;
}

static void restart_cchcd(void)
{
    harness_server_restart(srv, fx.db.conninfo, server_args);
}

static void test_cchcd_killed(void **state)
{
    (void)state;
    round_with_fault("2023-Y", "cchcd", kill_cchcd, restart_cchcd);
}

/* ---- a stopped backend ------------------------------------------------------------- */

#define PINGS 24

static void test_backend_stopped(void **state)
{
    (void)state;
    harness_wait_for(db_serves, NULL, RECONNECT_BOUND_MS, "cchcd to serve");
    /* every connection of the pool exists once a burst has gone through */
    int fd = raw_connect(srv);
    assert_true(hello_answered(fd));
    char sql[300];
    snprintf(sql, sizeof(sql),
             "SELECT pid FROM pg_stat_activity WHERE datname = '%s' AND pid <> pg_backend_pid()"
             " AND backend_type = 'client backend' AND client_addr IS NULL"
             " ORDER BY backend_start DESC LIMIT 1",
             fx.db.name);
    char *pid_text = harness_admin_query(sql);
    assert_non_null(pid_text);
    int backend = atoi(pid_text);
    free(pid_text);
    assert_int_equal(kill(backend, SIGSTOP), 0);

    /* in one write, so that cchcd spreads them over its connections in one
     * go, the stopped one included */
    uint8_t burst[PINGS * 64];
    size_t used = 0;
    for (int i = 0; i < PINGS; i++) {
        Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
        ping.check_database = 1;
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = 100 + (uint64_t)i;
        req.body_case = CCHC__V1__REQUEST__BODY_PING;
        req.ping = &ping;
        uint8_t *frame;
        size_t len;
        assert_int_equal(wire_encode_frame(&req.base, CCHC_ABSOLUTE_MAX_FRAME, &frame, &len, NULL),
                         0);
        assert_true(used + len <= sizeof(burst));
        memcpy(burst + used, frame, len);
        used += len;
        free(frame);
    }
    raw_send(fd, burst, used);
    int ok = 0, failed = 0, ok_before_first_failure = 0;
    for (int i = 0; i < PINGS; i++) {
        /* the stuck ones wait for the query deadline (3 s), no longer */
        Cchc__V1__Response *resp = raw_read_response(fd, 30000);
        assert_non_null(resp);
        if (!resp->error) {
            ok++;
            if (!failed)
                ok_before_first_failure++;
        } else {
            assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__UNAVAILABLE);
            failed++;
        }
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    close(fd);
    kill(backend, SIGCONT);
    fprintf(stderr, "[sigstop] %d pings answered, %d failed by the deadline\n", ok, failed);
    assert_true(failed >= 1); /* the stopped backend's share */
    assert_true(ok_before_first_failure >= 1); /* the others were served meanwhile */
    assert_true(harness_log_contains(srv, "query deadline"));
    harness_wait_for(db_serves, NULL, RECONNECT_BOUND_MS, "cchcd to serve again");
    assert_true(harness_server_alive(srv));
}

/* ---- a deadlock ------------------------------------------------------------------- */

static PGconn *admin;

static void admin_exec(const char *sql)
{
    PGresult *res = PQexec(admin, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
}

/* Some backend waits for a lock, asked on the administrator's own
 * connection: no new connection (and backend) per look, so the
 * administrator closes the deadlock well within the submission's
 * deadlock_timeout (1 s) even on a loaded machine; the submission's one
 * deadlock check must find the cycle. */
static int submission_waits(void *arg)
{
    (void)arg;
    PGresult *res = PQexec(admin, "SELECT count(*) FROM pg_locks WHERE NOT granted");
    int waiting = PQresultStatus(res) == PGRES_TUPLES_OK && atoi(PQgetvalue(res, 0, 0)) > 0;
    PQclear(res);
    return waiting;
}

/* The submission claims its request key (a row of request_key) and then
 * waits for the period that the administrator's transaction holds FOR
 * UPDATE; the administrator then wants request_key: a deadlock, which
 * PostgreSQL breaks by rolling the submission back (it waited first). */
static void test_deadlock_is_aborted_and_retried(void **state)
{
    (void)state;
    harness_wait_for(db_serves, NULL, RECONNECT_BOUND_MS, "cchcd to serve");
    char conninfo[300];
    snprintf(conninfo, sizeof(conninfo), "dbname=%s", fx.db.name);
    admin = PQconnectdb(conninfo);
    assert_int_equal(PQstatus(admin), CONNECTION_OK);
    /* PostgreSQL rolls back whichever side runs its deadlock check (once,
     * deadlock_timeout after it began to wait) while the cycle exists; the
     * administrator's would come about as soon after the submission's as
     * the administrator began to wait after it, and on a loaded machine
     * timers can fire out of order: the administrator does not check, so
     * the submission is the one rolled back, as the test means */
    admin_exec("SET deadlock_timeout = '60s'");
    admin_exec("BEGIN");
    admin_exec("SELECT 1 FROM report_period WHERE id = '2024-6M' FOR UPDATE");

    submission s = {.clerk = CLERK_A, .task = 130};
    snprintf(s.text, sizeof(s.text), "faults deadlock: clerk 0 task 130");
    char task[8];
    const char *args[16];
    submit_args(&s, "2024-6M", task, args);
    pid_t pid = spawn_cchc(CLERK_A, args);
    harness_wait_for(submission_waits, NULL, 30000, "the submission to wait");
    admin_exec("LOCK TABLE request_key IN SHARE MODE"); /* returns once one side lost */
    harness_wait_log(srv, "rolled back, retryable", 30000);
    admin_exec("COMMIT");
    PQfinish(admin);

    assert_int_equal(wait_exit(pid), 0); /* cchc's retry with the same key */
    assert_int_equal(copies_of(&s), 1);
    assert_true(harness_log_contains(srv, "deadlock detected"));
}

/* ---- a host name --------------------------------------------------------------- */

/* A TCP host given by name is resolved with uv_getaddrinfo, off the loop,
 * and connected to by address. */
static void test_host_name_resolved(void **state)
{
    (void)state;
    /* the cluster listens on its socket only; now on localhost too */
    assert_int_equal(pg_script("pg_as_owner \"$(pg_bindir)/pg_ctl\" -D \"$DIR/pg/data\" "
                               "-l \"$DIR/pg/postgres.log\" -w -t 60 -o \"-k $DIR/pg -p $PORT "
                               "-c listen_addresses=localhost -c fsync=off\" restart >/dev/null"),
                     0);
    harness_wait_for(db_serves, NULL, RECONNECT_BOUND_MS, "cchcd to serve again");
    test_server tcp;
    char conninfo[200];
    snprintf(conninfo, sizeof(conninfo), "host=localhost port=%s dbname=%s", pg_port,
             fx.db.name);
    harness_server_start(&tcp, conninfo, server_args);
    harness_wait_for(server_serves, &tcp, RECONNECT_BOUND_MS,
                     "cchcd on host=localhost to serve");
    assert_false(harness_log_contains(&tcp, "cannot resolve"));
    char sql[300];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s'"
             " AND client_addr IS NOT NULL",
             fx.db.name);
    char *over_tcp = harness_admin_query(sql);
    assert_non_null(over_tcp);
    assert_true(atoi(over_tcp) >= 1); /* its pool came over TCP */
    free(over_tcp);
    assert_int_equal(harness_server_stop(&tcp), 0);
}

/* The administrator holds the period longer than the statement timeout
 * (2 s, shorter than the lock timeout): the submission's wait ends with
 * 57014, answered ABORTED; once the administrator is done, cchc's retry
 * succeeds. */
static void test_statement_timeout_is_aborted_and_retried(void **state)
{
    (void)state;
    harness_wait_for(db_serves, NULL, RECONNECT_BOUND_MS, "cchcd to serve");
    char conninfo[300];
    snprintf(conninfo, sizeof(conninfo), "dbname=%s", fx.db.name);
    admin = PQconnectdb(conninfo);
    assert_int_equal(PQstatus(admin), CONNECTION_OK);
    admin_exec("BEGIN");
    admin_exec("SELECT 1 FROM report_period WHERE id = '2024-6M' FOR UPDATE");

    submission s = {.clerk = CLERK_B, .task = 131};
    snprintf(s.text, sizeof(s.text), "faults statement timeout: clerk 1 task 131");
    char task[8];
    const char *args[16];
    submit_args(&s, "2024-6M", task, args);
    pid_t pid = spawn_cchc(CLERK_B, args);
    harness_wait_log(srv, "rolled back, retryable: ERROR:  canceling statement due to statement "
                          "timeout", 30000);
    admin_exec("COMMIT");
    PQfinish(admin);

    assert_int_equal(wait_exit(pid), 0); /* cchc's retry with the same key */
    assert_int_equal(copies_of(&s), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_name_resolved),
        cmocka_unit_test(test_backend_stopped),
        cmocka_unit_test(test_deadlock_is_aborted_and_retried),
        cmocka_unit_test(test_statement_timeout_is_aborted_and_retried),
        cmocka_unit_test(test_postgres_restarted_immediately),
        cmocka_unit_test(test_postmaster_killed),
        cmocka_unit_test(test_cchcd_killed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
