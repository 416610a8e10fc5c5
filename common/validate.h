/* Checks on request fields that need no database: pure functions, unit
 * tested and fuzzable. Each returns 0 when valid, or -1 with the reason in
 * why as an English message id with its arguments (msg_encode in
 * msg_format.h): the server sends it so, the client renders it in the
 * user's language. field_problem.message holds one too. */
#ifndef CCHCD_VALIDATE_H
#define CCHCD_VALIDATE_H

#include <stddef.h>

/* "YYYY-MM-DD", a real calendar day between 1900 and 2200. "" is valid
 * (means "today" where a date is optional). */
int validate_date(const char *text, char *why, size_t why_size);
/* Valid UTF-8, no NUL or control characters other than tab and newline,
 * at most max_bytes. */
int validate_text(const char *text, size_t max_bytes, char *why, size_t why_size);

/* A reporting period id: four digits, '-', then Q1, 6M, 9M or Y
 * ("2023-Q1"). Returns 1 when valid, 0 when not (the caller words the
 * error, quoting the id). */
int validate_period(const char *period);

/* A non-negative decimal as PostgreSQL's numeric reads it: digits, an
 * optional point and at most max_fraction digits after it, at most
 * max_integer digits before ("87.52", "100", "0.5"). */
int validate_decimal(const char *text, int max_integer, int max_fraction, char *why,
                     size_t why_size);

/* One problem with one field of one report row. */
typedef struct field_problem {
    char field[64];
    char message[200];
} field_problem;

/* Indicators one report row may carry (the client's template has 8). */
#define REPORT_INDICATORS_MAX 64

/* The fields of a report as a unit submits it. n_indicators is the count
 * sent; only the first REPORT_INDICATORS_MAX names and values are read. */
typedef struct report_fields {
    int task_id;
    const char *status, *progress, *results, *difficulties, *proposals, *key;
    const char *const *indicator_names;
    const char *const *indicator_values;
    size_t n_indicators;
} report_fields;

/* Checks everything about a report row that needs no data: the status is
 * one of the four, progress a percentage that fits the status (0 when not
 * started, 100 when completed), the text the status requires (results when
 * under way or done, difficulties when behind or not started), UTF-8 and
 * lengths, indicator names (distinct, at most REPORT_INDICATORS_MAX) and
 * values, the idempotency key's form. Fills at most max
 * problems (field names as the CSV template's columns) and returns their
 * count. */
size_t validate_report(const report_fields *r, field_problem *out, size_t max);

#endif
