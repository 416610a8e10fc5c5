/* `cchc unit-plans [record]`: each unit's own implementation plan of the
 * city's plan, due at Sở Nội vụ by 31/7/2023 — who has issued theirs and
 * who is late, and (for admins) recording one as it arrives. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "call.h"
#include "commands.h"
#include "date_option.h"
#include "human.h"
#include "i18n.h"
#include "output.h"
#include "pb_json.h"
#include "table.h"

const char *const unit_plans_subcommands[] = {"record", NULL};

int cmd_unit_plans(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"missing", no_argument, NULL, 'm'},
        {"unit", required_argument, NULL, 'u'},
        {"number", required_argument, NULL, 'n'},
        {"issued", required_argument, NULL, 'i'},
        {"received", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int record = argc > 1 && strcmp(argv[1], "record") == 0;
    Cchc__V1__UnitPlanListRequest list = CCHC__V1__UNIT_PLAN_LIST_REQUEST__INIT;
    Cchc__V1__UnitPlanRecordRequest rec = CCHC__V1__UNIT_PLAN_RECORD_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc - record, argv + record, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'm': list.missing_only = 1; break;
        case 'u': list.unit = rec.unit = optarg; break;
        case 'n': rec.doc_number = optarg; break;
        case 'i':
            if (!(rec.issued_on = date_option("--issued", optarg)))
                return EXIT_USAGE;
            break;
        case 'r':
            if (!(rec.received_on = date_option("--received", optarg)))
                return EXIT_USAGE;
            break;
        case 'h':
            printf(_("usage: cchc unit-plans [--missing] [--unit U]\n"
                     "       cchc unit-plans record --unit U --number \"123/KH-UBND\" --issued YYYY-MM-DD\n"
                     "                              [--received YYYY-MM-DD]   (admins)\n"
                     "Each unit's own implementation plan of the plan, due 31/7/2023 at Sở Nội vụ.\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    Cchc__V1__Response *response;
    int rc = record ? call(opts, CCHC__V1__REQUEST__BODY_UNIT_PLAN_RECORD, &rec,
                           CCHC__V1__RESPONSE__BODY_UNIT_PLAN, &response)
                    : call(opts, CCHC__V1__REQUEST__BODY_UNIT_PLAN_LIST, &list,
                           CCHC__V1__RESPONSE__BODY_UNIT_PLAN, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__UnitPlanResponse *up = response->unit_plan;
    if (opts->json) {
        output_json(pb_to_json(&up->base));
    } else {
        const char *headers[] = {_("Unit"), _("Plan number"), _("Issued"),
                                 _("Received by Sở Nội vụ"), _("Note")};
        table *t = table_new(5, headers, NULL);
        for (size_t i = 0; i < up->n_units; i++) {
            const Cchc__V1__UnitPlan *u = up->units[i];
            char unit[300];
            snprintf(unit, sizeof(unit), "%s (%s)", u->unit_name, u->unit_code);
            const char *note = !u->delivered ? _("not issued") : u->late ? _("late") : "";
            const char *row[] = {unit, u->doc_number, human_date(u->issued_on),
                                 human_date(u->received_on), note};
            table_add_row(t, row);
        }
        table_print(t, stdout, 1);
        table_free(t);
        printf(_("%d/%d units have issued their plan (deadline %s).\n"), up->delivered, up->owed,
               human_date(up->n_units ? up->units[0]->deadline : "2023-07-31"));
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}
