/* See tty_password.h. */
#include "tty_password.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

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
    struct termios saved, quiet;
    int fd = fileno(tty);
    int have_termios = tcgetattr(fd, &saved) == 0;
    if (have_termios) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    fputs(prompt, tty);
    fflush(tty);
    int rc = read_line(tty, out, size);
    if (have_termios)
        tcsetattr(fd, TCSAFLUSH, &saved);
    fclose(tty);
    return rc;
}
