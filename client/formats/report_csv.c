/* See report_csv.h. */
#include "report_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "csv_read.h"
#include "decimal_text.h"
#include "i18n.h"
#include "validate.h"

/* Short names for the template's columns (report_csv.h). */
enum {
    COL_PERIOD = REPORT_COL_PERIOD, COL_TASK = REPORT_COL_TASK, COL_STATUS = REPORT_COL_STATUS,
    COL_PROGRESS = REPORT_COL_PROGRESS, COL_RESULTS = REPORT_COL_RESULTS,
    COL_DIFFICULTIES = REPORT_COL_DIFFICULTIES, COL_PROPOSALS = REPORT_COL_PROPOSALS,
    COL_INDICATORS = REPORT_COL_INDICATORS, COL_BASE = REPORT_COL_BASE_REVISION,
    COL_COUNT = REPORT_COL_COUNT
};

static const char *const headers[COL_COUNT] = {
    "Kỳ báo cáo", "Mã nhiệm vụ", "Nhiệm vụ", "Chỉ tiêu", "Trạng thái", "Tiến độ (%)",
    "Kết quả đạt được", "Khó khăn, vướng mắc", "Kiến nghị", "Giá trị chỉ số",
    "Tình trạng báo cáo", "Lý do trả lại", "Phiên bản gốc",
};

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
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(statuses[i].label, text) == 0 || strcmp(statuses[i].code, text) == 0)
            return statuses[i].code;
    /* Vietnamese capitals ("Hoàn thành") differ from the label only in the
     * first letter, which strcasecmp folds when it is ASCII. */
    return NULL;
}

const char *report_column_of(const char *field)
{
    static const struct { const char *field; int col; } map[] = {
        {"task", COL_TASK}, {"status", COL_STATUS}, {"progress", COL_PROGRESS},
        {"results", COL_RESULTS}, {"difficulties", COL_DIFFICULTIES},
        {"proposals", COL_PROPOSALS}, {"indicators", COL_INDICATORS},
        {"period", COL_PERIOD}, {"base_revision", COL_BASE}, {"conflict", COL_BASE},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].field, field) == 0)
            return headers[map[i].col];
    return field;
}

void report_template_write(FILE *out, const Cchc__V1__MyTasksResponse *tasks)
{
    fputs("\xEF\xBB\xBF", out); /* BOM: Excel then reads UTF-8, not the local code page */
    for (int c = 0; c < COL_COUNT; c++)
        csv_write_field(out, headers[c], c == COL_COUNT - 1);
    for (size_t i = 0; i < tasks->n_tasks; i++) {
        const Cchc__V1__UnitTask *t = tasks->tasks[i];
        char id[16], base[16], text[2048], targets[1024] = "", indicators[1024] = "";
        snprintf(id, sizeof(id), "%d", t->task_id);
        snprintf(base, sizeof(base), "%d", t->revision);
        snprintf(text, sizeof(text), "%s: %s", t->ref, t->text);
        for (size_t k = 0; k < t->n_targets; k++) {
            size_t used = strlen(targets);
            snprintf(targets + used, sizeof(targets) - used, "%s%s", k ? "; " : "", t->targets[k]);
        }
        report_indicators_text(t->indicators, indicators, sizeof(indicators));
        const char *row[COL_COUNT] = {
            tasks->period ? tasks->period->id : "", id, text, targets,
            *t->status ? report_status_label(t->status) : "", t->progress, t->results,
            t->difficulties, t->proposals, indicators, t->report_state, t->return_reason, base,
        };
        for (int c = 0; c < COL_COUNT; c++)
            csv_write_field(out, row[c], c == COL_COUNT - 1);
    }
}

void report_indicators_text(const char *json, char *out, size_t size)
{
    out[0] = '\0';
    json_error_t error;
    json_t *root = json && *json ? json_loads(json, 0, &error) : NULL;
    const char *name;
    json_t *value;
    size_t used = 0;
    if (json_is_object(root))
        json_object_foreach(root, name, value) {
            char text[64] = "", shown[72];
            if (json_is_string(value))
                snprintf(text, sizeof(text), "%s", json_string_value(value));
            else if (json_is_integer(value))
                snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(value));
            else
                continue;
            decimal_text_sheet_form(text, shown, sizeof(shown));
            int n = snprintf(out + used, size - used, "%s%s=%s", used ? "; " : "", name, shown);
            if (n < 0 || (size_t)n >= size - used) {
                out[used] = '\0'; /* whole indicators only */
                break;
            }
            used += (size_t)n;
        }
    json_decref(root);
}

static void add_problem(report_sheet *sheet, int line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

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

/* Splits "tên=giá trị; tên=giá trị" into the row's indicators. Returns -1
 * when out of memory, 1 when there are more than REPORT_MAX_INDICATORS. */
static int parse_indicators(report_row *row, const char *text)
{
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return -1;
    for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
        while (*item == ' ')
            item++;
        if (!*item)
            continue;
        if (row->n_indicators == REPORT_MAX_INDICATORS) {
            free(copy);
            return 1;
        }
        char *eq = strchr(item, '=');
        size_t k = row->n_indicators++;
        if (!eq) {
            snprintf(row->indicator_names[k], sizeof(row->indicator_names[k]), "%s", item);
            row->indicator_values[k][0] = '\0';
            continue;
        }
        *eq = '\0';
        char *name_end = eq;
        while (name_end > item && name_end[-1] == ' ')
            *--name_end = '\0';
        char *value = eq + 1;
        while (*value == ' ')
            value++;
        for (char *end = value + strlen(value); end > value && end[-1] == ' ';)
            *--end = '\0';
        snprintf(row->indicator_names[k], sizeof(row->indicator_names[k]), "%s", item);
        snprintf(row->indicator_values[k], sizeof(row->indicator_values[k]), "%s", value);
    }
    free(copy);
    return 0;
}

/* Each indicator value as a canonical decimal (numeric(16,4), the
 * server's validate_decimal(value, 12, 4)), read by the rule of
 * DECIMAL_TEXT_RULE_VI: "12.530" is refused with both readings, never
 * stored as 12.53. */
static void indicator_values(report_sheet *sheet, report_row *row)
{
    for (size_t k = 0; k < row->n_indicators; k++) {
        decimal_parse number;
        char *value = row->indicator_values[k];
        if (decimal_text_quantity(value, 12, 4, &number) == DECIMAL_TEXT_OK) {
            snprintf(value, sizeof(row->indicator_values[k]), "%s", number.value);
            continue;
        }
        row->unread |= REPORT_READ_INDICATORS;
        add_problem(sheet, row->line, headers[COL_INDICATORS], _("chỉ số %s: %s"),
                    row->indicator_names[k], number.why);
    }
}

int report_sheet_add(report_sheet *sheet, int line, const char *const *fields)
{
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
                    _("kỳ %s khác kỳ %s của các dòng trước; mỗi tệp một kỳ (one period per file)"),
                    row->period, sheet->period);
    char *end = NULL;
    long task = strtol(fields[COL_TASK], &end, 10);
    if (!*fields[COL_TASK] || *end || task <= 0 || task > 1000000)
        add_problem(sheet, line, headers[COL_TASK],
                    _("\"%s\" không phải mã nhiệm vụ (not a task number)"), fields[COL_TASK]);
    row->task_id = (int)task;
    /* blank (a template older than the column): no base, 0 */
    long base = strtol(fields[COL_BASE], &end, 10);
    if (*end || base < 0 || base > 1000000)
        add_problem(sheet, line, headers[COL_BASE],
                    _("\"%s\" không phải số phiên bản; đừng sửa cột này, hãy tải mẫu mới "
                      "(not a revision number; download a fresh template)"),
                    fields[COL_BASE]);
    row->base_revision = *end ? 0 : (int)base;
    const char *code = report_status_code(status_text);
    snprintf(row->status, sizeof(row->status), "%s", code ? code : status_text);
    decimal_parse number;
    if (decimal_text_percent(fields[COL_PROGRESS], &number) == DECIMAL_TEXT_OK) {
        snprintf(row->progress, sizeof(row->progress), "%s", number.value);
    } else {
        snprintf(row->progress, sizeof(row->progress), "%s", fields[COL_PROGRESS]);
        row->unread |= REPORT_READ_PROGRESS;
        add_problem(sheet, line, headers[COL_PROGRESS], "%s", number.why);
    }
    row->results = strdup(fields[COL_RESULTS]);
    row->difficulties = strdup(fields[COL_DIFFICULTIES]);
    row->proposals = strdup(fields[COL_PROPOSALS]);
    if (!row->results || !row->difficulties || !row->proposals)
        return -1;
    int parsed = parse_indicators(row, fields[COL_INDICATORS]);
    if (parsed < 0)
        return -1;
    if (parsed > 0)
        add_problem(sheet, line, headers[COL_INDICATORS],
                    _("tối đa %d chỉ số mỗi dòng (at most %d indicators)"), REPORT_MAX_INDICATORS,
                    REPORT_MAX_INDICATORS);
    indicator_values(sheet, row);
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
        add_problem(sheet, records.error_line, "", _("tệp CSV hỏng: %s (malformed CSV)"),
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
        const char *names[REPORT_MAX_INDICATORS], *values[REPORT_MAX_INDICATORS];
        for (size_t k = 0; k < row->n_indicators; k++) {
            names[k] = row->indicator_names[k];
            values[k] = row->indicator_values[k];
        }
        report_fields f = {row->task_id > 0 ? row->task_id : 1, row->status, row->progress,
                           row->results, row->difficulties, row->proposals,
                           "checked-before-the-key-is-made", names, values, row->n_indicators};
        field_problem found[16];
        size_t n = validate_report(&f, found, 16);
        for (size_t k = 0; k < n && k < 16; k++)
            if (!((row->unread & REPORT_READ_PROGRESS) && strcmp(found[k].field, "progress") == 0) &&
                !((row->unread & REPORT_READ_INDICATORS) && strcmp(found[k].field, "indicators") == 0))
                add_problem(sheet, row->line, report_column_of(found[k].field), "%s", found[k].message);
    }
}

void report_sheet_free(report_sheet *sheet)
{
    for (size_t i = 0; i < sheet->n_rows; i++) {
        free(sheet->rows[i].results);
        free(sheet->rows[i].difficulties);
        free(sheet->rows[i].proposals);
    }
    free(sheet->rows);
    memset(sheet, 0, sizeof(*sheet));
}
