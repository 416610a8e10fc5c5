/* See harness_terminal.h. */
#include "harness_terminal.h"

#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static void apply_env(const char *const *env)
{
    unsetenv("COLUMNS");
    unsetenv("NO_COLOR");
    for (int i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        if (eq) {
            char name[64];
            snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]), env[i]);
            setenv(name, eq + 1, 1);
        } else {
            unsetenv(env[i]);
        }
    }
}

int harness_cchc_on_terminal(const test_server *srv, const char *const *args,
                             const harness_terminal *t, char *out, size_t size)
{
    static const harness_terminal plain = {0};
    if (!t)
        t = &plain;
    const char *argv[48];
    int argc = harness_cchc_argv(srv, argv);
    for (int i = 0; args[i] && argc < 47; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    struct winsize ws = {.ws_row = 50, .ws_col = (unsigned short)t->columns};
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, t->columns > 0 ? &ws : NULL);
    assert_true(pid >= 0);
    if (pid == 0) {
        apply_env(t->env);
        harness_exec(argv);
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    size_t used = 0;
    int answered = !t->question;
    out[0] = '\0';
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = harness_scaled_ms(20000) - (long)((now.tv_sec - start.tv_sec) * 1000 +
                                                      (now.tv_nsec - start.tv_nsec) / 1000000);
        if (left <= 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            close(master);
            fail_msg("cchc on a terminal did not finish; it showed: %s", out);
        }
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t n = read(master, out + used, size - 1 - used);
        if (n <= 0) /* EIO: the child closed the terminal */
            break;
        used += (size_t)n;
        out[used] = '\0';
        if (used + 1 >= size)
            fail_msg("cchc showed more than %zu bytes on the terminal", size);
        if (!answered && strstr(out, t->question)) {
            const char *answer = t->answer ? t->answer : "";
            assert_true(write(master, answer, strlen(answer)) == (ssize_t)strlen(answer));
            assert_true(write(master, "\n", 1) == 1);
            answered = 1;
        }
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(master);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (harness_valgrind_check(pid, code))
        fail_msg("valgrind memcheck found errors in cchc on a terminal");
    return code;
}
