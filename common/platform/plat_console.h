/* The terminal as the client sees it, the same question asked of a Linux
 * tty and of a Windows console: is this stream a terminal, how wide is
 * it, and (Windows only: a no-op on Unix) make the console speak UTF-8
 * and understand the colour escapes the client prints. unix/console.c,
 * win/console.c. The password prompt without echo is tty_password.h. */
#ifndef CCHC_PLAT_CONSOLE_H
#define CCHC_PLAT_CONSOLE_H

#include <stdio.h>

/* Once at start, before anything is printed: on Windows the console's
 * code pages become UTF-8 (Vietnamese prints intact in cmd.exe and
 * PowerShell), escape sequences are enabled for colour, and the standard
 * streams become binary (no LF → CRLF: the bytes are Linux's). */
void plat_console_init(void);
/* True when stream is a terminal (a console on Windows: not a pipe, a
 * file or NUL). */
int plat_is_terminal(FILE *stream);
/* The terminal's width in columns; 0 when stream is no terminal or the
 * width is unknown. */
int plat_terminal_columns(FILE *stream);

#endif
