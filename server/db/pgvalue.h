/* Reading PGresult cells into protobuf fields. Strings point into the
 * PGresult (valid while the database callback runs, which is when replies
 * are packed), so most cells are used without a copy. */
#ifndef CCHCD_PGVALUE_H
#define CCHCD_PGVALUE_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>

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

/* Fills the fields of a protobuf-c message from the row's columns of the
 * same name (so a query's column aliases are the message's field names):
 * strings point into the result, repeated strings are split on
 * PG_LIST_SEP, integers and booleans are parsed. Columns without a field
 * of that name are left alone (join keys), as are message-typed fields. */
void pg_fill(arena *a, ProtobufCMessage *msg, const PGresult *res, int row);
/* One new message per row of res, each filled by pg_fill; *n rows. */
void **pg_messages(arena *a, const ProtobufCMessageDescriptor *desc, const PGresult *res,
                   size_t *n);
/* The same for the rows first .. first + count - 1 of res (a section of a
 * result that carries several kinds of row; see pg_section). */
void **pg_messages_range(arena *a, const ProtobufCMessageDescriptor *desc, const PGresult *res,
                         int first, int count, size_t *n);
/* The rows of res whose column col holds name, when such rows are
 * consecutive (the query orders by that column): sets *first and returns
 * how many (0 when none). */
int pg_section(const PGresult *res, int col, const char *name, int *first);

#endif
