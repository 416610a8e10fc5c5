/* Reading a password as people and scripts give it: from the terminal
 * without echo when there is one, else one line from standard input.
 * Used by `cchcd create-admin` and by the client; passwords never go
 * through argv, where `ps` would show them. platform/unix/tty_password.c
 * (termios) and platform/win/tty_password.c (the console API) implement it. */
#ifndef CCHC_TTY_PASSWORD_H
#define CCHC_TTY_PASSWORD_H

#include <stddef.h>

/* Prompts on /dev/tty (echo off) when stdin is a terminal or force_tty is
 * set and a terminal exists; otherwise reads a line from stdin. The trailing
 * newline is removed. Returns 0, or -1 on end of input / no input. */
int read_password(const char *prompt, char *out, size_t size);
/* Prompts on the terminal itself (echo on) and reads one line, whatever
 * stdin is; -1 when there is no terminal or no line. */
int read_terminal_line(const char *prompt, char *out, size_t size);

#endif
