/* The calling convention of the SQL functions that check and write in one
 * transaction (units, reports, reviews, periods): one JSON document as the
 * only parameter, carrying an "actor" object for the audit row the
 * function writes. Shared by the handler families that call them. */
#ifndef CCHCD_HANDLERS_SQL_DOC_H
#define CCHCD_HANDLERS_SQL_DOC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "request_helpers.h"

/* {"id", "username", "address", "unit"} of the caller. */
json_t *sql_doc_actor(const request *req);
/* The document of a review (unit reports or consolidated reports alike):
 * checks the reason (a return needs one) and packs actor, action, reason
 * and the (id, revision read) pairs as the arrays the SQL takes. NULL when
 * the request was refused here (answered already). */
json_t *sql_doc_review(request *req, const char *action, const char *reason, const int64_t *ids,
                       const int32_t *revisions, size_t n);
/* Runs statements (at most 4) whose only parameter is doc, serialised, in
 * one batch, as a write (request_write: keyed when the request carries a
 * request key); takes doc. Out of memory is answered here. */
void sql_doc_query(request *req, json_t *doc, const statement_id *statements, int n,
                   request_rows_fn then);
/* The same for one statement whose writes may share a transaction with
 * other clients' (request_write_grouped): keyed is its variant that claims
 * the request key, order what it locks first. */
void sql_doc_write_grouped(request *req, json_t *doc, statement_id statement, statement_id keyed,
                           const char *order, request_rows_fn then);

#endif
