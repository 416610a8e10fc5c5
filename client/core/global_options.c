/* See global_options.h. */
#include "global_options.h"

#include <string.h>

/* The options that may follow the command, and whether each takes a value. */
static const struct {
    const char *name;
    int takes_value;
} hoisted[] = {
    {"--json", 0}, {"--quiet", 0}, {"--wide", 0}, {"--server", 1}, {"--lang", 1},
};

/* How many arguments arg is as a hoisted option (1, or 2 with its value
 * in the next argument), or 0 when it is not one. */
static int hoisted_length(const char *arg)
{
    for (size_t i = 0; i < sizeof(hoisted) / sizeof(hoisted[0]); i++) {
        size_t n = strlen(hoisted[i].name);
        if (strncmp(arg, hoisted[i].name, n) != 0)
            continue;
        if (arg[n] == '\0')
            return hoisted[i].takes_value ? 2 : 1;
        if (arg[n] == '=' && hoisted[i].takes_value)
            return 1;
    }
    return 0;
}

/* Global options before the command that take their value in the next
 * argument (main's getopt table). */
static int global_takes_next(const char *arg)
{
    static const char *const with_value[] = {"--server", "--timeout", "--ca", "--pin", "--lang",
                                             "-s", "-t"};
    for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
        if (strcmp(arg, with_value[i]) == 0)
            return 1;
    return 0;
}

int global_options_find_command(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return i + 1 < argc ? i + 1 : argc;
        if (argv[i][0] != '-' || argv[i][1] == '\0')
            return i;
        if (global_takes_next(argv[i]))
            i++;
    }
    return argc;
}

int global_options_hoist(int argc, char **argv, int command)
{
    for (int i = command + 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        int n = hoisted_length(argv[i]);
        if (n == 0)
            continue;
        if (i + n > argc)
            n = argc - i; /* "--server" last: getopt reports the missing value */
        /* rotate argv[command .. i+n) so the n option arguments come first */
        char *moved[2];
        for (int k = 0; k < n; k++)
            moved[k] = argv[i + k];
        memmove(argv + command + n, argv + command, (size_t)(i - command) * sizeof(char *));
        for (int k = 0; k < n; k++)
            argv[command + k] = moved[k];
        command += n;
        i += n - 1;
    }
    return command;
}
