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
#include <time.h>

#include "call.h"
#include "commands.h"
#include "file_read.h"
#include "i18n.h"
#include "outbox.h"
#include "output.h"
#include "pb_json.h"
#include "report_csv.h"
#include "table.h"

static const char *state_label(const char *state)
{
    static const struct { const char *code, *label; } labels[] = {
        {"missing", N_("chưa báo cáo")}, {"draft", N_("bản nháp")},
        {"submitted", N_("đã gửi")},     {"returned", N_("bị trả lại")},
        {"accepted", N_("đã chấp nhận")}, {"approved", N_("đã phê duyệt")},
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].code, state) == 0)
            return _(labels[i].label);
    return state;
}

static int my_tasks(const cli_options *opts, const char *period, Cchc__V1__Response **response)
{
    Cchc__V1__MyTasksRequest body = CCHC__V1__MY_TASKS_REQUEST__INIT;
    body.period_id = (char *)period;
    return call(opts, CCHC__V1__REQUEST__BODY_MY_TASKS, &body,
                CCHC__V1__RESPONSE__BODY_MY_TASKS, response);
}

/* --period P, the only option of several commands. */
static const char *period_option(int argc, char **argv, const char *usage, int *rc)
{
    static const struct option options[] = {
        {"period", required_argument, NULL, 'p'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *period = NULL;
    int opt;
    *rc = -1;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "p:o:h", options, NULL)) != -1) {
        switch (opt) {
        case 'p': period = optarg; break;
        case 'o': break; /* read again by the caller */
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
    const char *period = period_option(argc, argv, _("usage: cchc tasks --period 2023-6M\n"), &rc);
    if (!period)
        return rc;
    Cchc__V1__Response *response;
    if ((rc = my_tasks(opts, period, &response)) != EXIT_OK)
        return rc;
    const Cchc__V1__MyTasksResponse *mt = response->my_tasks;
    if (opts->json) {
        output_json(pb_to_json(&mt->base));
    } else {
        printf(_("%s (%s), kỳ %s (%s), hạn gửi %s\n"), mt->unit_name, mt->unit_code,
               mt->period->id, mt->period->state, mt->deadline);
        const char *headers[] = {_("Mã"), _("Nhiệm vụ"), _("Báo cáo"), _("Lần"), _("Tiến độ"),
                                 _("Ghi chú")};
        const int widths[] = {0, 56, 0, 0, 0, 50};
        table *t = table_new(6, headers, widths);
        size_t missing = 0, returned = 0;
        for (size_t i = 0; i < mt->n_tasks; i++) {
            const Cchc__V1__UnitTask *u = mt->tasks[i];
            char id[16], rev[16], progress[40] = "", note[400] = "";
            snprintf(id, sizeof(id), "%d", u->task_id);
            snprintf(rev, sizeof(rev), "%d", u->revision);
            if (*u->progress)
                snprintf(progress, sizeof(progress), "%s %%", u->progress);
            if (*u->return_reason)
                snprintf(note, sizeof(note), _("trả lại: %s"), u->return_reason);
            else if (u->late)
                snprintf(note, sizeof(note), _("gửi muộn"));
            missing += strcmp(u->report_state, "missing") == 0;
            returned += strcmp(u->report_state, "returned") == 0;
            const char *row[] = {id, u->text, state_label(u->report_state),
                                 u->revision ? rev : "", progress, note};
            table_add_row(t, row);
        }
        table_print(t, stdout, 1);
        table_free(t);
        printf(_("%zu nhiệm vụ; %zu chưa báo cáo, %zu bị trả lại.\n"), mt->n_tasks, missing,
               returned);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

int cmd_template(const cli_options *opts, int argc, char **argv)
{
    int rc;
    const char *usage = _("usage: cchc template --period 2023-6M [-o bao-cao.csv]\n");
    const char *period = period_option(argc, argv, usage, &rc);
    if (!period)
        return rc;
    const char *path = NULL;
    for (int i = 1; i < argc - 1; i++)
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0)
            path = argv[i + 1];
    Cchc__V1__Response *response;
    if ((rc = my_tasks(opts, period, &response)) != EXIT_OK)
        return rc;
    FILE *out = path ? fopen(path, "w") : stdout;
    if (!out) {
        fprintf(stderr, _("cchc: cannot write %s: %s\n"), path, strerror(errno));
        cchc__v1__response__free_unpacked(response, NULL);
        return EXIT_USAGE;
    }
    report_template_write(out, response->my_tasks);
    if (path) {
        fclose(out);
        fprintf(stderr,
                _("Đã ghi %s: %zu nhiệm vụ kỳ %s. Điền cột Trạng thái, Tiến độ, Kết quả… rồi gửi:\n"
                  "  cchc submit --file %s\n"),
                path, response->my_tasks->n_tasks, period, path);
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

/* Keeps a submission in the outbox and says so; err says why. */
static int keep_in_outbox(const cli_options *opts, Cchc__V1__ReportSubmitRequest *body,
                          cli_error *err)
{
    if (outbox_save(opts, body) != 0) {
        fprintf(stderr, _("cchc: the submission was not sent and the outbox cannot be written: %s\n"),
                strerror(errno));
        return cli_error_report(opts, err);
    }
    fprintf(stderr,
            _("cchc: %s\nĐã lưu %zu báo cáo vào hộp thư đi; sẽ gửi (đúng một lần) bằng "
              "'cchc outbox send' hoặc lệnh cchc tiếp theo.\n"),
            err->message, body->n_rows);
    return err->exit_code == EXIT_OUTCOME_UNKNOWN ? EXIT_OUTCOME_UNKNOWN : EXIT_UNREACHABLE;
}

/* Sends a submission; when the server cannot be reached, keeps it in the
 * outbox. Prints what was saved. */
static int send_submission(const cli_options *opts, Cchc__V1__ReportSubmitRequest *body)
{
    cli_error err;
    /* earlier submissions still waiting go first: sent after this one,
     * they would overwrite it with older figures */
    int waiting = outbox_count(opts);
    if (waiting > 0) {
        cli_error_set(&err, EXIT_UNREACHABLE,
                      _("%d earlier submission(s) still wait in the outbox; this one waits behind "
                        "them ('cchc outbox' to see, send or discard them)"),
                      waiting);
        return keep_in_outbox(opts, body, &err);
    }
    Cchc__V1__Response *response;
    int rc = call_raw(opts, CCHC__V1__REQUEST__BODY_REPORT_SUBMIT, body, &response, &err);
    /* in doubt too: sent again from the outbox with the same keys, it is
     * applied at most once */
    if (rc != 0 && (err.exit_code == EXIT_UNREACHABLE || strcmp(err.code_name, "unavailable") == 0 ||
                    err.exit_code == EXIT_OUTCOME_UNKNOWN))
        return keep_in_outbox(opts, body, &err);
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
        printf(_("Đã %s %zu báo cáo kỳ %s"), body->draft ? _("lưu nháp") : _("gửi"), r->n_saved,
               body->period_id);
        if (late)
            printf(_(", %zu gửi muộn"), late);
        if (replayed)
            printf(_(", %zu đã nhận từ lần gửi trước"), replayed);
        printf(".\n");
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* Checks every row of a sheet, lists every problem by line and column,
 * and sends all rows or none. */
static int submit_sheet(const cli_options *opts, report_sheet *sheet, const char *source, int draft)
{
    if (sheet->n_rows > 50 && !opts->json)
        fprintf(stderr, _("Đang kiểm tra %zu dòng…\n"), sheet->n_rows);
    report_sheet_check(sheet);
    if (sheet->n_problems > 0) {
        for (size_t i = 0; i < sheet->n_problems; i++)
            fprintf(stderr, _("%s: dòng %d, cột \"%s\": %s\n"), source, sheet->problems[i].line,
                    sheet->problems[i].column, sheet->problems[i].message);
        if (sheet->more_problems)
            fprintf(stderr, _("… và %zu lỗi khác\n"), sheet->more_problems);
        fprintf(stderr, _("cchc: không gửi báo cáo nào; sửa rồi gửi lại (nothing sent)\n"));
        return EXIT_USAGE;
    }
    if (sheet->n_rows == 0) {
        fprintf(stderr, _("cchc: %s: không có dòng nào đã điền Trạng thái (no filled rows)\n"), source);
        return EXIT_USAGE;
    }
    int rc = EXIT_USAGE;
    Cchc__V1__ReportRow *rows = calloc(sheet->n_rows, sizeof(*rows));
    Cchc__V1__ReportRow **ptrs = calloc(sheet->n_rows, sizeof(*ptrs));
    Cchc__V1__Indicator *inds = calloc(sheet->n_rows * REPORT_MAX_INDICATORS, sizeof(*inds));
    Cchc__V1__Indicator **ind_ptrs = calloc(sheet->n_rows * REPORT_MAX_INDICATORS, sizeof(*ind_ptrs));
    char(*keys)[33] = calloc(sheet->n_rows, sizeof(*keys));
    if (!rows || !ptrs || !inds || !ind_ptrs || !keys) {
        fprintf(stderr, _("cchc: out of memory\n"));
        goto out;
    }
    for (size_t i = 0; i < sheet->n_rows; i++) {
        report_row *src = &sheet->rows[i];
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
        for (size_t k = 0; k < src->n_indicators; k++) {
            Cchc__V1__Indicator *ind = &inds[i * REPORT_MAX_INDICATORS + k];
            Cchc__V1__Indicator ind_init = CCHC__V1__INDICATOR__INIT;
            *ind = ind_init;
            ind->name = src->indicator_names[k];
            ind->value = src->indicator_values[k];
            ind_ptrs[i * REPORT_MAX_INDICATORS + k] = ind;
        }
        rows[i].indicators = &ind_ptrs[i * REPORT_MAX_INDICATORS];
        rows[i].n_indicators = src->n_indicators;
        ptrs[i] = &rows[i];
    }
    Cchc__V1__ReportSubmitRequest body = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    body.period_id = sheet->period;
    body.draft = draft;
    body.rows = ptrs;
    body.n_rows = sheet->n_rows;
    if (sheet->n_rows > 50 && !opts->json)
        fprintf(stderr, _("Đang gửi %zu báo cáo…\n"), sheet->n_rows);
    rc = send_submission(opts, &body);
    if (rc == EXIT_OK && sheet->skipped && !opts->json)
        printf(_("(%zu dòng chưa điền Trạng thái không được gửi.)\n"), sheet->skipped);
out:
    free(rows);
    free(ptrs);
    free(inds);
    free(ind_ptrs);
    free(keys);
    return rc;
}

static int submit_file(const cli_options *opts, const char *path, int draft)
{
    size_t len;
    char *data = file_read(path, FILE_READ_INPUT_LIMIT, &len);
    if (!data) {
        fprintf(stderr, _("cchc: cannot read %s: %s\n"), path, strerror(errno));
        return EXIT_USAGE;
    }
    report_sheet *sheet = malloc(sizeof(*sheet));
    int parsed = sheet ? report_sheet_parse(data, len, sheet) : -1;
    free(data);
    if (parsed != 0) {
        free(sheet);
        fprintf(stderr, _("cchc: out of memory reading %s\n"), path);
        return EXIT_USAGE;
    }
    int rc = submit_sheet(opts, sheet, path, draft);
    report_sheet_free(sheet);
    free(sheet);
    return rc;
}

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
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = NULL, *period = NULL, *task = NULL, *status = "", *progress = "",
               *results = "", *difficulties = "", *proposals = "";
    char indicators[512] = "";
    int draft = 0, opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
        switch (opt) {
        case 'f': file = optarg; break;
        case 't': task = optarg; break;
        case 'p': period = optarg; break;
        case 's': status = optarg; break;
        case 'g': progress = optarg; break;
        case 'r': results = optarg; break;
        case 'd': difficulties = optarg; break;
        case 'k': proposals = optarg; break;
        case 'i': {
            size_t used = strlen(indicators);
            snprintf(indicators + used, sizeof(indicators) - used, "%s%s", used ? ";" : "", optarg);
            break;
        }
        case 'D': draft = 1; break;
        case 'h':
            printf(_("usage: cchc submit --file bao-cao.csv [--draft]\n"
                     "       cchc submit --task ID --period P --status S --progress N --result \"…\"\n"
                     "                   [--difficulties \"…\"] [--proposals \"…\"]\n"
                     "                   [--indicator tên=giá-trị]… [--draft]\n"
                     "S: \"chưa triển khai\", \"đang triển khai\", \"hoàn thành\", \"chậm tiến độ\"\n"
                     "   (or not_started, in_progress, completed, behind)\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (file)
        return submit_file(opts, file, draft);
    if (!task || !period) {
        fprintf(stderr, _("cchc submit: --file, or --task and --period (see cchc submit --help)\n"));
        return EXIT_USAGE;
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
        [REPORT_COL_PROPOSALS] = proposals, [REPORT_COL_INDICATORS] = indicators,
        [REPORT_COL_REPORT_STATE] = "", [REPORT_COL_RETURN_REASON] = "",
    };
    int rc = EXIT_USAGE;
    if (!*status)
        fprintf(stderr, _("cchc submit: --status is required\n"));
    else if (report_sheet_add(sheet, 1, fields) == 0)
        rc = submit_sheet(opts, sheet, "--task", draft);
    report_sheet_free(sheet);
    free(sheet);
    return rc;
}

/* ---- report show | history --------------------------------------------------------------- */

int cmd_report(const cli_options *opts, int argc, char **argv)
{
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
        printf(_("Báo cáo %lld: nhiệm vụ %d (%s), %s (%s), kỳ %s\n"), (long long)s->report_id,
               s->task_id, s->ref, s->unit_name, s->unit_code, s->period_id);
        printf(_("Tình trạng: %s, lần %d%s\n"), state_label(s->state), s->revision,
               s->late ? _(", gửi muộn") : "");
        if (*s->return_reason)
            printf(_("Lý do trả lại: %s\n"), s->return_reason);
        size_t shown = history ? r->n_revisions : (r->n_revisions ? 1 : 0);
        for (size_t i = 0; i < shown; i++) {
            const Cchc__V1__ReportRevision *v = r->revisions[i];
            printf(_("\n— Lần %d (%s) bởi %s lúc %s%s\n"), v->revision,
                   strcmp(v->saved_as, "draft") == 0 ? _("nháp") : _("gửi"), v->username,
                   v->saved_at, v->late ? _(", muộn") : "");
            printf(_("  Trạng thái: %s, tiến độ %s %%\n"), report_status_label(v->status), v->progress);
            if (*v->results)
                printf(_("  Kết quả: %s\n"), v->results);
            if (*v->difficulties)
                printf(_("  Khó khăn, vướng mắc: %s\n"), v->difficulties);
            if (*v->proposals)
                printf(_("  Kiến nghị: %s\n"), v->proposals);
            if (*v->indicators)
                printf(_("  Chỉ số: %s\n"), v->indicators);
            if (history && v->n_changed) {
                printf(_("  Thay đổi:"));
                for (size_t k = 0; k < v->n_changed; k++)
                    printf(" %s", v->changed[k]);
                printf("\n");
            }
        }
        if (r->n_reviews)
            printf(_("\nXét duyệt:\n"));
        for (size_t i = 0; i < r->n_reviews; i++) {
            const Cchc__V1__ReviewEntry *e = r->reviews[i];
            printf("  %s %s (%s, lần %d) %s%s%s\n", e->at, e->username, e->level, e->revision,
                   e->action, *e->reason ? ": " : "", e->reason);
        }
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- outbox ---------------------------------------------------------------------------------- */

int cmd_outbox(const cli_options *opts, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "send") == 0) {
        int left;
        int sent = outbox_send(opts, opts->json, &left);
        if (opts->json)
            output_json(json_pack("{s:i, s:i}", "sent", sent, "waiting", left));
        else
            printf(_("Hộp thư đi: đã gửi %d, còn chờ %d.\n"), sent, left);
        return left ? EXIT_UNREACHABLE : EXIT_OK;
    }
    if (!*sub || strcmp(sub, "list") == 0) {
        int n = outbox_count(opts);
        if (opts->json)
            output_json(json_pack("{s:i}", "waiting", n));
        else
            printf(_("Hộp thư đi: %d lần gửi đang chờ máy chủ %s.\n"), n, opts->server);
        return EXIT_OK;
    }
    if (strcmp(sub, "discard") == 0) {
        int n = outbox_discard(opts);
        if (opts->json)
            output_json(json_pack("{s:i}", "discarded", n));
        else
            printf(_("Hộp thư đi: đã bỏ %d lần gửi chưa tới máy chủ.\n"), n);
        return EXIT_OK;
    }
    fprintf(stderr, _("usage: cchc outbox [list|send|discard]\n"));
    return EXIT_USAGE;
}
