/* Unit tests of global options after the command (client/core/
 * global_options.c): `cchc tasks --json` means `cchc --json tasks`, the
 * command's own arguments keep their order, and "--" ends the search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "global_options.h"

/* Hoists in argv (NULL-terminated list) and joins it with spaces. */
static const char *hoisted(const char **list, int *command)
{
    static char joined[512];
    char *argv[32];
    int argc = 0;
    while (list[argc]) {
        argv[argc] = (char *)list[argc];
        argc++;
    }
    *command = global_options_hoist(argc, argv, global_options_find_command(argc, argv));
    joined[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(joined, " ");
        strcat(joined, argv[i]);
    }
    return joined;
}

static void test_options_after_the_command_move_before_it(void **state)
{
    (void)state;
    int cmd;
    const char *a[] = {"cchc", "tasks", "--period", "2023-Q1", "--json", NULL};
    assert_string_equal(hoisted(a, &cmd), "cchc --json tasks --period 2023-Q1");
    assert_int_equal(cmd, 2);

    /* values travel with their option, in both spellings */
    const char *b[] = {"cchc", "review", "list", "--server", "h:1", "--wide", "--lang=en", NULL};
    assert_string_equal(hoisted(b, &cmd), "cchc --server h:1 --wide --lang=en review list");
    assert_int_equal(cmd, 5);

    /* global options already in front stay; the command is found after them */
    const char *c[] = {"cchc", "--timeout", "500", "-s", "h:1", "due", "--quiet", NULL};
    assert_string_equal(hoisted(c, &cmd), "cchc --timeout 500 -s h:1 --quiet due");
    assert_int_equal(cmd, 6);
}

static void test_the_commands_own_arguments_stay(void **state)
{
    (void)state;
    int cmd;
    /* "--" ends the search: a reason may say --json */
    const char *a[] = {"cchc", "review", "return", "7", "--reason", "x", "--", "--json", NULL};
    assert_string_equal(hoisted(a, &cmd), "cchc review return 7 --reason x -- --json");
    assert_int_equal(cmd, 1);
    /* look-alikes are not hoisted */
    const char *b[] = {"cchc", "export", "--jsonl", "--wider", "--quiet=1", NULL};
    assert_string_equal(hoisted(b, &cmd), "cchc export --jsonl --wider --quiet=1");
    /* --server last without its value: moved, getopt reports it */
    const char *c[] = {"cchc", "ping", "--server", NULL};
    assert_string_equal(hoisted(c, &cmd), "cchc --server ping");
    /* no command at all */
    const char *d[] = {"cchc", "--json", NULL};
    assert_string_equal(hoisted(d, &cmd), "cchc --json");
    assert_int_equal(cmd, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_after_the_command_move_before_it),
        cmocka_unit_test(test_the_commands_own_arguments_stay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
