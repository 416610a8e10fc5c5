/* See request_budget.h. */
#include "request_budget.h"

#include <sodium.h>
#include <stdlib.h>

size_t request_budget_body_cap(Cchc__V1__Request__BodyCase body, int is_public, size_t max_frame)
{
    if (is_public)
        return REQUEST_BODY_CAP_PUBLIC;
    switch (body) {
    case CCHC__V1__REQUEST__BODY_REPORT_SUBMIT:   /* rows */
    case CCHC__V1__REQUEST__BODY_UNIT_IMPORT:     /* rows */
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE:     /* units merged or split */
    case CCHC__V1__REQUEST__BODY_REVIEW:          /* report ids */
    case CCHC__V1__REQUEST__BODY_PERIOD_ACTION:   /* report ids */
    case CCHC__V1__REQUEST__BODY_INDEX_RESULT_SET:
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_RECORD:
        return max_frame;
    default: return REQUEST_BODY_CAP_SMALL;
    }
}

static int within(size_t held, size_t bytes, size_t limit)
{
    return held <= limit && bytes <= limit - held;
}

int request_budget_fits(const connection *c, size_t bytes, int unverified)
{
    return within(c->held_bytes, bytes, REQUEST_BUDGET_CONNECTION) &&
           (!unverified || within(c->held_unverified, bytes, REQUEST_BUDGET_UNVERIFIED));
}

void request_budget_hold(request *req, size_t bytes, int unverified)
{
    connection *c = req->conn;
    c->held_bytes = c->held_bytes - req->held_bytes + bytes;
    if (req->held_unverified)
        c->held_unverified -= req->held_bytes;
    if (unverified)
        c->held_unverified += bytes;
    req->held_bytes = bytes;
    req->held_unverified = unverified;
}

void rpc_budget_release(request *req)
{
    request_budget_hold(req, 0, 0);
    if (req->payload) {
        sodium_memzero(req->payload, req->payload_len);
        free(req->payload);
        req->payload = NULL;
        req->payload_len = 0;
    }
}
