/* See pgvalue.h. */
#include "pgvalue.h"

#include <stdlib.h>
#include <string.h>

char *pg_text(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col);
}

int pg_int(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : atoi(PQgetvalue(res, row, col));
}

int pg_bool(const PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

char **pg_split(arena *a, const PGresult *res, int row, int col, char sep, size_t *n)
{
    const char *s = pg_text(res, row, col);
    *n = 0;
    if (!*s)
        return NULL;
    size_t count = 1;
    for (const char *p = s; *p; p++)
        count += *p == sep;
    char **out = arena_array(a, count, sizeof(char *));
    if (!out)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        const char *end = strchr(s, sep);
        size_t len = end ? (size_t)(end - s) : strlen(s);
        out[i] = arena_strndup(a, s, len);
        s += len + (end ? 1 : 0);
    }
    *n = count;
    return out;
}
