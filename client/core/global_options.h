/* The global options people put anywhere (issue 14): `cchc tasks --json`
 * as well as `cchc --json tasks`. Before the command line is parsed, the
 * options that mean the same for every command (--json, --quiet, --wide,
 * --server HOST:PORT, --lang LANG, and their --opt=value forms) found after
 * the command are moved in front of it, so the global parser sees them
 * and the command never does. A "--" ends the search: what follows it is
 * the command's own. No command may define an option of these names. */
#ifndef CCHC_GLOBAL_OPTIONS_H
#define CCHC_GLOBAL_OPTIONS_H

/* Reorders argv in place. command is the index of the command name in argv
 * (the first argument that is not a global option or its value); returns
 * the command's new index (it moves right by the options moved before it). */
int global_options_hoist(int argc, char **argv, int command);

/* The index of the command name in argv: the first argument that is not an
 * option or the value of a global option taking one; argc when none. */
int global_options_find_command(int argc, char **argv);

#endif
