/* See cli_guard.h. Help is spotted by scanning the arguments rather than
 * in each command's getopt loop, so a command cannot act on arguments it
 * parsed before the -h, nor fail on an option it does not know. */
#include "cli_guard.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}

int cli_help(int argc, char **argv, const char *usage_format, ...)
{
    if (!cli_wants_help(argc, argv))
        return 0;
    va_list ap;
    va_start(ap, usage_format);
    vprintf(usage_format, ap);
    va_end(ap);
    return 1;
}

/* y, yes, c, có (Vietnamese yes), in any case. */
static int is_yes(const char *answer)
{
    return strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0 ||
           strcasecmp(answer, "c") == 0 || strcmp(answer, "có") == 0 || strcmp(answer, "Có") == 0;
}

int cli_confirm(const cli_options *opts, const char *question, int yes)
{
    cli_error err;
    if (yes)
        return EXIT_OK;
    if (!isatty(STDIN_FILENO)) {
        cli_error_set(&err, EXIT_USAGE,
                      _("%s: not done; standard input is not a terminal, so add --yes to confirm"),
                      question);
        return cli_error_report(opts, &err);
    }
    fprintf(stderr, _("%s [y/N] "), question);
    fflush(stderr);
    char answer[32] = "";
    if (fgets(answer, sizeof(answer), stdin))
        answer[strcspn(answer, "\r\n")] = '\0';
    if (is_yes(answer))
        return EXIT_OK;
    cli_error_set(&err, EXIT_USAGE, _("not confirmed; nothing done"));
    return cli_error_report(opts, &err);
}
