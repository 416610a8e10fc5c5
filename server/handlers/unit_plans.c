/* Each unit's own implementation plan of Plan 121: which units owe one,
 * and recording the document a unit issued (number, date issued, date
 * received). */
#include <string.h>

#include "arena.h"
#include "handlers.h"
#include "pgvalue.h"
#include "request_helpers.h"

static void on_unit_plans(request *req, PGresult *const *r, int n)
{
    /* a record batch starts with the write: no row means no such unit owes one */
    if (n == 3 && PQntuples(r[0]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "\"%s\" is not a unit that owes a plan",
                     req->msg->unit_plan_record->unit);
        return;
    }
    arena a = {0};
    Cchc__V1__UnitPlanResponse body = CCHC__V1__UNIT_PLAN_RESPONSE__INIT;
    body.units = (Cchc__V1__UnitPlan **)pg_messages(&a, &cchc__v1__unit_plan__descriptor, r[n - 2],
                                                    &body.n_units);
    pg_fill(&a, &body.base, r[n - 1], 0);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_UNIT_PLAN, &body);
}

void handle_unit_plan_list(request *req)
{
    const Cchc__V1__UnitPlanListRequest *in = req->msg->unit_plan_list;
    if (request_check_text(req, "unit", in->unit, 300) != 0)
        return;
    const char *params[] = {in->missing_only ? "t" : "f", in->unit};
    const db_step steps[] = {
        {STMT_UNIT_PLAN_LIST, 2, params},
        {STMT_UNIT_PLAN_COUNTS, 0, NULL},
    };
    request_query(req, steps, 2, on_unit_plans);
}

void handle_unit_plan_record(request *req)
{
    const Cchc__V1__UnitPlanRecordRequest *in = req->msg->unit_plan_record;
    if (request_check_text(req, "unit", in->unit, 300) != 0 ||
        request_check_text(req, "doc_number", in->doc_number, 100) != 0 ||
        request_check_date(req, "issued_on", in->issued_on) != 0 ||
        request_check_date(req, "received_on", in->received_on) != 0)
        return;
    if (!*in->unit || !*in->doc_number || !*in->issued_on) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "the unit, the document number and the date issued are required");
        return;
    }
    if (*in->received_on && strcmp(in->received_on, in->issued_on) < 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "the date received precedes the date issued");
        return;
    }
    const char *record[] = {in->unit, in->doc_number, in->issued_on, in->received_on,
                            req->auth.account_id, req->auth.username, req->peer_ip};
    const char *show[] = {"f", in->unit};
    const db_step steps[] = {
        {STMT_UNIT_PLAN_RECORD, 7, record},
        {STMT_UNIT_PLAN_LIST, 2, show},
        {STMT_UNIT_PLAN_COUNTS, 0, NULL},
    };
    request_write(req, steps, 3, on_unit_plans);
}
