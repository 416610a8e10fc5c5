/* Running cchc on a pseudo-terminal, as a person at a terminal would:
 * what only happens on a terminal (colours, table width, the reminder,
 * the progress line, a confirmation question) can only be tested there.
 * test_review (answering "[c/K]") and test_human_output (width, colours,
 * environment) share it. */
#ifndef CCHC_HARNESS_TERMINAL_H
#define CCHC_HARNESS_TERMINAL_H

#include <stddef.h>

#include "harness.h"

typedef struct harness_terminal {
    int columns;               /* the terminal's width; 0 = the pty's default */
    const char *const *env;    /* "NAME=value" set, "NAME" unset, for cchc alone;
                                  NULL-terminated, may be NULL. COLUMNS and
                                  NO_COLOR are always unset first. */
    const char *question;      /* once the screen shows this text … */
    const char *answer;        /* … type this and Enter (both NULL: nothing) */
} harness_terminal;

/* Runs cchc --server <srv> ARGS… (NULL-terminated) on a pseudo-terminal
 * set up as t says (NULL: defaults), within the scaled 20 s; returns the
 * exit code, out gets everything the terminal showed (stdout and stderr).
 * Fails the test when cchc does not finish, shows more than size bytes,
 * or valgrind finds errors in it. */
int harness_cchc_on_terminal(const test_server *srv, const char *const *args,
                             const harness_terminal *t, char *out, size_t size);

#endif
