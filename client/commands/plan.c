/* `cchc plan …`: reading Plan 121 as the city printed it — the indices and
 * their targets, the criteria tree, the tasks (filtered by implementing
 * unit, lead agency, criterion, index), one task in full, and the report of
 * the plan's own inconsistencies. Tables for people; --json prints the
 * protocol's reply as is (pb_json.c). Numbers are shown exactly as the
 * server sends them (decimal strings). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "commands.h"
#include "date_option.h"
#include "decimal_text.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "lang.h"
#include "message_text.h"
#include "output.h"
#include "pb_json.h"
#include "table.h"

/* Joins list items with sep into buf. */
static const char *join(char **items, size_t n, const char *sep, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? sep : "", items[i]);
    return buf;
}

static const char *unit_symbol(const char *unit)
{
    return strcmp(unit, "percent") == 0 ? "%" : _("points");
}

/* ---- cchc plan --------------------------------------------------------------- */

static int plan_overview(const cli_options *opts)
{
    Cchc__V1__PlanOverviewRequest body = CCHC__V1__PLAN_OVERVIEW_REQUEST__INIT;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_PLAN_OVERVIEW, &body,
                  CCHC__V1__RESPONSE__BODY_PLAN_OVERVIEW, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__PlanOverviewResponse *ov = response->plan_overview;
    if (opts->json) {
        output_json(pb_to_json(&ov->base));
    } else {
        if (ov->plan) {
            printf(_("Plan no. %s of %s of the Can Tho City People's Committee\n"),
                   ov->plan->number_printed, human_date(ov->plan->issued_on));
            printf("%s\n", ov->plan->title);
            printf(_("Deadline for units to issue their plans and send them to the Department of "
                     "Home Affairs: %s\n\n"),
                   human_date(ov->plan->unit_plan_deadline));
        }
        const char *headers[] = {_("Index"), _("Result"), _("Year before"), _("Target"),
                                 _("Criteria"), _("Tasks"), _("Max points"), _("Score"),
                                 _("Points lost")};
        table *t = table_new(9, headers, NULL);
        for (size_t i = 0; i < ov->n_indices; i++) {
            const Cchc__V1__IndexSummary *s = ov->indices[i];
            char now[64] = "", before[64] = "", target[48] = "", crit[16], tasks[16];
            for (size_t j = 0; j < s->n_results && j < 2; j++) {
                const Cchc__V1__IndexResult *r = s->results[j];
                char *dst = j == 0 ? now : before;
                size_t size = j == 0 ? sizeof(now) : sizeof(before);
                /* published results keep their printed hundredths, % or points */
                int len = snprintf(dst, size, "%d: %s %s%s", r->year, human_points(r->value),
                                   unit_symbol(r->unit), r->value_derived ? "*" : "");
                if (r->rank && len > 0 && (size_t)len < size)
                    snprintf(dst + len, size - (size_t)len,
                             r->out_of ? _(", rank %d/%d") : _(", rank %d"), r->rank, r->out_of);
            }
            if (s->target_rank)
                snprintf(target, sizeof(target), _("top %d from %d"), s->target_rank,
                         s->target_from_year);
            snprintf(crit, sizeof(crit), "%d", s->criteria);
            snprintf(tasks, sizeof(tasks), "%d", s->tasks);
            const char *row[] = {s->code, now, before, target, crit, tasks,
                                 human_points(s->max_points), human_points(s->score),
                                 human_points(s->points_lost)};
            table_add_row(t, row);
        }
        table_print(t, stdout, 1);
        table_free(t);
        printf(_("\n* derived from the change the plan prints.\n"
                 "Points: the sum of the scored sub-criteria in Annex I, year %d.\n"),
               ov->plan ? ov->plan->base_year : 2022);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- cchc plan criteria ------------------------------------------------------- */

static int plan_criteria(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},
        {"year", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__CriteriaRequest body = CCHC__V1__CRITERIA_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "i:y:h", options, NULL)) != -1) {
        switch (opt) {
        case 'i': body.index_code = optarg; break;
        case 'y': body.year = atoi(optarg); break;
        case 'h':
            printf(_("usage: cchc plan criteria [--index PAR-INDEX|SIPAS|PAPI] [--year YYYY]\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_CRITERIA, &body,
                  CCHC__V1__RESPONSE__BODY_CRITERIA, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__CriteriaResponse *cr = response->criteria;
    if (opts->json) {
        output_json(pb_to_json(&cr->base));
    } else {
        char score_header[32];
        snprintf(score_header, sizeof(score_header), _("Score %d"), cr->year);
        const char *headers[] = {_("Index"), _("Code"), _("Criterion"), _("Max points"),
                                 score_header, _("Points lost"), _("Tasks")};
        const int widths[] = {0, 0, 70, 0, 0, 0, 0};
        table *t = table_new(7, headers, widths);
        for (size_t i = 0; i < cr->n_criteria; i++) {
            const Cchc__V1__Criterion *c = cr->criteria[i];
            char name[1024], tasks[16];
            snprintf(name, sizeof(name), "%*s%s", c->depth * 2, "", c->name);
            snprintf(tasks, sizeof(tasks), "%d", c->tasks);
            const char *row[] = {c->index_code, c->printed_code, name, human_points(c->max_points),
                                 human_points(c->score), human_points(c->points_lost),
                                 c->tasks ? tasks : ""};
            table_add_row(t, row);
        }
        table_print(t, stdout, 1);
        table_free(t);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- cchc plan tasks ---------------------------------------------------------- */

static int plan_tasks(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"unit", required_argument, NULL, 'u'},
        {"lead", required_argument, NULL, 'l'},
        {"criterion", required_argument, NULL, 'c'},
        {"index", required_argument, NULL, 'i'},
        {"as-of", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__TaskListRequest body = CCHC__V1__TASK_LIST_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "u:l:c:i:d:h", options, NULL)) != -1) {
        switch (opt) {
        case 'u': body.unit = optarg; break;
        case 'l': body.lead = optarg; break;
        case 'c': body.criterion = optarg; break;
        case 'i': body.index_code = optarg; break;
        case 'd':
            if (!(body.as_of = date_option("--as-of", optarg)))
                return EXIT_USAGE;
            break;
        case 'h':
            printf(_("usage: cchc plan tasks [--unit U] [--lead U] [--criterion CODE] [--index I]"
                     " [--as-of YYYY-MM-DD]\n"
                     "U is a unit's code, name or a spelling the plan uses (see 'cchc units').\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_TASK_LIST, &body,
                  CCHC__V1__RESPONSE__BODY_TASK_LIST, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__TaskListResponse *tl = response->task_list;
    if (opts->json) {
        output_json(pb_to_json(&tl->base));
    } else {
        const char *headers[] = {_("Code"), _("Annex"), _("Criteria"), _("Task"),
                                 _("Lead agency")};
        const int widths[] = {0, 0, 24, 60, 40};
        table *t = table_new(5, headers, widths);
        for (size_t i = 0; i < tl->n_tasks; i++) {
            const Cchc__V1__TaskSummary *s = tl->tasks[i];
            char id[16], crit[256], leads[512];
            snprintf(id, sizeof(id), "%d", s->id);
            const char *row[] = {id, s->annex, join(s->criteria, s->n_criteria, ", ", crit, sizeof(crit)),
                                 s->text, join(s->leads, s->n_leads, "; ", leads, sizeof(leads))};
            table_add_row(t, row);
        }
        table_print(t, stdout, 1);
        table_free(t);
        printf(ngettext("%zu task. In full: cchc plan task CODE\n",
                        "%zu tasks. In full: cchc plan task CODE\n", tl->n_tasks),
               tl->n_tasks);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- cchc plan task ID ------------------------------------------------------------ */

/* How often an assignment reports, as people say it ("quarter",
 * "half_year", "nine_months", "year" on the wire). */
static const char *period_name(const char *code)
{
    static const struct { const char *code, *name; } names[] = {
        {"quarter", N_("quarterly")}, {"half_year", N_("6 months")},
        {"nine_months", N_("9 months")}, {"year", N_("yearly")},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i].code, code) == 0)
            return _(names[i].name);
    return code;
}

static void print_task(const Cchc__V1__TaskDetail *t, const char *as_of)
{
    printf(_("Task %d (%s, Annex %s)\n"), t->id, t->ref, t->annex);
    for (size_t i = 0; i < t->n_criteria; i++)
        printf(_("Criterion: %s — %s\n"), t->criteria[i], t->criteria_names[i]);
    printf("\n%s\n", t->text);
    if (t->n_items) {
        printf("%s", _("\nItems:\n"));
        for (size_t i = 0; i < t->n_items; i++)
            printf("  %s) %s\n", t->items[i]->label, t->items[i]->text);
    }
    if (t->n_targets) {
        printf("%s", _("\nTargets:\n"));
        for (size_t i = 0; i < t->n_targets; i++)
            printf("  - %s\n", t->targets[i]->printed_text);
    }
    if (*t->note)
        printf(_("\nNote: %s\n"), t->note);
    for (size_t i = 0; i < t->n_assignments; i++) {
        const Cchc__V1__Assignment *a = t->assignments[i];
        printf("\n");
        for (size_t j = 0; j < a->n_leads; j++) {
            const Cchc__V1__Lead *l = a->leads[j];
            printf(_("Lead agency: %s (%s)"), l->unit->name, l->unit->code);
            if (strcmp(l->printed_text, l->unit->name) != 0)
                printf(_(" — printed in the plan: \"%s\""), l->printed_text);
            if (strcmp(l->assigned_code, l->unit->code) != 0)
                printf(_(" — successor of %s"), l->assigned_code);
            printf("\n");
        }
        if (a->n_item_labels) {
            char buf[128];
            printf(_("  in charge of items: %s\n"),
                   join(a->item_labels, a->n_item_labels, ", ", buf, sizeof(buf)));
        }
        printf(_("Timeline: %s"), a->timeline_text);
        if (a->n_report_periods) {
            printf("%s", _(" (reports: "));
            for (size_t j = 0; j < a->n_report_periods; j++)
                printf("%s%s", j ? ", " : "", period_name(a->report_periods[j]));
            printf(")");
        }
        if (*as_of)
            printf(_("\nImplementing units (on %s):\n"), human_date(as_of));
        else
            printf("%s", _("\nImplementing units (today):\n"));
        for (size_t j = 0; j < a->n_implementers; j++) {
            const Cchc__V1__Implementer *im = a->implementers[j];
            printf("  %s", im->printed_text);
            if (*im->class_code)
                printf(ngettext(" [class: %s, %zu unit]", " [class: %s, %zu units]", im->n_units),
                       im->class_name, im->n_units);
            printf("\n");
            for (size_t k = 0; k < im->n_units; k++)
                printf("    - %s (%s)\n", im->units[k]->name, im->units[k]->code);
        }
        if (*a->amended_from)
            printf(_("(Lead agency and implementing units as amended from %s; the printed plan is "
                     "unchanged)\n"),
                   human_date(a->amended_from));
        for (size_t j = 0; j < a->n_amendments; j++) {
            const Cchc__V1__AssignmentAmendment *m = a->amendments[j];
            char impl[512], leads[256];
            printf(_("Amended from %s: implemented by %s; led by %s"), human_date(m->effective_from),
                   join(m->implementers, m->n_implementers, ", ", impl, sizeof(impl)),
                   join(m->leads, m->n_leads, ", ", leads, sizeof(leads)));
            if (*m->legal_basis)
                printf(_(" (legal basis: %s)"), m->legal_basis);
            printf(_(" — recorded by %s at %s\n"), m->recorded_by, human_time(m->recorded_at));
        }
    }
}

static int plan_task(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"as-of", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__TaskGetRequest body = CCHC__V1__TASK_GET_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if (!(body.as_of = date_option("--as-of", optarg)))
                return EXIT_USAGE;
            break;
        case 'h': printf(_("usage: cchc plan task ID [--as-of YYYY-MM-DD]\n")); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    char *end = NULL;
    long id = optind < argc ? strtol(argv[optind], &end, 10) : 0;
    if (optind + 1 != argc || !end || *end || id <= 0 || id > 1000000) {
        fprintf(stderr, "%s", _("cchc plan task: give one task number, e.g. 'cchc plan task 101'\n"));
        return EXIT_USAGE;
    }
    body.id = (int32_t)id;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_TASK_GET, &body,
                  CCHC__V1__RESPONSE__BODY_TASK_GET, &response);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json)
        output_json(pb_to_json(&response->task_get->base));
    else
        print_task(response->task_get->task, body.as_of);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- cchc plan check ---------------------------------------------------------------- */

static int plan_check(const cli_options *opts)
{
    Cchc__V1__PlanCheckRequest body = CCHC__V1__PLAN_CHECK_REQUEST__INIT;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_PLAN_CHECK, &body,
                  CCHC__V1__RESPONSE__BODY_PLAN_CHECK, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__PlanCheckResponse *pc = response->plan_check;
    if (opts->json) {
        output_json(pb_to_json(&pc->base));
    } else {
        for (size_t i = 0; i < pc->n_findings; i++) {
            const Cchc__V1__Inconsistency *f = pc->findings[i];
            /* severity, kind and detail in the reader's language; --json
             * keeps the codes, the English detail and its id with args */
            char codes[512], detail[1024];
            message_text(f->message_id, f->args, f->n_args, f->detail, detail, sizeof(detail));
            printf("[%s] %s: %s\n    %s\n", label_of(LABEL_SEVERITY, f->severity),
                   label_of(LABEL_FINDING, f->kind), join(f->codes, f->n_codes, ", ", codes, sizeof(codes)),
                   detail);
        }
        printf(ngettext("%zu point to note in the plan (the figures stay as printed).\n",
                        "%zu points to note in the plan (the figures stay as printed).\n",
                        pc->n_findings),
               pc->n_findings);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- cchc plan result ---------------------------------------------------------------- */

static int plan_result(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},
        {"year", required_argument, NULL, 'y'},
        {"value", required_argument, NULL, 'v'},
        {"rank", required_argument, NULL, 'r'},
        {"out-of", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__IndexResultSetRequest body = CCHC__V1__INDEX_RESULT_SET_REQUEST__INIT;
    char value[64] = "";
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "i:y:v:r:o:h", options, NULL)) != -1) {
        switch (opt) {
        case 'i': body.index_code = optarg; break;
        case 'y': body.year = atoi(optarg); break;
        case 'v': {
            /* Vietnamese write 87,52; read by the indicators' rule, without
             * the locale (common/decimal_text.h) */
            decimal_parse number;
            if (decimal_text_quantity(optarg, 5, 4, &number) != DECIMAL_TEXT_OK) {
                char shown[400];
                msg_render(number.why, shown, sizeof(shown));
                fprintf(stderr, _("cchc plan result: --value: %s\n"), shown);
                return EXIT_USAGE;
            }
            snprintf(value, sizeof(value), "%s", number.value);
            body.value = value;
            break;
        }
        case 'r': body.rank = atoi(optarg); break;
        case 'o': body.out_of = atoi(optarg); break;
        case 'h':
            printf(_("usage: cchc plan result --index I --year YYYY --value V [--rank R --out-of N]\n"
                     "Records an index's published result for a year after the plan's base year.\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (!*body.index_code || body.year == 0 || !*body.value) {
        fprintf(stderr, "%s", _("cchc plan result: --index, --year and --value are required\n"));
        return EXIT_USAGE;
    }
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_INDEX_RESULT_SET, &body,
                  CCHC__V1__RESPONSE__BODY_INDEX_RESULT_SET, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__IndexResult *r = response->index_result_set->result;
    if (opts->json)
        output_json(pb_to_json(&response->index_result_set->base));
    else if (r && r->rank)
        printf(_("Recorded %s for %d: %s %s, rank %d/%d\n"), body.index_code, r->year,
               human_points(r->value),
               unit_symbol(r->unit), r->rank, r->out_of);
    else if (r)
        printf(_("Recorded %s for %d: %s %s\n"), body.index_code, r->year, human_points(r->value),
               unit_symbol(r->unit));
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

const char *const plan_subcommands[] = {"criteria", "tasks", "task", "check", "result", "assign", NULL};

int cmd_plan(const cli_options *opts, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (!*sub)
        return plan_overview(opts);
    if (strcmp(sub, "criteria") == 0)
        return plan_criteria(opts, argc - 1, argv + 1);
    if (strcmp(sub, "tasks") == 0)
        return plan_tasks(opts, argc - 1, argv + 1);
    if (strcmp(sub, "task") == 0)
        return plan_task(opts, argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0)
        return cli_help(argc - 1, argv + 1, _("usage: cchc plan check\n")) ? EXIT_OK : plan_check(opts);
    if (strcmp(sub, "result") == 0)
        return plan_result(opts, argc - 1, argv + 1);
    if (strcmp(sub, "assign") == 0)
        return plan_assign(opts, argc - 1, argv + 1);
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        printf(_("usage: cchc plan                      the indices, results, target, points lost\n"
                 "       cchc plan criteria [--index I] the criteria tree with points\n"
                 "       cchc plan tasks [filters]      tasks (see cchc plan tasks --help)\n"
                 "       cchc plan task ID              one task in full\n"
                 "       cchc plan check                where the printed plan contradicts itself\n"
                 "       cchc plan result --index I --year Y --value V [--rank R --out-of N]\n"
                 "                                      record a later year's published result\n"
                 "       cchc plan assign TASK --implementers … --lead … --from DATE\n"
                 "                                      amend an assignment from a date (admin)\n"));
        return EXIT_OK;
    }
    fprintf(stderr, _("cchc plan: unknown subcommand '%s'; see 'cchc plan --help'\n"), sub);
    return EXIT_USAGE;
}
