/* The public summary of a period (issue 17, Deliver 4,
 * docs/public-summary.md): the figures per index and criterion and the
 * lead agencies' accepted assessments, read in one snapshot from SQL
 * functions (sql/functions/097_public_summary.sql) that select only what
 * may be published, so that nothing private crosses the wire for the
 * city's web portal page. Figures cover every unit whoever asks: the
 * summary is public, and the roles allowed (authz.c) read status anyway. */
#include "arena.h"
#include "auth.h"
#include "handlers.h"
#include "pgvalue.h"
#include "request_helpers.h"

enum { P_QUIET, P_SNAPSHOT, P_LOUD, P_PERIOD, P_CRITERIA, P_ASSESSMENTS, P_COUNT };

static void on_summary(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (PQntuples(r[P_PERIOD]) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "unknown period %s; see 'cchc period list'",
                     req->msg->public_summary->period_id);
        return;
    }
    arena a = {0};
    Cchc__V1__PublicSummaryResponse body = CCHC__V1__PUBLIC_SUMMARY_RESPONSE__INIT;
    pg_fill(&a, &body.base, r[P_PERIOD], 0);
    body.criteria = (Cchc__V1__PublicCriterion **)pg_messages(
        &a, &cchc__v1__public_criterion__descriptor, r[P_CRITERIA], &body.n_criteria);
    body.assessments = (Cchc__V1__PublicAssessment **)pg_messages(
        &a, &cchc__v1__public_assessment__descriptor, r[P_ASSESSMENTS], &body.n_assessments);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_PUBLIC_SUMMARY, &body);
}

void handle_public_summary(request *req)
{
    const Cchc__V1__PublicSummaryRequest *in = req->msg->public_summary;
    if (request_check_period(req, in->period_id) != 0)
        return;
    const char *period[] = {in->period_id};
    const db_step steps[P_COUNT] = {
        [P_QUIET] = {STMT_SNAPSHOT_QUIET, 0, NULL},
        [P_SNAPSHOT] = {STMT_SNAPSHOT_BEGIN, 0, NULL},
        [P_LOUD] = {STMT_SNAPSHOT_LOUD, 0, NULL},
        [P_PERIOD] = {STMT_PUBLIC_SUMMARY_PERIOD, 1, period},
        [P_CRITERIA] = {STMT_PUBLIC_SUMMARY_CRITERIA, 1, period},
        [P_ASSESSMENTS] = {STMT_PUBLIC_SUMMARY_ASSESSMENTS, 1, period},
    };
    request_query(req, steps, P_COUNT, on_summary);
}
