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

/* The field of desc named like each column of res (NULL where none): the
 * name look-up (a binary search of strcmp) done once per result instead of
 * once per cell; the HTML bundle fills ~5,000 rows of ~25 columns
 * (issue 15). */
static const ProtobufCFieldDescriptor **column_fields(arena *a, const ProtobufCMessageDescriptor *desc,
                                                     const PGresult *res)
{
    int ncols = PQnfields(res);
    const ProtobufCFieldDescriptor **fields =
        arena_array(a, ncols > 0 ? (size_t)ncols : 1, sizeof(*fields));
    for (int col = 0; fields && col < ncols; col++)
        fields[col] = protobuf_c_message_descriptor_get_field_by_name(desc, PQfname(res, col));
    return fields;
}

static void fill_row(arena *a, ProtobufCMessage *msg, const ProtobufCFieldDescriptor **fields,
                     const PGresult *res, int row)
{
    int ncols = PQnfields(res);
    for (int col = 0; col < ncols; col++) {
        const ProtobufCFieldDescriptor *f = fields[col];
        if (!f)
            continue;
        char *base = (char *)msg;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (f->type == PROTOBUF_C_TYPE_STRING)
                *(char ***)(base + f->offset) =
                    pg_split(a, res, row, col, PG_LIST_SEP, (size_t *)(base + f->quantifier_offset));
            continue;
        }
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING:
            *(char **)(base + f->offset) = pg_text(res, row, col);
            break;
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
            *(int32_t *)(base + f->offset) = pg_int(res, row, col);
            break;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
            *(int64_t *)(base + f->offset) =
                PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
            break;
        case PROTOBUF_C_TYPE_BOOL:
            *(protobuf_c_boolean *)(base + f->offset) = pg_bool(res, row, col);
            break;
        default:
            break; /* messages, enums, bytes: filled by the handler */
        }
    }
}

void pg_fill(arena *a, ProtobufCMessage *msg, const PGresult *res, int row)
{
    const ProtobufCFieldDescriptor **fields = column_fields(a, msg->descriptor, res);
    if (fields)
        fill_row(a, msg, fields, res, row);
}

void **pg_messages(arena *a, const ProtobufCMessageDescriptor *desc, const PGresult *res,
                   size_t *n)
{
    return pg_messages_range(a, desc, res, 0, PQntuples(res), n);
}

void **pg_messages_range(arena *a, const ProtobufCMessageDescriptor *desc, const PGresult *res,
                         int first, int count, size_t *n)
{
    *n = 0;
    void **out = arena_array(a, (size_t)count, sizeof(void *));
    const ProtobufCFieldDescriptor **fields = count > 0 ? column_fields(a, desc, res) : NULL;
    for (int i = 0; i < count && out && fields; i++) {
        ProtobufCMessage *msg = arena_alloc(a, desc->sizeof_message);
        if (!msg)
            break;
        desc->message_init(msg);
        fill_row(a, msg, fields, res, first + i);
        out[(*n)++] = msg;
    }
    return out;
}

int pg_section(const PGresult *res, int col, const char *name, int *first)
{
    int rows = PQntuples(res), i = 0;
    while (i < rows && strcmp(pg_text(res, i, col), name) != 0)
        i++;
    *first = i;
    while (i < rows && strcmp(pg_text(res, i, col), name) == 0)
        i++;
    return i - *first;
}
