/* See terminal.h. */
#include "terminal.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int wide_flag;

void terminal_set_wide(int wide)
{
    wide_flag = wide;
}

int terminal_wide(void)
{
    return wide_flag;
}

int terminal_is_tty(FILE *stream)
{
    return isatty(fileno(stream));
}

int terminal_columns(void)
{
    if (wide_flag)
        return 0;
    const char *env = getenv("COLUMNS");
    if (env && *env) {
        char *end;
        long n = strtol(env, &end, 10);
        if (*end == '\0' && n > 0 && n < 100000)
            return (int)n;
    }
    struct winsize ws;
    if (terminal_is_tty(stdout) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

static int colour_wanted(FILE *stream, terminal_colour colour)
{
    const char *no_color = getenv("NO_COLOR");
    return colour != COLOUR_NONE && !(no_color && *no_color) && terminal_is_tty(stream);
}

const char *terminal_colour_on(FILE *stream, terminal_colour colour)
{
    if (!colour_wanted(stream, colour))
        return "";
    switch (colour) {
    case COLOUR_ERROR: return "\033[1;31m"; /* bold red */
    case COLOUR_LATE: return "\033[31m";    /* red */
    case COLOUR_AT_RISK: return "\033[33m"; /* yellow */
    case COLOUR_NONE: break;
    }
    return "";
}

const char *terminal_colour_off(FILE *stream, terminal_colour colour)
{
    return colour_wanted(stream, colour) ? "\033[0m" : "";
}
