/* See terminal.h. */
#include "terminal.h"

#include <stdlib.h>

#include "plat_console.h"

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
    return plat_is_terminal(stream);
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
    return plat_terminal_columns(stdout);
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
