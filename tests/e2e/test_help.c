/* Asking for help never acts, and nothing a clerk submits is lost to a
 * session that ran out (issue 10, part 7).
 *
 * Help: the list of commands and subcommands comes from the client itself
 * (`cchc --list-commands`, main.c's table and each command file's list of
 * subcommands), and each is run with -h and with --help from a home that
 * holds a session and a waiting outbox submission, against an address
 * where a listener of this test waits: every run must exit 0 with its
 * usage on stdout, leave no connection in the listener's queue (the kernel
 * queues one even though the test never accepts), and leave the home
 * exactly as it was.
 *
 * Discarding the outbox asks first: refused without --yes when stdin is no
 * terminal, asked on a terminal (a pseudo-terminal here), done with --yes.
 *
 * A `submit --task` made with an expired or revoked session stays in the
 * outbox with a message saying to log in and send it, and after login and
 * `outbox send` it arrives exactly once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
};

/* A listener nobody answers: where the help runs are pointed. */
static int trap_fd = -1;
static test_server trap; /* only its addr is used, by harness_cchc */
static char trap_home[64];

#define OUTBOX_ITEM "1700000000000000000-waiting"

/* Writes a session for trap.addr and one waiting submission into home,
 * as `cchc login` and a failed `cchc submit` would have. */
static void plant_session_and_outbox(const char *home)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/cchc", home);
    assert_int_equal(mkdir(path, 0700) == 0 || errno == EEXIST, 1);
    snprintf(path, sizeof(path), "%s/cchc/session", home);
    char text[512];
    snprintf(text, sizeof(text),
             "server=%s\nusername=%s\ntoken=dGhpcy1pcy1ub3QtYS1yZWFsLXRva2VuLWF0LWFsbC0wMTIz\n"
             "expires_at=2099-01-01T00:00:00Z\nroles=reporter\n",
             trap.addr, people[REPORTER].username);
    harness_write_file(path, text);
    assert_int_equal(chmod(path, 0600), 0);
    snprintf(path, sizeof(path), "%s/cchc/outbox", home);
    assert_int_equal(mkdir(path, 0700) == 0 || errno == EEXIST, 1);

    Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT, *rows[] = {&row};
    row.task_id = 105;
    row.status = "in_progress";
    row.progress = "40";
    row.results = "Chờ gửi";
    row.idempotency_key = "00112233445566778899aabbccddeeff";
    Cchc__V1__ReportSubmitRequest body = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    body.period_id = "2023-6M";
    body.rows = rows;
    body.n_rows = 1;
    uint8_t packed[512];
    size_t len = cchc__v1__report_submit_request__pack(&body, packed);
    snprintf(path, sizeof(path), "%s/cchc/outbox/" OUTBOX_ITEM, home);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "server=%s\nuser=%s\n", trap.addr, people[REPORTER].username);
    assert_int_equal(fwrite(packed, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Appends "path size mtime mode" for every file under dir (sorted), so two
 * snapshots differ when anything was written, made, renamed or removed. */
static void snapshot(const char *dir, char *out, size_t size)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            char path[512];
            snprintf(path, sizeof(path), "%s/%s", dir, name);
            struct stat st;
            if (lstat(path, &st) == 0) {
                size_t used = strlen(out);
                snprintf(out + used, size - used, "%s %lld %lld.%09ld %o\n", path,
                         (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                         (unsigned)st.st_mode);
                if (S_ISDIR(st.st_mode))
                    snapshot(path, out, size);
            }
        }
        free(names[i]);
    }
    free(names);
}

/* True when a connection waits in the trap's queue; accepts and closes
 * it, so the next check starts clean. */
static int trap_was_called(void)
{
    struct pollfd p = {.fd = trap_fd, .events = POLLIN};
    if (poll(&p, 1, 0) != 1)
        return 0;
    int c = accept(trap_fd, NULL, NULL);
    if (c >= 0)
        close(c);
    return 1;
}

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "help", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");

    trap_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    if (trap_fd < 0 || bind(trap_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(trap_fd, 64) != 0 || getsockname(trap_fd, (struct sockaddr *)&a, &alen) != 0)
        fail_msg("trap listener: %s", strerror(errno));
    snprintf(trap.addr, sizeof(trap.addr), "127.0.0.1:%d", ntohs(a.sin_port));
    harness_new_home(trap_home, sizeof(trap_home));
    plant_session_and_outbox(trap_home);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (trap_fd >= 0)
        close(trap_fd);
    harness_remove_home(trap_home);
    return fixture_stop(&fx);
}

/* Runs cchc --server TRAP --timeout 2000 WORDS… EXTRA… from the trap's
 * home and checks that it only printed its usage. */
static void check_help_only(char *const *words, int nwords, const char *const *extra)
{
    const char *args[32] = {"--timeout", "2000"};
    int n = 2;
    for (int i = 0; i < nwords; i++)
        args[n++] = words[i];
    for (int i = 0; extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    char what[256] = "";
    for (int i = 2; i < n; i++)
        snprintf(what + strlen(what), sizeof(what) - strlen(what), " %s", args[i]);

    static char before[1 << 14], after[1 << 14];
    before[0] = after[0] = '\0';
    snapshot(trap_home, before, sizeof(before));
    harness_use_home(trap_home);
    run_result r;
    harness_cchc(&r, &trap, args);
    snapshot(trap_home, after, sizeof(after));
    if (r.exit_code != 0)
        fail_msg("cchc%s: exit %d, stderr: %s", what, r.exit_code, r.err);
    if (!strstr(r.out, "usage: cchc"))
        fail_msg("cchc%s: no usage on stdout: %s", what, r.out);
    if (!strstr(r.out, words[0]))
        fail_msg("cchc%s: the usage does not name the command: %s", what, r.out);
    if (trap_was_called())
        fail_msg("cchc%s: connected to the server", what);
    if (strcmp(before, after) != 0)
        fail_msg("cchc%s: changed the home:\nbefore:\n%safter:\n%s", what, before, after);
    run_result_free(&r);
}

/* Every command and subcommand, with -h and with --help, and with the
 * help asked after other arguments of the riskiest commands. */
static void test_help_never_acts(void **state)
{
    (void)state;
    const char *list_argv[] = {CCHC_BIN, "--list-commands", NULL};
    run_result list;
    harness_run(&list, NULL, list_argv);
    assert_int_equal(list.exit_code, 0);
    /* the list is the client's own; these must be among it */
    const char *expected[] = {"\noutbox discard\n", "\nlogout\n", "\nuser unlock\n",
                              "\nperiod approve\n", "\nreview accept\n", "\nsubmit\n"};
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        if (!strstr(list.out, expected[i]))
            fail_msg("cchc --list-commands lacks%s", expected[i]);

    int checked = 0;
    char *save = NULL;
    for (char *line = strtok_r(list.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *words[4];
        int nwords = 0;
        char *wsave = NULL;
        for (char *w = strtok_r(line, " ", &wsave); w && nwords < 4; w = strtok_r(NULL, " ", &wsave))
            words[nwords++] = w;
        const char *short_help[] = {"-h", NULL}, *long_help[] = {"--help", NULL};
        check_help_only(words, nwords, short_help);
        check_help_only(words, nwords, long_help);
        checked++;
    }
    run_result_free(&list);
    assert_true(checked >= 50);

    /* help after arguments that would otherwise act */
    char *discard[] = {"outbox", "discard"};
    const char *discard_yes[] = {"--yes", "-h", NULL};
    check_help_only(discard, 2, discard_yes);
    char *submit[] = {"submit"};
    const char *submit_args[] = {"--task", "105", "--period", "2023-6M", "--status",
                                 "hoàn thành", "--progress", "100", "--help", NULL};
    check_help_only(submit, 1, submit_args);
    char *approve[] = {"period", "approve"};
    const char *approve_args[] = {"2023-6M", "-h", NULL};
    check_help_only(approve, 2, approve_args);
    char *accept[] = {"review", "accept"};
    const char *accept_args[] = {"--period", "2023-6M", "--all", "-h", NULL};
    check_help_only(accept, 2, accept_args);
    char *unlock[] = {"user", "unlock"};
    const char *unlock_args[] = {"nk.baocao", "--help", NULL};
    check_help_only(unlock, 2, unlock_args);
    fixture_as(&fx, -1);
}

/* Runs cchc --server TRAP ARGS… on a pseudo-terminal, answering `answer`
 * to its question; returns the exit code and what it wrote (in out). */
static int run_on_terminal(const char *const *args, const char *answer, char *out, size_t size)
{
    const char *argv[16] = {CCHC_BIN, "--server", trap.addr};
    int n = 3;
    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    if (pid < 0)
        fail_msg("forkpty: %s", strerror(errno));
    if (pid == 0)
        harness_exec(argv);
    /* the answer waits in the terminal's input until cchc reads it */
    if (write(master, answer, strlen(answer)) != (ssize_t)strlen(answer))
        fail_msg("writing to the terminal: %s", strerror(errno));
    size_t used = 0;
    for (;;) {
        ssize_t got = read(master, out + used, size - 1 - used);
        if (got <= 0) /* EIO once cchc exited and closed the terminal */
            break;
        used += (size_t)got;
        if (used == size - 1)
            break;
    }
    out[used] = '\0';
    close(master);
    int status;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (harness_valgrind_check(pid, code))
        fail_msg("valgrind memcheck found errors in cchc on a terminal");
    return code;
}

static int outbox_item_exists(void)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/cchc/outbox/" OUTBOX_ITEM, trap_home);
    return access(path, F_OK) == 0;
}

/* Discarding asks first; a script says --yes. */
static void test_discard_confirms(void **state)
{
    (void)state;
    harness_use_home(trap_home);
    assert_true(outbox_item_exists());
    /* no terminal, no --yes: refused, kept */
    /* (after a discard, a reporter's reminder of what is due calls the
     * trap, which never answers: hence the short timeout) */
    const char *discard[] = {"--timeout", "500", "outbox", "discard", NULL};
    run_result r;
    harness_cchc(&r, &trap, discard);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "--yes"));
    run_result_free(&r);
    assert_true(outbox_item_exists());
    /* a terminal: asked; "n" keeps it, "c" (có) discards it */
    char out[4096];
    assert_int_equal(run_on_terminal(discard, "n\n", out, sizeof(out)), 2);
    assert_non_null(strstr(out, "Bỏ 1 lần gửi chưa tới máy chủ?"));
    assert_true(outbox_item_exists());
    assert_int_equal(run_on_terminal(discard, "c\n", out, sizeof(out)), 0);
    assert_non_null(strstr(out, "đã bỏ 1"));
    assert_false(outbox_item_exists());
    /* --yes: no question */
    plant_session_and_outbox(trap_home);
    const char *discard_yes[] = {"--json", "outbox", "discard", "--yes", NULL};
    harness_cchc(&r, &trap, discard_yes);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "\"discarded\": 1"));
    run_result_free(&r);
    assert_false(outbox_item_exists());
    trap_was_called(); /* the reminder's connection, if it came */
    plant_session_and_outbox(trap_home); /* as the other tests expect it */
    fixture_as(&fx, -1);
}

static char *count_revisions(void)
{
    return harness_db_query(&fx.db,
                            "SELECT count(*) FROM report_revision v JOIN report x ON x.id = v.report_id"
                            " WHERE x.period_id = '2023-6M' AND x.task_id = 105"
                            "   AND x.unit_code = 'Q-NINHKIEU'");
}

/* Submits as the reporter with a session the server no longer accepts
 * (ended by `spoil`, SQL on the session table); the submission must be
 * kept, then arrive exactly once after login and `outbox send`. */
static void check_kept_until_login(const char *spoil, const char *result)
{
    fixture_as(&fx, REPORTER);
    char *before = count_revisions();
    free(harness_db_query(&fx.db, spoil));
    const char *submit[] = {"submit", "--task", "105", "--period", "2023-6M", "--status",
                            "đang triển khai", "--progress", "60", "--result", result, NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "hộp thư đi"));
    assert_non_null(strstr(r.err, "cchc login"));
    assert_non_null(strstr(r.err, "cchc outbox send"));
    run_result_free(&r);
    char *now = count_revisions();
    assert_string_equal(now, before); /* nothing arrived */
    free(now);
    const char *count[] = {"outbox", NULL};
    json_t *waiting = harness_cchc_json(srv, count);
    assert_int_equal(jint(waiting, "waiting"), 1);
    json_decref(waiting);

    assert_int_equal(harness_login(srv, people[REPORTER].username, people[REPORTER].password), 0);
    const char *send[] = {"outbox", "send", NULL};
    json_t *sent = harness_cchc_json(srv, send);
    assert_int_equal(jint(sent, "waiting"), 0);
    json_decref(sent);
    /* exactly once: one revision more, with the kept text, and a second
     * send finds nothing */
    now = count_revisions();
    assert_int_equal(atoi(now), atoi(before) + 1);
    free(now);
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM report_revision v JOIN report x ON x.id = v.report_id"
             " WHERE x.period_id = '2023-6M' AND x.task_id = 105 AND v.results = '%s'",
             result);
    char *with_text = harness_db_query(&fx.db, sql);
    assert_string_equal(with_text, "1");
    free(with_text);
    sent = harness_cchc_json(srv, send);
    assert_int_equal(jint(sent, "sent"), 0);
    assert_int_equal(jint(sent, "waiting"), 0);
    json_decref(sent);
    free(before);
    fixture_as(&fx, -1);
}

static void test_expired_session_keeps_submission(void **state)
{
    (void)state;
    check_kept_until_login("UPDATE session SET expires_at = now() - interval '1 second'"
                           " WHERE account_id = (SELECT id FROM account WHERE username = 'nk.baocao')"
                           "   AND revoked_at IS NULL",
                           "Gửi khi phiên đã hết hạn");
}

static void test_revoked_session_keeps_submission(void **state)
{
    (void)state;
    check_kept_until_login("UPDATE session SET revoked_at = now()"
                           " WHERE account_id = (SELECT id FROM account WHERE username = 'nk.baocao')"
                           "   AND revoked_at IS NULL",
                           "Gửi khi phiên đã bị thu hồi");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_never_acts),
        cmocka_unit_test(test_discard_confirms),
        cmocka_unit_test(test_expired_session_keeps_submission),
        cmocka_unit_test(test_revoked_session_keeps_submission),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
