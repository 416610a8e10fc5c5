/* What the end-to-end tests share: a fresh database per test program on
 * the PostgreSQL that scripts/test started (found through the standard
 * PGHOST/PGPORT/PGUSER variables), the real cchcd started as a subprocess on
 * a free port, the real cchc run as a subprocess with its output captured,
 * and raw protocol access for feeding the server bad bytes. */
#ifndef CCHC_TEST_HARNESS_H
#define CCHC_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "cchc/v1/envelope.pb-c.h"

typedef struct test_db {
    char name[64];
    char conninfo[256];
} test_db;

typedef struct test_server {
    pid_t pid;
    int port;
    char addr[64];
    char log_path[256];
} test_server;

typedef struct run_result {
    int exit_code; /* 128+N when killed by signal N */
    char *out;
    char *err;
} run_result;

/* Creates an empty database with a unique name; fails the test on error. */
void harness_db_create(test_db *db, const char *tag);
/* Same, then runs `cchcd migrate` on it. */
void harness_db_create_migrated(test_db *db, const char *tag);
void harness_db_drop(test_db *db);
/* Runs one SQL statement on the maintenance database (no parameters). */
void harness_admin_sql(const char *sql);
/* Runs one SQL statement on db; returns the first column of the first row
 * (malloc'd, NULL when no row). */
char *harness_db_query(const test_db *db, const char *sql);

/* Starts cchcd serve on db with extra arguments (NULL-terminated) and waits
 * until it accepts connections. */
void harness_server_start(test_server *srv, const char *conninfo,
                          const char *const *extra_args);
/* Starts cchcd again on the port it had (after harness_server_stop). */
void harness_server_restart(test_server *srv, const char *conninfo,
                            const char *const *extra_args);
/* SIGTERM, then waits; returns cchcd's exit code (fails after 20 s). */
int harness_server_stop(test_server *srv);
/* True while the process is alive. */
int harness_server_alive(test_server *srv);

/* Runs argv (argv[0] a path) with optional stdin text; captures output. */
void harness_run(run_result *result, const char *stdin_text, const char *const *argv);
/* Runs cchc --server <srv> args… (NULL-terminated). */
void harness_cchc(run_result *result, const test_server *srv, const char *const *args);
void run_result_free(run_result *result);

/* What most test programs share: a migrated database and a server on it,
 * started in the group setup and stopped in the group teardown. */
typedef struct test_fixture {
    test_db db;
    test_server srv;
    char home[64]; /* XDG_CONFIG_HOME of the logged-in administrator */
} test_fixture;

/* The administrator every fixture creates with `cchcd create-admin`. */
#define HARNESS_ADMIN "admin"
#define HARNESS_ADMIN_PASSWORD "Quan-tri-Can-Tho-2023"

/* Creates and migrates the database, creates the administrator, starts
 * cchcd, and logs the administrator in with the real client; its session
 * lives in a fresh XDG_CONFIG_HOME that this process (and so every cchc it
 * runs) uses from then on. */
void fixture_start(test_fixture *fx, const char *tag, const char *const *extra_args);
/* Stops the server and drops the database; returns 0 only when the server
 * exited cleanly (so a sanitizer report fails the group). */
int fixture_stop(test_fixture *fx);

/* A fresh, private XDG_CONFIG_HOME (for another identity's session). */
void harness_new_home(char *out, size_t size);
/* Makes cchc run from this process use dir's config and session. */
void harness_use_home(const char *dir);
/* Logs username in with `cchc login --password-stdin` into the current
 * home; returns cchc's exit code. */
int harness_login(const test_server *srv, const char *username, const char *password);
/* Adds an account with `cchc user add` as whoever is logged in in the
 * current home (the fixture's administrator); fails the test on error. */
void harness_add_account(const test_server *srv, const char *username, const char *password,
                         const char *unit, const char *roles);
/* The session token stored in a home by `cchc login` ("" when none). */
void harness_home_token(const char *dir, char *out, size_t size);

/* Runs `cchc ARGS…` (NULL-terminated) and fails the test unless it exits 0. */
void harness_cchc_ok(const test_server *srv, const char *const *args);
/* Runs `cchc --json ARGS…` (NULL-terminated), fails the test unless it
 * exits 0 with valid JSON, and returns the parsed output. */
json_t *harness_cchc_json(const test_server *srv, const char *const *args);

/* Raw protocol access. */
int raw_connect(const test_server *srv);
void raw_send(int fd, const void *data, size_t len);
/* Encodes and sends a request frame. */
void raw_send_request(int fd, Cchc__V1__Request *request);
/* Reads one response frame (NULL on EOF/timeout/garbage). */
Cchc__V1__Response *raw_read_response(int fd, int timeout_ms);
/* True when the peer closed the connection within timeout_ms. */
int raw_wait_closed(int fd, int timeout_ms);
/* Sends hello and checks the answer. */
void raw_hello(int fd, uint64_t request_id);

/* Sleeps for ms milliseconds. */
void harness_sleep_ms(int ms);

#endif
