/* See request_budget.h. */
#include "request_budget.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Accounts holding decoded requests now: few at any moment (at most one
 * per connection), so a small array searched in order will do; an entry
 * goes when its account holds nothing. The server is one event loop, so
 * nothing here needs a lock. */
typedef struct account_hold {
    char id[sizeof(((auth_identity *)0)->account_id)];
    size_t bytes;
} account_hold;
static account_hold *accounts;
static size_t unverified_total; /* over all connections */
static size_t naccounts, accounts_cap;

static account_hold *account_find(const char *id)
{
    for (size_t i = 0; i < naccounts; i++)
        if (strcmp(accounts[i].id, id) == 0)
            return &accounts[i];
    return NULL;
}

int request_budget_hold_account(request *req, size_t bytes)
{
    account_hold *a = account_find(req->auth.account_id);
    if (a && (a->bytes > REQUEST_BUDGET_ACCOUNT || bytes > REQUEST_BUDGET_ACCOUNT - a->bytes))
        return 0;
    if (!a && bytes > REQUEST_BUDGET_ACCOUNT)
        return 0;
    if (!a) {
        if (naccounts == accounts_cap) {
            size_t cap = accounts_cap ? 2 * accounts_cap : 16;
            account_hold *grown = realloc(accounts, cap * sizeof(*grown));
            if (!grown)
                return 0;
            accounts = grown;
            accounts_cap = cap;
        }
        a = &accounts[naccounts++];
        memcpy(a->id, req->auth.account_id, sizeof(a->id));
        a->bytes = 0;
    }
    a->bytes += bytes;
    req->held_account = bytes;
    return 1;
}

static void account_release(request *req)
{
    account_hold *a = req->held_account ? account_find(req->auth.account_id) : NULL;
    if (a) {
        a->bytes -= req->held_account;
        if (a->bytes == 0) {
            *a = accounts[--naccounts];
            if (naccounts == 0) {
                free(accounts);
                accounts = NULL;
                accounts_cap = 0;
            }
        }
    }
    req->held_account = 0;
}

size_t request_budget_body_cap(Cchc__V1__Request__BodyCase body, int is_public, size_t max_frame)
{
    if (is_public)
        return REQUEST_BODY_CAP_PUBLIC;
    switch (body) {
    case CCHC__V1__REQUEST__BODY_REPORT_SUBMIT:   /* rows */
    case CCHC__V1__REQUEST__BODY_UNIT_IMPORT:     /* rows */
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE:     /* units merged or split */
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE_SET: /* a reform: hundreds of changes */
    case CCHC__V1__REQUEST__BODY_REVIEW:          /* report ids */
    case CCHC__V1__REQUEST__BODY_PERIOD_ACTION:   /* report ids */
    case CCHC__V1__REQUEST__BODY_INDEX_RESULT_SET:
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_RECORD:
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_SUBMIT: /* three long texts */
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_REVIEW: /* consolidation ids */
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
           (!unverified || (within(c->held_unverified, bytes, REQUEST_BUDGET_UNVERIFIED) &&
                            within(unverified_total, bytes, REQUEST_BUDGET_UNVERIFIED_TOTAL)));
}

void request_budget_hold(request *req, size_t bytes, int unverified)
{
    connection *c = req->conn;
    c->held_bytes = c->held_bytes - req->held_bytes + bytes;
    if (req->held_unverified) {
        c->held_unverified -= req->held_bytes;
        unverified_total -= req->held_bytes;
    }
    if (unverified) {
        c->held_unverified += bytes;
        unverified_total += bytes;
    }
    req->held_bytes = bytes;
    req->held_unverified = unverified;
}

void rpc_budget_release(request *req)
{
    request_budget_hold(req, 0, 0);
    account_release(req);
    if (req->payload) {
        sodium_memzero(req->payload, req->payload_len);
        free(req->payload);
        req->payload = NULL;
        req->payload_len = 0;
    }
}
