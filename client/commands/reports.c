/* A district office's quarterly job: `cchc tasks` (what my unit owes for a
 * period and the state of each report), `cchc template` (the spreadsheet
 * to fill), `cchc submit` (a filled file, all rows or none, or one report
 * from the command line), `cchc report show|history`, and the outbox for
 * when the server cannot be reached (`cchc due` is due.c's). */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "call.h"
#include "carried.h"
#include "commands.h"
#include "file_read.h"
#include "file_write.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "message_text.h"
#include "outbox.h"
#include "output.h"
#include "pb_json.h"
#include "rebase.h"
#include "report_csv.h"
#include "report_file.h"
#include "report_xlsx_write.h"
#include "table.h"

static const char *state_label(const char *state)
{
    return label_of(LABEL_REPORT_STATE, state);
}

/* The fields a revision changed ("status", "progress", … on the wire), as
 * the history line names them. */
static const char *field_label(const char *field)
{
    static const struct { const char *code, *label; } labels[] = {
        {"status", N_("status")},           {"progress", N_("progress")},
        {"results", N_("results")},         {"difficulties", N_("difficulties")},
        {"proposals", N_("proposals")},     {"indicators", N_("indicators")},
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].code, field) == 0)
            return _(labels[i].label);
    return field;
}


/* unit: "" for the caller's own unit, or a closed unit it succeeds */
static int my_tasks(const cli_options *opts, const char *period, const char *unit,
                    Cchc__V1__Response **response)
{
    Cchc__V1__MyTasksRequest body = CCHC__V1__MY_TASKS_REQUEST__INIT;
    body.period_id = (char *)period;
    body.unit = (char *)unit;
    return call(opts, CCHC__V1__REQUEST__BODY_MY_TASKS, &body,
                CCHC__V1__RESPONSE__BODY_MY_TASKS, response);
}

/* --period P, the only option of several commands, and --unit U (a
 * closed unit the caller's unit succeeds; *unit stays "" without it). */
static const char *period_option(int argc, char **argv, const char *usage, int *rc,
                                 const char **unit)
{
    static const struct option options[] = {
        {"period", required_argument, NULL, 'p'},
        {"unit", required_argument, NULL, 'u'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period = NULL;
    int opt;
    *rc = -1;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    *unit = "";
    while ((opt = getopt_long(argc, argv, "p:o:h", options, NULL)) != -1) {
        switch (opt) {
        case 'p': period = optarg; break;
        case 'u': *unit = optarg; break;
        case 'o': case 'f': case 'F': break; /* read again by the caller */
        case 'h': printf("%s", usage); *rc = EXIT_OK; return NULL;
        default: *rc = EXIT_USAGE; return NULL;
        }
    }
    if (!period) {
        fprintf(stderr, "%s", usage);
        *rc = EXIT_USAGE;
    }
    return period;
}

int cmd_tasks(const cli_options *opts, int argc, char **argv)
{
    int rc;
    const char *unit;
    const char *period = period_option(
        argc, argv,
        _("usage: cchc tasks --period 2023-6M [--unit CLOSED-UNIT]\n"
          "--unit: the tasks of a closed unit your unit succeeds (its open reports are yours)\n"),
        &rc, &unit);
    if (!period)
        return rc;
    Cchc__V1__Response *response;
    if ((rc = my_tasks(opts, period, unit, &response)) != EXIT_OK)
        return rc;
    const Cchc__V1__MyTasksResponse *mt = response->my_tasks;
    if (opts->json) {
        output_json(pb_to_json(&mt->base));
    } else {
        printf(_("%s (%s), period %s (%s), deadline %s\n"), mt->unit_name, mt->unit_code,
               mt->period->id, label_of(LABEL_PERIOD_STATE, mt->period->state), human_date(mt->deadline));
        if (*mt->unit_notice) {
            char notice[768];
            message_text(mt->unit_notice_id, mt->unit_notice_args, mt->n_unit_notice_args,
                         mt->unit_notice, notice, sizeof(notice));
            printf(_("Note: %s\n"), notice);
        }
        const char *headers[] = {_("Code"), _("Task"), _("Report"), _("Rev."), _("Progress"),
                                 _("Note")};
        const int widths[] = {0, 56, 0, 0, 0, 50};
        table *t = table_new(6, headers, widths);
        size_t missing = 0, returned = 0;
        for (size_t i = 0; i < mt->n_tasks; i++) {
            const Cchc__V1__UnitTask *u = mt->tasks[i];
            char id[16], rev[16], progress[40] = "", note[400] = "";
            snprintf(id, sizeof(id), "%d", u->task_id);
            snprintf(rev, sizeof(rev), "%d", u->revision);
            if (*u->progress)
                snprintf(progress, sizeof(progress), "%s", human_progress(u->progress));
            if (*u->return_reason)
                snprintf(note, sizeof(note), _("returned: %s"), u->return_reason);
            else if (u->late)
                snprintf(note, sizeof(note), "%s", _("sent late"));
            else if (*u->carried_from) /* docs/cumulative.md */
                snprintf(note, sizeof(note), _("template prefilled from period %s, revision %d"),
                         u->carried_from, u->carried_revision);
            missing += strcmp(u->report_state, "missing") == 0;
            returned += strcmp(u->report_state, "returned") == 0;
            const char *row[] = {id, u->text, state_label(u->report_state),
                                 u->revision ? rev : "", progress, note};
            table_add_row(t, row);
        }
        table_print(t, stdout, 1);
        table_free(t);
        /* one sentence in three counts, each with its own plural */
        printf(ngettext("%zu task; ", "%zu tasks; ", mt->n_tasks), mt->n_tasks);
        printf(_("%zu not reported, %zu returned.\n"), missing, returned);
        /* a closed predecessor's open reports are this unit's to send */
        for (size_t i = 0; i < mt->n_inherited; i++) {
            const Cchc__V1__UnitTask *u = mt->inherited[i];
            if (i == 0)
                printf(_("Reports still owed by closed units your unit succeeds "
                         "(send them with: cchc submit --unit CODE …):\n"));
            printf(_("  %s (%s): task %d (%s) — %s%s%s\n"), u->unit_name, u->unit_code,
                   u->task_id, u->ref, state_label(u->report_state),
                   *u->return_reason ? _("; returned: ") : "", u->return_reason);
        }
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* The template's format: --format, else the output's name (.xlsx), else CSV
 * (standard output is always CSV). Returns 1 for xlsx, 0 for CSV, -1 when
 * --format names neither. */
static int template_is_xlsx(int argc, char **argv, const char *path)
{
    const char *format = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[i + 1];
        else if (strncmp(argv[i], "--format=", 9) == 0)
            format = argv[i] + 9;
    }
    if (format)
        return strcmp(format, "xlsx") == 0 ? 1 : strcmp(format, "csv") == 0 ? 0 : -1;
    size_t n = path ? strlen(path) : 0;
    return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

int cmd_template(const cli_options *opts, int argc, char **argv)
{
    int rc;
    const char *usage =
        _("usage: cchc template --period 2023-6M [--unit CLOSED-UNIT] [-o bao-cao.xlsx|.csv [--force]]\n"
          "                     [--format xlsx|csv]\n"
          "An .xlsx name (or --format xlsx) writes an Excel workbook: a drop-down list of\n"
          "statuses, progress checked 0-100, the task's columns locked, instructions in the\n"
          "sheet \"Hướng dẫn\". Otherwise CSV (UTF-8 with BOM); standard output is CSV.\n"
          "-o FILE   write FILE; an existing FILE (perhaps a filled report) is never replaced\n"
          "          unless --force is given\n");
    const char *unit;
    const char *period = period_option(argc, argv, usage, &rc, &unit);
    if (!period)
        return rc;
    const char *path = NULL;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        if (i < argc - 1 && (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0))
            path = argv[i + 1];
        else if (strncmp(argv[i], "--output=", 9) == 0)
            path = argv[i] + 9;
        force |= strcmp(argv[i], "--force") == 0;
    }
    int xlsx = template_is_xlsx(argc, argv, path);
    if (xlsx < 0 || (xlsx && !path)) {
        fprintf(stderr, xlsx < 0 ? _("cchc template: --format is xlsx or csv\n")
                                 : _("cchc template: an .xlsx template needs -o FILE.xlsx\n"));
        return EXIT_USAGE;
    }
    /* asked first, before the server: the clerk learns at once that the
     * name is taken, and nothing is fetched for nothing */
    file_out out = {0};
    if (path && file_out_open(&out, path, force) != 0) {
        if (errno == EEXIST)
            fprintf(stderr,
                    _("cchc template: %s already exists (perhaps a filled report): not overwritten. "
                      "Choose another name, or add --force to replace that file\n"),
                    path);
        else
            fprintf(stderr, _("cchc: cannot write %s: %s\n"), path, strerror(errno));
        return EXIT_USAGE;
    }
    Cchc__V1__Response *response;
    if ((rc = my_tasks(opts, period, unit, &response)) != EXIT_OK) {
        if (path)
            file_out_abort(&out);
        return rc;
    }
    if (xlsx) {
        /* libxlsxwriter writes by name: into the temporary file, which
         * file_out_commit then moves into place */
        char error[600];
        if (report_xlsx_write(out.tmp_path, response->my_tasks, error, sizeof(error)) != 0) {
            fprintf(stderr, "cchc: %s\n", error);
            file_out_abort(&out);
            cchc__v1__response__free_unpacked(response, NULL);
            return EXIT_USAGE;
        }
    } else {
        report_template_write(path ? out.f : stdout, response->my_tasks);
    }
    if (path) {
        if (file_out_commit(&out) != 0) {
            if (errno == EEXIST)
                fprintf(stderr, _("cchc template: %s was just created by another program: "
                                  "not overwritten\n"),
                        path);
            else
                fprintf(stderr, _("cchc: cannot write %s: %s\n"), path, strerror(errno));
            cchc__v1__response__free_unpacked(response, NULL);
            return EXIT_USAGE;
        }
        size_t carried = 0;
        for (size_t i = 0; i < response->my_tasks->n_tasks; i++)
            carried += *response->my_tasks->tasks[i]->carried_from != '\0';
        fprintf(stderr,
                ngettext("Wrote %s: %zu task of period %s. Fill in the status, progress, results… "
                         "columns, then send:\n"
                         "  cchc submit --file %s%s%s\n",
                         "Wrote %s: %zu tasks of period %s. Fill in the status, progress, results… "
                         "columns, then send:\n"
                         "  cchc submit --file %s%s%s\n",
                         response->my_tasks->n_tasks),
                path, response->my_tasks->n_tasks, period, path, *unit ? " --unit " : "", unit);
        if (carried)
            fprintf(stderr,
                    ngettext("%zu row is prefilled with figures carried over from the previous "
                             "period (column \"Mang sang từ kỳ\", carried over from): change what "
                             "has changed. A row left unchanged is sent only when you clear its "
                             "\"Mang sang từ kỳ\" cell, or send with --confirm-carried.\n",
                             "%zu rows are prefilled with figures carried over from the previous "
                             "period (column \"Mang sang từ kỳ\", carried over from): change what "
                             "has changed. A row left unchanged is sent only when you clear its "
                             "\"Mang sang từ kỳ\" cell, or send with --confirm-carried.\n",
                             carried),
                    carried);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- submit -------------------------------------------------------------------------- */

static void new_key(char out[33])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, 33, raw, sizeof(raw));
}

/* Keeps a submission in the outbox and says why and what to do next; err
 * says why it was not sent, and its exit code is the command's. */
static int keep_in_outbox(const cli_options *opts, Cchc__V1__ReportSubmitRequest *body,
                          cli_error *err)
{
    if (outbox_save(opts, body) != 0) {
        if (errno == EACCES) /* no session: the outbox keeps only an account's own */
            fprintf(stderr, _("cchc: not logged in to %s: log in ('cchc login'), then submit "
                              "again; nothing was saved\n"),
                    opts->server);
        else
            fprintf(stderr,
                    _("cchc: the submission was not sent and the outbox cannot be written: %s\n"),
                    strerror(errno));
        return cli_error_report(opts, err);
    }
    if (strcmp(err->code_name, "unauthenticated") == 0)
        fprintf(stderr,
                ngettext("cchc: %s\nSaved %zu report in the outbox. The session has expired or "
                         "ended: log in again with 'cchc login', then send with 'cchc outbox send' "
                         "(sent exactly once).\n",
                         "cchc: %s\nSaved %zu reports in the outbox. The session has expired or "
                         "ended: log in again with 'cchc login', then send with 'cchc outbox send' "
                         "(sent exactly once).\n",
                         body->n_rows),
                err->message, body->n_rows);
    else
        fprintf(stderr,
                ngettext("cchc: %s\nSaved %zu report in the outbox; it will be sent (exactly once) "
                         "by 'cchc outbox send' or the next cchc command.\n",
                         "cchc: %s\nSaved %zu reports in the outbox; they will be sent (exactly "
                         "once) by 'cchc outbox send' or the next cchc command.\n",
                         body->n_rows),
                err->message, body->n_rows);
    return err->exit_code;
}

/* What a clerk does about rows made from an older revision. */
static void conflict_hint(const cli_options *opts, const char *period, int from_file)
{
    if (opts->json)
        return;
    if (from_file)
        fprintf(stderr,
                _("The reports above were saved again after you downloaded the template (who "
                  "and when: see above); nothing was sent, so that nothing is overwritten. "
                  "Download a new template (cchc template --period %s) and enter your changes "
                  "again, or send again with --rebase to apply the cells you changed onto the "
                  "latest revision.\n"),
                period);
    else
        fprintf(stderr,
                _("The report has a newer revision; read it with cchc report show, then send "
                  "again.\n"));
}

/* Says which returned reports stay returned because the row repeated them
 * unchanged (only a change, or --resubmit, sends them back). */
static void note_still_returned(const cli_options *opts, const Cchc__V1__ReportSubmitResponse *r,
                                const char *period)
{
    for (size_t i = 0; !opts->json && i < r->n_saved; i++)
        if (r->saved[i]->replayed && strcmp(r->saved[i]->state, "returned") == 0)
            printf(_("Task %d is still returned: nothing changed from the revision sent. Change it "
                     "and send, or if the unit stands by it: cchc submit --task %d --period %s "
                     "--resubmit\n"),
                   r->saved[i]->task_id, r->saved[i]->task_id, period);
}

/* Sends a submission; unless the server refused it for good (the same
 * request would be refused again), keeps it in the outbox: unreachable,
 * busy, an unknown outcome, a garbled answer or an expired session lose
 * nothing a clerk typed. Prints what was saved, or the error; *conflict
 * (when not NULL) says whether the error was CONFLICT, which quiet_conflict
 * leaves unsaid (with --json, when a rebase follows: one JSON answer on
 * stdout). */
static int send_submission(const cli_options *opts, Cchc__V1__ReportSubmitRequest *body,
                           int *conflict, int quiet_conflict)
{
    cli_error err;
    /* earlier submissions still waiting go first: sent after this one,
     * they would overwrite it with older figures */
    int waiting = outbox_count(opts);
    if (waiting > 0) {
        cli_error_set(&err, EXIT_UNREACHABLE,
                      ngettext("%d earlier submission still waits in the outbox; this one waits "
                               "behind it ('cchc outbox' to see, send or discard it)",
                               "%d earlier submissions still wait in the outbox; this one waits "
                               "behind them ('cchc outbox' to see, send or discard them)",
                               (unsigned long)waiting),
                      waiting);
        return keep_in_outbox(opts, body, &err);
    }
    Cchc__V1__Response *response = NULL;
    /* made now: the latest revisions are what the clerk could see (the
     * filled body is what keep_in_outbox keeps, should this be in doubt) */
    int rc = outbox_fill_bases_at_send(opts, body, time(NULL), &err);
    if (rc >= 0)
        rc = call_raw(opts, CCHC__V1__REQUEST__BODY_REPORT_SUBMIT, body, &response, &err);
    /* a usage error (too large to send, a bad server address) is the
     * clerk's to fix now, with the file or command line still at hand */
    if (rc != 0 && err.exit_code != EXIT_USAGE && !outbox_refused_for_good(&err))
        return keep_in_outbox(opts, body, &err);
    if (rc != 0 && conflict)
        *conflict = strcmp(err.code_name, "conflict") == 0;
    if (rc != 0 && quiet_conflict && conflict && *conflict)
        return err.exit_code;
    if (rc != 0)
        return cli_error_report(opts, &err);
    const Cchc__V1__ReportSubmitResponse *r = response->report_submit;
    if (opts->json) {
        output_json(pb_to_json(&r->base));
    } else {
        size_t late = 0, replayed = 0;
        for (size_t i = 0; i < r->n_saved; i++) {
            late += r->saved[i]->late;
            replayed += r->saved[i]->replayed;
        }
        printf(body->draft ? ngettext("Saved %zu report of period %s as a draft",
                                      "Saved %zu reports of period %s as drafts", r->n_saved)
                           : ngettext("Sent %zu report of period %s", "Sent %zu reports of period %s",
                                      r->n_saved),
               r->n_saved, body->period_id);
        if (late)
            printf(_(", %zu late"), late);
        if (replayed)
            printf(_(", %zu already received from an earlier send"), replayed);
        printf(".\n");
        note_still_returned(opts, r, body->period_id);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* How a sheet is sent: as a draft; rebased on conflict (files); as a
 * resubmission of a returned report (--task --resubmit). */
typedef struct submit_mode {
    int draft, rebase, resubmit, from_file;
    int confirm_carried; /* send rows carried over unchanged too (carried.h) */
    int base_at_send; /* --task, the latest revision unknown yet (outbox.h) */
    const char *unit; /* --unit: a closed unit this one succeeds ("" = own) */
    /* a file's tasks as the server has them at submit time (`my_tasks`,
     * fetched once for the unit check and the carried rows), NULL when not
     * needed or the server could not be asked (why in tasks_unreachable) */
    const Cchc__V1__MyTasksResponse *tasks_now;
    const char *tasks_unreachable;
} submit_mode;

/* Sends body; on CONFLICT with mode->rebase, applies the clerk's cells
 * onto the latest revisions and sends that (again, if someone saves in
 * between, a few times). */
static int send_rebasing(const cli_options *opts, Cchc__V1__ReportSubmitRequest *body,
                         const submit_mode *mode)
{
    int conflict = 0;
    int rc = send_submission(opts, body, &conflict, opts->json && mode->rebase);
    rebased_submission rebased = {0};
    for (int attempt = 0; conflict && mode->rebase && attempt < 3; attempt++) {
        if (!opts->json)
            fprintf(stderr, "%s", _("Applying the cells you changed onto the latest revision…\n"));
        rebased_submission next;
        rc = rebase_submission(opts, attempt ? &rebased.body : body, &next);
        rebase_free(&rebased);
        rebased = next;
        if (rc != EXIT_OK) {
            conflict = 0; /* the rebase said why nothing was sent */
            break;
        }
        if (!opts->json)
            fprintf(stderr,
                    ngettext("%zu row moved onto the latest revision; sending…\n",
                             "%zu rows moved onto the latest revision; sending…\n",
                             rebased.rebased_rows),
                    rebased.rebased_rows);
        conflict = 0;
        rc = send_submission(opts, &rebased.body, &conflict, opts->json && attempt < 2);
    }
    rebase_free(&rebased);
    if (conflict)
        conflict_hint(opts, body->period_id, mode->from_file);
    return rc;
}

/* Checks every row of a sheet, lists every problem by line and column,
 * and sends all rows or none. */
static int submit_sheet(const cli_options *opts, report_sheet *sheet, const char *source,
                        const submit_mode *mode)
{
    if (sheet->n_rows > 50 && !opts->json)
        fprintf(stderr, _("Checking %zu rows…\n"), sheet->n_rows);
    report_sheet_check(sheet);
    if (sheet->n_problems > 0) {
        for (size_t i = 0; i < sheet->n_problems; i++)
            fprintf(stderr, _("%s: line %d, column \"%s\": %s\n"), source, sheet->problems[i].line,
                    sheet->problems[i].column, sheet->problems[i].message);
        if (sheet->more_problems)
            fprintf(stderr,
                    ngettext("… and %zu more problem\n", "… and %zu more problems\n",
                             sheet->more_problems),
                    sheet->more_problems);
        fprintf(stderr, "%s", _("cchc: nothing sent; fix the file and send again\n"));
        return EXIT_USAGE;
    }
    if (sheet->n_rows == 0) {
        fprintf(stderr, _("cchc: %s: no row has its status filled in\n"), source);
        return EXIT_USAGE;
    }
    /* rows carried over from an earlier period and left as they were go
     * only when confirmed (carried.h) */
    carried_summary carried;
    size_t held = carried_hold_back(opts, sheet, mode->tasks_now, mode->tasks_unreachable,
                                    mode->confirm_carried, &carried);
    if (held == sheet->n_rows) {
        if (opts->json)
            output_json(json_pack("{s:i, s:i}", "sent", 0, "carried_held_back", (int)held));
        else
            printf(_("Nothing sent for period %s: every filled row holds figures carried over "
                     "from an earlier period, unchanged.\n"),
                   sheet->period);
        if (!opts->json)
            carried_explain(&carried, source, mode->unit ? mode->unit : "");
        return EXIT_USAGE;
    }
    size_t n_inds = 0;
    for (size_t i = 0; i < sheet->n_rows; i++)
        n_inds += sheet->rows[i].indicators.n;
    int rc = EXIT_USAGE;
    Cchc__V1__ReportRow *rows = calloc(sheet->n_rows, sizeof(*rows));
    Cchc__V1__ReportRow **ptrs = calloc(sheet->n_rows, sizeof(*ptrs));
    Cchc__V1__Indicator *inds = calloc(n_inds ? n_inds : 1, sizeof(*inds));
    Cchc__V1__Indicator **ind_ptrs = calloc(n_inds ? n_inds : 1, sizeof(*ind_ptrs));
    char(*keys)[33] = calloc(sheet->n_rows, sizeof(*keys));
    if (!rows || !ptrs || !inds || !ind_ptrs || !keys) {
        fprintf(stderr, _("cchc: out of memory\n"));
        goto out;
    }
    size_t n_sent = 0, next_ind = 0;
    for (size_t j = 0; j < sheet->n_rows; j++) {
        report_row *src = &sheet->rows[j];
        if (src->held_back)
            continue;
        size_t i = n_sent++;
        Cchc__V1__ReportRow init = CCHC__V1__REPORT_ROW__INIT;
        rows[i] = init;
        rows[i].line = src->line;
        rows[i].task_id = src->task_id;
        rows[i].status = src->status;
        rows[i].progress = src->progress;
        rows[i].results = src->results;
        rows[i].difficulties = src->difficulties;
        rows[i].proposals = src->proposals;
        new_key(keys[i]);
        rows[i].idempotency_key = keys[i];
        rows[i].base_revision = mode->base_at_send ? OUTBOX_BASE_AT_SEND : src->base_revision;
        rows[i].resubmit = mode->resubmit;
        rows[i].indicators = &ind_ptrs[next_ind];
        for (size_t k = 0; k < src->indicators.n; k++) {
            Cchc__V1__Indicator *ind = &inds[next_ind];
            Cchc__V1__Indicator ind_init = CCHC__V1__INDICATOR__INIT;
            *ind = ind_init;
            ind->name = src->indicators.names[k];
            ind->value = src->indicators.values[k];
            ind_ptrs[next_ind++] = ind;
        }
        rows[i].n_indicators = src->indicators.n;
        /* none means "keep the report's"; the cell "-" removes them */
        rows[i].clear_indicators = src->indicators.clear;
        ptrs[i] = &rows[i];
    }
    Cchc__V1__ReportSubmitRequest body = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    body.period_id = sheet->period;
    body.unit = (char *)(mode->unit ? mode->unit : "");
    body.draft = mode->draft;
    body.rows = ptrs;
    body.n_rows = n_sent;
    if (n_sent > 50 && !opts->json)
        fprintf(stderr, _("Sending %zu reports…\n"), n_sent);
    rc = send_rebasing(opts, &body, mode);
    if (rc == EXIT_OK && sheet->skipped && !opts->json)
        printf(ngettext("(%zu row without a status was not sent.)\n",
                        "(%zu rows without a status were not sent.)\n", sheet->skipped),
               sheet->skipped);
    if (!opts->json)
        carried_explain(&carried, source, mode->unit ? mode->unit : "");
out:
    free(rows);
    free(ptrs);
    free(inds);
    free(ind_ptrs);
    free(keys);
    return rc;
}

/* A file made for one unit is not sent for another: its "Mã đơn vị" must
 * be the unit submitted for (--unit, else the caller's own, asked of the
 * server). Returns EXIT_OK, or the exit code after saying why not. When
 * the server cannot be reached, the file goes its usual way (the outbox). */
static int check_file_unit(const report_sheet *sheet, const char *path, const submit_mode *mode)
{
    if (!*sheet->unit || !*sheet->period)
        return EXIT_OK; /* a template older than the column */
    const char *target = mode->unit;
    if (!*target) {
        if (!mode->tasks_now)
            return EXIT_OK;
        target = mode->tasks_now->unit_code;
    }
    if (!*target || strcasecmp(target, sheet->unit) == 0)
        return EXIT_OK;
    if (*mode->unit)
        fprintf(stderr,
                _("cchc: %s is the template of unit %s, not of unit %s (--unit) being sent "
                  "for: nothing sent\n"),
                path, sheet->unit, target);
    else
        fprintf(stderr,
                _("cchc: %s is the template of unit %s, not of your unit (%s): nothing sent. "
                  "If %s is a closed unit your unit succeeds, send with: cchc submit --file %s "
                  "--unit %s\n"),
                path, sheet->unit, target, sheet->unit, path, sheet->unit);
    return EXIT_USAGE;
}

static int submit_file(const cli_options *opts, const char *path, const submit_mode *mode)
{
    size_t len;
    char *data = file_read_input(path, &len);
    if (!data)
        return EXIT_USAGE;
    report_sheet *sheet = malloc(sizeof(*sheet));
    char error[600] = "";
    int parsed = sheet ? report_file_parse(data, len, sheet, error, sizeof(error)) : -1;
    free(data);
    if (parsed > 0) {
        free(sheet);
        fprintf(stderr, _("cchc: %s: %s; nothing sent\n"), path, error);
        return EXIT_USAGE;
    }
    if (parsed != 0) {
        free(sheet);
        fprintf(stderr, _("cchc: out of memory reading %s\n"), path);
        return EXIT_USAGE;
    }
    int rc;
    if (sheet->file_problem[0]) { /* one message for the file, not one per line */
        fprintf(stderr, "%s: %s\n", path, sheet->file_problem);
        rc = EXIT_USAGE;
    } else {
        if (sheet->notice[0] && !opts->quiet)
            fprintf(stderr, "%s: %s\n", path, sheet->notice);
        /* one `my_tasks` serves the unit check (own unit) and the carried
         * rows (their values now) */
        submit_mode with_tasks = *mode;
        Cchc__V1__Response *response = NULL;
        cli_error err;
        if ((*sheet->unit && *sheet->period && !*mode->unit) ||
            carried_needs_tasks(sheet, mode->confirm_carried)) {
            Cchc__V1__MyTasksRequest body = CCHC__V1__MY_TASKS_REQUEST__INIT;
            body.period_id = sheet->period;
            body.unit = (char *)mode->unit;
            if (call_raw(opts, CCHC__V1__REQUEST__BODY_MY_TASKS, &body, &response, &err) != 0)
                with_tasks.tasks_unreachable = err.message;
            else if (response->body_case == CCHC__V1__RESPONSE__BODY_MY_TASKS)
                with_tasks.tasks_now = response->my_tasks;
        }
        rc = check_file_unit(sheet, path, &with_tasks);
        if (rc == EXIT_OK)
            rc = submit_sheet(opts, sheet, path, &with_tasks);
        if (response)
            cchc__v1__response__free_unpacked(response, NULL);
    }
    report_sheet_free(sheet);
    free(sheet);
    return rc;
}

/* The revision `submit --task` sends as its base: the report's latest
 * (drafts included), as `cchc tasks` shows it, fetched just before sending,
 * so the clerk's typed values replace what they last could see. When the
 * server cannot be asked (unreachable, session expired…), *at_send is set:
 * the submission goes its usual way (the outbox keeps it) and its base is
 * fetched when it is finally sent, exactly as when online. With resubmit, the report
 * must be returned, and resent[] gets its latest values (status, progress,
 * results, difficulties, proposals, indicators as "name=value;…"). */
static int fetch_task_base(const cli_options *opts, const char *period, const char *unit,
                           int task, int resubmit, char base[16], int *at_send, char *resent[6])
{
    snprintf(base, 16, "0");
    Cchc__V1__MyTasksRequest body = CCHC__V1__MY_TASKS_REQUEST__INIT;
    body.period_id = (char *)period;
    body.unit = (char *)unit;
    Cchc__V1__Response *response = NULL;
    cli_error err;
    if (call_raw(opts, CCHC__V1__REQUEST__BODY_MY_TASKS, &body, &response, &err) != 0) {
        if (!resubmit) {
            *at_send = 1;
            return EXIT_OK;
        }
        return cli_error_report(opts, &err);
    }
    int rc = EXIT_OK;
    const Cchc__V1__UnitTask *found = NULL;
    for (size_t i = 0; response->body_case == CCHC__V1__RESPONSE__BODY_MY_TASKS &&
                       i < response->my_tasks->n_tasks; i++)
        if (response->my_tasks->tasks[i]->task_id == task)
            found = response->my_tasks->tasks[i];
    if (found)
        snprintf(base, 16, "%d", found->revision);
    if (resubmit && (!found || strcmp(found->report_state, "returned") != 0)) {
        fprintf(stderr, _("cchc submit: --resubmit: the report of task %d, period %s, is not "
                          "returned (%s); only a returned report is resubmitted\n"),
                task, period, found ? state_label(found->report_state) : _("none"));
        rc = EXIT_USAGE;
    } else if (resubmit) {
        /* indicators travel as a JSON object; the sheet reads its cell
         * syntax (report_indicators.h); none: the report has none, and
         * an empty cell would keep them anyway */
        const char *values[5] = {found->status, found->progress, found->results,
                                 found->difficulties, found->proposals};
        for (size_t i = 0; i < 5; i++)
            if (!(resent[i] = strdup(values[i])))
                rc = EXIT_USAGE;
        if (!(resent[5] = indicators_cell_of_json(found->indicators)))
            rc = EXIT_USAGE;
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return rc;
}

static int submit_options(const cli_options *opts, const char *file, const char *period,
                          const char *task, const char *status, const char *progress,
                          const char *results, const char *difficulties, const char *proposals,
                          const char *base, char **indicators, int content, submit_mode *mode_in);

int cmd_submit(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"file", required_argument, NULL, 'f'},
        {"task", required_argument, NULL, 't'},
        {"period", required_argument, NULL, 'p'},
        {"status", required_argument, NULL, 's'},
        {"progress", required_argument, NULL, 'g'},
        {"result", required_argument, NULL, 'r'},
        {"difficulties", required_argument, NULL, 'd'},
        {"proposals", required_argument, NULL, 'k'},
        {"indicator", required_argument, NULL, 'i'},
        {"draft", no_argument, NULL, 'D'},
        {"base-revision", required_argument, NULL, 'b'},
        {"rebase", no_argument, NULL, 'B'},
        {"resubmit", no_argument, NULL, 'R'},
        {"unit", required_argument, NULL, 'u'},
        {"confirm-carried", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = NULL, *period = NULL, *task = NULL, *status = "", *progress = "",
               *results = "", *difficulties = "", *proposals = "", *base = NULL;
    /* the --indicator options as one template cell (report_indicators.h) */
    char *indicators = strdup("");
    if (!indicators)
        return EXIT_USAGE;
    int opt, content = 0;
    submit_mode mode = {0};
    mode.unit = "";
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
        switch (opt) {
        case 'f': file = optarg; break;
        case 't': task = optarg; break;
        case 'p': period = optarg; break;
        case 's': status = optarg; content = 1; break;
        case 'g': progress = optarg; content = 1; break;
        case 'r': results = optarg; content = 1; break;
        case 'd': difficulties = optarg; content = 1; break;
        case 'k': proposals = optarg; content = 1; break;
        case 'b': base = optarg; break;
        case 'B': mode.rebase = 1; break;
        case 'R': mode.resubmit = 1; break;
        case 'u': mode.unit = optarg; break;
        case 'C': mode.confirm_carried = 1; break;
        case 'i': {
            content = 1;
            char *grown = indicators_cell_add(indicators, optarg);
            if (!grown) {
                free(indicators);
                return EXIT_USAGE;
            }
            indicators = grown;
            break;
        }
        case 'D': mode.draft = 1; break;
        case 'h':
            printf(_("usage: cchc submit --file bao-cao.xlsx|bao-cao.csv [--draft] [--rebase]\n"
                     "                   [--confirm-carried]\n"
                     "       cchc submit --task ID --period P --status S --progress N --result \"…\"\n"
                     "                   [--difficulties \"…\"] [--proposals \"…\"]\n"
                     "                   [--indicator tên=giá-trị]… [--draft] [--base-revision N]\n"
                     "       cchc submit --task ID --period P --resubmit\n"
                     "S: not_started, in_progress, completed, behind (or as the template's\n"
                     "   drop-down list writes them, in Vietnamese)\n"
                     "Each row is sent with the revision it was made from (the template's\n"
                     "\"Phiên bản gốc\"; with --task, the latest, fetched first, or --base-revision N):\n"
                     "if someone saved the report since, nothing is sent (conflict).\n"
                     "--rebase     on conflict, apply only the cells you changed onto the latest\n"
                     "             revisions (nothing is sent if someone changed the same cell)\n"
                     "--resubmit   send a returned report back unchanged (the unit keeps its text)\n"
                     "--unit CODE  the report of a closed unit your unit succeeds: submit what it\n"
                     "             still owes, or fix its returned report (it stays that unit's)\n"
                     "--confirm-carried  also send the template's rows carried over from an earlier\n"
                     "             period and left unchanged (else held back; or clear their\n"
                     "             \"Mang sang từ kỳ\" cell)\n"
                     "--indicator tên=giá-trị  one per option; the value with a decimal comma and\n"
                     "             no grouping (12530, 99,4). Without any, the report keeps its\n"
                     "             indicators; --indicator - removes them all\n"));
            free(indicators);
            return EXIT_OK;
        default: free(indicators); return EXIT_USAGE;
        }
    }
    int rc = submit_options(opts, file, period, task, status, progress, results, difficulties,
                            proposals, base, &indicators, content, &mode);
    free(indicators);
    return rc;
}

/* cmd_submit once its options are read; *indicators may be replaced (the
 * caller frees it). */
static int submit_options(const cli_options *opts, const char *file, const char *period,
                          const char *task, const char *status, const char *progress,
                          const char *results, const char *difficulties, const char *proposals,
                          const char *base, char **indicators, int content, submit_mode *mode_in)
{
    submit_mode mode = *mode_in;
    if (mode.confirm_carried && !file) {
        fprintf(stderr, _("cchc submit: --confirm-carried goes with --file (the template's "
                          "carried-over rows)\n"));
        return EXIT_USAGE;
    }
    if (file && (task || mode.resubmit || base)) {
        fprintf(stderr, _("cchc submit: --task, --resubmit and --base-revision do not go with --file "
                          "(the template carries each row's base revision)\n"));
        return EXIT_USAGE;
    }
    if (file) {
        mode.from_file = 1;
        return submit_file(opts, file, &mode);
    }
    if (!task || !period) {
        fprintf(stderr, _("cchc submit: --file, or --task and --period (see cchc submit --help)\n"));
        return EXIT_USAGE;
    }
    if (mode.resubmit && (content || mode.draft || base)) {
        fprintf(stderr, _("cchc submit: --resubmit sends the returned report back as it is: no "
                          "--status, --progress, --result…, --draft or --base-revision with it\n"));
        return EXIT_USAGE;
    }
    char base_text[16] = "";
    char *end = NULL;
    if (base && (strtol(base, &end, 10) < 0 || !*base || *end)) {
        fprintf(stderr, _("cchc submit: --base-revision: a revision number (0: no report yet)\n"));
        return EXIT_USAGE;
    }
    /* the values to resend (--resubmit), or only the base to send from */
    char *resent[6] = {NULL};
    if (!base) {
        int rc = fetch_task_base(opts, period, mode.unit, atoi(task), mode.resubmit, base_text,
                                 &mode.base_at_send, resent);
        if (rc != EXIT_OK)
            return rc;
        base = base_text;
    }
    if (mode.resubmit) {
        status = resent[0];
        progress = resent[1];
        results = resent[2];
        difficulties = resent[3];
        proposals = resent[4];
        free(*indicators);
        *indicators = resent[5];
        resent[5] = NULL;
    }
    /* one report: a one-row sheet, so the same checks as a file */
    report_sheet *sheet = malloc(sizeof(*sheet));
    if (!sheet || report_sheet_init(sheet, 1) != 0) {
        free(sheet);
        return EXIT_USAGE;
    }
    const char *fields[REPORT_COL_COUNT] = {
        [REPORT_COL_PERIOD] = period, [REPORT_COL_TASK] = task, [REPORT_COL_TASK_TEXT] = "",
        [REPORT_COL_TARGETS] = "", [REPORT_COL_STATUS] = status, [REPORT_COL_PROGRESS] = progress,
        [REPORT_COL_RESULTS] = results, [REPORT_COL_DIFFICULTIES] = difficulties,
        [REPORT_COL_PROPOSALS] = proposals, [REPORT_COL_INDICATORS] = *indicators,
        [REPORT_COL_REPORT_STATE] = "", [REPORT_COL_RETURN_REASON] = "",
        [REPORT_COL_BASE_REVISION] = base, [REPORT_COL_CARRIED_FROM] = "",
    };
    int rc = EXIT_USAGE;
    if (!*status)
        fprintf(stderr, _("cchc submit: --status is required\n"));
    else if (report_sheet_add(sheet, 1, fields) == 0)
        rc = submit_sheet(opts, sheet, "--task", &mode);
    report_sheet_free(sheet);
    free(sheet);
    for (size_t i = 0; i < 6; i++)
        free(resent[i]);
    return rc;
}

/* ---- report show | history --------------------------------------------------------------- */

const char *const report_subcommands[] = {"show", "history", NULL};

int cmd_report(const cli_options *opts, int argc, char **argv)
{
    if (cli_help(argc, argv, _("usage: cchc report show|history --task ID --period P [--unit U]\n")))
        return EXIT_OK;
    static const struct option options[] = {
        {"task", required_argument, NULL, 't'},
        {"period", required_argument, NULL, 'p'},
        {"unit", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sub = argc > 1 ? argv[1] : "";
    int history = strcmp(sub, "history") == 0;
    if (!history && strcmp(sub, "show") != 0) {
        printf(_("usage: cchc report show|history --task ID --period P [--unit U]\n"));
        return *sub && strcmp(sub, "--help") != 0 ? EXIT_USAGE : EXIT_OK;
    }
    Cchc__V1__ReportGetRequest body = CCHC__V1__REPORT_GET_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc - 1, argv + 1, "h", options, NULL)) != -1) {
        switch (opt) {
        case 't': body.task_id = atoi(optarg); break;
        case 'p': body.period_id = optarg; break;
        case 'u': body.unit = optarg; break;
        case 'h': printf(_("usage: cchc report %s --task ID --period P [--unit U]\n"), sub); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (body.task_id <= 0 || !*body.period_id) {
        fprintf(stderr, _("cchc report %s: --task and --period are required\n"), sub);
        return EXIT_USAGE;
    }
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_REPORT_GET, &body,
                  CCHC__V1__RESPONSE__BODY_REPORT_GET, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__ReportGetResponse *r = response->report_get;
    if (opts->json) {
        output_json(pb_to_json(&r->base));
    } else {
        const Cchc__V1__ReportSummary *s = r->report;
        printf(_("Report %lld: task %d (%s), %s (%s), period %s\n"), (long long)s->report_id,
               s->task_id, s->ref, s->unit_name, s->unit_code, s->period_id);
        printf(_("State: %s, revision %d%s\n"), state_label(s->state), s->revision,
               s->late ? _(", sent late") : "");
        if (*s->return_reason)
            printf(_("Reason for return: %s\n"), s->return_reason);
        size_t shown = history ? r->n_revisions : (r->n_revisions ? 1 : 0);
        for (size_t i = 0; i < shown; i++) {
            const Cchc__V1__ReportRevision *v = r->revisions[i];
            printf(strcmp(v->saved_as, "draft") == 0 ? _("\n— Revision %d (draft) by %s at %s%s\n")
                                                     : _("\n— Revision %d (sent) by %s at %s%s\n"),
                   v->revision, v->username, human_time(v->saved_at), v->late ? _(", late") : "");
            printf(_("  Status: %s, progress %s\n"), label_of(LABEL_TASK_STATUS, v->status),
                   human_progress(v->progress));
            if (*v->results)
                printf(_("  Results: %s\n"), v->results);
            if (*v->difficulties)
                printf(_("  Difficulties: %s\n"), v->difficulties);
            if (*v->proposals)
                printf(_("  Proposals: %s\n"), v->proposals);
            if (*v->indicators)
                printf(_("  Indicators: %s\n"), v->indicators);
            if (history && v->n_changed) {
                printf("%s", _("  Changed:"));
                for (size_t k = 0; k < v->n_changed; k++)
                    printf("%s %s", k ? "," : "", field_label(v->changed[k]));
                printf("\n");
            }
        }
        if (r->n_reviews)
            printf("%s", _("\nReviews:\n"));
        for (size_t i = 0; i < r->n_reviews; i++) {
            const Cchc__V1__ReviewEntry *e = r->reviews[i];
            printf(_("  %s %s (%s, revision %d) %s%s%s\n"), human_time(e->at), e->username,
                   label_of(LABEL_REVIEW_LEVEL, e->level), e->revision, label_of(LABEL_ACTION, e->action),
                   *e->reason ? ": " : "", e->reason);
        }
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- outbox ---------------------------------------------------------------------------------- */

/* `cchc outbox send --rebase`: a waiting submission refused as CONFLICT is
 * rebased onto the latest revisions and sent (outbox.h). Sent directly, not
 * through send_submission: it must not queue behind itself. */
static int rebase_waiting(const cli_options *opts, const Cchc__V1__ReportSubmitRequest *body)
{
    rebased_submission rebased;
    int ok = 0;
    if (!opts->json)
        fprintf(stderr, "%s", _("Applying the cells you changed onto the latest revision…\n"));
    if (rebase_submission(opts, body, &rebased) == EXIT_OK) {
        Cchc__V1__Response *response = NULL;
        cli_error err = {0};
        ok = call_raw(opts, CCHC__V1__REQUEST__BODY_REPORT_SUBMIT, &rebased.body, &response,
                      &err) == 0 &&
             response->body_case == CCHC__V1__RESPONSE__BODY_REPORT_SUBMIT;
        if (ok && !opts->json)
            printf(ngettext("Sent from the outbox after applying onto the latest revision: %zu "
                            "report of period %s.\n",
                            "Sent from the outbox after applying onto the latest revision: %zu "
                            "reports of period %s.\n",
                            response->report_submit->n_saved),
                   response->report_submit->n_saved, body->period_id);
        else if (!ok && !opts->quiet)
            fprintf(stderr, "cchc: %s\n", err.message);
        if (response)
            cchc__v1__response__free_unpacked(response, NULL);
    }
    rebase_free(&rebased);
    return ok ? 0 : -1;
}

const char *const outbox_subcommands[] = {"list", "send", "discard", NULL};

int cmd_outbox(const cli_options *opts, int argc, char **argv)
{
    if (cli_help(argc, argv,
                 _("usage: cchc outbox [list]          how many submissions wait for the server\n"
                   "       cchc outbox send [--rebase] send them now, oldest first, each once\n"
                   "                                   (--rebase: one refused as a conflict is\n"
                   "                                   applied onto the latest revisions)\n"
                   "       cchc outbox discard [--yes] throw them away (asks first on a terminal;\n"
                   "                                   scripts confirm with --yes)\n")))
        return EXIT_OK;
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "send") == 0) {
        if (argc > 2 && strcmp(argv[2], "--rebase") == 0)
            outbox_set_rebase(rebase_waiting);
        int left, dropped;
        int sent = outbox_send(opts, opts->json, &left, &dropped);
        if (opts->json)
            output_json(json_pack("{s:i, s:i, s:i}", "sent", sent, "dropped", dropped, "waiting",
                                  left));
        else if (dropped)
            printf(_("Outbox: %d sent, %d refused and dropped, %d waiting.\n"), sent,
                   dropped, left);
        else
            printf(_("Outbox: %d sent, %d waiting.\n"), sent, left);
        /* a refusal is the server's answer (1), like any refused submit */
        return left ? EXIT_UNREACHABLE : dropped ? EXIT_SERVER_ERROR : EXIT_OK;
    }
    if (!*sub || strcmp(sub, "list") == 0) {
        int n = outbox_count(opts);
        if (opts->json)
            output_json(json_pack("{s:i}", "waiting", n));
        else
            printf(ngettext("Outbox: %d submission waiting for the server %s.\n",
                            "Outbox: %d submissions waiting for the server %s.\n",
                            (unsigned long)n),
                   n, opts->server);
        return EXIT_OK;
    }
    if (strcmp(sub, "discard") == 0) {
        int yes = argc == 3 && (strcmp(argv[2], "--yes") == 0 || strcmp(argv[2], "-y") == 0);
        if (argc > 2 && !yes) {
            fprintf(stderr, _("usage: cchc outbox discard [--yes]\n"));
            return EXIT_USAGE;
        }
        int waiting = outbox_count(opts);
        if (waiting == 0) {
            if (opts->json)
                output_json(json_pack("{s:i}", "discarded", 0));
            else
                printf("%s", _("The outbox is empty; nothing to discard.\n"));
            return EXIT_OK;
        }
        char question[200];
        snprintf(question, sizeof(question),
                 ngettext("Discard %d submission that has not reached the server? Its reports "
                          "will be lost",
                          "Discard %d submissions that have not reached the server? Those "
                          "reports will be lost",
                          (unsigned long)waiting),
                 waiting);
        int rc = cli_confirm(opts, question, yes);
        if (rc != EXIT_OK)
            return rc;
        int n = outbox_discard(opts);
        if (opts->json)
            output_json(json_pack("{s:i}", "discarded", n));
        else
            printf(ngettext("Outbox: discarded %d submission that had not reached the server.\n",
                            "Outbox: discarded %d submissions that had not reached the server.\n",
                            (unsigned long)n),
                   n);
        return EXIT_OK;
    }
    fprintf(stderr, _("usage: cchc outbox [list|send [--rebase]|discard [--yes]]\n"));
    return EXIT_USAGE;
}
