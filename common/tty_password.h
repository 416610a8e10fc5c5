/* Reading a password as people and scripts give it: from the terminal
 * without echo when there is one, else one line from standard input.
 * Used by `cchcd create-admin` and by the client; passwords never go
 * through argv, where `ps` would show them. */
#ifndef CCHC_TTY_PASSWORD_H
#define CCHC_TTY_PASSWORD_H

#include <stddef.h>

/* Prompts on /dev/tty (echo off) when stdin is a terminal or force_tty is
 * set and a terminal exists; otherwise reads a line from stdin. The trailing
 * newline is removed. Returns 0, or -1 on end of input / no input. */
int read_password(const char *prompt, char *out, size_t size);

#endif
