/* A statement's rows as one text, so a test can compare what a statement
 * of server/db/statements.c gives with what another (or an earlier
 * version kept verbatim) gives, row for row in order. test_status_live.c
 * and test_bundle_document.c each had a copy of this. */
#define _GNU_SOURCE /* asprintf */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* sql with $1… replaced by args[0]… (at most 9, quoted). */
static char *with_arguments(const char *sql, const char *const *args, int n)
{
    char *out = strdup("");
    for (const char *p = sql; *p; p++) {
        char *next = NULL;
        if (p[0] == '$' && p[1] >= '1' && p[1] < '1' + n) {
            assert_true(asprintf(&next, "%s'%s'", out, args[p[1] - '1']) > 0);
            p++;
        } else {
            assert_true(asprintf(&next, "%s%c", out, *p) > 0);
        }
        free(out);
        out = next;
    }
    return out;
}

char *harness_statement_rows(const test_db *db, const char *sql, const char *const *args, int n,
                             const char *columns, const char *where, long *count)
{
    char *filled = with_arguments(sql, args, n);
    char *query = NULL; /* asprintf: statements outgrow harness_db_queryf's buffer */
    assert_true(asprintf(&query,
                         "SET jit = off; SELECT %scoalesce(string_agg(e::text, E'\\n'), '')"
                         "  FROM (SELECT %s FROM (%s) s WHERE %s) e",
                         count ? "count(*) || E'\\n' || " : "", columns, filled, where) > 0);
    free(filled);
    char *rows = harness_db_query(db, query);
    free(query);
    if (!rows)
        rows = strdup("");
    if (count)
        *count = atol(rows);
    return rows;
}
