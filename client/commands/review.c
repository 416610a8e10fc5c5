/* Lead agencies and districts review what units submit (`cchc review
 * list|accept|return`). Accepting many at once: by id, or every submitted
 * report of a task, of a unit, or of the whole period that the reviewer
 * may accept. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "commands.h"
#include "i18n.h"
#include "output.h"
#include "pb_json.h"
#include "table.h"

typedef struct list_filter {
    const char *period, *state, *unit;
    int task;
    int all;
    const char *reason;
} list_filter;

static int parse_filter(int argc, char **argv, list_filter *f, int *first_arg)
{
    static const struct option options[] = {
        {"period", required_argument, NULL, 'p'},
        {"state", required_argument, NULL, 's'},
        {"task", required_argument, NULL, 't'},
        {"unit", required_argument, NULL, 'u'},
        {"all", no_argument, NULL, 'a'},
        {"reason", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    memset(f, 0, sizeof(*f));
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'p': f->period = optarg; break;
        case 's': f->state = optarg; break;
        case 't': f->task = atoi(optarg); break;
        case 'u': f->unit = optarg; break;
        case 'a': f->all = 1; break;
        case 'r': f->reason = optarg; break;
        default: return -1;
        }
    }
    *first_arg = optind;
    return 0;
}

static int list_reports(const cli_options *opts, const list_filter *f, Cchc__V1__Response **response)
{
    Cchc__V1__ReportListRequest body = CCHC__V1__REPORT_LIST_REQUEST__INIT;
    body.period_id = (char *)(f->period ? f->period : "");
    body.state = (char *)(f->state ? f->state : "");
    body.task_id = f->task;
    body.unit = (char *)(f->unit ? f->unit : "");
    return call(opts, CCHC__V1__REQUEST__BODY_REPORT_LIST, &body,
                CCHC__V1__RESPONSE__BODY_REPORT_LIST, response);
}

static void print_reports(Cchc__V1__ReportSummary **reports, size_t n)
{
    const char *headers[] = {_("Số"), _("Nhiệm vụ"), _("Đơn vị"), _("Tình trạng"), _("Lần"),
                             _("Tiến độ"), _("Gửi lúc"), _("Ghi chú")};
    const int widths[] = {0, 0, 40, 0, 0, 0, 0, 40};
    table *t = table_new(8, headers, widths);
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__ReportSummary *r = reports[i];
        char id[24], task[48], rev[16], progress[24], note[300] = "";
        snprintf(id, sizeof(id), "%lld", (long long)r->report_id);
        snprintf(task, sizeof(task), "%d (%s)", r->task_id, r->ref);
        snprintf(rev, sizeof(rev), "%d", r->revision);
        snprintf(progress, sizeof(progress), "%s%s", r->progress, *r->progress ? " %" : "");
        if (*r->return_reason)
            snprintf(note, sizeof(note), _("trả lại: %s"), r->return_reason);
        else if (r->late)
            snprintf(note, sizeof(note), _("muộn"));
        const char *row[] = {id, task, r->unit_name, r->state, rev, progress, r->submitted_at, note};
        table_add_row(t, row);
    }
    table_print(t, stdout, 1);
    table_free(t);
}

static int review_decide(const cli_options *opts, const char *action, int argc, char **argv)
{
    list_filter f;
    int first;
    if (parse_filter(argc, argv, &f, &first) != 0)
        return EXIT_USAGE;
    int is_return = strcmp(action, "return") == 0;
    if (is_return && (!f.reason || !*f.reason)) {
        fprintf(stderr, _("cchc review return: --reason \"…\" is required\n"));
        return EXIT_USAGE;
    }
    size_t n = (size_t)(argc - first);
    int64_t *ids = NULL;
    Cchc__V1__Response *listed = NULL;
    if (n > 0) {
        ids = calloc(n, sizeof(*ids));
        for (size_t i = 0; ids && i < n; i++) {
            char *end;
            ids[i] = strtoll(argv[first + (int)i], &end, 10);
            if (*end || ids[i] <= 0) {
                fprintf(stderr, _("cchc review: \"%s\" is not a report number\n"), argv[first + (int)i]);
                free(ids);
                return EXIT_USAGE;
            }
        }
    } else if (!is_return && f.period && (f.task || f.unit || f.all)) {
        /* accept many: every submitted report the filter finds that this
         * reviewer's unit leads */
        list_filter q = f;
        q.state = "submitted";
        int rc = list_reports(opts, &q, &listed);
        if (rc != EXIT_OK)
            return rc;
        const Cchc__V1__ReportListResponse *l = listed->report_list;
        ids = calloc(l->n_reports ? l->n_reports : 1, sizeof(*ids));
        for (size_t i = 0; ids && i < l->n_reports; i++)
            if (strcmp(l->reports[i]->review_level, "lead") == 0)
                ids[n++] = l->reports[i]->report_id;
        cchc__v1__response__free_unpacked(listed, NULL);
        if (n == 0) {
            free(ids);
            printf(_("Không có báo cáo nào chờ chấp nhận.\n"));
            return EXIT_OK;
        }
    } else {
        fprintf(stderr, _("usage: cchc review accept ID… | --period P (--task T | --unit U | --all)\n"
                          "       cchc review return ID… --reason \"…\"\n"));
        return EXIT_USAGE;
    }
    Cchc__V1__ReviewRequest body = CCHC__V1__REVIEW_REQUEST__INIT;
    body.action = (char *)action;
    body.report_ids = ids;
    body.n_report_ids = n;
    body.reason = (char *)(f.reason ? f.reason : "");
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_REVIEW, &body,
                  CCHC__V1__RESPONSE__BODY_REVIEW, &response);
    free(ids);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json) {
        output_json(pb_to_json(&response->review->base));
    } else {
        printf(is_return ? _("Đã trả lại %zu báo cáo:\n") : _("Đã chấp nhận %zu báo cáo:\n"),
               response->review->n_reviewed);
        print_reports(response->review->reviewed, response->review->n_reviewed);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

const char *const review_subcommands[] = {"list", "accept", "return", NULL};

int cmd_review(const cli_options *opts, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (cli_wants_help(argc, argv)) /* never acts: the usage below, exit 0 */
        sub = "--help";
    if (strcmp(sub, "accept") == 0 || strcmp(sub, "return") == 0)
        return review_decide(opts, sub, argc - 1, argv + 1);
    if (strcmp(sub, "list") != 0) {
        printf(_("usage: cchc review list --period P [--state S] [--task T] [--unit U]\n"
                 "       cchc review accept ID… | --period P (--task T | --unit U | --all)\n"
                 "       cchc review return ID… --reason \"…\"\n"));
        return *sub && strcmp(sub, "--help") != 0 ? EXIT_USAGE : EXIT_OK;
    }
    list_filter f;
    int first;
    if (parse_filter(argc - 1, argv + 1, &f, &first) != 0 || !f.period) {
        fprintf(stderr, _("cchc review list: --period P is required\n"));
        return EXIT_USAGE;
    }
    Cchc__V1__Response *response;
    int rc = list_reports(opts, &f, &response);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json)
        output_json(pb_to_json(&response->report_list->base));
    else
        print_reports(response->report_list->reports, response->report_list->n_reports);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}
