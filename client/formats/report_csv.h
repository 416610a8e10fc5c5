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
 * the row only where the report has no revision yet, or it is unchanged. */
#ifndef CCHC_REPORT_CSV_H
#define CCHC_REPORT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "cchc/v1/envelope.pb-c.h"

#define REPORT_MAX_INDICATORS 8
#define REPORT_SHEET_MAX_PROBLEMS 500

typedef struct report_row {
    int line;
    char period[16];
    int task_id;
    char status[64];
    char progress[32];
    char *results, *difficulties, *proposals;
    size_t n_indicators;
    char indicator_names[REPORT_MAX_INDICATORS][65];
    char indicator_values[REPORT_MAX_INDICATORS][32];
    int base_revision;     /* the template's "Phiên bản gốc"; 0 when none */
    /* REPORT_READ_* of the fields whose text could not be read as a number
     * (the problem is listed already; report_sheet_check says no more) */
    unsigned unread;
} report_row;

enum { REPORT_READ_PROGRESS = 1, REPORT_READ_INDICATORS = 2 };

typedef struct sheet_problem {
    int line;
    char column[48];
    char message[200];
} sheet_problem;

typedef struct report_sheet {
    char period[16];
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

void report_template_write(FILE *out, const Cchc__V1__MyTasksResponse *tasks);
/* The template's columns, in order. */
enum {
    REPORT_COL_PERIOD, REPORT_COL_TASK, REPORT_COL_TASK_TEXT, REPORT_COL_TARGETS,
    REPORT_COL_STATUS, REPORT_COL_PROGRESS, REPORT_COL_RESULTS, REPORT_COL_DIFFICULTIES,
    REPORT_COL_PROPOSALS, REPORT_COL_INDICATORS, REPORT_COL_REPORT_STATE,
    REPORT_COL_RETURN_REASON, REPORT_COL_BASE_REVISION, REPORT_COL_COUNT
};

/* Reads a filled template (any encoding and separator csv_read reads;
 * check file_problem first). Returns -1 only when memory ran out. */
int report_sheet_parse(const char *data, size_t len, report_sheet *sheet);
/* An empty sheet with room for capacity rows (for building one by hand). */
int report_sheet_init(report_sheet *sheet, size_t capacity);
/* Adds one row given as the template's REPORT_COL_COUNT columns, UTF-8
 * text as a person sees it in the cells (a row without status is counted
 * as skipped). Progress ("75", "75%", "75,5", "75.00%") and indicator
 * values ("12530", "12,5", "1.234.567"; common/decimal_text.h) become
 * canonical decimals here, or a problem. Returns -1 when memory ran out. */
int report_sheet_add(report_sheet *sheet, int line, const char *const *fields);
/* Adds the problems of every row, by the same rules as the server. */
void report_sheet_check(report_sheet *sheet);
void report_sheet_free(report_sheet *sheet);

/* A report's indicators as the server keeps them (a JSON object of
 * decimal strings) as the template's cell shows them for a person to
 * read back: "name=value; …", each value as decimal_text_sheet_form writes
 * it (',' decimal mark, no grouping: "12,53", "1,2340"), so what comes
 * back unchanged reads as it was, never as an ambiguous "1.234". */
void report_indicators_text(const char *json, char *out, size_t size);

/* "hoàn thành" ↔ "completed"; NULL/the code itself when unknown. */
const char *report_status_label(const char *code);
const char *report_status_code(const char *text);
/* The template column a field error belongs to ("progress" → "Tiến độ (%)"). */
const char *report_column_of(const char *field);

#endif
