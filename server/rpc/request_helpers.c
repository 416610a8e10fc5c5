/* See request_helpers.h. A statement error here is the server's fault (the
 * input was validated before), so it is logged and answered INTERNAL
 * without the database's text, which may name tables. */
#include "request_helpers.h"

#include <string.h>

#include "log.h"
#include "msg_format.h"
#include "pgvalue.h"
#include "request_internal.h"
#include "request_keys.h"
#include "validate.h"
#include "wire.h"

/* Between the pool and a handler: failures are answered once, here. */
static void on_batch_done(void *ctx, db_status status, PGresult *const *results, int nresults,
                          const char *message)
{
    request *req = ctx;
    if (status != DB_OK)
        request_fail_db(req, status, message);
    else
        req->on_rows(req, results, nresults);
}

/* The same for a write's batch, whose outcome may be unknown. */
static void on_write_done(void *ctx, db_status status, PGresult *const *results, int nresults,
                          const char *message)
{
    request *req = ctx;
    if (status != DB_OK)
        request_fail_write(req, status, message);
    else
        req->on_rows(req, results, nresults);
}

static void submit(request *req, const db_step *steps, int nsteps, request_rows_fn on_rows,
                   db_result_fn done)
{
    if (!req->ctx->db) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNAVAILABLE, "server is shutting down");
        return;
    }
    if (request_client_gone(req)) { /* a later step of a client that has gone */
        request_fail(req, CCHC__V1__ERROR_CODE__UNAVAILABLE,
                     "the client has gone; not sent to the database");
        return;
    }
    req->on_rows = on_rows;
    db_owner owner = request_db_owner(req);
    request_submit_failed(req,
                          db_pool_submit_batch(req->ctx->db, &owner, steps, nsteps, done, req));
}

void request_query(request *req, const db_step *steps, int nsteps, request_rows_fn on_rows)
{
    submit(req, steps, nsteps, on_rows, on_batch_done);
}

void request_write(request *req, const db_step *steps, int nsteps, request_rows_fn on_rows)
{
    if (request_keys_write(req, steps, nsteps, on_rows) != 0)
        submit(req, steps, nsteps, on_rows, on_write_done);
}

void request_submit_failed(request *req, db_submit submitted)
{
    switch (submitted) {
    case DB_SUBMIT_OK:
        break;
    case DB_SUBMIT_BUSY:
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                     "server busy: too many requests waiting for the database; try again shortly");
        break;
    case DB_SUBMIT_UNAVAILABLE:
        request_fail(req, CCHC__V1__ERROR_CODE__UNAVAILABLE,
                     "database unavailable; the server keeps retrying, try again shortly");
        break;
    }
}

void request_fail_write(request *req, db_status status, const char *message)
{
    if (status == DB_OUTCOME_UNKNOWN) {
        log_warn("client %llu request %llu %s: outcome unknown: %s",
                 (unsigned long long)req->conn_id, (unsigned long long)req->id,
                 wire_request_name(req->msg->body_case), message);
        request_fail(req, CCHC__V1__ERROR_CODE__OUTCOME_UNKNOWN,
                     "the database connection broke after the write was sent: it may have been "
                     "applied; retry with the same request_key to learn the outcome, as cchc "
                     "does");
        return;
    }
    request_fail_db(req, status, message);
}

void request_fail_db(request *req, db_status status, const char *message)
{
    if (status == DB_ABORTED) {
        log_info("client %llu request %llu %s: rolled back, retryable: %s",
                 (unsigned long long)req->conn_id, (unsigned long long)req->id,
                 wire_request_name(req->msg->body_case), message);
        request_fail(req, CCHC__V1__ERROR_CODE__ABORTED,
                     "rolled back by a conflict or a deadline: nothing was applied; retry with "
                     "the same request_key, as cchc does");
        return;
    }
    if (status == DB_UNAVAILABLE || status == DB_OUTCOME_UNKNOWN) {
        /* nothing was applied, or a read (always safe to send again) */
        request_fail(req, CCHC__V1__ERROR_CODE__UNAVAILABLE,
                     "database unavailable, nothing was applied; try again shortly (%s)", message);
        return;
    }
    log_error("client %llu request %llu %s: database error: %s",
              (unsigned long long)req->conn_id, (unsigned long long)req->id,
              wire_request_name(req->msg->body_case), message);
    request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL,
                 "internal database error; the server log has the details");
}


/* A detail's message, as the SQL functions (cchc_msg) or the validators
 * wrote it, as an id with arguments plus its English rendering, in a. */
static int detail_from_text(arena *a, Cchc__V1__FieldError *f, const char *text)
{
    char *copy = arena_strndup(a, text, strlen(text));
    const char *id, *args[REQUEST_FAIL_MAX_ARGS];
    int n = copy ? msg_format_split(copy, &id, args, REQUEST_FAIL_MAX_ARGS) : 0;
    if (!copy)
        return -1;
    if (n > REQUEST_FAIL_MAX_ARGS)
        n = REQUEST_FAIL_MAX_ARGS;
    if (n == 0 && msg_format_arity(id) != 0) {
        /* a plain message holding a % of its own: no id to render */
        f->message = (char *)text;
        return 0;
    }
    f->message_id = (char *)id;
    f->args = arena_array(a, (size_t)n + 1, sizeof(char *));
    if (!f->args)
        return -1;
    for (int i = 0; i < n; i++)
        f->args[i] = (char *)args[i];
    f->n_args = (size_t)n;
    size_t need = msg_format((char[1]){""}, 1, id, args, (size_t)n) + 1;
    f->message = arena_alloc(a, need);
    if (!f->message)
        return -1;
    msg_format(f->message, need, id, args, (size_t)n);
    return 0;
}

/* Answers code with the message id summary (its one %s: how many details)
 * and one detail per (field, message). */
static void fail_details_as(request *req, Cchc__V1__ErrorCode code, const char *summary,
                            const char *const *fields, const char *const *messages, size_t n)
{
    arena a = {0};
    char count[24], message[300];
    snprintf(count, sizeof(count), "%zu", n);
    char *args[] = {count};
    msg_format(message, sizeof(message), summary, (const char *const *)args, 1);
    Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
    err.code = code;
    err.message = message;
    err.message_id = (char *)summary;
    err.args = args;
    err.n_args = 1;
    err.details = arena_array(&a, n, sizeof(*err.details));
    for (size_t i = 0; i < n && err.details; i++) {
        Cchc__V1__FieldError *f = ARENA_NEW(&a, Cchc__V1__FieldError, CCHC__V1__FIELD_ERROR__INIT);
        if (!f || detail_from_text(&a, f, messages[i]) != 0)
            break;
        f->field = (char *)fields[i];
        err.details[err.n_details++] = f;
    }
    if (a.failed) {
        arena_free(&a);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    request_fail_error(req, &err);
    arena_free(&a);
}

void request_fail_details(request *req, const char *summary, const char *const *fields,
                          const char *const *messages, size_t n)
{
    fail_details_as(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, summary, fields, messages, n);
}

void request_fail_sql(request *req, Cchc__V1__ErrorCode code, const char *text)
{
    arena a = {0};
    Cchc__V1__FieldError f = CCHC__V1__FIELD_ERROR__INIT;
    if (detail_from_text(&a, &f, text) != 0) {
        arena_free(&a);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
    err.code = code;
    err.message = f.message;
    err.message_id = f.message_id;
    err.args = f.args;
    err.n_args = f.n_args;
    request_fail_error(req, &err);
    arena_free(&a);
}

void request_fail_field(request *req, const char *field, const char *why)
{
    const char *fields[] = {field}, *messages[] = {why};
    request_fail_details(req, "the request has errors: %s", fields, messages, 1);
}

int request_check_date(request *req, const char *field, const char *value)
{
    char why[160];
    if (validate_date(value, why, sizeof(why)) == 0)
        return 0;
    request_fail_field(req, field, why);
    return -1;
}

int request_check_text(request *req, const char *field, const char *value, size_t max_bytes)
{
    char why[160];
    if (validate_text(value, max_bytes, why, sizeof(why)) == 0)
        return 0;
    request_fail_field(req, field, why);
    return -1;
}

size_t request_conflict_count(const PGresult *res, const char *field)
{
    int field_col = PQfnumber(res, "field");
    size_t n = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, field_col))
            continue;
        if (strcmp(PQgetvalue(res, i, field_col), field) != 0)
            return 0;
        n++;
    }
    return n;
}

/* The error rows of res as details (labelled "line N: field" when line_col
 * names a line, which the client shows in its language), answered with
 * code and the message id summary (its %s: how many). */
static int fail_rows_as(request *req, const PGresult *res, int line_col, Cchc__V1__ErrorCode code,
                        const char *summary)
{
    int field_col = PQfnumber(res, "field"), message_col = PQfnumber(res, "message");
    int rows = PQntuples(res);
    size_t n = 0;
    for (int i = 0; i < rows; i++)
        n += !PQgetisnull(res, i, field_col);
    if (n == 0)
        return 0;
    arena a = {0};
    const char **fields = arena_array(&a, n, sizeof(char *));
    const char **messages = arena_array(&a, n, sizeof(char *));
    size_t k = 0;
    for (int i = 0; i < rows && fields && messages; i++) {
        if (PQgetisnull(res, i, field_col))
            continue;
        if (line_col >= 0 && pg_int(res, i, line_col) > 0) {
            char label[96];
            snprintf(label, sizeof(label), "line %s: %s", pg_text(res, i, line_col),
                     pg_text(res, i, field_col));
            fields[k] = arena_strndup(&a, label, strlen(label));
        } else {
            fields[k] = pg_text(res, i, field_col);
        }
        messages[k++] = pg_text(res, i, message_col);
    }
    if (a.failed)
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
    else
        fail_details_as(req, code, summary, fields, messages, k);
    arena_free(&a);
    return 1;
}

int request_fail_rows_as(request *req, const PGresult *res, int line_col, Cchc__V1__ErrorCode code,
                         const char *summary)
{
    return fail_rows_as(req, res, line_col, code, summary);
}

int request_fail_rows(request *req, const PGresult *res, int line_col, const char *summary)
{
    return fail_rows_as(req, res, line_col, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, summary);
}

void request_fail_conflicts(request *req, const PGresult *res, int line_col, const char *summary)
{
    fail_rows_as(req, res, line_col, CCHC__V1__ERROR_CODE__CONFLICT, summary);
}

ProtobufCMessage *request_body_new(arena *a, Cchc__V1__Response__BodyCase body_case)
{
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field(&cchc__v1__response__descriptor, (unsigned)body_case);
    const ProtobufCMessageDescriptor *desc =
        field && field->type == PROTOBUF_C_TYPE_MESSAGE ? field->descriptor : NULL;
    ProtobufCMessage *body = desc ? arena_alloc(a, desc->sizeof_message) : NULL;
    if (body)
        desc->message_init(body);
    return body;
}

void request_reply_rows(request *req, Cchc__V1__Response__BodyCase body_case, const PGresult *rows)
{
    arena a = {0};
    ProtobufCMessage *body = request_body_new(&a, body_case);
    if (!body) {
        arena_free(&a);
        request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL, "no such reply");
        return;
    }
    const ProtobufCMessageDescriptor *desc = body->descriptor;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        if (f->label != PROTOBUF_C_LABEL_REPEATED || f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        *(void ***)((char *)body + f->offset) =
            pg_messages(&a, f->descriptor, rows, (size_t *)((char *)body + f->quantifier_offset));
        break;
    }
    request_reply_body(req, &a, body_case, body);
}

int request_check_period(request *req, const char *period)
{
    if (validate_period(period))
        return 0;
    char shown[24]; /* what was sent, cut: it may be anything */
    const char *arg[] = {period};
    msg_format(shown, sizeof(shown), "%s", arg, 1);
    request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                 "period \"%s\" is not valid; write 2023-Q1, 2023-6M, 2023-9M or 2023-Y",
                 shown);
    return -1;
}
