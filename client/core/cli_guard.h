/* Two guards every cchc command shares. Asking for help never acts: a
 * command looks for -h/--help before it reads a file, touches the session
 * or the outbox, or contacts the server. And a command that throws
 * something away asks first on a terminal; a script says --yes. */
#ifndef CCHC_CLI_GUARD_H
#define CCHC_CLI_GUARD_H

#include "cli.h"

/* 1 when argv (argv[0] the command or subcommand) holds -h or --help
 * before a "--"; else 0. */
int cli_wants_help(int argc, char **argv);

/* When argv asks for help, prints the usage (a printf format) on stdout
 * and returns 1: the caller returns EXIT_OK and does nothing else. */
int cli_help(int argc, char **argv, const char *usage_format, ...)
    __attribute__((format(PLAT_PRINTF_FORMAT, 3, 4)));

/* Whether to go ahead with something that cannot be undone: EXIT_OK when
 * `yes` (--yes) was given or the person answered yes on the terminal;
 * otherwise the refusal was reported (stdin is no terminal and --yes is
 * missing, or the answer was no) and its exit code is returned. */
int cli_confirm(const cli_options *opts, const char *question, int yes);

#endif
