/* End-to-end tests of issue 11's "memory" part that need real programs:
 * the password prompt gives the terminal its echo back when the program is
 * interrupted at the prompt (Ctrl-C, a kill), instead of leaving the
 * shell that follows typing blind. Run on a pseudo-terminal whose slave
 * side this test keeps open, so its settings can be read after cchc has
 * gone. (Valgrind mode, the frame-buffer wiping and its unit test are
 * elsewhere: harness.c, tests/unit/test_frame_wipe.c.) */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <utmp.h>

#include <cmocka.h>

#include "harness.h"

/* An address nothing listens on: the prompt comes before any connection. */
#define NOWHERE "127.0.0.1:1"

static int echo_on(int fd)
{
    struct termios t;
    assert_int_equal(tcgetattr(fd, &t), 0);
    return (t.c_lflag & ECHO) != 0;
}

typedef struct terminal_output {
    int master;
    char text[4096];
    size_t len;
    const char *awaited;
} terminal_output;

/* Reads what the terminal shows; true once it shows `awaited`. */
static int shows(void *arg)
{
    terminal_output *o = arg;
    struct pollfd p = {o->master, POLLIN, 0};
    while (poll(&p, 1, 0) > 0 && o->len < sizeof(o->text) - 1) {
        ssize_t n = read(o->master, o->text + o->len, sizeof(o->text) - 1 - o->len);
        if (n <= 0)
            break;
        o->len += (size_t)n;
        o->text[o->len] = '\0';
    }
    return strstr(o->text, o->awaited) != NULL;
}

typedef struct child_exit {
    pid_t pid;
    int status;
} child_exit;

static int exited(void *arg)
{
    child_exit *c = arg;
    return waitpid(c->pid, &c->status, WNOHANG) == c->pid;
}

/* Starts `cchc login admin` on a fresh terminal, waits for its password
 * prompt, checks echo is off, then interrupts it: with key (typed on the
 * terminal, as Ctrl-C is) when key is not 0, else with kill(sig). cchc
 * must die of sig, and the terminal must echo again. */
static void interrupt_at_prompt(char key, int sig)
{
    int master, slave;
    assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
    assert_true(echo_on(slave));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(master);
        if (login_tty(slave) != 0) /* its own session, the pty its terminal */
            _exit(126);
        const char *argv[] = {CCHC_BIN, "--server", NOWHERE, "login", "admin", NULL};
        harness_exec(argv);
    }
    terminal_output out = {.master = master, .awaited = "Mật khẩu: "};
    if (!harness_poll(shows, &out, 10000)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("no password prompt; the terminal showed: %s", out.text);
    }
    /* the prompt is written once echo is off */
    assert_false(echo_on(slave));

    if (key)
        assert_int_equal(write(master, &key, 1), 1);
    else
        assert_int_equal(kill(pid, sig), 0);
    child_exit child = {.pid = pid};
    if (!harness_poll(exited, &child, 10000)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("cchc did not end at its password prompt after signal %d", sig);
    }
    int code = WIFEXITED(child.status) ? WEXITSTATUS(child.status)
                                       : 128 + WTERMSIG(child.status);
    assert_false(harness_valgrind_check(pid, code));
    /* it died of the signal itself (the shell sees 128+sig), not of
     * something else and not by carrying on */
    if (!WIFSIGNALED(child.status))
        fail_msg("cchc exited %d instead of dying of signal %d", WEXITSTATUS(child.status), sig);
    assert_int_equal(WTERMSIG(child.status), sig);
    assert_true(echo_on(slave));
    close(master);
    close(slave);
}

/* Ctrl-C typed at the prompt: the terminal driver sends SIGINT. */
static void test_ctrl_c_at_password_prompt_restores_echo(void **state)
{
    (void)state;
    struct termios t;
    int master, slave;
    /* the pty's interrupt character, as the terminal driver will read it */
    assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
    assert_int_equal(tcgetattr(slave, &t), 0);
    close(master);
    close(slave);
    interrupt_at_prompt((char)t.c_cc[VINTR], SIGINT);
}

/* A kill (a session manager, a timeout wrapper) at the prompt. */
static void test_sigterm_at_password_prompt_restores_echo(void **state)
{
    (void)state;
    interrupt_at_prompt(0, SIGTERM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctrl_c_at_password_prompt_restores_echo),
        cmocka_unit_test(test_sigterm_at_password_prompt_restores_echo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
