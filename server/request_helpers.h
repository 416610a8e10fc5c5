/* What handlers share beyond request.h: sending a batch of statements with
 * the request as context, turning a failed batch into the right error code,
 * replying with a response built in an arena, and rejecting bad fields. */
#ifndef CCHCD_REQUEST_HELPERS_H
#define CCHCD_REQUEST_HELPERS_H

#include "arena.h"
#include "db_pool.h"
#include "request.h"

/* Submits the batch; on_done gets the request as ctx. When the pool cannot
 * take it, the request is answered UNAVAILABLE here. */
void request_query(request *req, const db_step *steps, int nsteps, db_result_fn on_done);
/* Answers a request whose batch failed (status != DB_OK). */
void request_fail_db(request *req, db_status status, const char *message);
/* Replies with a response whose parts live in a (or fails the request when
 * the arena ran out of memory), then frees a. */
void request_reply_arena(request *req, arena *a, Cchc__V1__Response *response);
/* When res (rows of a SQL check: columns "field" and "message", and a
 * line number in column line_col unless it is -1) has rows whose field is
 * set, answers INVALID_ARGUMENT with one detail per such row and returns 1;
 * returns 0 otherwise. summary precedes the count of errors. */
int request_fail_rows(request *req, const PGresult *res, int line_col, const char *summary);
/* Answers INVALID_ARGUMENT with the given details. */
void request_fail_details(request *req, const char *summary, const char *const *fields,
                          const char *const *messages, size_t n);

/* Answers INVALID_ARGUMENT and returns -1 when a date field is malformed. */
int request_check_date(request *req, const char *field, const char *value);
/* Same for a text field: UTF-8, no control characters, at most max_bytes. */
int request_check_text(request *req, const char *field, const char *value, size_t max_bytes);

#endif
