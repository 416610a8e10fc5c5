/* What the end-to-end tests share, so each test file says only what it
 * tests: a fresh database per test program on the PostgreSQL that
 * scripts/test started (found through the standard PGHOST/PGPORT/PGUSER
 * variables), the real cchcd started as a subprocess on a port it picks
 * itself and speaking TLS with the test certificates (unless
 * CCHC_TEST_TLS=0 or the test asks for plaintext), the real cchc run as a
 * subprocess with its output captured and told to trust the test CA, the
 * people a test acts as (each with a private home for the client's
 * session), waits on observable events with deadlines, and raw protocol
 * access for feeding the server bad bytes. Every helper fails the calling
 * test through cmocka's fail_msg when what it is asked to do goes wrong. */
#ifndef CCHC_TEST_HARNESS_H
#define CCHC_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "cchc/v1/envelope.pb-c.h"

typedef struct test_db {
    char name[64];
    char conninfo[256];
} test_db;

typedef struct test_server {
    pid_t pid;
    int port;          /* the port cchcd said it bound */
    char addr[64];     /* "127.0.0.1:PORT", what cchc --server gets */
    char log_path[256]; /* cchcd's stdout and stderr */
    /* The harness gave cchcd the test certificates: every cchc run through
     * the harness gets --ca with the test CA, raw connections speak TLS.
     * 0 for a plaintext server, and for one the test gave --tls-cert
     * itself (test_tls.c: the test decides what each cchc trusts). */
    int tls;
} test_server;

typedef struct run_result {
    int exit_code; /* 128+N when killed by signal N */
    char *out;
    char *err;
} run_result;

/* ---- valgrind mode ---------------------------------------------------------- */

/* True when CCHC_VALGRIND is set (not "0"): every cchcd and cchc started
 * through the harness runs under valgrind memcheck, and a memcheck error
 * or leak fails the test with valgrind's report. */
int harness_valgrind(void);
/* How much slower programs run than natively: CCHC_TEST_TIME_FACTOR, else
 * 25 under valgrind, else 1. Every deadline the harness waits on is
 * multiplied by it (harness_poll, harness_wait_log, raw reads, the
 * client's --timeout), so tests write the native figure. */
int harness_time_factor(void);
int harness_scaled_ms(int ms);
/* execv for a child process a test forks itself (a pseudo-terminal, a
 * client left running): runs cchcd and cchc under valgrind in valgrind
 * mode. Never returns. */
void harness_exec(const char *const *argv) __attribute__((noreturn));
/* After a child started with harness_exec has exited with exit_code
 * (128+N when killed by signal N): in valgrind mode, prints memcheck's
 * report when it has one and removes the report file when it found
 * nothing; returns 1 when memcheck found errors (exit code 97). */
int harness_valgrind_check(pid_t pid, int exit_code);

/* ---- databases ----------------------------------------------------------- */

/* Creates an empty database with a unique name. */
void harness_db_create(test_db *db, const char *tag);
/* Same, then runs `cchcd migrate` on it. */
void harness_db_create_migrated(test_db *db, const char *tag);
void harness_db_drop(test_db *db);
/* Runs one SQL statement on the maintenance database (no parameters). */
void harness_admin_sql(const char *sql);
/* Runs one SQL statement on the maintenance database; returns the first
 * column of the first row (malloc'd, NULL when no row). For asking about
 * a test database from outside it (pg_stat_activity), even while that
 * database refuses connections. */
char *harness_admin_query(const char *sql);
/* Runs one SQL statement on db; returns the first column of the first row
 * (malloc'd, NULL when no row). */
char *harness_db_query(const test_db *db, const char *sql);
/* harness_db_query with the statement formatted printf-style (test
 * values only: no user input goes into these statements). */
char *harness_db_queryf(const test_db *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The first column of the first row as a number: a count; -1 when no row. */
long long harness_db_count(const test_db *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* What a report's latest revision holds: expression (a column of
 * report_revision v, or any SQL over v) as text for the report of unit on
 * task in period; malloc'd, "" when there is no such report. */
char *harness_report_latest(const test_db *db, const char *period, const char *unit, int task,
                            const char *expression);

/* Creates (or replaces) the SQL function name(pid text) returning the
 * columns of live_report_facts (sql/functions/070_status.sql) with body,
 * a statement over pid: an earlier version of live_report_facts a test
 * keeps verbatim, whose facts the current ones must equal. */
void harness_define_facts_function(const test_db *db, const char *name, const char *body);

/* sql with $1… replaced by args[0]… (at most 9, each quoted) as the FROM
 * of "SELECT columns … WHERE where" (the statement's rows are s): every
 * row as text, one per line, in the statement's order ("" for none;
 * malloc'd). With count, the text starts with the rows' number and its
 * own line, and *count is set to it. harness_statement_rows.c */
char *harness_statement_rows(const test_db *db, const char *sql, const char *const *args, int n,
                             const char *columns, const char *where, long *count);

/* ---- TLS ------------------------------------------------------------------ */

/* True unless CCHC_TEST_TLS=0: servers the harness starts speak TLS. */
int harness_tls_default(void);
/* The folder of the test certificates (scripts/lib/certs.sh: ca.crt,
 * server.crt, server.key and the bad ones): CCHC_TEST_CERTS, else made
 * once per test program in a temporary folder removed at exit. */
const char *harness_certs(void);
/* harness_certs()/name, in one of a few static buffers. */
const char *harness_cert(const char *name);

/* ---- the server ---------------------------------------------------------- */

/* Starts `cchcd serve` on db with extra arguments (NULL-terminated) and
 * --listen 127.0.0.1:0, and reads the port it bound from its log line
 * "listening on 127.0.0.1:PORT"; fails with the log's tail when cchcd
 * exits first or does not say it listens in time. With TLS by default
 * (harness_tls_default) and no --tls-cert among extra_args, it also gets
 * --tls-cert/--tls-key of the test certificates and srv->tls is set. */
void harness_server_start(test_server *srv, const char *conninfo,
                          const char *const *extra_args);
/* The same, always plaintext: for tests of the plaintext rules. */
void harness_server_start_plaintext(test_server *srv, const char *conninfo,
                                    const char *const *extra_args);
/* The same, always TLS with the harness's test certificates, whatever
 * CCHC_TEST_TLS says; srv->tls is set, so raw connections speak TLS: for
 * tests that check one behaviour both ways, plaintext and TLS. */
void harness_server_start_tls(test_server *srv, const char *conninfo,
                              const char *const *extra_args);
/* Starts cchcd on db, plaintext (tls 0) or TLS as harness_server_start_tls
 * (tls 1), runs check on it and stops it, failing unless it exits 0: the
 * body of a test run both ways. */
void harness_with_server(const test_db *db, int tls, void (*check)(test_server *srv));
/* Starts cchcd again on the port it had (after harness_server_stop or a
 * kill), in the same mode (TLS or plaintext): clients keep the address
 * they were given. */
void harness_server_restart(test_server *srv, const char *conninfo,
                            const char *const *extra_args);
/* SIGTERM, then waits; returns cchcd's exit code (fails after 20 s). */
int harness_server_stop(test_server *srv);
/* True while the process is alive. */
int harness_server_alive(test_server *srv);
/* True when some line of cchcd's log contains needle. */
int harness_log_contains(const test_server *srv, const char *needle);
/* Waits until cchcd's log has a line containing needle; fails with the
 * log's tail on timeout or when cchcd exits. */
void harness_wait_log(test_server *srv, const char *needle, int timeout_ms);
/* How many times needle occurs in cchcd's log (lines still being written
 * too): a test reads it before acting and expects it to grow by one. */
int harness_log_count(const test_server *srv, const char *needle);
/* Waits until needle occurs at least at_least times in cchcd's log; fails
 * like harness_wait_for ("timed out after N ms waiting for WHAT"). */
void harness_wait_log_count(const test_server *srv, const char *needle, int at_least,
                            int timeout_ms, const char *what);
/* The first line of cchcd's log holding needle (malloc'd), or NULL. */
char *harness_log_line(const test_server *srv, const char *needle);
/* Prints the last lines of a log to stderr (for failure messages). */
void harness_print_log_tail(const char *path);

/* ---- waiting ------------------------------------------------------------- */

/* Calls done(arg) until it returns non-zero (then returns 1) or
 * timeout_ms have passed (then returns 0), pausing briefly between calls.
 * The way to wait for something to happen: never a bare sleep. */
int harness_poll(int (*done)(void *arg), void *arg, int timeout_ms);
/* For harness_poll/harness_wait_for, arg a test_db *: some backend of that
 * database waits for a lock (a request queued behind a held row). */
int harness_someone_waits_for_lock(void *db);
/* The same, failing the test with "timed out after N ms waiting for WHAT". */
void harness_wait_for(int (*done)(void *arg), void *arg, int timeout_ms, const char *what);
/* Sleeps for ms milliseconds: for deliberate pauses only (a peer that is
 * slow on purpose), never to wait for something to happen. */
void harness_sleep_ms(int ms);

/* ---- running programs ---------------------------------------------------- */

/* Runs argv (argv[0] a path) with optional stdin text; captures output. */
void harness_run(run_result *result, const char *stdin_text, const char *const *argv);
/* The client the harness runs: CCHC_TEST_CLIENT when set (scripts/test's
 * windows build: tests/windows/cchc-wine.sh, cchc.exe under Wine), else
 * the build's cchc. */
const char *harness_cchc_bin(void);
/* Fills argv with what every cchc run against srv starts with: the
 * binary, --server ADDR, --ca of the test CA when srv->tls, and under a
 * time factor --timeout (a test's own --timeout, given later, wins);
 * returns how many were written (at most 7). For tests that start cchc
 * themselves (a terminal, a client left running). */
int harness_cchc_argv(const test_server *srv, const char **argv);
/* Runs cchc --server <srv> args… (NULL-terminated). */
void harness_cchc(run_result *result, const test_server *srv, const char *const *args);

/* Runs cchc [--lang en] args… (NULL-terminated, at most 28), fails the
 * test unless it exits 0, and returns its standard output (malloc'd):
 * the language tests run one command in both languages. */
char *harness_cchc_output_in(const test_server *srv, int english, const char *const *args);

/* Fail the test, printing the text, when needle is absent / present. */
void harness_expect_has(const char *text, const char *needle);
void harness_expect_lacks(const char *text, const char *needle);
/* The same with stdin_text on its standard input (passwords). */
void harness_cchc_input(run_result *result, const test_server *srv, const char *stdin_text,
                        const char *const *args);
void run_result_free(run_result *result);
/* Runs `cchc ARGS…` (NULL-terminated) and fails the test unless it exits 0. */
void harness_cchc_ok(const test_server *srv, const char *const *args);
/* Runs `cchc --json ARGS…` (NULL-terminated), fails the test unless it
 * exits 0 with valid JSON, and returns the parsed output. */
json_t *harness_cchc_json(const test_server *srv, const char *const *args);
/* Runs `cchc --json ARGS…` (NULL-terminated), fails the test unless it
 * exits 1 with an error whose code (not_found, permission_denied…) is
 * code, and returns the error's message id (malloc'd). */
char *harness_cchc_refused(const test_server *srv, const char *const *args, const char *code);

/* The entry for task_id in `cchc --json tasks --period P` of whoever is
 * logged in (a new reference); fails the test when it is not there. */
json_t *harness_my_task(const test_server *srv, const char *period, int task_id);

/* The string at key; fails the test when it is missing or not a string. */
const char *jstr(json_t *obj, const char *key);
/* The integer at key (0 when missing, as json_integer_value gives). */
long long jint(json_t *obj, const char *key);

/* The canonical value (data-value) of the figure data-figure="key" in an
 * HTML document cchc wrote (malloc'd), or NULL when it has none. */
char *harness_html_value(const char *html, const char *key);

/* Writes text to path (replacing it). */
void harness_write_file(const char *path, const char *text);
/* The whole file as a malloc'd string. */
char *harness_read_file(const char *path);

/* ---- homes: where cchc keeps an identity's config and session ------------- */

/* A fresh, private XDG_CONFIG_HOME (for another identity's session). */
void harness_new_home(char *out, size_t size);
/* Makes cchc run from this process use dir's config and session. */
void harness_use_home(const char *dir);
/* Removes a home made by harness_new_home, with everything cchc wrote in it. */
void harness_remove_home(const char *dir);
/* The session token stored in a home by `cchc login` ("" when none). */
void harness_home_token(const char *dir, char *out, size_t size);
/* Logs username in with `cchc login --password-stdin` into the current
 * home; returns cchc's exit code. */
int harness_login(const test_server *srv, const char *username, const char *password);
/* Adds an account with `cchc user add` as whoever is logged in in the
 * current home (the fixture's administrator). */
void harness_add_account(const test_server *srv, const char *username, const char *password,
                         const char *unit, const char *roles);

/* ---- the fixture: a migrated database, a server, an administrator -------- */

#define HARNESS_MAX_PEOPLE 8

/* Someone a test acts as: an account of a unit with roles. */
typedef struct test_person {
    const char *username, *password, *unit, *roles;
} test_person;

/* What most test programs share: a migrated database and a server on it,
 * started in the group setup and stopped in the group teardown, and the
 * people the tests act as. */
typedef struct test_fixture {
    test_db db;
    test_server srv;
    char home[64]; /* XDG_CONFIG_HOME of the logged-in administrator */
    int npeople;
    char homes[HARNESS_MAX_PEOPLE][64]; /* one per person, by index */
} test_fixture;

/* The administrator every fixture creates with `cchcd create-admin`. */
#define HARNESS_ADMIN "admin"
#define HARNESS_ADMIN_PASSWORD "Quan-tri-Can-Tho-2023"

/* Creates and migrates the database, creates the administrator, starts
 * cchcd, and logs the administrator in with the real client; its session
 * lives in a fresh XDG_CONFIG_HOME that this process (and so every cchc it
 * runs) uses from then on. */
void fixture_start(test_fixture *fx, const char *tag, const char *const *extra_args);
/* Stops the server, drops the database and removes every home; returns 0
 * only when the server exited cleanly (so a sanitizer report fails the
 * group). */
int fixture_stop(test_fixture *fx);
/* The administrator adds an account for each person and gives each a
 * fresh home; with login, each also logs in there. The administrator's
 * home is in use afterwards. */
void fixture_add_people(test_fixture *fx, const test_person *people, int n, int login);
/* Makes cchc run as people[who] (as given to fixture_add_people), or as
 * the administrator when who < 0. */
void fixture_as(test_fixture *fx, int who);

/* ---- data every reporting test needs --------------------------------------- */

/* Imports communes from CSV text ("code,name,district" lines) valid from
 * 2004, as the administrator in the current home. */
void harness_import_communes(const test_server *srv, const char *csv);
/* Opens a reporting period and moves both its deadlines to 2099, so
 * reports sent now are on time; as the administrator in the current home. */
void harness_open_period(const test_server *srv, const char *period);

/* ---- consolidated reports ------------------------------------------------ */

/* Writes a filled consolidation template to path: the header `cchc
 * consolidate` writes and one row (task "" for the city's, unit "" for
 * the caller's own unit, base the revision it is made from); each text
 * is a CSV field, quoted with its quotes doubled, an empty one empty. */
void harness_write_consolidation(const char *path, const char *period, const char *level,
                                 const char *task, const char *unit, int base,
                                 const char *assessment, const char *difficulties,
                                 const char *proposals);
/* The consolidation of unit on task (0 for the city's) at level, as `cchc
 * consolidate list --period P --level L` shows it to whoever is logged in
 * (a new reference), or NULL when that list does not have it. */
json_t *harness_consolidation_listed(const test_server *srv, const char *period,
                                     const char *level, const char *unit, int task);

/* ---- report submissions on raw connections (group commit) ---------------- */

/* One submission of one or two rows, as cchc would send it, on a raw
 * connection of its own (raw_connect_greeted). The test fills it. */
typedef struct raw_submission {
    const char *unit;  /* the reporter's unit: the stored rows, the messages */
    const char *token; /* the reporter's session (harness_home_token) */
    const char *period;
    int task, task2;   /* task2 0: one row */
    int base;          /* base_revision of the first row (the second's is 0) */
    char text[128];    /* results, the same in both rows */
    char row_key[48], row_key2[48];
    char request_key[48]; /* "" for none (an older client's) */
    int fd;
} raw_submission;

/* What cchcd must run with for raw_submissions_behind_blocker to make a
 * batch: one shared transaction in flight, so the others queue behind the
 * first while it waits. */
#define HARNESS_ONE_GROUP_COMMIT "--group-commit-inflight", "1", "--group-commit-max", "64"

/* The size of a session token as harness_home_token gives it. */
#define HARNESS_TOKEN_SIZE 128

/* The fixture of the group commit tests: fixture_start with
 * HARNESS_ONE_GROUP_COMMIT, the people added and logged in, and each
 * one's session token in tokens[i], for its raw submissions. */
void fixture_start_group_commit(test_fixture *fx, const char *tag, const test_person *people,
                                int n, char tokens[][HARNESS_TOKEN_SIZE]);
/* Starts s: zeroed, then who it is and what it reports, on a new greeted
 * connection to srv; the test writes its text and keys. */
void raw_submission_start(raw_submission *s, const test_server *srv, const char *unit,
                          const char *token, const char *period, int task);
/* Sends s with request_id, without waiting. */
void raw_submission_send(const raw_submission *s, uint64_t request_id);
/* The answer to s (60 s at most); fails naming s when none comes. */
Cchc__V1__Response *raw_submission_answer(const raw_submission *s);
/* r saved s's one row as revision, replayed or not; fails with the
 * server's message when r is an error. */
void raw_submission_expect_saved(const raw_submission *s, Cchc__V1__Response *r, int revision,
                                 int replayed);
/* Revision `revision` of s's report holds s's text (and, with latest, is
 * the report's latest). */
void raw_submission_expect_stored(const test_db *db, const raw_submission *s, int revision,
                                  int latest);
/* The test's own connection to db, holding period's row FOR UPDATE: a
 * submission for that period waits for it inside PostgreSQL until
 * harness_release_period commits. */
PGconn *harness_hold_period(const test_db *db, const char *period);
void harness_release_period(PGconn *holder);
/* Sends first (request id 2) and waits until it waits for a lock in db,
 * then sends the others to srv and waits until cchcd's log says each is
 * queued for group commit behind it. one_by_one: each is sent only once
 * the one before is queued, so their order in the batch is known; else
 * all at once, then the wait for all n. */
void raw_submissions_behind_blocker(const test_db *db, const test_server *srv,
                                    raw_submission *first, raw_submission *others, int n,
                                    int one_by_one);

/* ---- the server seen from /proc ------------------------------------------- */

/* VmRSS, VmHWM or another field of /proc/PID/status, in kB (> 0). */
long harness_proc_kb(pid_t pid, const char *field);
/* Resets pid's VmHWM to its current size ("5" to clear_refs), so a peak
 * measured afterwards belongs to what the test did. */
void harness_reset_peak(pid_t pid);
/* False under AddressSanitizer (quarantine, redzones) and valgrind, where
 * resident sizes say nothing about the server's own use: tests then print
 * them instead of asserting bounds. */
int harness_rss_measurable(void);

/* ---- raw protocol access --------------------------------------------------- */

/* A connection is an int as a socket is. When srv->tls, raw_connect also
 * makes the TLS handshake (verifying cchcd against the test CA) and the
 * harness keeps the TLS state of that descriptor: every raw_* call on it
 * reads and writes through TLS, so a test's bytes (garbage, half frames,
 * oversized announcements) travel inside TLS as a client's would. Tests
 * close it with close(); the harness notices a descriptor number reused
 * by another socket and forgets the old state. */
int raw_connect(const test_server *srv);
/* A TCP connection without TLS whatever srv is: for bytes under the TLS
 * layer (a client that does not speak TLS, a handshake that never comes). */
int raw_connect_plain(const test_server *srv);
/* Makes the TLS handshake on a socket the test connected itself (from
 * another source address), when srv->tls; nothing otherwise. */
void raw_start_tls(int fd, const test_server *srv);
/* A TCP connection without TLS to srv from the loopback address source
 * (e.g. "127.0.0.3"): a client on another address, for the per-address
 * cap and for PROXY protocol peers. */
int raw_connect_plain_from(const test_server *srv, const char *source);
void raw_send(int fd, const void *data, size_t len);
/* raw_send that reports failure (-1, e.g. the server has closed) instead
 * of failing the test. */
int raw_try_send(int fd, const void *data, size_t len);
/* Reads exactly len bytes (0), or -1 on EOF, error or no byte within
 * timeout_ms. */
int raw_read_exact(int fd, void *buf, size_t len, int timeout_ms);
/* Encodes and sends a request frame. */
void raw_send_request(int fd, Cchc__V1__Request *request);
/* Sends a ping (with a database round trip when check_db) without waiting. */
void raw_send_ping(int fd, uint64_t request_id, int check_db);
/* n ping frames with ids first_id, first_id + 1, … back to back, to send
 * in one write (a pipeline or a flood); malloc'd, its length in *len. */
uint8_t *raw_ping_frames(uint64_t first_id, int n, int check_db, size_t *len);
/* The frame of req (malloc'd), its length in *len. */
uint8_t *raw_request_frame(Cchc__V1__Request *req, size_t *len);
/* Appends req's frame, or a ping's with request_id, to *buf (grown as
 * needed; *buf NULL and *len 0 to start): requests to send in one write. */
void raw_append_request(uint8_t **buf, size_t *len, Cchc__V1__Request *req);
void raw_append_ping(uint8_t **buf, size_t *len, uint64_t request_id);
/* A plaintext TCP connection to srv whose receive window is a few KiB
 * (set before connect, so the kernel cannot grow it): what cchcd sends
 * it piles up in cchcd rather than in the kernel, as for a client that
 * stops reading on a slow link. */
int raw_connect_small_window(const test_server *srv);
/* The port of fd's own end: cchcd's log names the connection
 * "127.0.0.1:PORT" by it. */
int raw_local_port(int fd);
/* Sends a login without waiting for the answer. */
void raw_send_login(int fd, uint64_t request_id, const char *username, const char *password);
/* Reads one response frame (NULL on EOF/timeout/garbage). */
Cchc__V1__Response *raw_read_response(int fd, int timeout_ms);
/* True when the peer closed the connection within timeout_ms. */
int raw_wait_closed(int fd, int timeout_ms);
/* Sends hello and checks the answer. */
void raw_hello(int fd, uint64_t request_id);
/* raw_connect, then a hello with request id 1 answered: a connection
 * ready for requests. */
int raw_connect_greeted(const test_server *srv);
/* srv is alive and a fresh client gets hello and a database ping answered
 * (after a test has tried to hurt it). */
void harness_assert_serves(const test_server *srv);

#endif
