/* Reading the HTML documents cchc writes (the consolidated report, the
 * city report per criterion): every figure carries the server's canonical
 * value in a data-value attribute written just before its data-figure
 * name, so tests compare figures without parsing the human text (comma
 * decimals, dd/mm/yyyy). test_status.c and test_city_report.c each had
 * this look-up before it was folded here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define VALUE "data-value=\""

char *harness_html_value(const char *html, const char *key)
{
    char needle[300];
    snprintf(needle, sizeof(needle), "\" data-figure=\"%s\">", key);
    const char *end = strstr(html, needle);
    if (!end)
        return NULL;
    const char *p = end;
    while (p > html && strncmp(p, VALUE, strlen(VALUE)) != 0)
        p--;
    if (strncmp(p, VALUE, strlen(VALUE)) != 0)
        return NULL;
    char *value = strndup(p + strlen(VALUE), (size_t)(end - p) - strlen(VALUE));
    assert_non_null(value);
    return value;
}
