/* A progress line for long operations (issue 14): one line on stderr,
 * redrawn in place ("\r") while a big submission is sent or an answer
 * arrives in parts, and wiped when the operation ends, so nothing of it
 * stays on the screen or lands in a file. Shown only on a terminal, never
 * with --json or --quiet (main decides with progress_enable). */
#ifndef CCHC_PROGRESS_H
#define CCHC_PROGRESS_H

#include "plat_printf.h"

/* Off by default; main turns it on for people at a terminal. */
void progress_enable(int on);
/* Replaces the line with the formatted text (no newline in it). */
void progress_show(const char *fmt, ...) __attribute__((format(PLAT_PRINTF_FORMAT, 1, 2)));
/* Wipes the line, if one is shown. */
void progress_end(void);

#endif
