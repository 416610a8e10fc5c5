/* See db_group_merge.h. The merged statements take PostgreSQL arrays in
 * their text form, element i for write i, so a write's parameters reach
 * the database as they would alone (a document stays its JSON text, cast
 * to jsonb there). */
#include "db_group_merge.h"

#include <stdlib.h>
#include <string.h>

/* A growing array literal: {"…","…",NULL}. */
typedef struct array_text {
    char *text;
    size_t len, cap;
    int failed;
} array_text;

static void put(array_text *a, const char *bytes, size_t n)
{
    if (a->failed)
        return;
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 256;
        while (cap < a->len + n + 1)
            cap *= 2;
        char *grown = realloc(a->text, cap);
        if (!grown) {
            a->failed = 1;
            return;
        }
        a->text = grown;
        a->cap = cap;
    }
    memcpy(a->text + a->len, bytes, n);
    a->len += n;
    a->text[a->len] = '\0';
}

/* One element, quoted: inside double quotes only " and \ need a backslash. */
static void put_element(array_text *a, const char *value)
{
    put(a, a->len ? "," : "{", 1);
    if (!value) {
        put(a, "NULL", 4);
        return;
    }
    put(a, "\"", 1);
    const char *run = value;
    for (const char *c = value; *c; c++) {
        if (*c == '"' || *c == '\\') {
            put(a, run, (size_t)(c - run));
            put(a, "\\", 1);
            run = c;
        }
    }
    put(a, run, strlen(run));
    put(a, "\"", 1);
}

/* Ends the literal and hands its text over (NULL when memory ran out). */
static char *finish(array_text *a)
{
    put(a, a->len ? "}" : "{}", a->len ? 1 : 2);
    if (a->failed) {
        free(a->text);
        return NULL;
    }
    return a->text;
}

void db_merged_free(db_merged *merged)
{
    for (int i = 0; i < 5; i++)
        free(merged->values[i]);
    memset(merged, 0, sizeof(*merged));
}

static int mergeable_write(const db_step *write)
{
    return (write->statement == STMT_REPORT_SUBMIT && write->nparams == 1) ||
           (write->statement == STMT_REPORT_SUBMIT_KEYED && write->nparams == 5);
}

/* Hands the columns' texts to merged; 1 when all were made. */
static int merged_from(db_merged *merged, statement_id statement, array_text *columns, int n)
{
    memset(merged, 0, sizeof(*merged));
    int ok = 1;
    for (int c = 0; c < n; c++)
        ok = (merged->values[c] = finish(&columns[c])) != NULL && ok;
    if (!ok) {
        db_merged_free(merged);
        return 0;
    }
    merged->step = (db_step){statement, n, (const char *const *)merged->values};
    return 1;
}

int db_group_merge_writes(const db_step *writes, int n, db_merged *merged)
{
    memset(merged, 0, sizeof(*merged));
    if (n < 2)
        return 0;
    for (int i = 0; i < n; i++)
        if (!mergeable_write(&writes[i]))
            return 0;
    /* accounts, keys, types, digests, documents */
    array_text columns[5] = {{0}};
    for (int i = 0; i < n; i++) {
        const db_step *w = &writes[i];
        int keyed = w->statement == STMT_REPORT_SUBMIT_KEYED;
        for (int c = 0; c < 4; c++)
            put_element(&columns[c], keyed ? w->values[c] : NULL);
        put_element(&columns[4], w->values[keyed ? 4 : 0]);
    }
    return merged_from(merged, STMT_REPORT_SUBMIT_MANY, columns, 5);
}

int db_group_merge_lasts(const db_step *lasts, int n, db_merged *merged)
{
    memset(merged, 0, sizeof(*merged));
    if (n < 2)
        return 0;
    for (int i = 0; i < n; i++)
        if (lasts[i].statement != STMT_REQUEST_KEY_STORE || lasts[i].nparams != 3)
            return 0;
    /* accounts, keys, answers */
    array_text columns[3] = {{0}};
    for (int i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            put_element(&columns[c], lasts[i].values[c]);
    return merged_from(merged, STMT_REQUEST_KEY_STORE_MANY, columns, 3);
}

/* An empty result with the merged rows' columns but the item's. */
static PGresult *empty_like(const PGresult *rows, int item_col)
{
    int ncols = PQnfields(rows);
    PGresAttDesc *attrs = calloc((size_t)(ncols > 1 ? ncols - 1 : 1), sizeof(*attrs));
    PGresult *res = attrs ? PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK) : NULL;
    int k = 0;
    for (int c = 0; res && c < ncols; c++) {
        if (c == item_col)
            continue;
        attrs[k++] = (PGresAttDesc){.name = PQfname(rows, c),
                                    .tableid = PQftable(rows, c),
                                    .columnid = PQftablecol(rows, c),
                                    .format = PQfformat(rows, c),
                                    .typid = PQftype(rows, c),
                                    .typlen = PQfsize(rows, c),
                                    .atttypmod = PQfmod(rows, c)};
    }
    if (res && !PQsetResultAttrs(res, k, attrs)) {
        PQclear(res);
        res = NULL;
    }
    free(attrs);
    return res;
}

int db_group_merge_split(const PGresult *rows, int n, PGresult **results)
{
    int item_col = PQfnumber(rows, "item");
    if (item_col < 0 || n < 1)
        return -1;
    int ok = 1;
    for (int i = 0; i < n; i++)
        ok = (results[i] = empty_like(rows, item_col)) != NULL && ok;
    int ncols = PQnfields(rows);
    for (int r = 0; ok && r < PQntuples(rows); r++) {
        int item = atoi(PQgetvalue(rows, r, item_col));
        if (item < 1 || item > n) {
            ok = 0;
            break;
        }
        PGresult *res = results[item - 1];
        int tup = PQntuples(res), k = 0;
        for (int c = 0; ok && c < ncols; c++) {
            if (c == item_col)
                continue;
            int null = PQgetisnull(rows, r, c);
            ok = PQsetvalue(res, tup, k++, null ? NULL : PQgetvalue(rows, r, c),
                            null ? -1 : PQgetlength(rows, r, c));
        }
    }
    if (!ok) {
        for (int i = 0; i < n; i++) {
            PQclear(results[i]);
            results[i] = NULL;
        }
        return -1;
    }
    return 0;
}
