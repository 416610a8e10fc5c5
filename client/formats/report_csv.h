/* The quarterly report as a spreadsheet: the template a district office
 * downloads (one row per task it owes, prefilled with its last values,
 * Vietnamese headers, UTF-8 with BOM so Excel and LibreOffice open it
 * cleanly) and the reading of the filled file, with every problem listed
 * by line and column before anything is sent. Pure: bytes in, rows and
 * problems out.
 *
 * Each row carries the revision of the report it was prefilled from (the
 * last column, "Phiên bản gốc"), so the server can refuse a file made
 * before someone else saved the report (docs/concurrency.md). A template
 * older than that column reads as "no base": the server then accepts
 * the row only where the report has no revision yet, or it is unchanged.
 * Columns an older template lacks read as "". */
#ifndef CCHC_REPORT_CSV_H
#define CCHC_REPORT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "cchc/v1/envelope.pb-c.h"
#include "report_indicators.h"

#define REPORT_SHEET_MAX_PROBLEMS 500

typedef struct report_row {
    int line;
    char period[16];
    int task_id;
    char status[64];
    char progress[32];
    char *results, *difficulties, *proposals;
    /* as many as the cell holds (validate_report says when too many);
     * none with clear unset: the report keeps its previous ones */
    indicator_list indicators;
    int base_revision;     /* the template's "Phiên bản gốc"; 0 when none */
    /* REPORT_READ_* of the fields whose text could not be read as a number
     * (the problem is listed already; report_sheet_check says no more) */
    unsigned unread;
    /* "Mang sang từ kỳ": the period the row's values were carried over
     * from ("" when none, or cleared by the clerk to confirm them) and
     * that report's revision (0 when the cell does not say) */
    char carried_from[16];
    int carried_revision;
    int held_back;         /* not sent: carried over unchanged (carried.h) */
} report_row;

enum { REPORT_READ_PROGRESS = 1 };

typedef struct sheet_problem {
    int line;
    char column[48];
    char message[384];
} sheet_problem;

typedef struct report_sheet {
    char period[16];
    char unit[64];         /* the rows' "Mã đơn vị"; "" in a template older than it */
    report_row *rows;
    size_t n_rows;
    size_t skipped;        /* rows left blank (no status): not reported */
    sheet_problem problems[REPORT_SHEET_MAX_PROBLEMS];
    size_t n_problems;
    size_t more_problems;  /* past the list's size */
    /* the file as a whole could not be read (its encoding, not a CSV…):
     * one message instead of problems by line; nothing else is set */
    char file_problem[1400];
    char notice[200];      /* how the file was read when it was not UTF-8 */
} report_sheet;

/* The template's columns, in order. */
enum {
    REPORT_COL_PERIOD, REPORT_COL_TASK, REPORT_COL_TASK_TEXT, REPORT_COL_TARGETS,
    REPORT_COL_STATUS, REPORT_COL_PROGRESS, REPORT_COL_RESULTS, REPORT_COL_DIFFICULTIES,
    REPORT_COL_PROPOSALS, REPORT_COL_INDICATORS, REPORT_COL_REPORT_STATE,
    REPORT_COL_RETURN_REASON, REPORT_COL_BASE_REVISION,
    REPORT_COL_UNIT, /* "Mã đơn vị": whose template it is (MyTasksResponse.unit_code) */
    /* docs/cumulative.md: "2026-Q1, lần 2" when the row was pre-filled
     * from an earlier period's report; such a row is sent only when
     * changed, or when the clerk clears this cell (or --confirm-carried) */
    REPORT_COL_CARRIED_FROM,
    REPORT_COL_COUNT
};
/* The header of a template column ("Tiến độ (%)"). */
const char *report_column_header(int column);
/* The text of the "Mang sang từ kỳ" cell for a task ("" when nothing was
 * carried over). */
void report_carried_cell(const Cchc__V1__UnitTask *task, char *out, size_t size);

/* One task's template row as text, the same for the CSV and the .xlsx
 * template (fields point into the cells or into tasks). */
typedef struct report_template_cells {
    char id[16], base[16], text[2048], targets[1024], carried[64];
    char *indicators; /* the cell text (report_indicators.h); released below */
    const char *fields[REPORT_COL_COUNT];
} report_template_cells;
void report_template_cells_of(const Cchc__V1__MyTasksResponse *tasks, size_t i,
                              report_template_cells *cells);
void report_template_cells_release(report_template_cells *cells);
void report_template_write(FILE *out, const Cchc__V1__MyTasksResponse *tasks);

/* Reads a filled template (any encoding and separator csv_read reads;
 * check file_problem first). Returns -1 only when memory ran out. */
int report_sheet_parse(const char *data, size_t len, report_sheet *sheet);
/* An empty sheet with room for capacity rows (for building one by hand). */
int report_sheet_init(report_sheet *sheet, size_t capacity);
/* Adds one row given as the template's REPORT_COL_COUNT columns, UTF-8
 * text as a person sees it in the cells (a row without status is counted
 * as skipped; a NULL field reads as ""). Progress ("75", "75%", "75,5",
 * "75.00%"; common/decimal_text.h) becomes a canonical decimal here, or a
 * problem. Returns -1 when memory ran out. */
int report_sheet_add(report_sheet *sheet, int line, const char *const *fields);
/* Adds the problems of every row, by the same rules as the server. */
void report_sheet_check(report_sheet *sheet);
void report_sheet_free(report_sheet *sheet);

/* "hoàn thành" ↔ "completed"; NULL/the code itself when unknown. */
const char *report_status_label(const char *code);
/* The code of a status typed as its label or its code in any case, normal
 * form, with or without diacritics, trailing punctuation ignored
 * ("ĐANG TRIỂN KHAI", "dang trien khai", "hoàn thành.", "Completed");
 * NULL when it is none. */
const char *report_status_code(const char *text);
/* The message for a status report_status_code does not know: the closest
 * statuses ("did you mean …") and the valid ones, quoted with their codes. */
void report_status_problem(const char *typed, char *out, size_t size);
/* The template column a field error belongs to ("progress" → "Tiến độ (%)"). */
const char *report_column_of(const char *field);

#endif
