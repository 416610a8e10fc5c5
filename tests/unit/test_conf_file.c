/* Unit tests of the settings file's syntax (server/util/conf_file.c): what
 * an operator may write (comments, blanks, spaces around '=', quotes, a
 * value with '=' and spaces in it, CRLF lines) and what is refused with
 * its line named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf_file.h"

static int parse(conf_file *conf, const char *text, char *why, size_t size)
{
    return conf_parse(conf, strdup(text), why, size);
}

static void test_what_an_operator_writes(void **state)
{
    (void)state;
    conf_file conf;
    char why[160];
    assert_int_equal(parse(&conf,
                           "# cchcd\n"
                           "\n"
                           "   # indented comment\n"
                           "listen = 0.0.0.0:7121\n"
                           "db=host=/run/postgresql dbname=cchc   \n"
                           "log-level = \"warn\"\r\n"
                           "proxy-from =\n"
                           "\tdb-pool\t=\t8",
                           why, sizeof(why)),
                     0);
    assert_int_equal(conf.count, 5);
    assert_string_equal(conf.entries[0].key, "listen");
    assert_string_equal(conf.entries[0].value, "0.0.0.0:7121");
    assert_int_equal(conf.entries[0].line, 4);
    assert_string_equal(conf.entries[1].key, "db");
    assert_string_equal(conf.entries[1].value, "host=/run/postgresql dbname=cchc");
    assert_string_equal(conf.entries[2].value, "warn");
    assert_int_equal(conf.entries[2].line, 6);
    assert_string_equal(conf.entries[3].key, "proxy-from");
    assert_string_equal(conf.entries[3].value, "");
    assert_string_equal(conf.entries[4].key, "db-pool");
    assert_string_equal(conf.entries[4].value, "8");
    assert_int_equal(conf.entries[4].line, 8);
    conf_file_free(&conf);

    assert_int_equal(parse(&conf, "", why, sizeof(why)), 0);
    assert_int_equal(conf.count, 0);
    conf_file_free(&conf);
}

static void test_refused_with_the_line(void **state)
{
    (void)state;
    conf_file conf;
    char why[160];
    assert_int_equal(parse(&conf, "listen = x\nmax-connections 5\n", why, sizeof(why)), -1);
    assert_string_equal(why, "line 2: expected \"key = value\"");
    assert_int_equal(parse(&conf, "\n\n = 5\n", why, sizeof(why)), -1);
    assert_string_equal(why, "line 3: no key before '='");
    assert_int_equal(parse(&conf, "Log_Level = info\n", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "line 1: a key is written in lower case"));
}

static void test_switches(void **state)
{
    (void)state;
    assert_int_equal(conf_switch("yes"), 1);
    assert_int_equal(conf_switch("True"), 1);
    assert_int_equal(conf_switch("1"), 1);
    assert_int_equal(conf_switch("off"), 0);
    assert_int_equal(conf_switch("no"), 0);
    assert_int_equal(conf_switch("maybe"), -1);
    assert_int_equal(conf_switch(""), -1);
}

static void test_read_missing_file(void **state)
{
    (void)state;
    conf_file conf;
    char why[160];
    assert_int_equal(conf_read(&conf, "/nonexistent/cchcd.conf", why, sizeof(why)), -1);
    assert_string_equal(why, "/nonexistent/cchcd.conf: No such file or directory");
    assert_int_equal(conf_read(&conf, "/dev/null", why, sizeof(why)), 0);
    assert_int_equal(conf.count, 0);
    conf_file_free(&conf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_what_an_operator_writes),
        cmocka_unit_test(test_refused_with_the_line),
        cmocka_unit_test(test_switches),
        cmocka_unit_test(test_read_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
