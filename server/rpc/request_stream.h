/* Answers too large for one frame, sent in parts. A list answer (export,
 * missing, review list, a report's history, every unit's report on a task,
 * the consolidated report) can exceed any sensible frame limit once the
 * communes report with real text; instead of one frame capped at the
 * reply limit, it travels as several Responses of the same request id,
 * each under the server's frame limit, every part but the last marked
 * `more` (docs/streaming.md). The answer is read once, from one batch, so
 * the parts are one snapshot; the next part is produced only when the
 * connection's write backlog has drained, so a slow reader never makes the
 * server queue the whole answer. Clients that did not say accepts_parts in
 * their hello get the answer as one frame, as before. */
#ifndef CCHCD_REQUEST_STREAM_H
#define CCHCD_REQUEST_STREAM_H

#include <libpq-fe.h>

#include "arena.h"
#include "request.h"

/* Replies with body as the Response's member body_case, like
 * request_reply_body, in parts when the client accepts them and the body
 * is larger than one frame. Each part's body holds the next slice of the
 * body's repeated message fields (in field order); its other fields go
 * with the first part. a (may be NULL) is taken: freed now or when the
 * last part is written. results are the batch's (the on_rows arguments):
 * kept alive as long as parts remain, since the body points into them. */
void request_reply_streamed(request *req, arena *a, Cchc__V1__Response__BodyCase body_case,
                            void *body, PGresult *const *results, int nresults);

/* request_reply_rows for a list that may be long: the body's first
 * repeated message field gets one message per row of results[index]. */
void request_reply_rows_streamed(request *req, Cchc__V1__Response__BodyCase body_case,
                                 PGresult *const *results, int nresults, int index);

#endif
