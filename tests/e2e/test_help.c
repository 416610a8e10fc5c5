/* Asking for help never acts, help teaches, and nothing a clerk submits is
 * lost to a session that ran out (issue 10, part 7; issue 14, part H4).
 *
 * Help: the list of commands and subcommands comes from the client itself
 * (`cchc --list-commands`, main.c's table and each command file's list of
 * subcommands), and each is run with -h and with --help from a home that
 * holds a session and a waiting outbox submission, against an address
 * where a listener of this test waits: every run must exit 0 with its
 * usage on stdout, in Vietnamese (the default: "cách dùng:", no English
 * "usage:"), followed by examples ("Ví dụ"), leave no connection in the
 * listener's queue (the kernel queues one even though the test never
 * accepts), and leave the home exactly as it was.
 *
 * `cchc help` walks each role through its job: the clerk's, the reviewer's
 * and Sở Nội vụ's sections are there, in one language, and every `cchc
 * WORD` it shows names a real command; `cchc help COMMAND` prints exactly
 * what `cchc COMMAND --help` does; an unknown command is a usage error.
 *
 * Completion (`cchc --complete periods|tasks|units PREFIX`, for
 * completion/cchc.bash): words from the server, cached beside the session;
 * a fresh cache answers without connecting; an old one is used when the
 * server does not answer; with neither, nothing is printed at all.
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
#include <sys/time.h>
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
    /* Vietnamese, the default language, and nothing of the English */
    if (!strstr(r.out, "cách dùng: cchc"))
        fail_msg("cchc%s: no Vietnamese usage on stdout: %s", what, r.out);
    if (strstr(r.out, "usage:") || strstr(r.out, "Examples"))
        fail_msg("cchc%s: English in the Vietnamese help: %s", what, r.out);
    /* help that teaches: every command and subcommand shows examples */
    if (!strstr(r.out, "Ví dụ"))
        fail_msg("cchc%s: no examples (\"Ví dụ\"): %s", what, r.out);
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

/* Runs cchc --server TRAP --timeout 2000 ARGS… from the trap's home; the
 * trap must not have been called. */
static void run_offline(run_result *r, const char *const *args)
{
    const char *argv[16] = {"--timeout", "2000"};
    int n = 2;
    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    harness_use_home(trap_home);
    harness_cchc(r, &trap, argv);
    if (trap_was_called())
        fail_msg("cchc %s: connected to the server", args[0]);
}

/* `cchc help`: each role's job, step by step, in one language, naming
 * only real commands; `help COMMAND` is `COMMAND --help`. */
static void test_help_teaches(void **state)
{
    (void)state;
    const char *list_argv[] = {CCHC_BIN, "--list-commands", NULL};
    run_result list;
    harness_run(&list, NULL, list_argv);
    assert_int_equal(list.exit_code, 0);

    const char *guide_args[] = {"help", NULL};
    run_result r;
    run_offline(&r, guide_args);
    assert_int_equal(r.exit_code, 0);
    const char *sections[] = {
        "Người báo cáo", "Người duyệt", "Sở Nội vụ (admin",
        /* the clerk's quarterly job, in order */
        "cchc login", "cchc due", "cchc template --period", "cchc submit --file",
        "cchc tasks --period",
        /* the reviewer's and the administrator's */
        "cchc review list", "cchc review accept", "cchc review return", "cchc period open",
        "cchc period approve", "cchc export --period",
        /* and the command list after them */
        "cách dùng: cchc", "Các lệnh:",
    };
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        if (!strstr(r.out, sections[i]))
            fail_msg("cchc help lacks \"%s\":\n%s", sections[i], r.out);
    assert_null(strstr(r.out, "usage:"));
    assert_null(strstr(r.out, "District or commune clerk"));
    /* the clerk's steps come in the order of the job */
    const char *login = strstr(r.out, "1. cchc login"), *template = strstr(r.out, "3. cchc template"),
               *submit = strstr(r.out, "5. cchc submit --file");
    assert_non_null(login);
    assert_true(login < template && template < submit);
    /* every `cchc WORD` the guide shows (before the usage) is a command of
     * this client */
    int named = 0;
    const char *guide_end = strstr(r.out, "cách dùng: cchc");
    for (const char *p = strstr(r.out, "cchc "); p && p < guide_end; p = strstr(p + 5, "cchc ")) {
        char word[32] = "", line[40];
        int len = 0;
        if (sscanf(p + 5, "%31[a-z-]%n", word, &len) != 1 || (p[5 + len] != ' ' && p[5 + len] != '\n'))
            continue; /* prose, not a command line */
        snprintf(line, sizeof(line), "\n%s\n", word);
        char wrapped[4096];
        snprintf(wrapped, sizeof(wrapped), "\n%s", list.out);
        if (!strstr(wrapped, line))
            fail_msg("cchc help shows 'cchc %s', which is no command", word);
        named++;
    }
    assert_true(named >= 20);
    run_result_free(&r);

    /* English on request, and only English */
    const char *english_args[] = {"--lang", "en", "help", NULL};
    run_offline(&r, english_args);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "District or commune clerk"));
    assert_non_null(strstr(r.out, "usage: cchc"));
    assert_null(strstr(r.out, "Người báo cáo"));
    assert_null(strstr(r.out, "cách dùng"));
    run_result_free(&r);

    /* help COMMAND [SUBCOMMAND] is COMMAND [SUBCOMMAND] --help, byte for byte */
    const char *pairs[][2][5] = {
        {{"help", "submit", NULL}, {"submit", "--help", NULL}},
        {{"help", "review", "return", NULL}, {"review", "return", "--help", NULL}},
        {{"help", "period", NULL}, {"period", "-h", NULL}},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        run_result a, b;
        run_offline(&a, pairs[i][0]);
        run_offline(&b, pairs[i][1]);
        assert_int_equal(a.exit_code, 0);
        assert_int_equal(b.exit_code, 0);
        assert_string_equal(a.out, b.out);
        assert_non_null(strstr(a.out, "Ví dụ"));
        run_result_free(&a);
        run_result_free(&b);
    }
    const char *unknown[] = {"help", "nope", NULL};
    run_offline(&r, unknown);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "nope"));
    assert_string_equal(r.out, "");
    run_result_free(&r);
    run_result_free(&list);
    fixture_as(&fx, -1);
}

/* The cache file of kind in home. */
static void cache_path(const char *home, const char *kind, char *out, size_t size)
{
    snprintf(out, size, "%s/cchc/complete-%s", home, kind);
}

/* Runs cchc --complete KIND PREFIX against srv (with --timeout when
 * timeout is set) from the current home. */
static void complete(run_result *r, const test_server *to, const char *timeout, const char *kind,
                     const char *prefix)
{
    const char *args[] = {"--timeout", timeout, "--complete", kind, prefix, NULL};
    harness_cchc(r, to, timeout ? args : args + 2);
}

static void test_complete_words(void **state)
{
    (void)state;
    /* from the server, as the reporter: every period, task and unit */
    fixture_as(&fx, REPORTER);
    run_result r;
    complete(&r, srv, NULL, "periods", "2023-");
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "2023-6M\n"));
    assert_null(strstr(r.out, "2024-")); /* only words with the prefix */
    assert_string_equal(r.err, "");
    run_result_free(&r);
    complete(&r, srv, NULL, "tasks", "10");
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "105\n"));
    for (const char *line = r.out; *line; line = strchr(line, '\n') + 1)
        assert_memory_equal(line, "10", 2);
    run_result_free(&r);
    complete(&r, srv, NULL, "units", "Q-");
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Q-NINHKIEU\n"));
    run_result_free(&r);
    /* kept beside the session, for this server */
    char path[256];
    cache_path(fx.homes[REPORTER], "periods", path, sizeof(path));
    char *cached = harness_read_file(path);
    char first[128];
    snprintf(first, sizeof(first), "server=%s\n", srv->addr);
    assert_memory_equal(cached, first, strlen(first));
    assert_non_null(strstr(cached, "\n2023-6M\n"));
    free(cached);
    complete(&r, srv, NULL, "colours", "");
    assert_int_equal(r.exit_code, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    run_result_free(&r);

    /* the trap never answers: a fresh cache answers without asking it */
    harness_use_home(trap_home);
    cache_path(trap_home, "periods", path, sizeof(path));
    char text[256];
    snprintf(text, sizeof(text), "server=%s\n2023-Q1\n2023-6M\n2022-Y\n", trap.addr);
    harness_write_file(path, text);
    complete(&r, &trap, "500", "periods", "2023");
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "2023-Q1\n2023-6M\n");
    assert_false(trap_was_called());
    run_result_free(&r);
    /* an hour old: the server is asked, does not answer, the cache does */
    struct timeval old[2];
    gettimeofday(&old[0], NULL);
    old[0].tv_sec -= 3600;
    old[1] = old[0];
    assert_int_equal(utimes(path, old), 0);
    complete(&r, &trap, "500", "periods", "2023-6");
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "2023-6M\n");
    assert_string_equal(r.err, "");
    assert_true(trap_was_called());
    run_result_free(&r);
    /* no cache, no answer: silence, and a failure's exit code */
    assert_int_equal(unlink(path), 0);
    complete(&r, &trap, "500", "periods", "");
    assert_int_not_equal(r.exit_code, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    trap_was_called();
    run_result_free(&r);
    /* another server's cache is not this one's */
    snprintf(text, sizeof(text), "server=%s\n2023-Q1\n", srv->addr);
    harness_write_file(path, text);
    complete(&r, &trap, "500", "periods", "");
    assert_string_equal(r.out, "");
    trap_was_called();
    run_result_free(&r);
    assert_int_equal(unlink(path), 0);
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
        cmocka_unit_test(test_help_teaches),
        cmocka_unit_test(test_complete_words),
        cmocka_unit_test(test_discard_confirms),
        cmocka_unit_test(test_expired_session_keeps_submission),
        cmocka_unit_test(test_revoked_session_keeps_submission),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
