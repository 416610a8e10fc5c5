/* Reading PGresult cells into protobuf fields. Strings point into the
 * PGresult (valid while the database callback runs, which is when replies
 * are packed), so most cells are used without a copy. */
#ifndef CCHCD_PGVALUE_H
#define CCHCD_PGVALUE_H

#include <libpq-fe.h>

#include "arena.h"

/* The cell as text; "" for SQL NULL. */
char *pg_text(const PGresult *res, int row, int col);
int pg_int(const PGresult *res, int row, int col);
int pg_bool(const PGresult *res, int row, int col);
/* Splits a cell joined with sep (the server's queries use the ASCII unit
 * separator 0x1F between list elements) into an arena array; sets *n. */
char **pg_split(arena *a, const PGresult *res, int row, int col, char sep, size_t *n);

#define PG_LIST_SEP '\x1f'
#define PG_FIELD_SEP '\x1e'

#endif
