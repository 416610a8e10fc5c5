/* Citywide status for Sở Nội vụ, viewers and lead agencies: `cchc status`
 * (one screen: completeness, status roll-up, criteria at risk; `--by`
 * district, lead, criterion, index, task, unit), `cchc status task ID`
 * (every unit's report on one task, difficulties and proposals), `cchc
 * status trend`, `cchc missing` (exactly which unit owes which task) and
 * `cchc export` (every report as CSV, or the consolidated report as one
 * self-contained HTML file, written by render/html_report.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "city_report_table.h"
#include "city_report_xlsx.h"
#include "commands.h"
#include "consolidation_status.h"
#include "csv_read.h"
#include "file_write.h"
#include "html_report.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "missing_print.h"
#include "output.h"
#include "pb_json.h"
#include "plat_file.h"
#include "public_summary.h"
#include "report_csv.h"
#include "table.h"
#include "terminal.h"

static int status_fetch(const cli_options *opts, const char *period, const char *by,
                 Cchc__V1__Response **response)
{
    Cchc__V1__StatusRequest body = CCHC__V1__STATUS_REQUEST__INIT;
    body.period_id = (char *)period;
    body.by = (char *)by;
    return call(opts, CCHC__V1__REQUEST__BODY_STATUS, &body,
                CCHC__V1__RESPONSE__BODY_STATUS, response);
}

static int missing_fetch(const cli_options *opts, const char *period, const char *district,
                  const char *lead, Cchc__V1__Response **response)
{
    Cchc__V1__MissingRequest body = CCHC__V1__MISSING_REQUEST__INIT;
    body.period_id = (char *)period;
    body.district = (char *)district;
    body.lead = (char *)lead;
    return call(opts, CCHC__V1__REQUEST__BODY_MISSING, &body,
                CCHC__V1__RESPONSE__BODY_MISSING, response);
}

static int export_fetch(const cli_options *opts, const char *period, Cchc__V1__Response **response)
{
    Cchc__V1__ExportRequest body = CCHC__V1__EXPORT_REQUEST__INIT;
    body.period_id = (char *)period;
    return call(opts, CCHC__V1__REQUEST__BODY_EXPORT, &body,
                CCHC__V1__RESPONSE__BODY_EXPORT, response);
}

/* The consolidated report's bundle: one answer read in one snapshot on
 * the server, so every section agrees, with the plan's tasks by name (a
 * server older than that field sends none, and is asked apart: *tasks is
 * then that answer, to free). */
static int bundle_fetch(const cli_options *opts, const char *period, Cchc__V1__Response **response,
                        Cchc__V1__Response **tasks)
{
    Cchc__V1__ReportBundleRequest body = CCHC__V1__REPORT_BUNDLE_REQUEST__INIT;
    body.period_id = (char *)period;
    /* both documents print the rows' difficulties and proposals and the
     * tasks' names only: the rest of them stays on the server (issue 15) */
    body.for_document = 1;
    *tasks = NULL;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_REPORT_BUNDLE, &body,
                  CCHC__V1__RESPONSE__BODY_REPORT_BUNDLE, response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__ReportBundleResponse *b = (*response)->report_bundle;
    if (!b->by_index || !b->by_district || !b->by_lead || !b->by_index->period) {
        cchc__v1__response__free_unpacked(*response, NULL);
        fprintf(stderr, "%s", _("cchc: the server's consolidated report is incomplete\n"));
        return EXIT_PROTOCOL;
    }
    if (b->n_tasks == 0) {
        Cchc__V1__TaskListRequest list = CCHC__V1__TASK_LIST_REQUEST__INIT;
        rc = call(opts, CCHC__V1__REQUEST__BODY_TASK_LIST, &list, CCHC__V1__RESPONSE__BODY_TASK_LIST,
                  tasks);
        if (rc != EXIT_OK) {
            cchc__v1__response__free_unpacked(*response, NULL);
            return rc;
        }
    }
    return EXIT_OK;
}

/* The consolidated report as HTML, from the one bundle: the lead
 * agencies' and the city's consolidated texts come with it (issue 17,
 * Deliver 3), no second request. */
static int html_export(const cli_options *opts, const char *period, FILE *out)
{
    Cchc__V1__Response *response, *tasks;
    int rc = bundle_fetch(opts, period, &response, &tasks);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__ReportBundleResponse *b = response->report_bundle;
    Cchc__V1__MissingResponse missing = CCHC__V1__MISSING_RESPONSE__INIT;
    missing.n_missing = b->n_missing;
    missing.missing = b->missing;
    Cchc__V1__ExportResponse rows = CCHC__V1__EXPORT_RESPONSE__INIT;
    rows.n_rows = b->n_rows;
    rows.rows = b->rows;
    Cchc__V1__TaskListResponse bundled = CCHC__V1__TASK_LIST_RESPONSE__INIT;
    bundled.n_tasks = b->n_tasks;
    bundled.tasks = b->tasks;
    const html_report_data data = {b->by_index, b->by_district, b->by_lead, &missing, &rows,
                                   tasks ? tasks->task_list : &bundled, b};
    html_report_write(&data, period, out);
    if (tasks)
        cchc__v1__response__free_unpacked(tasks, NULL);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* The city report's companion (issue 17, Deliver 3; docs/city-report.md):
 * per index, criterion and task the figures, the lead agencies' texts and
 * the city's, from the same bundle as the HTML document; CSV to out, or
 * an xlsx workbook written to xlsx_path. */
static int city_report_export(const cli_options *opts, const char *period, FILE *out,
                              const char *xlsx_path)
{
    Cchc__V1__Response *response, *tasks;
    int rc = bundle_fetch(opts, period, &response, &tasks);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__ReportBundleResponse *b = response->report_bundle;
    Cchc__V1__TaskListResponse bundled = CCHC__V1__TASK_LIST_RESPONSE__INIT;
    bundled.n_tasks = b->n_tasks;
    bundled.tasks = b->tasks;
    if (!b->per_criterion)
        fprintf(stderr, "%s", _("cchc: this server does not assemble the city report per criterion "
                                "(an older cchcd): the file has headers only\n"));
    city_report_table t;
    rc = EXIT_OK;
    if (city_report_table_make(&t, b, tasks ? tasks->task_list : &bundled) != 0) {
        fprintf(stderr, "%s", _("cchc: out of memory\n"));
        rc = EXIT_PROTOCOL;
    } else {
        char error[600];
        if (!xlsx_path) {
            city_report_write_csv(out, &t);
        } else if (city_report_xlsx_write(xlsx_path, &t, error, sizeof(error)) != 0) {
            fprintf(stderr, "cchc: %s\n", error);
            rc = EXIT_USAGE;
        }
        city_report_table_free(&t);
    }
    if (tasks)
        cchc__v1__response__free_unpacked(tasks, NULL);
    cchc__v1__response__free_unpacked(response, NULL);
    return rc;
}

/* The public summary (issue 17, Deliver 4): the server selects what may
 * be published, one request, and the page is written from that alone. */
static int public_export(const cli_options *opts, const char *period, int csv, FILE *out)
{
    Cchc__V1__PublicSummaryRequest body = CCHC__V1__PUBLIC_SUMMARY_REQUEST__INIT;
    body.period_id = (char *)period;
    Cchc__V1__Response *response = NULL;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_PUBLIC_SUMMARY, &body,
                  CCHC__V1__RESPONSE__BODY_PUBLIC_SUMMARY, &response);
    if (rc != EXIT_OK)
        return rc;
    if (csv)
        public_summary_write_csv(response->public_summary, out);
    else
        public_summary_write(response->public_summary, out);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

static void group_row(table *t, const Cchc__V1__StatusGroup *g)
{
    char e[16], rc[16], ot[16], lt[16], m[16], mean[24], eff[24];
    snprintf(e, sizeof(e), "%d", g->expected);
    snprintf(rc, sizeof(rc), "%d", g->received);
    snprintf(ot, sizeof(ot), "%d", g->on_time);
    snprintf(lt, sizeof(lt), "%d", g->late);
    snprintf(m, sizeof(m), "%d", g->missing);
    snprintf(mean, sizeof(mean), "%s", human_percent(g->mean_progress));
    snprintf(eff, sizeof(eff), "%s", human_percent(g->effective_progress));
    const char *row[] = {g->name, e, rc, ot, lt, m, mean, eff};
    table_add_row(t, row);
}

static table *group_table(const char *first)
{
    const char *headers[] = {first, _("Expected"), _("Received"), _("On time"), _("Late"),
                             _("Missing"), _("Mean progress"), _("Overall progress")};
    const int widths[] = {44, 0, 0, 0, 0, 0, 0, 0};
    return table_new(8, headers, widths);
}

/* The first column's title for a grouping. */
static const char *group_title(const char *by)
{
    static const struct { const char *by, *title; } titles[] = {
        {"unit", N_("Unit")},       {"district", N_("Area")},
        {"lead", N_("Lead agency")}, {"task", N_("Task")},
        {"index", N_("Index")},      {"criterion", N_("Criterion")},
    };
    for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
        if (strcmp(titles[i].by, by) == 0)
            return _(titles[i].title);
    return _("Group");
}

static void print_status(const Cchc__V1__StatusResponse *s, const char *by)
{
    const Cchc__V1__StatusGroup *t = s->total;
    printf(_("Period %s (%s), data %s – %s, unit deadline %s%s\n"), s->period->id,
           label_of(LABEL_PERIOD_STATE, s->period->state),
           human_date(s->period->data_from), human_date(s->period->data_until),
           human_date(s->period->unit_deadline),
           s->all_tasks ? "" : _(" — only the tasks your unit leads"));
    if (t) {
        printf(_("Reports: %d expected, %d received (%d on time, %d late), %d missing.\n"),
               t->expected, t->received, t->on_time, t->late, t->missing);
        printf(_("Status: %d not started, %d in progress, %d completed, %d behind; mean progress "
                 "%s, overall progress %s (missing reports count as 0%%).\n"),
               t->not_started, t->in_progress, t->completed, t->behind,
               *t->mean_progress ? human_percent(t->mean_progress) : "-",
               human_percent(t->effective_progress));
    }
    if (s->n_groups && strcmp(by, _("Area")) == 0)
        printf("%s", _("Area: the unit's district on the last day of the data period; from 1 July 2025 "
                       "(no district level any more), the former province or city where the "
                       "commune-level unit was formed. Departments belong to no area.\n"));
    if (s->n_groups) {
        printf("\n");
        table *g = group_table(by);
        for (size_t i = 0; i < s->n_groups; i++)
            group_row(g, s->groups[i]);
        table_print(g, stdout, 1);
        table_free(g);
    }
    if (s->n_at_risk) {
        printf("%s", _("\nCriteria most at risk of losing points (points lost in the base year × "
                       "progress not yet made):\n"));
        const char *headers[] = {_("Index"), _("Code"), _("Criterion"), _("Points lost"),
                                 _("Overall progress"), _("Missing"), _("Risk")};
        const int widths[] = {0, 0, 50, 0, 0, 0, 0};
        table *r = table_new(7, headers, widths);
        for (size_t i = 0; i < s->n_at_risk && i < 10; i++) {
            const Cchc__V1__CriterionRisk *c = s->at_risk[i];
            char eff[24], miss[24];
            snprintf(eff, sizeof(eff), "%s", human_percent(c->effective_progress));
            snprintf(miss, sizeof(miss), "%d/%d", c->missing, c->expected);
            const char *row[] = {c->index_code, c->code, c->name, human_points(c->points_lost),
                                 eff, miss, human_points(c->risk)};
            table_add_row(r, row);
            /* coloured when the risk shown is more than zero */
            if (strcmp(human_points(c->risk), human_points("0")) != 0)
                table_colour_last_row(r, COLOUR_AT_RISK);
        }
        table_print(r, stdout, 1);
        table_free(r);
    }
}

static int status_task(const cli_options *opts, const char *period, const char *id)
{
    Cchc__V1__StatusTaskRequest body = CCHC__V1__STATUS_TASK_REQUEST__INIT;
    body.period_id = (char *)period;
    body.task_id = atoi(id);
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_STATUS_TASK, &body,
                  CCHC__V1__RESPONSE__BODY_STATUS_TASK, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__StatusTaskResponse *st = response->status_task;
    if (opts->json) {
        output_json(pb_to_json(&st->base));
    } else {
        printf(_("Task %d (%s), period %s\n%s\n\n"), st->task_id, st->ref, period, st->text);
        if (st->summary) {
            table *g = group_table(_("Task"));
            group_row(g, st->summary);
            table_print(g, stdout, 1);
            table_free(g);
        }
        for (size_t i = 0; i < st->n_reports; i++) {
            const Cchc__V1__UnitReport *u = st->reports[i];
            printf("\n%s (%s): %s", u->unit_name, u->unit_code, label_of(LABEL_REPORT_STATE, u->state));
            if (*u->status)
                printf(", %s, %s%s", label_of(LABEL_TASK_STATUS, u->status), human_progress(u->progress),
                       u->late ? _(", late") : "");
            printf("\n");
            if (*u->results)
                printf(_("  Results: %s\n"), u->results);
            if (*u->difficulties)
                printf(_("  Difficulties: %s\n"), u->difficulties);
            if (*u->proposals)
                printf(_("  Proposals: %s\n"), u->proposals);
        }
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

static int status_trend(const cli_options *opts, int year)
{
    Cchc__V1__TrendRequest body = CCHC__V1__TREND_REQUEST__INIT;
    body.year = year;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_TREND, &body,
                  CCHC__V1__RESPONSE__BODY_TREND, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__TrendResponse *tr = response->trend;
    if (opts->json) {
        output_json(pb_to_json(&tr->base));
    } else {
        const char *headers[] = {_("Period"), _("Expected"), _("Received"), _("On time"),
                                 _("Overall progress"), _("Points at risk")};
        table *t = table_new(6, headers, NULL);
        for (size_t i = 0; i < tr->n_points; i++) {
            const Cchc__V1__TrendPoint *p = tr->points[i];
            char e[16], r[16], o[16], eff[24];
            snprintf(e, sizeof(e), "%d", p->expected);
            snprintf(r, sizeof(r), "%d", p->received);
            snprintf(o, sizeof(o), "%d", p->on_time);
            snprintf(eff, sizeof(eff), "%s", human_percent(p->effective_progress));
            const char *row[] = {p->period_id, e, r, o, eff, human_points(p->points_at_risk)};
            table_add_row(t, row);
        }
        table_print(t, stdout, 1);
        table_free(t);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

const char *const status_subcommands[] = {"task", "trend", NULL};

int cmd_status(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"period", required_argument, NULL, 'p'},
        {"by", required_argument, NULL, 'b'},
        {"year", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period = NULL, *by = "";
    int year = 0, opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'p': period = optarg; break;
        case 'b': by = optarg; break;
        case 'y': year = atoi(optarg); break;
        case 'h':
            printf(_("usage: cchc status --period P [--by area|lead|criterion|index|task|unit]\n"
                     "       (--by area: the district before 1 July 2025, the former province after;\n"
                     "        --by district is the same)\n"
                     "       cchc status task ID --period P\n"
                     "       cchc status trend [--year Y]\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    const char *sub = optind < argc ? argv[optind] : "";
    if (strcmp(sub, "trend") == 0)
        return status_trend(opts, year);
    if (!period) {
        fprintf(stderr, "%s", _("cchc status: --period is required (e.g. --period 2026-Y)\n"));
        return EXIT_USAGE;
    }
    if (strcmp(sub, "task") == 0) {
        if (optind + 2 != argc) {
            fprintf(stderr, "%s", _("cchc status task: give one task number\n"));
            return EXIT_USAGE;
        }
        return status_task(opts, period, argv[optind + 1]);
    }
    if (*sub) {
        fprintf(stderr, _("cchc status: unknown subcommand '%s'\n"), sub);
        return EXIT_USAGE;
    }
    /* --by area is what --by district became (issue 12): the district
     * before the reform, the former province after; on the wire it keeps
     * its old name */
    if (strcmp(by, "area") == 0)
        by = "district";
    Cchc__V1__Response *response;
    int rc = status_fetch(opts, period, by, &response);
    if (rc != EXIT_OK)
        return rc;
    /* the levels above the units, beside their figures (issue 17) */
    Cchc__V1__Response *levels;
    consolidation_fetch(opts, period, 0, &levels);
    if (opts->json) {
        json_t *out = pb_to_json(&response->status->base);
        if (levels)
            json_object_set_new(out, "consolidations",
                                consolidation_levels_json(levels->consolidation_list));
        output_json(out);
    } else {
        print_status(response->status, group_title(by));
        if (levels && levels->consolidation_list->n_consolidations)
            consolidation_print_levels(levels->consolidation_list);
    }
    if (levels)
        cchc__v1__response__free_unpacked(levels, NULL);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

int cmd_missing(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"period", required_argument, NULL, 'p'},
        {"district", required_argument, NULL, 'd'},
        {"lead", required_argument, NULL, 'l'},
        {"all", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period = NULL, *district = "", *lead = "";
    int opt, all = 0;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'p': period = optarg; break;
        case 'd': district = optarg; break;
        case 'l': lead = optarg; break;
        case 'a': all = 1; break;
        case 'h':
            printf(_("usage: cchc missing --period P [--district D] [--lead U] [--all]\n"
                     "  The consolidated reports still owed are shown one line per unit; --all lists each.\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (!period) {
        fprintf(stderr, "%s", _("cchc missing: --period is required\n"));
        return EXIT_USAGE;
    }
    Cchc__V1__Response *response;
    int rc = missing_fetch(opts, period, district, lead, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__MissingResponse *m = response->missing;
    /* the consolidations still owed (issue 17); a filter by unit names
     * units' reports only */
    Cchc__V1__Response *levels = NULL;
    if (!*district && !*lead)
        consolidation_fetch(opts, period, 0, &levels);
    if (opts->json) {
        json_t *out = pb_to_json(&m->base);
        if (levels)
            json_object_set_new(out, "consolidations",
                                consolidation_owed_json(levels->consolidation_list));
        output_json(out);
    } else {
        missing_print(opts, m);
        if (levels && levels->consolidation_list->n_consolidations)
            consolidation_print_owed(levels->consolidation_list, all);
    }
    if (levels)
        cchc__v1__response__free_unpacked(levels, NULL);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* The export's last review as the server joins it, "accept (lead)
 * vp.kiemtra 2023-…Z": its action and level in the reader's words. */
static void review_words(const char *joined, char *out, size_t size)
{
    const char *open = strstr(joined, " (");
    const char *close = open ? strchr(open, ')') : NULL;
    if (!close) {
        snprintf(out, size, "%s", joined);
        return;
    }
    char action[32], level[32];
    snprintf(action, sizeof(action), "%.*s", (int)(open - joined), joined);
    snprintf(level, sizeof(level), "%.*s", (int)(close - open - 2), open + 2);
    snprintf(out, size, "%s (%s)%s", label_of(LABEL_ACTION, action),
             label_of(LABEL_REVIEW_LEVEL, level), close + 1);
}

static void export_csv(FILE *out, const Cchc__V1__ExportResponse *e)
{
    /* the export is read by people in a spreadsheet: headers in their language */
    static const char *const headers[] = {
        N_("Reporting period"), N_("Unit code"), N_("Unit"), N_("Task ID"), N_("Reference"),
        N_("Criterion"), N_("Report state"), N_("Revision"), N_("Sent late"), N_("First sent"),
        N_("Status"), N_("Progress (%)"), N_("Results achieved"), N_("Difficulties"),
        N_("Proposals"), N_("Indicator values"), N_("Last review"), N_("Reason for return")};
    const size_t n = sizeof(headers) / sizeof(headers[0]);
    fputs("\xEF\xBB\xBF", out);
    for (size_t c = 0; c < n; c++)
        csv_write_field(out, _(headers[c]), c == n - 1);
    for (size_t i = 0; i < e->n_rows; i++) {
        const Cchc__V1__ExportRow *r = e->rows[i];
        char task[16], rev[16], review[512];
        review_words(r->last_review, review, sizeof(review));
        snprintf(task, sizeof(task), "%d", r->task_id);
        snprintf(rev, sizeof(rev), "%d", r->revision);
        const char *row[] = {r->period_id, r->unit_code, r->unit_name, task, r->ref, r->criteria,
                             label_of(LABEL_REPORT_STATE, r->state), rev, r->late ? _("yes") : _("no"),
                             r->submitted_at,
                             report_status_label(r->status), r->progress, r->results,
                             r->difficulties, r->proposals, r->indicators, review,
                             r->return_reason};
        for (size_t c = 0; c < n; c++)
            csv_write_field(out, row[c], c == n - 1);
    }
}

int cmd_export(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"period", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"public", no_argument, NULL, 'P'},
        {"city-report", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period = NULL, *format = NULL, *path = NULL;
    int opt, public_summary = 0, city_report = 0;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (opt) {
        case 'p': period = optarg; break;
        case 'f': format = optarg; break;
        case 'o': path = optarg; break;
        case 'P': public_summary = 1; break;
        case 'C': city_report = 1; break;
        case 'h':
            printf(_("usage: cchc export --period P [--format csv|html] [-o FILE]\n"));
            printf(_("       cchc export --period P --public [--format html|csv] [-o FILE]\n"));
            printf(_("       cchc export --period P --city-report [--format csv|xlsx] [-o FILE]\n"
                     "       (the city report per index, criterion and task: figures, the lead\n"
                     "        agencies' assessments and the city's; xlsx needs -o FILE.xlsx)\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (!format)
        format = public_summary ? "html" : "csv";
    int html = strcmp(format, "html") == 0, xlsx = strcmp(format, "xlsx") == 0;
    /* an xlsx export is the city report's companion: no other export has one */
    city_report |= xlsx;
    if (!period || (!html && !xlsx && strcmp(format, "csv") != 0) ||
        (city_report && (html || public_summary))) {
        fprintf(stderr, "%s", _("cchc export: --period P and --format csv or html (--city-report: "
                                "csv or xlsx)\n"));
        return EXIT_USAGE;
    }
    if (xlsx && !path) {
        fprintf(stderr, "%s", _("cchc export: an .xlsx export needs -o FILE.xlsx\n"));
        return EXIT_USAGE;
    }
    /* written beside and moved into place when complete (libxlsxwriter
     * writes by name); an existing file is replaced, as export always did */
    file_out file = {0};
    if (path && file_out_open(&file, path, 1) != 0) {
        fprintf(stderr, _("cchc: cannot write %s: %s\n"), path, strerror(errno));
        return EXIT_USAGE;
    }
    FILE *out = path ? file.f : stdout;
    int rc;
    if (public_summary) {
        rc = public_export(opts, period, !html, out);
    } else if (city_report) {
        rc = city_report_export(opts, period, out, xlsx ? file.tmp_path : NULL);
    } else if (html) {
        rc = html_export(opts, period, out);
    } else {
        Cchc__V1__Response *response;
        rc = export_fetch(opts, period, &response);
        if (rc == EXIT_OK) {
            export_csv(out, response->export);
            cchc__v1__response__free_unpacked(response, NULL);
        }
    }
    if (path) {
        if (rc != EXIT_OK) {
            file_out_abort(&file);
        } else if (file_out_commit(&file) != 0) {
            fprintf(stderr, _("cchc: cannot write %s: %s\n"), path, strerror(errno));
            rc = EXIT_USAGE;
        } else {
            fprintf(stderr, _("Wrote %s.\n"), path);
        }
    }
    return rc;
}
