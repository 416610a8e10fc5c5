/* `cchc consolidate`: the consolidated reports of the levels above the
 * units (issue 17, docs/consolidation.md). A district, a lead agency or
 * Sở Nội vụ fetches its template — one CSV row, pre-filled with the
 * figures of the level below and the texts gathered from it, attributed —
 * edits the assessment, difficulties and proposals in a spreadsheet and
 * sends it back with --file; the template carries the revision it was made
 * from, so a file made before someone else saved is refused (CONFLICT).
 * One level up reviews with `consolidate list|accept|return` the way
 * `cchc review` does units' reports: a review names the revision read
 * (ID@REV). Administrators set the districts' and the city's deadlines. */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "commands.h"
#include "consolidation_status.h"
#include "csv_read.h"
#include "file_read.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "output.h"
#include "pb_json.h"
#include "table.h"
#include "terminal.h"

const char *const consolidate_subcommands[] = {"list", "submit", "accept", "return", "deadlines",
                                               NULL};

/* The template's columns, in order; the headers are the file's format. */
enum {
    COL_PERIOD, COL_LEVEL, COL_TASK, COL_UNIT, COL_BASE, COL_FIGURES, COL_ASSESSMENT,
    COL_DIFFICULTIES, COL_PROPOSALS, COL_STATE, COL_RETURN_REASON, COL_COUNT
};
static const char *const headers[COL_COUNT] = {
    "Kỳ báo cáo", "Cấp", "Nhiệm vụ", "Đơn vị", "Phiên bản gốc", "Số liệu tổng hợp (tự tính)",
    "Đánh giá", "Khó khăn, vướng mắc", "Kiến nghị, đề xuất", "Trạng thái", "Lý do trả lại"};

typedef struct args {
    const char *period, *level, *file, *output, *state, *reason, *district, *city, *unit;
    int task, draft, mine, help;
} args;

static void usage(FILE *to)
{
    fprintf(to, _("usage: cchc consolidate --period P [--task T] [--level district|lead|city] [-o FILE]\n"
                  "       cchc consolidate submit --file FILE [--draft]\n"
                  "       cchc consolidate list --period P [--level L] [--state S] [--task T] [--mine]\n"
                  "       cchc consolidate accept ID@REV…\n"
                  "       cchc consolidate return ID@REV… --reason \"…\"\n"
                  "       cchc consolidate deadlines --period P [--district DATE] [--city DATE]\n"
                  "  The template is pre-filled from the level below: the figures of the units'\n"
                  "  reports and their difficulties and proposals, each with its unit. Edit the\n"
                  "  assessment, difficulties and proposals and send the file back. A district\n"
                  "  writes on the tasks its communes implement (--level district), a lead agency\n"
                  "  on the tasks it leads (the default with --task), Sở Nội vụ the city report\n"
                  "  (no --task). The lead agency reviews its districts' reports, Sở Nội vụ the\n"
                  "  lead agencies'.\n"
                  "Examples:\n"
                  "  cchc consolidate --period 2024-6M --task 105 -o tonghop-105.csv\n"
                  "  cchc consolidate submit --file tonghop-105.csv\n"
                  "  cchc consolidate list --period 2024-6M\n"
                  "  cchc consolidate return 12@2 --reason \"Thiếu số liệu của xã\"\n"));
    fprintf(to, _("  --unit U: the consolidated report of a closed unit your unit succeeds (its\n"
                  "  duties passed to yours); the template's \"Đơn vị\" column keeps it.\n"));
}

static int parse(int argc, char **argv, args *a, int *first)
{
    static const struct option options[] = {
        {"period", required_argument, NULL, 'p'}, {"task", required_argument, NULL, 't'},
        {"level", required_argument, NULL, 'l'},  {"file", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'}, {"draft", no_argument, NULL, 'd'},
        {"state", required_argument, NULL, 's'},  {"mine", no_argument, NULL, 'm'},
        {"reason", required_argument, NULL, 'r'}, {"district", required_argument, NULL, 'D'},
        {"city", required_argument, NULL, 'C'},   {"help", no_argument, NULL, 'h'},
        {"unit", required_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof(*a));
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "hf:o:", options, NULL)) != -1) {
        switch (opt) {
        case 'p': a->period = optarg; break;
        case 't': a->task = atoi(optarg); break;
        case 'l': a->level = optarg; break;
        case 'f': a->file = optarg; break;
        case 'o': a->output = optarg; break;
        case 'd': a->draft = 1; break;
        case 's': a->state = optarg; break;
        case 'm': a->mine = 1; break;
        case 'r': a->reason = optarg; break;
        case 'D': a->district = optarg; break;
        case 'C': a->city = optarg; break;
        case 'u': a->unit = optarg; break;
        case 'h': a->help = 1; break;
        default: return -1;
        }
    }
    *first = optind;
    return 0;
}

/* The level a template or list means when none is named: a task's
 * consolidation is a lead agency's, no task the city report. */
static const char *level_of(const args *a)
{
    return a->level ? a->level : a->task ? "lead" : "city";
}

static void new_key(char out[33])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, 33, raw, sizeof(raw));
}

/* One line of the figures for people: how many reported, on time, late,
 * and the progress. The JSON itself travels in --json. */
static void figures_line(const char *figures_json, char *out, size_t size)
{
    json_t *f = json_loads(figures_json, 0, NULL);
    if (!f) {
        snprintf(out, size, "%s", figures_json);
        return;
    }
    const char *average = json_string_value(json_object_get(f, "average_progress"));
    const char *overall = json_string_value(json_object_get(f, "overall_progress"));
    size_t len = (size_t)snprintf(
        out, size, _("%lld of %lld reports received (%lld on time, %lld late); average progress %s, overall %s"),
        (long long)json_integer_value(json_object_get(f, "received")),
        (long long)json_integer_value(json_object_get(f, "expected")),
        (long long)json_integer_value(json_object_get(f, "on_time")),
        (long long)json_integer_value(json_object_get(f, "late")),
        average && *average ? human_progress(average) : "-", overall && *overall ? human_progress(overall) : "-");
    json_t *below = json_object_get(f, "below");
    if (below && len < size)
        snprintf(out + len, size - len, _("; consolidations below: %lld of %lld received (%lld on time)"),
                 (long long)json_integer_value(json_object_get(below, "received")),
                 (long long)json_integer_value(json_object_get(below, "expected")),
                 (long long)json_integer_value(json_object_get(below, "on_time")));
    json_decref(f);
}

/* The texts of the level below, one line each: "Unit (ref): text". */
static char *gathered(Cchc__V1__ConsolidationSource **sources, size_t n, int which)
{
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *t = which == 0 ? sources[i]->assessment
                        : which == 1 ? sources[i]->difficulties : sources[i]->proposals;
        if (*t)
            cap += strlen(sources[i]->unit_name) + strlen(sources[i]->ref) + strlen(t) + 8;
    }
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__ConsolidationSource *s = sources[i];
        const char *t = which == 0 ? s->assessment : which == 1 ? s->difficulties : s->proposals;
        if (!*t)
            continue;
        len += (size_t)snprintf(out + len, cap - len, "%s%s%s%s%s: %s", len ? "\n" : "", s->unit_name,
                                *s->ref && strcmp(s->source_level, "lead") == 0 ? " (" : "",
                                strcmp(s->source_level, "lead") == 0 ? s->ref : "",
                                *s->ref && strcmp(s->source_level, "lead") == 0 ? ")" : "", t);
    }
    return out;
}

static int do_template(const cli_options *opts, const args *a)
{
    if (!a->period) {
        usage(stderr);
        return EXIT_USAGE;
    }
    Cchc__V1__ConsolidationTemplateRequest body = CCHC__V1__CONSOLIDATION_TEMPLATE_REQUEST__INIT;
    body.period_id = (char *)a->period;
    body.level = (char *)level_of(a);
    body.task_id = a->task;
    body.unit = (char *)(a->unit ? a->unit : "");
    Cchc__V1__Response *response = NULL;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_CONSOLIDATION_TEMPLATE, &body,
                  CCHC__V1__RESPONSE__BODY_CONSOLIDATION_TEMPLATE, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__ConsolidationTemplateResponse *t = response->consolidation_template;
    if (opts->json) {
        output_json(pb_to_json(&t->base));
        cchc__v1__response__free_unpacked(response, NULL);
        return EXIT_OK;
    }
    FILE *out = stdout;
    if (a->output && !(out = fopen(a->output, "w"))) {
        perror(a->output);
        cchc__v1__response__free_unpacked(response, NULL);
        return EXIT_USAGE;
    }
    const Cchc__V1__Consolidation *c = t->current;
    int saved = c && c->revision > 0;
    char *texts[3];
    for (int k = 0; k < 3; k++)
        texts[k] = gathered(t->sources, t->n_sources, k);
    char task[16] = "", base[16], figures[600];
    if (a->task)
        snprintf(task, sizeof(task), "%d", a->task);
    snprintf(base, sizeof(base), "%d", c ? c->revision : 0);
    figures_line(t->figures, figures, sizeof(figures));
    const char *cells[COL_COUNT] = {
        a->period, level_of(a), task, c ? c->unit_code : "", base, figures,
        saved ? c->assessment : texts[0] ? texts[0] : "",
        saved ? c->difficulties : texts[1] ? texts[1] : "",
        saved ? c->proposals : texts[2] ? texts[2] : "",
        c ? c->state : "missing", c ? c->return_reason : ""};
    fputs("\xEF\xBB\xBF", out); /* UTF-8 BOM, as the units' template: Excel reads it right */
    for (int k = 0; k < COL_COUNT; k++)
        csv_write_field(out, headers[k], k == COL_COUNT - 1);
    for (int k = 0; k < COL_COUNT; k++)
        csv_write_field(out, cells[k], k == COL_COUNT - 1);
    for (int k = 0; k < 3; k++)
        free(texts[k]);
    if (out != stdout)
        fclose(out);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

static int do_submit(const cli_options *opts, const args *a)
{
    if (!a->file) {
        usage(stderr);
        return EXIT_USAGE;
    }
    size_t len;
    char *data = file_read_input(a->file, &len);
    if (!data)
        return EXIT_USAGE;
    csv_records recs;
    int rc = EXIT_USAGE;
    if (csv_read(data, len, &recs) != 0) {
        free(data);
        fprintf(stderr, _("cchc: out of memory\n"));
        return EXIT_USAGE;
    }
    free(data);
    if (*recs.unreadable || *recs.error || recs.n != 2) {
        fprintf(stderr, _("cchc consolidate: %s is not a consolidation template (a header and one row)\n"),
                a->file);
        csv_records_free(&recs);
        return EXIT_USAGE;
    }
    const csv_record *row = &recs.records[1];
    char key[33];
    new_key(key);
    Cchc__V1__ConsolidationSubmitRequest body = CCHC__V1__CONSOLIDATION_SUBMIT_REQUEST__INIT;
    body.period_id = (char *)csv_field(row, COL_PERIOD);
    body.level = (char *)csv_field(row, COL_LEVEL);
    body.task_id = atoi(csv_field(row, COL_TASK));
    body.base_revision = atoi(csv_field(row, COL_BASE));
    body.assessment = (char *)csv_field(row, COL_ASSESSMENT);
    body.difficulties = (char *)csv_field(row, COL_DIFFICULTIES);
    body.proposals = (char *)csv_field(row, COL_PROPOSALS);
    body.idempotency_key = key;
    body.draft = a->draft;
    /* the author the template was made for (a closed unit the caller
     * succeeds writes through its successor); "" lets the server choose */
    body.unit = (char *)csv_field(row, COL_UNIT);
    Cchc__V1__Response *response = NULL;
    rc = call(opts, CCHC__V1__REQUEST__BODY_CONSOLIDATION_SUBMIT, &body,
              CCHC__V1__RESPONSE__BODY_CONSOLIDATION_SUBMIT, &response);
    if (rc == EXIT_OK) {
        const Cchc__V1__ConsolidationSubmitResponse *s = response->consolidation_submit;
        if (opts->json)
            output_json(pb_to_json(&s->base));
        else if (s->replayed) /* sent before, or the same text as its latest revision */
            printf(_("Consolidated report %lld unchanged: revision %d, %s (it already had this text)\n"),
                   (long long)s->consolidation_id, s->revision, label_of(LABEL_REPORT_STATE, s->state));
        else
            printf(_("Consolidated report %lld saved: revision %d, %s%s\n"), (long long)s->consolidation_id,
                   s->revision, label_of(LABEL_REPORT_STATE, s->state),
                   s->late ? _(" (sent late)") : "");
        cchc__v1__response__free_unpacked(response, NULL);
    }
    csv_records_free(&recs);
    return rc;
}

static void print_list(const Cchc__V1__ConsolidationListResponse *l)
{
    const char *cols[] = {_("No."), _("Level"), _("Task"), _("Unit"), _("State"), _("Rev."),
                          _("Deadline"), _("Note")};
    const int widths[] = {0, 0, 0, 40, 0, 0, 0, 40};
    table *t = table_new(8, cols, widths);
    for (size_t i = 0; i < l->n_consolidations; i++) {
        const Cchc__V1__Consolidation *c = l->consolidations[i];
        char id[24], task[48] = "", rev[16], note[300] = "";
        snprintf(id, sizeof(id), "%lld", (long long)c->consolidation_id);
        if (c->task_id)
            snprintf(task, sizeof(task), "%d (%s)", c->task_id, c->ref);
        snprintf(rev, sizeof(rev), "%d", c->revision);
        if (*c->return_reason)
            snprintf(note, sizeof(note), _("returned: %s"), c->return_reason);
        else if (c->late)
            snprintf(note, sizeof(note), "%s", _("sent late"));
        const char *row[] = {id, consolidation_level_label(c->level), task, c->unit_name, label_of(LABEL_REPORT_STATE, c->state),
                             rev, human_date(c->deadline), note};
        table_add_row(t, row);
        if (c->late)
            table_colour_last_row(t, COLOUR_LATE);
    }
    table_print(t, stdout, 1);
    table_free(t);
}

static int do_list(const cli_options *opts, const args *a)
{
    if (!a->period) {
        usage(stderr);
        return EXIT_USAGE;
    }
    Cchc__V1__ConsolidationListRequest body = CCHC__V1__CONSOLIDATION_LIST_REQUEST__INIT;
    body.period_id = (char *)a->period;
    body.level = (char *)(a->level ? a->level : "");
    body.state = (char *)(a->state ? a->state : "");
    body.task_id = a->task;
    body.mine = a->mine;
    Cchc__V1__Response *response = NULL;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_CONSOLIDATION_LIST, &body,
                  CCHC__V1__RESPONSE__BODY_CONSOLIDATION_LIST, &response);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json)
        output_json(pb_to_json(&response->consolidation_list->base));
    else
        print_list(response->consolidation_list);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

static int do_review(const cli_options *opts, const args *a, const char *action, int argc,
                     char **argv, int first)
{
    size_t n = argc > first ? (size_t)(argc - first) : 0;
    if (n == 0 || (strcmp(action, "return") == 0 && !a->reason)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    int64_t *ids = calloc(n, sizeof(*ids));
    int32_t *revs = calloc(n, sizeof(*revs));
    if (!ids || !revs) {
        free(ids);
        free(revs);
        fprintf(stderr, _("cchc: out of memory\n"));
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < n; i++) {
        const char *arg = argv[first + (int)i];
        char *end, *rend = NULL;
        long long id = strtoll(arg, &end, 10);
        long rev = *end == '@' ? strtol(end + 1, &rend, 10) : 0;
        if (end == arg || id <= 0 || *end != '@' || rend == end + 1 || *rend || rev <= 0 ||
            rev > INT32_MAX) {
            fprintf(stderr, _("cchc consolidate: \"%s\" is not ID@REV (the \"No.\" and \"Rev.\" of consolidate list)\n"),
                    arg);
            free(ids);
            free(revs);
            return EXIT_USAGE;
        }
        ids[i] = id;
        revs[i] = (int32_t)rev;
    }
    Cchc__V1__ConsolidationReviewRequest body = CCHC__V1__CONSOLIDATION_REVIEW_REQUEST__INIT;
    body.action = (char *)action;
    body.n_ids = n;
    body.ids = ids;
    body.n_revisions = n;
    body.revisions = revs;
    body.reason = (char *)(a->reason ? a->reason : "");
    Cchc__V1__Response *response = NULL;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_CONSOLIDATION_REVIEW, &body,
                  CCHC__V1__RESPONSE__BODY_CONSOLIDATION_REVIEW, &response);
    free(ids);
    free(revs);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json)
        output_json(pb_to_json(&response->consolidation_review->base));
    else
        print_list(response->consolidation_review);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

static int do_deadlines(const cli_options *opts, const args *a)
{
    if (!a->period) {
        usage(stderr);
        return EXIT_USAGE;
    }
    Cchc__V1__ConsolidationDeadlinesRequest body = CCHC__V1__CONSOLIDATION_DEADLINES_REQUEST__INIT;
    body.period_id = (char *)a->period;
    body.district_deadline = (char *)(a->district ? a->district : "");
    body.city_deadline = (char *)(a->city ? a->city : "");
    Cchc__V1__Response *response = NULL;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_CONSOLIDATION_DEADLINES, &body,
                  CCHC__V1__RESPONSE__BODY_CONSOLIDATION_DEADLINES, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__ConsolidationDeadlinesResponse *d = response->consolidation_deadlines;
    if (opts->json) {
        output_json(pb_to_json(&d->base));
    } else {
        const char *labels[] = {_("Districts' deadline"), _("Lead agencies' deadline"),
                                _("City report's deadline"), NULL};
        const char *values[] = {human_date(d->district_deadline), human_date(d->lead_deadline),
                                human_date(d->city_deadline), NULL};
        output_pairs(labels, values);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

int cmd_consolidate(const cli_options *opts, int argc, char **argv)
{
    const char *sub = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
    if (sub && !strcmp(sub, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    int shift = sub ? 1 : 0, first;
    args a;
    if (parse(argc - shift, argv + shift, &a, &first) != 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (a.help) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!sub)
        return a.file ? do_submit(opts, &a) : do_template(opts, &a);
    if (!strcmp(sub, "submit"))
        return do_submit(opts, &a);
    if (!strcmp(sub, "list"))
        return do_list(opts, &a);
    if (!strcmp(sub, "accept") || !strcmp(sub, "return"))
        return do_review(opts, &a, sub, argc - shift, argv + shift, first);
    if (!strcmp(sub, "deadlines"))
        return do_deadlines(opts, &a);
    fprintf(stderr, _("cchc consolidate: unknown subcommand \"%s\"\n"), sub);
    usage(stderr);
    return EXIT_USAGE;
}
