/* The consolidated report of a period (`cchc export --format html`) in one
 * request: the status by index, district and lead agency, the criteria at
 * risk, what is missing and every received report. Asked for piece by
 * piece, the sections came from five snapshots and could disagree (a
 * report arriving in between counted in one and not the other); here
 * every statement runs in one batch under REPEATABLE READ, so all see one
 * snapshot, and the answer, often larger than a frame, goes out in parts
 * (rpc/request_stream.c). The figures are those of `cchc status`, `cchc
 * missing` and `cchc export`: the status by index, district and lead
 * comes from status.c's statement, which computes the period's facts once
 * for all three (status_figures.h); the missing list and the export's
 * rows from one statement that reads the facts once for both
 * (cchc_bundle_lists, the columns and order of cchc_missing and
 * cchc_export). The plan's tasks
 * (`cchc task list`'s statement) come in the same batch, so the client's
 * export is one round trip. So do the city report's parts per index and
 * criterion (issue 17, Deliver 3; docs/city-report.md): the same
 * statement's figures by task and by criterion, the plan's facts of each
 * criterion joined to them here, and the lead agencies' and the city's
 * consolidated texts — one request, one snapshot, for the whole
 * document. A client that asks for_document gets only the rows and task
 * columns the document prints (sql/functions/098_bundle_document.sql). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "handlers.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "request_stream.h"
#include "status_figures.h"

enum {
    B_QUIET, B_SNAPSHOT, B_LOUD, /* one snapshot for the rest (statements.c) */
    B_FIGURES, B_LISTS, B_TASKS, B_CRITERIA, B_CONSOLIDATIONS,
    B_COUNT
};

static const char *sees_all(const request *req)
{
    return (req->auth.roles & (ROLE_ADMIN | ROLE_VIEWER)) ? "t" : "f";
}

/* The row of status_figures' section whose key is key, or -1. */
static int figure_row(const PGresult *res, int first, int count, const char *key)
{
    int col = PQfnumber(res, "key");
    for (int i = first; i < first + count; i++)
        if (strcmp(pg_text(res, i, col), key) == 0)
            return i;
    return -1;
}

/* The criteria with figures in the caller's scope, each with the plan's
 * facts of it (crit), its figures (the section "criterion" of fig) and
 * the tasks serving it that have figures (the section "task"). */
static Cchc__V1__BundleCriterion **bundle_criteria(arena *a, const PGresult *crit,
                                                   const PGresult *fig, size_t *n)
{
    int col = PQfnumber(fig, "section"), first_c = 0, first_t = 0;
    int count_c = pg_section(fig, col, "criterion", &first_c);
    int count_t = pg_section(fig, col, "task", &first_t);
    int rows = PQntuples(crit), list = PQfnumber(crit, "task_list");
    Cchc__V1__BundleCriterion **out = arena_array(a, (size_t)rows, sizeof(*out));
    *n = 0;
    for (int r = 0; r < rows && out; r++) {
        char key[256];
        snprintf(key, sizeof(key), "%s %s", pg_text(crit, r, PQfnumber(crit, "index_code")),
                 pg_text(crit, r, PQfnumber(crit, "code")));
        int g = figure_row(fig, first_c, count_c, key);
        if (g < 0)
            continue; /* no task of it in the caller's scope */
        Cchc__V1__BundleCriterion *c =
            ARENA_NEW(a, Cchc__V1__BundleCriterion, CCHC__V1__BUNDLE_CRITERION__INIT);
        Cchc__V1__StatusGroup *f = ARENA_NEW(a, Cchc__V1__StatusGroup, CCHC__V1__STATUS_GROUP__INIT);
        size_t ntasks;
        char **tasks = pg_split(a, crit, r, list, PG_LIST_SEP, &ntasks);
        int32_t *ids = arena_array(a, ntasks ? ntasks : 1, sizeof(*ids));
        if (!c || !f || !tasks || !ids)
            return out;
        pg_fill(a, &c->base, crit, r);
        pg_fill(a, &f->base, fig, g);
        c->figures = f;
        c->task_ids = ids;
        for (size_t i = 0; i < ntasks; i++)
            if (figure_row(fig, first_t, count_t, tasks[i]) >= 0)
                ids[c->n_task_ids++] = (int32_t)strtol(tasks[i], NULL, 10);
        out[(*n)++] = c;
    }
    return out;
}

static void on_bundle(request *req, PGresult *const *r, int n)
{
    if (!status_figures_found(r[B_FIGURES])) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "unknown period %s; see 'cchc period list'",
                     req->msg->report_bundle->period_id);
        return;
    }
    arena a = {0};
    int all = *sees_all(req) == 't';
    /* three StatusResponses of the one result: the same period, total and
     * criteria at risk, each with its grouping */
    Cchc__V1__ReportBundleResponse body = CCHC__V1__REPORT_BUNDLE_RESPONSE__INIT;
    body.by_index = status_figures_response(&a, r[B_FIGURES], "index", all);
    body.by_district = status_figures_response(&a, r[B_FIGURES], "district", all);
    body.by_lead = status_figures_response(&a, r[B_FIGURES], "lead", all);
    /* the two lists of the one statement, each its own section */
    int first = 0, count = pg_section(r[B_LISTS], 0, "missing", &first);
    body.missing = (Cchc__V1__MissingReport **)pg_messages_range(
        &a, &cchc__v1__missing_report__descriptor, r[B_LISTS], first, count, &body.n_missing);
    count = pg_section(r[B_LISTS], 0, "rows", &first);
    body.rows = (Cchc__V1__ExportRow **)pg_messages_range(
        &a, &cchc__v1__export_row__descriptor, r[B_LISTS], first, count, &body.n_rows);
    body.tasks = (Cchc__V1__TaskSummary **)pg_messages(&a, &cchc__v1__task_summary__descriptor,
                                                       r[B_TASKS], &body.n_tasks);
    /* the city report per index and criterion */
    body.criteria = bundle_criteria(&a, r[B_CRITERIA], r[B_FIGURES], &body.n_criteria);
    count = pg_section(r[B_FIGURES], PQfnumber(r[B_FIGURES], "section"), "task", &first);
    body.by_task = (Cchc__V1__StatusGroup **)pg_messages_range(
        &a, &cchc__v1__status_group__descriptor, r[B_FIGURES], first, count, &body.n_by_task);
    body.consolidations = (Cchc__V1__Consolidation **)pg_messages(
        &a, &cchc__v1__consolidation__descriptor, r[B_CONSOLIDATIONS], &body.n_consolidations);
    body.per_criterion = 1;
    request_reply_streamed(req, &a, CCHC__V1__RESPONSE__BODY_REPORT_BUNDLE, &body, r, n);
}

void handle_report_bundle(request *req)
{
    const Cchc__V1__ReportBundleRequest *in = req->msg->report_bundle;
    if (request_check_period(req, in->period_id) != 0)
        return;
    const char *unit = req->auth.unit_code, *all = sees_all(req);
    const char *figures[] = {in->period_id, "{index,district,lead,task,criterion}", unit, all};
    const char *lists[] = {in->period_id, unit, all};
    const char *tasks[] = {"", "", "", "", ""}; /* every task, leads as of today */
    /* for the document, only what it prints (functions/098): a fifth of
     * the rows and of the answer on ten years of history (issue 15) */
    const int doc = in->for_document;
    const db_step steps[B_COUNT] = {
        [B_QUIET] = {STMT_SNAPSHOT_QUIET, 0, NULL},
        [B_SNAPSHOT] = {STMT_SNAPSHOT_BEGIN, 0, NULL},
        [B_LOUD] = {STMT_SNAPSHOT_LOUD, 0, NULL},
        [B_FIGURES] = {STMT_STATUS_FIGURES, 4, figures},
        [B_LISTS] = {doc ? STMT_BUNDLE_DOCUMENT_LISTS : STMT_BUNDLE_LISTS, 3, lists},
        [B_TASKS] = doc ? (db_step){STMT_BUNDLE_DOCUMENT_TASKS, 0, NULL}
                        : (db_step){STMT_TASK_LIST, 5, tasks},
        [B_CRITERIA] = {STMT_BUNDLE_CRITERIA, 0, NULL},
        [B_CONSOLIDATIONS] = {STMT_BUNDLE_CONSOLIDATIONS, 3, lists},
    };
    request_query(req, steps, B_COUNT, on_bundle);
}
