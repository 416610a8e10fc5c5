/* `cchc period list|open|close|lock|approve|extend`: the reporting periods
 * (2023-Q1, 2023-6M, 2023-9M, 2023-Y) with their deadlines and how many
 * reports are in. Anyone may list them; Sở Nội vụ runs them, and may
 * extend a deadline for every unit or for one. */
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

static void print_periods(Cchc__V1__Period **periods, size_t n)
{
    const char *headers[] = {_("Kỳ"), _("Số liệu từ"), _("đến"), _("Hạn đơn vị"),
                             _("Hạn cơ quan chủ trì"), _("Trạng thái"), _("Đã nhận/Phải có")};
    table *t = table_new(7, headers, NULL);
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__Period *p = periods[i];
        char counts[32];
        snprintf(counts, sizeof(counts), "%d/%d", p->received, p->expected);
        const char *row[] = {p->id, p->data_from, p->data_until, p->unit_deadline,
                             p->lead_deadline, p->state, counts};
        table_add_row(t, row);
    }
    table_print(t, stdout, 1);
    table_free(t);
}

const char *const period_subcommands[] = {"list", "open", "close", "lock", "approve", "extend", NULL};

static int period_usage(FILE *out, int rc)
{
    fprintf(out, _("usage: cchc period list [--year Y]\n"
                   "       cchc period open|close|lock|approve PERIOD\n"
                   "       cchc period extend PERIOD [--unit-deadline D] [--lead-deadline D]\n"
                   "       cchc period extend PERIOD --unit U --until D\n"
                   "PERIOD: 2023-Q1, 2023-6M, 2023-9M, 2023-Y\n"));
    return rc;
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
        {NULL, 0, NULL, 0},
    };
    const char *sub = argc > 1 ? argv[1] : "list";
    Cchc__V1__PeriodActionRequest act = CCHC__V1__PERIOD_ACTION_REQUEST__INIT;
    int year = 0, opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while (argc > 1 && (opt = getopt_long(argc - 1, argv + 1, "", options, NULL)) != -1) {
        switch (opt) {
        case 'y': year = atoi(optarg); break;
        case 'u': act.unit = optarg; break;
        case 't': act.until = optarg; break;
        case 'd': act.unit_deadline = optarg; break;
        case 'l': act.lead_deadline = optarg; break;
        default: return EXIT_USAGE;
        }
    }
    if (strcmp(sub, "list") == 0) {
        Cchc__V1__PeriodListRequest body = CCHC__V1__PERIOD_LIST_REQUEST__INIT;
        body.year = year;
        Cchc__V1__Response *response;
        int rc = call(opts, CCHC__V1__REQUEST__BODY_PERIOD_LIST, &body,
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
    static const char *const actions[] = {"open", "close", "lock", "approve", "extend"};
    int known = 0;
    for (size_t i = 0; i < 5; i++)
        known |= strcmp(sub, actions[i]) == 0;
    if (!known || argc - 1 - optind != 1)
        return period_usage(stderr, EXIT_USAGE);
    act.action = (char *)sub;
    act.period_id = argv[1 + optind];
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_PERIOD_ACTION, &act,
                  CCHC__V1__RESPONSE__BODY_PERIOD_ACTION, &response);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json) {
        output_json(pb_to_json(&response->period_action->base));
    } else if (response->period_action->period) {
        print_periods(&response->period_action->period, 1);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}
