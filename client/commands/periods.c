/* `cchc period list|open|close|approve|reopen|extend`: the reporting
 * periods (2023-Q1, 2023-6M, 2023-9M, 2023-Y) with their deadlines and how
 * many reports are in. Anyone may list them; Sở Nội vụ runs them, and may
 * extend a deadline for every unit or for one. Closing and approving
 * change what units and reviewers may do, and approving freezes the
 * period's figures, so both ask on a terminal and need --yes in a script;
 * reopening an approved period needs a reason (docs/periods.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call.h"
#include "commands.h"
#include "date_option.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "output.h"
#include "pb_json.h"
#include "table.h"

static void print_periods(Cchc__V1__Period **periods, size_t n)
{
    const char *headers[] = {_("Period"), _("Data from"), _("until"), _("Unit deadline"),
                             _("Lead agency deadline"), _("Status"), _("Received/Expected")};
    table *t = table_new(7, headers, NULL);
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__Period *p = periods[i];
        char counts[32];
        snprintf(counts, sizeof(counts), "%d/%d", p->received, p->expected);
        const char *row[] = {p->id, human_date(p->data_from), human_date(p->data_until),
                             human_date(p->unit_deadline), human_date(p->lead_deadline),
                             label_of(LABEL_PERIOD_STATE, p->state), counts};
        table_add_row(t, row);
    }
    table_print(t, stdout, 1);
    table_free(t);
}

const char *const period_subcommands[] = {"list", "open", "close", "approve", "reopen", "lock",
                                              "extend", NULL};

static int period_usage(FILE *to, int rc)
{
    fprintf(to, _("usage: cchc period list [--year Y]\n"
                  "       cchc period open PERIOD\n"
                  "       cchc period close PERIOD [--yes]\n"
                  "       cchc period approve PERIOD [--accept-remaining | --accept ID[,ID…]] [--yes]\n"
                  "       cchc period reopen PERIOD --reason TEXT\n"
                  "       cchc period extend PERIOD [--unit-deadline D] [--lead-deadline D]\n"
                  "       cchc period extend PERIOD --unit U --until D\n"
                  "PERIOD: 2023-Q1, 2023-6M, 2023-9M, 2023-Y\n"
                  "States: planned -> open -> closed -> approved (locked); reopen goes back to closed.\n"
                  "approve refuses while reports await review, unless told to accept them.\n"));
    return rc;
}

/* Adds the report ids of "12,13,14" to the request; -1 on a bad id. */
static int add_accept_ids(Cchc__V1__PeriodActionRequest *act, const char *list)
{
    for (const char *p = list; *p;) {
        char *end;
        long long id = strtoll(p, &end, 10);
        if (end == p || id <= 0 || (*end && *end != ','))
            return -1;
        int64_t *grown = realloc(act->accept_report_ids,
                                 (act->n_accept_report_ids + 1) * sizeof(*grown));
        if (!grown)
            return -1;
        act->accept_report_ids = grown;
        act->accept_report_ids[act->n_accept_report_ids++] = id;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Asks on a terminal before closing or approving; in a script (stdin not
 * a terminal) the caller must have said --yes. 0 to go on. */
static int confirm(const char *action, const char *period, const Cchc__V1__PeriodActionRequest *act)
{
    if (!isatty(STDIN_FILENO)) {
        /* the command as typed, then the action as the reader says it */
        fprintf(stderr, _("cchc period %s: not a terminal; add --yes to %s %s from a script\n"),
                action, label_of(LABEL_ACTION, action), period);
        return -1;
    }
    if (strcmp(action, "approve") == 0)
        fprintf(stderr, _("Approve period %s: this locks it and freezes its figures%s. "
                          "Continue? [y/N] "),
                period, act->accept_remaining ? _(", accepting every report awaiting review") : "");
    else
        fprintf(stderr, _("Close period %s: reports sent from now on are late. Continue? "
                          "[y/N] "),
                period);
    char line[16];
    /* y in English, c (có) in Vietnamese: either answer works in both */
    if (!fgets(line, sizeof(line), stdin) || !strchr("yYcC", line[0]) || !line[0]) {
        fprintf(stderr, _("cchc: nothing done\n"));
        return -1;
    }
    return 0;
}

int cmd_period(const cli_options *opts, int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return period_usage(stdout, EXIT_OK);
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"unit", required_argument, NULL, 'u'},
        {"until", required_argument, NULL, 't'},
        {"unit-deadline", required_argument, NULL, 'd'},
        {"lead-deadline", required_argument, NULL, 'l'},
        {"reason", required_argument, NULL, 'r'},
        {"accept-remaining", no_argument, NULL, 'A'},
        {"accept", required_argument, NULL, 'a'},
        {"yes", no_argument, NULL, 'Y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sub = argc > 1 ? argv[1] : "list";
    Cchc__V1__PeriodActionRequest act = CCHC__V1__PERIOD_ACTION_REQUEST__INIT;
    int year = 0, yes = 0, opt, rc;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while (argc > 1 && (opt = getopt_long(argc - 1, argv + 1, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'y': year = atoi(optarg); break;
        case 'u': act.unit = optarg; break;
        case 't': act.until = optarg; break;
        case 'd': act.unit_deadline = optarg; break;
        case 'l': act.lead_deadline = optarg; break;
        case 'r': act.reason = optarg; break;
        case 'A': act.accept_remaining = 1; break;
        case 'Y': yes = 1; break;
        case 'h': free(act.accept_report_ids); return period_usage(stdout, EXIT_OK);
        case 'a':
            if (add_accept_ids(&act, optarg) != 0) {
                fprintf(stderr, _("cchc period approve: --accept takes report ids: 12,13,14\n"));
                free(act.accept_report_ids);
                return EXIT_USAGE;
            }
            break;
        default: free(act.accept_report_ids); return EXIT_USAGE;
        }
    }
    /* dates as people type them (05/12/2026) go out as YYYY-MM-DD */
    struct { const char *option; char **field; } dates[] = {
        {"--until", &act.until}, {"--unit-deadline", &act.unit_deadline},
        {"--lead-deadline", &act.lead_deadline}};
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
        if (*dates[i].field && **dates[i].field &&
            !(*dates[i].field = date_option(dates[i].option, *dates[i].field))) {
            free(act.accept_report_ids);
            return EXIT_USAGE;
        }
    if (strcmp(sub, "list") == 0) {
        Cchc__V1__PeriodListRequest body = CCHC__V1__PERIOD_LIST_REQUEST__INIT;
        body.year = year;
        free(act.accept_report_ids);
        Cchc__V1__Response *response;
        rc = call(opts, CCHC__V1__REQUEST__BODY_PERIOD_LIST, &body,
                      CCHC__V1__RESPONSE__BODY_PERIOD_LIST, &response);
        if (rc != EXIT_OK)
            return rc;
        if (opts->json)
            output_json(pb_to_json(&response->period_list->base));
        else
            print_periods(response->period_list->periods, response->period_list->n_periods);
        cchc__v1__response__free_unpacked(response, NULL);
        return EXIT_OK;
    }
    static const char *const actions[] = {"open", "close", "lock", "approve", "reopen", "extend"};
    int known = 0;
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        known |= strcmp(sub, actions[i]) == 0;
    if (!known || argc - 1 - optind != 1) {
        free(act.accept_report_ids);
        return period_usage(stderr, EXIT_USAGE);
    }
    act.action = (char *)sub;
    act.period_id = argv[1 + optind];
    if ((act.accept_remaining || act.n_accept_report_ids) && strcmp(sub, "approve") != 0) {
        fprintf(stderr, _("cchc period %s: --accept-remaining and --accept go with approve\n"), sub);
        rc = EXIT_USAGE;
    } else if (strcmp(sub, "reopen") == 0 && !*act.reason) {
        fprintf(stderr, _("cchc period reopen: say why with --reason \"…\" (it is audited)\n"));
        rc = EXIT_USAGE;
    } else if (*act.reason && strcmp(sub, "reopen") != 0) {
        fprintf(stderr, _("cchc period %s: --reason goes with reopen\n"), sub);
        rc = EXIT_USAGE;
    } else if ((strcmp(sub, "approve") == 0 || strcmp(sub, "close") == 0) && !yes &&
               confirm(sub, act.period_id, &act) != 0) {
        rc = EXIT_USAGE;
    } else {
        Cchc__V1__Response *response;
        rc = call(opts, CCHC__V1__REQUEST__BODY_PERIOD_ACTION, &act,
                  CCHC__V1__RESPONSE__BODY_PERIOD_ACTION, &response);
        if (rc == EXIT_OK) {
            if (opts->json)
                output_json(pb_to_json(&response->period_action->base));
            else if (response->period_action->period)
                print_periods(&response->period_action->period, 1);
            cchc__v1__response__free_unpacked(response, NULL);
        }
    }
    free(act.accept_report_ids);
    return rc;
}
