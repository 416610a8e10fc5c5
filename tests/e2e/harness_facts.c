/* Earlier versions of live_report_facts (sql/functions/070_status.sql)
 * kept verbatim by the tests that prove a faster version changes no fact
 * (test_status_live.c, test_status_cache.c): each test keeps the body it
 * compares against, and the harness gives it the facts' columns, which
 * every version shares and which both tests spelt out until they were
 * folded here (a change of the facts' columns changes them once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define FACTS_FUNCTION                                                                          \
    "CREATE OR REPLACE FUNCTION %s(pid text)\n"                                                 \
    "RETURNS TABLE (unit_code text, unit_name text, unit_kind text, district_code text, "        \
    "task_id int,\n"                                                                             \
    "               state text, received boolean, on_time boolean, late boolean, status text,\n" \
    "               progress numeric, report_id bigint)\n"                                       \
    "LANGUAGE sql STABLE AS $$\n"                                                               \
    "%s"                                                                                        \
    "$$;\n"

void harness_define_facts_function(const test_db *db, const char *name, const char *body)
{
    /* longer than harness_db_queryf's statements may be */
    size_t size = sizeof(FACTS_FUNCTION) + strlen(name) + strlen(body);
    char *sql = malloc(size);
    assert_non_null(sql);
    snprintf(sql, size, FACTS_FUNCTION, name, body);
    /* fails the test with PostgreSQL's message when the body is wrong */
    free(harness_db_query(db, sql));
    free(sql);
}
