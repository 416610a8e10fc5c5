/* What handlers share beyond request.h: sending a batch of statements with
 * the request as context, turning a failed batch into the right error code,
 * replying with a response built in an arena, and rejecting bad fields. */
#ifndef CCHCD_REQUEST_HELPERS_H
#define CCHCD_REQUEST_HELPERS_H

#include "arena.h"
#include "db_pool.h"
#include "request.h"

/* What a handler does with its batch's results (valid during the call). */
typedef void (*request_rows_fn)(request *req, PGresult *const *results, int nresults);

/* Submits the batch. on_rows runs only when every statement succeeded; a
 * failed batch, or one the pool cannot take, is answered here with the
 * right error code, so handlers deal with data only. */
void request_query(request *req, const db_step *steps, int nsteps, request_rows_fn on_rows);
/* The same for a write's batch (a broken connection after it was sent is
 * OUTCOME_UNKNOWN, not UNAVAILABLE): when the request carries a request key,
 * the batch also records the key and, in the same transaction, the answer
 * on_rows gives, so a retry gets that answer (docs/retry.md). on_rows must
 * answer before it returns. Otherwise exactly request_query. */
void request_write(request *req, const db_step *steps, int nsteps, request_rows_fn on_rows);
/* request_write for a write that may share its transaction and commit with
 * other clients' writes (group commit, db_group.h; request_group.c): one
 * statement, step, whose refusals are rows it answers, never errors. When
 * the request carries a request key, the statement keyed runs instead,
 * with the key's claim (account, key, request type, body digest) before
 * step's parameters; it answers step's columns, or one row whose column
 * key_taken is true when the key was already recorded (then the answer
 * comes from the record). order names what the statement locks first
 * (db_group_submit). on_rows must answer before it returns; the
 * answer leaves once the transaction has committed. Without a group
 * (--group-commit-max 0), exactly request_write. */
void request_write_grouped(request *req, const db_step *step, statement_id keyed,
                           const char *order, request_rows_fn on_rows);
/* What a health answer reports (request_health_probe). */
typedef struct request_health {
    int serving;                /* not draining */
    int reachable;              /* the probe query came back */
    db_pool_health pool;
    uint64_t uptime_s;
    char problem[300];          /* why the probe failed; "" when it did not */
} request_health;

/* Runs one query through the pool to see the database answer, and calls
 * done with what it found: never answers the request itself, so a health
 * check gets a health answer whatever state the database is in. */
void request_health_probe(request *req, statement_id probe,
                          void (*done)(request *req, const request_health *health));

/* Answers a request whose batch the pool did not take (not DB_SUBMIT_OK). */
void request_submit_failed(request *req, db_submit submitted);
/* Answers a request whose batch failed (status != DB_OK): unavailable
 * (an unknown outcome too: a read may always be sent again) UNAVAILABLE, a
 * statement error INTERNAL. */
void request_fail_db(request *req, db_status status, const char *message);
/* The same for a write's batch: an unknown outcome is OUTCOME_UNKNOWN. */
void request_fail_write(request *req, db_status status, const char *message);
/* A new, initialised body message for the Response member body_case, in a
 * (NULL when there is no such member or memory ran out). */
ProtobufCMessage *request_body_new(arena *a, Cchc__V1__Response__BodyCase body_case);
/* Replies with the body `body_case` of Response whose (first) repeated
 * message field holds one message per row of rows, filled by column name
 * (pgvalue.c). For the many answers that are just a list. */
void request_reply_rows(request *req, Cchc__V1__Response__BodyCase body_case, const PGresult *rows);

/* When res (rows of a SQL check: columns "field" and "message", and a
 * line number in column line_col unless it is -1) has rows whose field is
 * set, answers INVALID_ARGUMENT with one detail per such row and returns 1;
 * returns 0 otherwise. summary is a message id whose one %s is the count
 * of errors. A row's message made by cchc_msg (sql/functions/005_messages.sql)
 * travels as its id and arguments; a detail's field is "line N: field"
 * when the row names a line. */
int request_fail_rows(request *req, const PGresult *res, int line_col, const char *summary);
/* The same answered with code instead (NOT_FOUND for names that do not
 * exist, PERMISSION_DENIED for what the caller may not touch); returns 0
 * when res has no error row. */
int request_fail_rows_as(request *req, const PGresult *res, int line_col, Cchc__V1__ErrorCode code,
                         const char *summary);
/* How many error rows (field set) res holds when every one of them names
 * field — a write based on something older than what the server holds —
 * and 0 when there are none or any other error is among them (the caller
 * then answers them all with request_fail_rows). */
size_t request_conflict_count(const PGresult *res, const char *field);
/* Answers CONFLICT with summary (a message id, its %s the count) and one
 * detail per error row of res, labelled as request_fail_rows labels them. */
void request_fail_conflicts(request *req, const PGresult *res, int line_col, const char *summary);
/* Answers code with a message a SQL function made (cchc_msg: an id and its
 * arguments joined by U+001F; a plain text is an id without arguments). */
void request_fail_sql(request *req, Cchc__V1__ErrorCode code, const char *text);
/* Answers INVALID_ARGUMENT with the given details; summary as for
 * request_fail_rows, messages as a SQL function or a validator wrote them. */
void request_fail_details(request *req, const char *summary, const char *const *fields,
                          const char *const *messages, size_t n);
/* Answers INVALID_ARGUMENT with one detail: field, and why as a validator
 * of common/ wrote it (an id with its arguments, msg_encode), so the client
 * shows the reason in its language and the field by its label. */
void request_fail_field(request *req, const char *field, const char *why);

/* Answers INVALID_ARGUMENT and returns -1 when a date field is malformed. */
int request_check_date(request *req, const char *field, const char *value);
/* Same for a reporting period's id: 2023-Q1, 2023-6M, 2023-9M, 2023-Y. */
int request_check_period(request *req, const char *period);
/* Same for a text field: UTF-8, no control characters, at most max_bytes. */
int request_check_text(request *req, const char *field, const char *value, size_t max_bytes);

#endif
