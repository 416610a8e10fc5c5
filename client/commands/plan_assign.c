/* `cchc plan assign TASK --implementers … --lead … --from DATE`: an
 * administrator amends an assignment from a date on, e.g. a task of the
 * abolished districts passed to the commune level from 2025-07-01 (issue
 * 12). The printed plan stays as printed; `cchc plan task N` shows the
 * amendments with their dates, and each period expects the assignment in
 * force on its last data day. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "commands.h"
#include "date_option.h"
#include "human.h"
#include "i18n.h"
#include "output.h"
#include "pb_json.h"

#define MAX_NAMES 64

/* Splits a comma-separated list given on the command line into names
 * (trimmed, empty ones dropped); returns -1 when there are too many. */
static int split_names(char *list, char **names, size_t *n)
{
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = '\0';
        if (!len)
            continue;
        if (*n >= MAX_NAMES)
            return -1;
        names[(*n)++] = tok;
    }
    return 0;
}

static void print_names(const char *label, char **names, size_t n)
{
    printf("%s", label);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", names[i]);
    printf("\n");
}

int plan_assign(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"implementers", required_argument, NULL, 'i'},
        {"lead", required_argument, NULL, 'l'},
        {"from", required_argument, NULL, 'f'},
        {"assignment", required_argument, NULL, 'a'},
        {"basis", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__PlanAssignRequest body = CCHC__V1__PLAN_ASSIGN_REQUEST__INIT;
    char *implementers[MAX_NAMES], *leads[MAX_NAMES];
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "i:l:f:a:b:h", options, NULL)) != -1) {
        switch (opt) {
        case 'i':
            if (split_names(optarg, implementers, &body.n_implementers) != 0) {
                fprintf(stderr, _("cchc plan assign: at most %d implementers\n"), MAX_NAMES);
                return EXIT_USAGE;
            }
            break;
        case 'l':
            if (split_names(optarg, leads, &body.n_leads) != 0) {
                fprintf(stderr, _("cchc plan assign: at most %d lead agencies\n"), MAX_NAMES);
                return EXIT_USAGE;
            }
            break;
        case 'f':
            if (!(body.effective_from = date_option("--from", optarg)))
                return EXIT_USAGE;
            break;
        case 'a': body.assignment = atoi(optarg); break;
        case 'b': body.legal_basis = optarg; break;
        case 'h':
            printf(_("usage: cchc plan assign TASK [--implementers U,CLASS,…] [--lead U,…] --from YYYY-MM-DD\n"
                     "                        [--assignment N] [--basis TEXT]\n"
                     "From the date on, the task's assignment is implemented and led by the units and\n"
                     "classes named (codes, names or aliases; a list not given stays as in force the day\n"
                     "before). The printed plan is not changed; each period expects the assignment in\n"
                     "force on its last data day. --assignment picks one of a task's several assignments.\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    body.implementers = implementers;
    body.leads = leads;
    char *end = NULL;
    long id = optind < argc ? strtol(argv[optind], &end, 10) : 0;
    if (optind + 1 != argc || !end || *end || id <= 0 || id > 1000000 || !*body.effective_from ||
        (body.n_implementers == 0 && body.n_leads == 0)) {
        fprintf(stderr, "%s",
                _("cchc plan assign: give one task number, --from and --implementers or --lead, "
                  "e.g. 'cchc plan assign 105 --implementers UBND-XA --from 2025-07-01'\n"));
        return EXIT_USAGE;
    }
    body.task_id = (int32_t)id;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_PLAN_ASSIGN, &body, CCHC__V1__RESPONSE__BODY_PLAN_ASSIGN,
                  &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__PlanAssignResponse *r = response->plan_assign;
    if (opts->json) {
        output_json(pb_to_json(&r->base));
    } else if (r->amendment) {
        printf(_("Recorded the amendment of assignment %d of task %d from %s\n"), r->assignment_id, body.task_id,
               human_date(r->amendment->effective_from));
        print_names(_("  Implementing units: "), r->amendment->implementers, r->amendment->n_implementers);
        print_names(_("  Lead agencies: "), r->amendment->leads, r->amendment->n_leads);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}
