/* Lead agencies and districts review what units submit (`cchc review
 * list|accept|return`). A review names the revision the reviewer read, so
 * a resubmission that lands between reading and deciding is never
 * reviewed unseen: an explicit report is given as ID@REV (the "Số" and
 * "Lần" columns of `review list`), and accepting many at once (every
 * submitted report of a task, of a unit, or of the whole period that the
 * reviewer leads) first lists them with their revisions, asks on a
 * terminal (--yes for scripts) and sends exactly the pairs listed. The
 * server refuses, all or nothing, a revision that is no longer the latest
 * (docs/review.md). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call.h"
#include "commands.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "output.h"
#include "pb_json.h"
#include "table.h"
#include "terminal.h"

typedef struct list_filter {
    const char *period, *state, *unit;
    int task;
    int all;
    const char *reason;
    int yes;          /* bulk accept without asking (scripts) */
    int revision;     /* --revision: the revision of a single bare ID */
    int help;
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
        {"yes", no_argument, NULL, 'y'},
        {"revision", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(f, 0, sizeof(*f));
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "hy", options, NULL)) != -1) {
        switch (opt) {
        case 'p': f->period = optarg; break;
        case 's': f->state = optarg; break;
        case 't': f->task = atoi(optarg); break;
        case 'u': f->unit = optarg; break;
        case 'a': f->all = 1; break;
        case 'r': f->reason = optarg; break;
        case 'y': f->yes = 1; break;
        case 'R': {
            char *end;
            long rev = strtol(optarg, &end, 10);
            if (*end || rev <= 0 || rev > INT32_MAX) {
                fprintf(stderr, _("cchc review: --revision wants a revision number, not \"%s\"\n"), optarg);
                return -1;
            }
            f->revision = (int)rev;
            break;
        }
        case 'h': f->help = 1; break;
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

static void print_reports(FILE *to, Cchc__V1__ReportSummary **reports, size_t n)
{
    const char *headers[] = {_("No."), _("Task"), _("Unit"), _("State"), _("Rev."),
                             _("Progress"), _("Sent at"), _("Note")};
    const int widths[] = {0, 0, 40, 0, 0, 0, 0, 40};
    table *t = table_new(8, headers, widths);
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__ReportSummary *r = reports[i];
        char id[24], task[48], rev[16], progress[24], note[300] = "";
        snprintf(id, sizeof(id), "%lld", (long long)r->report_id);
        snprintf(task, sizeof(task), "%d (%s)", r->task_id, r->ref);
        snprintf(rev, sizeof(rev), "%d", r->revision);
        snprintf(progress, sizeof(progress), "%s", human_progress(r->progress));
        if (*r->return_reason)
            snprintf(note, sizeof(note), _("returned: %s"), r->return_reason);
        else if (r->late)
            snprintf(note, sizeof(note), "%s", _("sent late"));
        const char *row[] = {id, task, r->unit_name, label_of(LABEL_REPORT_STATE, r->state), rev,
                             progress, human_time(r->submitted_at), note};
        table_add_row(t, row);
        if (r->late)
            table_colour_last_row(t, COLOUR_LATE);
    }
    table_print(t, to, 1);
    table_free(t);
}

static void print_decide_usage(FILE *to)
{
    fprintf(to, _("usage: cchc review accept ID@REV… | --period P (--all | --task T | --unit U) [--yes]\n"
                  "       cchc review return ID@REV… --reason \"…\"\n"
                  "  ID@REV: the report number and the revision you read (columns \"Số\" and \"Lần\"\n"
                  "  of review list); ID --revision REV for one report. A report sent again since\n"
                  "  is not reviewed: nothing is, and cchc says which revision is new.\n"
                  "  Many at once: the reports are listed with their revisions and, on a terminal,\n"
                  "  you confirm; --yes confirms for scripts. Exactly the listed revisions are accepted.\n"));
}

/* "12@3" into (12, 3); a bare "12" takes fallback_rev (0: none given). */
static int parse_item(const char *arg, int fallback_rev, int64_t *id, int32_t *rev)
{
    char *end;
    long long n = strtoll(arg, &end, 10);
    if (end == arg || n <= 0 || (*end && *end != '@'))
        return -1;
    long r = fallback_rev;
    if (*end == '@') {
        char *rend;
        r = strtol(end + 1, &rend, 10);
        if (rend == end + 1 || *rend || r <= 0 || r > INT32_MAX)
            return -1;
    }
    *id = n;
    *rev = (int32_t)r;
    return 0;
}

/* On a terminal, asks before a bulk accept; elsewhere only --yes may. */
static int confirm_bulk(size_t n)
{
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, _("cchc review accept: nothing accepted; standard input is not a terminal, "
                          "so add --yes to accept exactly these %zu revisions\n"), n);
        return -1;
    }
    /* stdout may be a file; the question is for the person at the terminal */
    fflush(stdout);
    fprintf(stderr,
            ngettext("Accept the %zu report above, exactly the revision listed? [y/N] ",
                     "Accept the %zu reports above, exactly the revisions listed? [y/N] ", n),
            n);
    fflush(stderr);
    char answer[32];
    if (!fgets(answer, sizeof(answer), stdin))
        return 0;
    answer[strcspn(answer, "\r\n")] = '\0';
    return strcmp(answer, "c") == 0 || strcmp(answer, "C") == 0 || strcmp(answer, "có") == 0 ||
           strcmp(answer, "y") == 0 || strcmp(answer, "Y") == 0 || strcmp(answer, "yes") == 0;
}

/* Every submitted report the filter finds that this reviewer leads, with
 * the revision listed: what a bulk accept may send, nothing else. */
static int bulk_candidates(const cli_options *opts, const list_filter *f, int64_t **ids,
                           int32_t **revs, size_t *n, Cchc__V1__Response **listed)
{
    list_filter q = *f;
    q.state = "submitted";
    int rc = list_reports(opts, &q, listed);
    if (rc != EXIT_OK)
        return rc;
    Cchc__V1__ReportListResponse *l = (*listed)->report_list;
    size_t room = l->n_reports ? l->n_reports : 1;
    *ids = calloc(room, sizeof(**ids));
    *revs = calloc(room, sizeof(**revs));
    if (!*ids || !*revs) {
        fprintf(stderr, _("cchc: out of memory\n"));
        return EXIT_USAGE;
    }
    /* keep the listed reports in l->reports[0..n) for the table */
    *n = 0;
    for (size_t i = 0; i < l->n_reports; i++) {
        Cchc__V1__ReportSummary *r = l->reports[i];
        if (strcmp(r->review_level, "lead") != 0)
            continue;
        (*ids)[*n] = r->report_id;
        (*revs)[*n] = r->revision;
        l->reports[i] = l->reports[*n];
        l->reports[(*n)++] = r;
    }
    return EXIT_OK;
}

static int review_decide(const cli_options *opts, const char *action, int argc, char **argv)
{
    list_filter f;
    int first;
    if (parse_filter(argc, argv, &f, &first) != 0) {
        print_decide_usage(stderr);
        return EXIT_USAGE;
    }
    if (f.help) {
        print_decide_usage(stdout);
        return EXIT_OK;
    }
    int is_return = strcmp(action, "return") == 0;
    if (is_return && (!f.reason || !*f.reason)) {
        fprintf(stderr, _("cchc review return: --reason \"…\" is required\n"));
        return EXIT_USAGE;
    }
    size_t n = (size_t)(argc - first);
    int64_t *ids = NULL;
    int32_t *revs = NULL;
    Cchc__V1__Response *listed = NULL;
    int bulk = 0, rc = EXIT_OK;
    if (n > 0) {
        if (f.revision && n != 1) {
            fprintf(stderr, _("cchc review: --revision is for one report; name several as ID@REV\n"));
            return EXIT_USAGE;
        }
        ids = calloc(n, sizeof(*ids));
        revs = calloc(n, sizeof(*revs));
        for (size_t i = 0; ids && revs && i < n; i++) {
            const char *arg = argv[first + (int)i];
            if (parse_item(arg, f.revision, &ids[i], &revs[i]) != 0 ||
                (f.revision && strchr(arg, '@'))) {
                fprintf(stderr, _("cchc review: \"%s\" is not REPORT@REVISION (e.g. 12@3)\n"), arg);
                rc = EXIT_USAGE;
                goto out;
            }
            if (revs[i] == 0) {
                /* the client keeps nothing between commands, and the
                 * revision there now may be one nobody read */
                fprintf(stderr, _("cchc review: say which revision of report %lld you read: %lld@REV, "
                                  "REV from the \"Rev.\" column of cchc review list (or report show)\n"),
                        (long long)ids[i], (long long)ids[i]);
                rc = EXIT_USAGE;
                goto out;
            }
        }
        if (!ids || !revs) {
            fprintf(stderr, _("cchc: out of memory\n"));
            rc = EXIT_USAGE;
            goto out;
        }
    } else if (!is_return && f.period && (f.task || f.unit || f.all)) {
        bulk = 1;
        rc = bulk_candidates(opts, &f, &ids, &revs, &n, &listed);
        if (rc != EXIT_OK)
            goto out;
        if (n == 0) {
            printf(_("No report is waiting to be accepted.\n"));
            goto out;
        }
        /* the list is what is confirmed: with --json (stdout is for the
         * answer) it goes to stderr when someone is asked */
        FILE *to = !opts->json ? stdout : !f.yes ? stderr : NULL;
        if (to) {
            fprintf(to, _("Reports to accept (%zu), exactly the revision in the \"Rev.\" column:\n"), n);
            print_reports(to, listed->report_list->reports, n);
        }
        if (!f.yes) {
            int yes = confirm_bulk(n);
            if (yes <= 0) {
                if (yes == 0)
                    printf(_("No report accepted.\n"));
                rc = yes < 0 ? EXIT_USAGE : EXIT_OK;
                goto out;
            }
        }
    } else {
        print_decide_usage(stderr);
        rc = EXIT_USAGE;
        goto out;
    }
    Cchc__V1__ReviewRequest body = CCHC__V1__REVIEW_REQUEST__INIT;
    body.action = (char *)action;
    body.report_ids = ids;
    body.n_report_ids = n;
    body.revisions = revs;
    body.n_revisions = n;
    body.reason = (char *)(f.reason ? f.reason : "");
    Cchc__V1__Response *response = NULL;
    cli_error err;
    if (call_raw(opts, CCHC__V1__REQUEST__BODY_REVIEW, &body, &response, &err) != 0) {
        rc = cli_error_report(opts, &err);
        if (strcmp(err.code_name, "conflict") == 0)
            fprintf(stderr, "%s",
                    bulk ? _("No report was accepted. Read the new revision (the command above), "
                             "then run this command again to see the new list.\n")
                         : _("No report was reviewed. Read the new revision (the command above), "
                             "then review again with the new ID@REV.\n"));
        goto out;
    }
    if (response->body_case != CCHC__V1__RESPONSE__BODY_REVIEW) {
        cchc__v1__response__free_unpacked(response, NULL);
        cli_error_set(&err, EXIT_PROTOCOL, _("the server answered with an unexpected message"));
        rc = cli_error_report(opts, &err);
        goto out;
    }
    if (opts->json) {
        output_json(pb_to_json(&response->review->base));
    } else {
        size_t reviewed = response->review->n_reviewed;
        printf(is_return ? ngettext("Returned %zu report:\n", "Returned %zu reports:\n", reviewed)
                         : ngettext("Accepted %zu report:\n", "Accepted %zu reports:\n", reviewed),
               reviewed);
        print_reports(stdout, response->review->reviewed, response->review->n_reviewed);
    }
    cchc__v1__response__free_unpacked(response, NULL);
out:
    if (listed)
        cchc__v1__response__free_unpacked(listed, NULL);
    free(ids);
    free(revs);
    return rc;
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
                 "       cchc review accept ID@REV… | --period P (--task T | --unit U | --all) [--yes]\n"
                 "       cchc review return ID@REV… --reason \"…\"\n"));
        return *sub && strcmp(sub, "--help") != 0 ? EXIT_USAGE : EXIT_OK;
    }
    list_filter f;
    int first;
    int parsed = parse_filter(argc - 1, argv + 1, &f, &first);
    if (parsed == 0 && f.help) {
        printf(_("usage: cchc review list --period P [--state S] [--task T] [--unit U]\n"));
        return EXIT_OK;
    }
    if (parsed != 0 || !f.period) {
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
        print_reports(stdout, response->report_list->reports, response->report_list->n_reports);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}
