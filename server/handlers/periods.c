/* The reporting periods' administration: listing a year's periods, and
 * Sở Nội vụ's actions on one (open, close, approve, reopen, extend), which
 * sql function period_action (functions/080) checks against the period's
 * state and applies in one transaction. "lock" is passed on so that the
 * database answers it with the way forward (approval locks a period). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "handlers.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "sql_doc.h"

static void on_period_list(request *req, PGresult *const *r, int n)
{
    (void)n;
    request_reply_rows(req, CCHC__V1__RESPONSE__BODY_PERIOD_LIST, r[0]);
}

void handle_period_list(request *req)
{
    int year = req->msg->period_list->year;
    if (year < 0 || year > 2100) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "year %s is not valid", REQUEST_NUM(year));
        return;
    }
    char text[16];
    snprintf(text, sizeof(text), "%d", year);
    const char *params[] = {text};
    const db_step step = {STMT_PERIOD_LIST, 1, params};
    request_query(req, &step, 1, on_period_list);
}

static void on_period_action(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (request_fail_rows(req, r[0], -1, "nothing done; errors: %s"))
        return;
    arena a = {0};
    Cchc__V1__PeriodActionResponse body = CCHC__V1__PERIOD_ACTION_RESPONSE__INIT;
    size_t np;
    Cchc__V1__Period **periods =
        (Cchc__V1__Period **)pg_messages(&a, &cchc__v1__period__descriptor, r[1], &np);
    body.period = np ? periods[0] : NULL;
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_PERIOD_ACTION, &body);
}

void handle_period_action(request *req)
{
    const Cchc__V1__PeriodActionRequest *in = req->msg->period_action;
    if (request_check_period(req, in->period_id) != 0 ||
        request_check_text(req, "action", in->action, 16) != 0 ||
        request_check_date(req, "unit_deadline", in->unit_deadline) != 0 ||
        request_check_date(req, "lead_deadline", in->lead_deadline) != 0 ||
        request_check_date(req, "until", in->until) != 0 ||
        request_check_text(req, "unit", in->unit, 300) != 0 ||
        request_check_text(req, "reason", in->reason, 2000) != 0)
        return;
    static const char *const actions[] = {"open", "close", "lock", "approve", "reopen", "extend"};
    int known = 0;
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        known |= strcmp(in->action, actions[i]) == 0;
    if (!known) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "unknown period action; use open, close, approve, reopen or extend");
        return;
    }
    if ((in->accept_remaining || in->n_accept_report_ids) && strcmp(in->action, "approve") != 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "accepting reports goes only with approving the period");
        return;
    }
    if (strcmp(in->action, "extend") == 0 && *in->unit && !*in->until) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "extending for one unit needs a date: --until");
        return;
    }
    json_t *doc = json_pack("{s:o, s:s, s:s}", "actor", sql_doc_actor(req), "action", in->action,
                            "period", in->period_id);
    const struct { const char *key, *value; } optional[] = {
        {"unit_deadline", in->unit_deadline}, {"lead_deadline", in->lead_deadline},
        {"unit", in->unit}, {"until", in->until}};
    for (size_t i = 0; doc && i < 4; i++)
        if (*optional[i].value)
            json_object_set_new(doc, optional[i].key, json_string(optional[i].value));
    if (doc && *in->reason)
        json_object_set_new(doc, "reason", json_string(in->reason));
    if (doc && in->accept_remaining)
        json_object_set_new(doc, "accept_remaining", json_true());
    if (doc && in->n_accept_report_ids) {
        json_t *ids = json_array();
        for (size_t i = 0; ids && i < in->n_accept_report_ids; i++)
            json_array_append_new(ids, json_integer((json_int_t)in->accept_report_ids[i]));
        json_object_set_new(doc, "accept_ids", ids);
    }
    const statement_id act[] = {STMT_PERIOD_ACTION, STMT_PERIOD_OF_DOC};
    sql_doc_query(req, doc, act, 2, on_period_action);
}

