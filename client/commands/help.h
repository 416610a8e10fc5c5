/* Help that teaches (issue 14): the usage line of a command says what it
 * accepts; this adds what a person does with it. `cchc help` walks each
 * role through its job (a district or commune clerk's quarterly report, a
 * lead agency's review, Sở Nội vụ's periods, units and accounts), and
 * every `COMMAND [SUBCOMMAND] --help` ends with examples for the role
 * that uses it. All of it goes through _() with English message ids, so a
 * clerk who reads no English learns the job in Vietnamese (po/vi.po). */
#ifndef CCHC_HELP_H
#define CCHC_HELP_H

#include <stdio.h>

/* The step-by-step guide of every role, printed by `cchc help`. */
void help_guide(FILE *out);

/* The examples of `argv[0] argv[1]` (a command and maybe its subcommand;
 * argv[1] may also be an option, then the command's examples are shown).
 * Returns 1 when something was printed, 0 when the command has none. */
int help_examples(FILE *out, int argc, char **argv);

#endif
