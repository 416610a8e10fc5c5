/* See progress.h. */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "terminal.h"

static int enabled;
static int shown;
static char last[200];

void progress_enable(int on)
{
    enabled = on;
}

void progress_show(const char *fmt, ...)
{
    if (!enabled || !terminal_is_tty(stderr))
        return;
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (shown && strcmp(line, last) == 0)
        return; /* unchanged: spare the terminal */
    snprintf(last, sizeof(last), "%s", line);
    /* back to the start of the line, erase it, write the new text */
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    shown = 1;
}

void progress_end(void)
{
    if (!shown)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    shown = 0;
}
