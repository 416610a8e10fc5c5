/* The consolidated report of a period (`cchc export --format html`) in one
 * request: the status by index, district and lead agency, the criteria at
 * risk, what is missing and every received report. Asked for piece by
 * piece, the sections came from five snapshots and could disagree (a
 * report arriving in between counted in one and not the other); here
 * every statement runs in one batch under REPEATABLE READ, so all see one
 * snapshot, and the answer, often larger than a frame, goes out in parts
 * (rpc/request_stream.c). The same statements as status.c, so the figures
 * are those of `cchc status`, `cchc missing` and `cchc export`. */
#include "arena.h"
#include "auth.h"
#include "handlers.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "request_stream.h"

enum {
    B_QUIET, B_SNAPSHOT, B_LOUD, /* one snapshot for the rest (statements.c) */
    B_PERIOD, B_TOTAL, B_INDEX, B_DISTRICT, B_LEAD, B_RISK, B_MISSING, B_ROWS,
    B_COUNT
};

static const char *sees_all(const request *req)
{
    return (req->auth.roles & (ROLE_ADMIN | ROLE_VIEWER)) ? "t" : "f";
}

/* A StatusResponse sharing the period, total and criteria at risk. */
static Cchc__V1__StatusResponse *status_of(arena *a, const Cchc__V1__StatusResponse *shared,
                                           const PGresult *groups)
{
    Cchc__V1__StatusResponse *s =
        ARENA_NEW(a, Cchc__V1__StatusResponse, CCHC__V1__STATUS_RESPONSE__INIT);
    if (!s)
        return NULL;
    *s = *shared;
    s->groups = (Cchc__V1__StatusGroup **)pg_messages(a, &cchc__v1__status_group__descriptor,
                                                      groups, &s->n_groups);
    return s;
}

static void on_bundle(request *req, PGresult *const *r, int n)
{
    if (PQntuples(r[B_PERIOD]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "unknown period %s; see 'cchc period list'",
                     req->msg->report_bundle->period_id);
        return;
    }
    arena a = {0};
    Cchc__V1__StatusResponse shared = CCHC__V1__STATUS_RESPONSE__INIT;
    size_t one;
    Cchc__V1__Period **period =
        (Cchc__V1__Period **)pg_messages(&a, &cchc__v1__period__descriptor, r[B_PERIOD], &one);
    shared.period = one ? period[0] : NULL;
    Cchc__V1__StatusGroup **total = (Cchc__V1__StatusGroup **)pg_messages(
        &a, &cchc__v1__status_group__descriptor, r[B_TOTAL], &one);
    shared.total = one ? total[0] : NULL;
    shared.at_risk = (Cchc__V1__CriterionRisk **)pg_messages(
        &a, &cchc__v1__criterion_risk__descriptor, r[B_RISK], &shared.n_at_risk);
    shared.all_tasks = *sees_all(req) == 't';

    Cchc__V1__ReportBundleResponse body = CCHC__V1__REPORT_BUNDLE_RESPONSE__INIT;
    body.by_index = status_of(&a, &shared, r[B_INDEX]);
    body.by_district = status_of(&a, &shared, r[B_DISTRICT]);
    body.by_lead = status_of(&a, &shared, r[B_LEAD]);
    body.missing = (Cchc__V1__MissingReport **)pg_messages(
        &a, &cchc__v1__missing_report__descriptor, r[B_MISSING], &body.n_missing);
    body.rows = (Cchc__V1__ExportRow **)pg_messages(&a, &cchc__v1__export_row__descriptor,
                                                    r[B_ROWS], &body.n_rows);
    request_reply_streamed(req, &a, CCHC__V1__RESPONSE__BODY_REPORT_BUNDLE, &body, r, n);
}

void handle_report_bundle(request *req)
{
    const Cchc__V1__ReportBundleRequest *in = req->msg->report_bundle;
    if (request_check_period(req, in->period_id) != 0)
        return;
    const char *unit = req->auth.unit_code, *all = sees_all(req);
    const char *period[] = {in->period_id};
    const char *total[] = {in->period_id, "total", unit, all, ""};
    const char *by_index[] = {in->period_id, "index", unit, all, ""};
    const char *by_district[] = {in->period_id, "district", unit, all, ""};
    const char *by_lead[] = {in->period_id, "lead", unit, all, ""};
    const char *risk[] = {in->period_id, unit, all};
    const char *missing[] = {in->period_id, "", "", unit, all};
    const char *rows[] = {in->period_id, unit, all};
    const db_step steps[B_COUNT] = {
        [B_QUIET] = {STMT_SNAPSHOT_QUIET, 0, NULL},
        [B_SNAPSHOT] = {STMT_SNAPSHOT_BEGIN, 0, NULL},
        [B_LOUD] = {STMT_SNAPSHOT_LOUD, 0, NULL},
        [B_PERIOD] = {STMT_PERIOD_GET, 1, period},
        [B_TOTAL] = {STMT_STATUS_GROUPS, 5, total},
        [B_INDEX] = {STMT_STATUS_GROUPS, 5, by_index},
        [B_DISTRICT] = {STMT_STATUS_GROUPS, 5, by_district},
        [B_LEAD] = {STMT_STATUS_GROUPS, 5, by_lead},
        [B_RISK] = {STMT_AT_RISK, 3, risk},
        [B_MISSING] = {STMT_MISSING, 5, missing},
        [B_ROWS] = {STMT_EXPORT, 3, rows},
    };
    request_query(req, steps, B_COUNT, on_bundle);
}
