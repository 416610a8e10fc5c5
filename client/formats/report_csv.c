/* See report_csv.h. */
#include "report_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"
#include "decimal_text.h"
#include "report_indicators.h"
#include "i18n.h"
#include "lang.h"
#include "plat_printf.h"
#include "text_fold.h"
#include "validate.h"

/* Short names for the template's columns (report_csv.h). */
enum {
    COL_PERIOD = REPORT_COL_PERIOD, COL_TASK = REPORT_COL_TASK, COL_STATUS = REPORT_COL_STATUS,
    COL_PROGRESS = REPORT_COL_PROGRESS, COL_RESULTS = REPORT_COL_RESULTS,
    COL_DIFFICULTIES = REPORT_COL_DIFFICULTIES, COL_PROPOSALS = REPORT_COL_PROPOSALS,
    COL_INDICATORS = REPORT_COL_INDICATORS, COL_BASE = REPORT_COL_BASE_REVISION,
    COL_UNIT = REPORT_COL_UNIT, COL_CARRIED = REPORT_COL_CARRIED_FROM, COL_COUNT = REPORT_COL_COUNT
};

static const char *const headers[COL_COUNT] = {
    "Kỳ báo cáo", "Mã nhiệm vụ", "Nhiệm vụ", "Chỉ tiêu", "Trạng thái", "Tiến độ (%)",
    "Kết quả đạt được", "Khó khăn, vướng mắc", "Kiến nghị", "Giá trị chỉ số",
    "Tình trạng báo cáo", "Lý do trả lại", "Phiên bản gốc", "Mã đơn vị", "Mang sang từ kỳ",
};

const char *report_column_header(int column)
{
    return column >= 0 && column < COL_COUNT && headers[column] ? headers[column] : "";
}

void report_carried_cell(const Cchc__V1__UnitTask *task, char *out, size_t size)
{
    if (!*task->carried_from)
        snprintf(out, size, "%s", "");
    else if (task->carried_revision > 0)
        snprintf(out, size, "%s, lần %d", task->carried_from, task->carried_revision);
    else
        snprintf(out, size, "%s", task->carried_from);
}

static const struct { const char *code, *label; } statuses[] = {
    {"not_started", "chưa triển khai"},
    {"in_progress", "đang triển khai"},
    {"completed", "hoàn thành"},
    {"behind", "chậm tiến độ"},
};

const char *report_status_label(const char *code)
{
    for (size_t i = 0; i < 4; i++)
        if (strcmp(statuses[i].code, code) == 0)
            return statuses[i].label;
    return code;
}

const char *report_status_code(const char *text)
{
    /* "Đang triển khai", "ĐANG TRIỂN KHAI", "dang trien khai", "hoàn thành."
     * and the NFD forms macOS types all share the label's fold key; the
     * codes match in any case too */
    char *key = text_fold_key(text);
    if (!key)
        return NULL;
    const char *code = NULL;
    for (size_t i = 0; i < 4 && !code; i++)
        if (text_fold_equal(statuses[i].label, key) || strcmp(statuses[i].code, key) == 0)
            code = statuses[i].code;
    free(key);
    return code;
}

void report_status_problem(const char *typed, char *out, size_t size)
{
    const char *names[8];
    for (size_t i = 0; i < 4; i++) {
        names[i] = statuses[i].label;
        names[4 + i] = statuses[i].code;
    }
    size_t near[8], n = text_closest(typed, names, 8, 4, near, 8);
    char guess[160] = "";
    int shown[4] = {0};
    for (size_t k = 0, listed = 0; k < n && listed < 2; k++) {
        size_t i = near[k] % 4;
        if (shown[i])
            continue;
        shown[i] = 1;
        size_t used = strlen(guess);
        snprintf(guess + used, sizeof(guess) - used, "%s\"%s\" (%s)", listed++ ? ", " : "",
                 statuses[i].label, statuses[i].code);
    }
    char valid[200] = "";
    for (size_t i = 0; i < 4; i++) {
        size_t used = strlen(valid);
        snprintf(valid + used, sizeof(valid) - used, "%s\"%s\"/%s", i ? ", " : "",
                 statuses[i].label, statuses[i].code);
    }
    if (*guess)
        snprintf(out, size, _("there is no status \"%s\" — did you mean: %s? (valid: %s)"),
                 typed, guess, valid);
    else
        snprintf(out, size, _("there is no status \"%s\"; valid: %s"),
                 typed, valid);
}

const char *report_column_of(const char *field)
{
    static const struct { const char *field; int col; } map[] = {
        {"task", COL_TASK}, {"status", COL_STATUS}, {"progress", COL_PROGRESS},
        {"results", COL_RESULTS}, {"difficulties", COL_DIFFICULTIES},
        {"proposals", COL_PROPOSALS}, {"indicators", COL_INDICATORS},
        {"period", COL_PERIOD}, {"base_revision", COL_BASE}, {"conflict", COL_BASE},
        {"carried_from", COL_CARRIED},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].field, field) == 0)
            return headers[map[i].col];
    return field;
}

void report_template_cells_of(const Cchc__V1__MyTasksResponse *tasks, size_t i,
                              report_template_cells *cells)
{
    const Cchc__V1__UnitTask *t = tasks->tasks[i];
    snprintf(cells->id, sizeof(cells->id), "%d", t->task_id);
    snprintf(cells->base, sizeof(cells->base), "%d", t->revision);
    snprintf(cells->text, sizeof(cells->text), "%s: %s", t->ref, t->text);
    cells->targets[0] = '\0';
    for (size_t k = 0; k < t->n_targets; k++) {
        size_t used = strlen(cells->targets);
        snprintf(cells->targets + used, sizeof(cells->targets) - used, "%s%s", k ? "; " : "",
                 t->targets[k]);
    }
    /* indicators travel as a JSON object; the sheet shows name=value; …
     * (report_indicators.h) */
    cells->indicators = indicators_cell_of_json(t->indicators);
    report_carried_cell(t, cells->carried, sizeof(cells->carried));
    const char *row[COL_COUNT] = {
        tasks->period ? tasks->period->id : "", cells->id, cells->text, cells->targets,
        *t->status ? report_status_label(t->status) : "", t->progress, t->results,
        t->difficulties, t->proposals, cells->indicators ? cells->indicators : "",
        t->report_state, t->return_reason, cells->base, tasks->unit_code, cells->carried,
    };
    memcpy(cells->fields, row, sizeof(row));
}

void report_template_cells_release(report_template_cells *cells)
{
    free(cells->indicators);
    cells->indicators = NULL;
}

void report_template_write(FILE *out, const Cchc__V1__MyTasksResponse *tasks)
{
    fputs("\xEF\xBB\xBF", out); /* BOM: Excel then reads UTF-8, not the local code page */
    for (int c = 0; c < COL_COUNT; c++)
        csv_write_field(out, headers[c], c == COL_COUNT - 1);
    report_template_cells cells;
    for (size_t i = 0; i < tasks->n_tasks; i++) {
        report_template_cells_of(tasks, i, &cells);
        for (int c = 0; c < COL_COUNT; c++)
            csv_write_field(out, cells.fields[c], c == COL_COUNT - 1);
        report_template_cells_release(&cells);
    }
}

static void add_problem(report_sheet *sheet, int line, const char *column, const char *fmt, ...)
    __attribute__((format(PLAT_PRINTF_FORMAT, 4, 5)));

static void add_problem(report_sheet *sheet, int line, const char *column, const char *fmt, ...)
{
    if (sheet->n_problems == REPORT_SHEET_MAX_PROBLEMS) {
        sheet->more_problems++;
        return;
    }
    sheet_problem *p = &sheet->problems[sheet->n_problems++];
    p->line = line;
    snprintf(p->column, sizeof(p->column), "%s", column);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof(p->message), fmt, ap);
    va_end(ap);
}

int report_sheet_add(report_sheet *sheet, int line, const char *const *given)
{
    const char *fields[COL_COUNT];
    for (int c = 0; c < COL_COUNT; c++)
        fields[c] = given[c] ? given[c] : "";
    const char *status_text = fields[COL_STATUS];
    if (!*status_text) {
        sheet->skipped++; /* a task left blank is not reported this time */
        return 0;
    }
    report_row *row = &sheet->rows[sheet->n_rows++];
    row->line = line;
    snprintf(row->period, sizeof(row->period), "%s", fields[COL_PERIOD]);
    if (!*sheet->period)
        snprintf(sheet->period, sizeof(sheet->period), "%s", row->period);
    else if (strcmp(sheet->period, row->period) != 0)
        add_problem(sheet, line, headers[COL_PERIOD],
                    _("period %s differs from period %s of the lines before; one period per "
                      "file"),
                    row->period, sheet->period);
    if (*fields[COL_UNIT] && !*sheet->unit)
        snprintf(sheet->unit, sizeof(sheet->unit), "%s", fields[COL_UNIT]);
    else if (*fields[COL_UNIT] && strcmp(sheet->unit, fields[COL_UNIT]) != 0)
        add_problem(sheet, line, headers[COL_UNIT],
                    _("unit %s differs from unit %s of the lines before; one unit per file"),
                    fields[COL_UNIT], sheet->unit);
    char *end = NULL;
    long task = strtol(fields[COL_TASK], &end, 10);
    if (!*fields[COL_TASK] || *end || task <= 0 || task > 1000000)
        add_problem(sheet, line, headers[COL_TASK],
                    _("\"%s\" is not a task number"), fields[COL_TASK]);
    row->task_id = (int)task;
    /* blank (a template older than the column): no base, 0 */
    long base = strtol(fields[COL_BASE], &end, 10);
    if (*end || base < 0 || base > 1000000)
        add_problem(sheet, line, headers[COL_BASE],
                    _("\"%s\" is not a revision number; do not edit this column, download a "
                      "fresh template"),
                    fields[COL_BASE]);
    row->base_revision = *end ? 0 : (int)base;
    const char *code = report_status_code(status_text);
    snprintf(row->status, sizeof(row->status), "%s", code ? code : status_text);
    decimal_parse number; /* "75%", "75,5", "75.00%": common/decimal_text.h */
    if (decimal_text_percent(fields[COL_PROGRESS], &number) == DECIMAL_TEXT_OK) {
        snprintf(row->progress, sizeof(row->progress), "%s", number.value);
    } else {
        snprintf(row->progress, sizeof(row->progress), "%s", fields[COL_PROGRESS]);
        row->unread |= REPORT_READ_PROGRESS;
        char shown[400];
        msg_render(number.why, shown, sizeof(shown));
        add_problem(sheet, line, headers[COL_PROGRESS], "%s", shown);
    }
    row->results = strdup(fields[COL_RESULTS]);
    row->difficulties = strdup(fields[COL_DIFFICULTIES]);
    row->proposals = strdup(fields[COL_PROPOSALS]);
    if (!row->results || !row->difficulties || !row->proposals)
        return -1;
    char why[300];
    int parsed = indicators_parse_cell(fields[COL_INDICATORS], &row->indicators, why, sizeof(why));
    if (parsed < 0)
        return -1;
    if (parsed > 0)
        add_problem(sheet, line, headers[COL_INDICATORS], "%s", why);
    /* "2026-Q1, lần 2" (or a bare period id) */
    const char *carried = fields[COL_CARRIED] + strspn(fields[COL_CARRIED], " ");
    size_t id_len = strcspn(carried, " ,");
    snprintf(row->carried_from, sizeof(row->carried_from), "%.*s", (int)id_len, carried);
    const char *rev = strstr(carried, "lần");
    row->carried_revision = rev ? atoi(rev + strlen("lần")) : 0;
    if (*row->carried_from && !validate_period(row->carried_from))
        add_problem(sheet, line, headers[COL_CARRIED],
                    _("\"%s\" is not a reporting period; leave this cell as it is, or clear "
                      "it to confirm sending the carried figures"),
                    fields[COL_CARRIED]);
    return 0;
}

int report_sheet_init(report_sheet *sheet, size_t capacity)
{
    memset(sheet, 0, sizeof(*sheet));
    sheet->rows = calloc(capacity ? capacity : 1, sizeof(*sheet->rows));
    return sheet->rows ? 0 : -1;
}

int report_sheet_parse(const char *data, size_t len, report_sheet *sheet)
{
    csv_records records;
    if (csv_read(data, len, &records) != 0)
        return -1;
    if (report_sheet_init(sheet, records.n) != 0) {
        csv_records_free(&records);
        return -1;
    }
    snprintf(sheet->file_problem, sizeof(sheet->file_problem), "%s", records.unreadable);
    snprintf(sheet->notice, sizeof(sheet->notice), "%s", records.notice);
    if (records.error[0])
        add_problem(sheet, records.error_line, "", _("malformed CSV file: %s"),
                    records.error);
    int rc = 0;
    for (size_t i = 0; i < records.n && rc == 0; i++) {
        const csv_record *r = &records.records[i];
        /* the header: as written, or a first record whose task column is
         * not a number under a progress column still saying "(%)" (a
         * header garbled by a code page without Vietnamese letters:
         * "M? nhi?m v?", "Ti?n ?? (%)") */
        const char *task = csv_field(r, COL_TASK);
        if (strcmp(task, headers[COL_TASK]) == 0 ||
            (i == 0 && strspn(task, "0123456789") != strlen(task) &&
             strstr(csv_field(r, COL_PROGRESS), "(%)")))
            continue;
        const char *fields[COL_COUNT];
        for (int c = 0; c < COL_COUNT; c++)
            fields[c] = csv_field(r, (size_t)c);
        rc = report_sheet_add(sheet, r->line, fields);
    }
    csv_records_free(&records);
    if (rc != 0)
        report_sheet_free(sheet);
    return rc;
}

void report_sheet_check(report_sheet *sheet)
{
    for (size_t i = 0; i < sheet->n_rows; i++) {
        report_row *row = &sheet->rows[i];
        /* every indicator, so that too many get the server's own message */
        report_fields f = {row->task_id > 0 ? row->task_id : 1, row->status, row->progress,
                           row->results, row->difficulties, row->proposals,
                           "checked-before-the-key-is-made",
                           (const char *const *)row->indicators.names,
                           (const char *const *)row->indicators.values, row->indicators.n};
        field_problem found[16];
        size_t n = validate_report(&f, found, 16);
        for (size_t k = 0; k < n && k < 16; k++) {
            if ((row->unread & REPORT_READ_PROGRESS) && strcmp(found[k].field, "progress") == 0)
                continue; /* said when the progress was read */
            if (strcmp(found[k].field, "status") == 0 && !report_status_code(row->status)) {
                /* what was typed is no status: say which one it resembles */
                char why[384];
                report_status_problem(row->status, why, sizeof(why));
                add_problem(sheet, row->line, report_column_of("status"), "%s", why);
                continue;
            }
            char shown[400];
            msg_render(found[k].message, shown, sizeof(shown));
            add_problem(sheet, row->line, report_column_of(found[k].field), "%s", shown);
        }
    }
}

void report_sheet_free(report_sheet *sheet)
{
    for (size_t i = 0; i < sheet->n_rows; i++) {
        free(sheet->rows[i].results);
        free(sheet->rows[i].difficulties);
        free(sheet->rows[i].proposals);
        indicator_list_free(&sheet->rows[i].indicators);
    }
    free(sheet->rows);
    memset(sheet, 0, sizeof(*sheet));
}
