/* tty_password.h on POSIX (win/tty_password.c is the console's). While echo is off, a signal that ends the program
 * (Ctrl-C, Ctrl-\, a kill, the terminal hanging up) would leave the
 * terminal without echo for the shell that follows; a handler installed
 * for the prompt's duration restores the saved settings first and then
 * dies of the same signal with its default action, so the exit status is
 * what the signal's sender expects. */
#include "tty_password.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The signals that end a program at a terminal by default. */
static const int ending_signals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
#define N_ENDING_SIGNALS (sizeof(ending_signals) / sizeof(ending_signals[0]))

/* What the handler restores: set before the handlers are installed and
 * left alone while they are. */
static struct termios restore_termios;
static volatile sig_atomic_t restore_fd = -1;

/* Only async-signal-safe calls: tcsetattr, signal, raise. */
static void restore_terminal_and_die(int sig)
{
    int fd = restore_fd;
    if (fd >= 0)
        tcsetattr(fd, TCSANOW, &restore_termios);
    signal(sig, SIG_DFL);
    raise(sig); /* pending until this handler returns, then fatal */
}

typedef struct prompt_guard {
    struct sigaction previous[N_ENDING_SIGNALS];
    int installed[N_ENDING_SIGNALS];
} prompt_guard;

static void guard_install(prompt_guard *guard, int fd, const struct termios *saved)
{
    restore_termios = *saved;
    restore_fd = fd;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = restore_terminal_and_die;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < N_ENDING_SIGNALS; i++)
        sigaddset(&action.sa_mask, ending_signals[i]); /* one restorer at a time */
    for (size_t i = 0; i < N_ENDING_SIGNALS; i++) {
        guard->installed[i] = 0;
        if (sigaction(ending_signals[i], NULL, &guard->previous[i]) != 0)
            continue;
        /* a signal the program ignores (nohup) or handles itself stays so */
        if (guard->previous[i].sa_handler != SIG_DFL)
            continue;
        guard->installed[i] = sigaction(ending_signals[i], &action, NULL) == 0;
    }
}

static void guard_remove(prompt_guard *guard)
{
    for (size_t i = 0; i < N_ENDING_SIGNALS; i++)
        if (guard->installed[i])
            sigaction(ending_signals[i], &guard->previous[i], NULL);
    restore_fd = -1;
}

static int read_line(FILE *in, char *out, size_t size)
{
    if (!fgets(out, (int)size, in))
        return -1;
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return 0;
}

int read_password(const char *prompt, char *out, size_t size)
{
    if (!isatty(STDIN_FILENO))
        return read_line(stdin, out, size);
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return read_line(stdin, out, size);
    /* unbuffered: the password is read into out only, never into a stdio
     * buffer that fclose would free unwiped */
    setvbuf(tty, NULL, _IONBF, 0);
    struct termios saved, quiet;
    int fd = fileno(tty);
    int have_termios = tcgetattr(fd, &saved) == 0;
    prompt_guard guard;
    if (have_termios) {
        guard_install(&guard, fd, &saved);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    fputs(prompt, tty);
    fflush(tty);
    int rc = read_line(tty, out, size);
    if (have_termios) {
        tcsetattr(fd, TCSAFLUSH, &saved);
        guard_remove(&guard);
    }
    fclose(tty);
    return rc;
}

int read_terminal_line(const char *prompt, char *out, size_t size)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return -1;
    fputs(prompt, tty);
    fflush(tty);
    int rc = read_line(tty, out, size);
    fclose(tty);
    return rc;
}
