/* See validate.h. */
#include "validate.h"

#include <stdio.h>
#include <string.h>

#include "decimal_text.h"
#include "msg_format.h"
#include "utf8.h"

/* A reason is an English message id with its arguments (msg_encode): the
 * server sends it as such and the client shows it in its language. */
static void reason(char *why, size_t why_size, const char *id, const char *arg)
{
    const char *args[] = {arg};
    msg_encode(why, why_size, id, args, arg ? 1 : 0);
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int validate_date(const char *text, char *why, size_t why_size)
{
    if (!text || !*text)
        return 0;
    int y, m, d;
    char tail;
    char quoted[41];
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
        sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) {
        reason(why, why_size, MSG_ID("date \"%s\" is not in the form YYYY-MM-DD"),
               utf8_quotable(text, quoted, 40));
        return -1;
    }
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) {
            reason(why, why_size, MSG_ID("date \"%s\" is not in the form YYYY-MM-DD"),
                   utf8_quotable(text, quoted, 40));
            return -1;
        }
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 ||
        d > days[m - 1] + (m == 2 && leap(y))) {
        reason(why, why_size, MSG_ID("date \"%s\" does not exist"), text);
        return -1;
    }
    return 0;
}

int validate_text(const char *text, size_t max_bytes, char *why, size_t why_size)
{
    size_t n = strlen(text);
    if (n > max_bytes) {
        char sizes[2][24];
        snprintf(sizes[0], sizeof(sizes[0]), "%zu", n);
        snprintf(sizes[1], sizeof(sizes[1]), "%zu", max_bytes);
        const char *args[] = {sizes[0], sizes[1]};
        msg_encode(why, why_size, MSG_ID("too long: %s bytes, at most %s"), args, 2);
        return -1;
    }
    if (!utf8_valid(text, n)) {
        reason(why, why_size, MSG_ID("not valid UTF-8 text"), NULL);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            char hex[8];
            snprintf(hex, sizeof(hex), "0x%02X", c);
            reason(why, why_size, MSG_ID("holds the control character %s"), hex);
            return -1;
        }
    }
    return 0;
}

int validate_decimal(const char *text, int max_integer, int max_fraction, char *why,
                     size_t why_size)
{
    int integer = 0, fraction = 0, seen_point = 0;
    const char *p = text;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (seen_point)
                fraction++;
            else
                integer++;
        } else if (*p == '.' && !seen_point) {
            seen_point = 1;
        } else {
            break;
        }
    }
    if (*p || integer == 0 || (seen_point && fraction == 0) || integer > max_integer ||
        fraction > max_fraction) {
        char quoted[41], digits[16];
        snprintf(digits, sizeof(digits), "%d", max_fraction);
        const char *args[] = {utf8_quotable(text, quoted, 40), digits};
        msg_encode(why, why_size,
                   MSG_ID("\"%s\" is not a valid decimal (expected a decimal like 87.52, at most "
                          "%s digits after the point)"),
                   args, 2);
        return -1;
    }
    return 0;
}

/* Limits on a report's texts, in bytes (about 2,000 Vietnamese words). */
#define REPORT_TEXT_MAX 16000

static void add_problem(field_problem *out, size_t max, size_t *n, const char *field,
                        const char *message)
{
    if (*n < max) {
        snprintf(out[*n].field, sizeof(out[*n].field), "%s", field);
        snprintf(out[*n].message, sizeof(out[*n].message), "%s", message);
    }
    (*n)++;
}

static int is_status(const char *s)
{
    return strcmp(s, "not_started") == 0 || strcmp(s, "in_progress") == 0 ||
           strcmp(s, "completed") == 0 || strcmp(s, "behind") == 0;
}

size_t validate_report(const report_fields *r, field_problem *out, size_t max)
{
    size_t n = 0;
    char why[200];
    if (r->task_id <= 0)
        add_problem(out, max, &n, "task", MSG_ID("task id missing"));
    int status_ok = is_status(r->status);
    if (!status_ok)
        add_problem(out, max, &n, "status",
                    MSG_ID("the status must be not_started, in_progress, completed or behind"));
    if (validate_decimal(r->progress, 3, 2, why, sizeof(why)) != 0) {
        add_problem(out, max, &n, "progress", why);
    } else {
        /* compared as decimal text: sscanf("%lf") would follow LC_NUMERIC,
         * whose decimal mark is ',' under vi_VN, and read "100.5" as 100 */
        if (decimal_text_compare(r->progress, "100") > 0)
            add_problem(out, max, &n, "progress", MSG_ID("progress is from 0 to 100"));
        else if (status_ok && strcmp(r->status, "completed") == 0 &&
                 decimal_text_compare(r->progress, "100") != 0)
            add_problem(out, max, &n, "progress",
                        MSG_ID("completed means progress 100"));
        else if (status_ok && strcmp(r->status, "not_started") == 0 &&
                 decimal_text_compare(r->progress, "0") != 0)
            add_problem(out, max, &n, "progress",
                        MSG_ID("not started means progress 0"));
    }
    const struct { const char *name, *value; } texts[] = {
        {"results", r->results}, {"difficulties", r->difficulties}, {"proposals", r->proposals}};
    for (size_t i = 0; i < 3; i++)
        if (validate_text(texts[i].value, REPORT_TEXT_MAX, why, sizeof(why)) != 0)
            add_problem(out, max, &n, texts[i].name, why);
    if (status_ok) {
        int needs_results = strcmp(r->status, "in_progress") == 0 || strcmp(r->status, "completed") == 0;
        if (needs_results && !*r->results)
            add_problem(out, max, &n, "results",
                        MSG_ID("results are required when under way or completed"));
        if (!needs_results && !*r->difficulties)
            add_problem(out, max, &n, "difficulties",
                        MSG_ID("difficulties are required when behind or not started"));
    }
    size_t n_indicators = r->n_indicators;
    if (n_indicators > REPORT_INDICATORS_MAX) {
        char counts[2][24];
        snprintf(counts[0], sizeof(counts[0]), "%d", REPORT_INDICATORS_MAX);
        snprintf(counts[1], sizeof(counts[1]), "%zu", n_indicators);
        const char *args[] = {counts[0], counts[1]};
        msg_encode(why, sizeof(why), MSG_ID("too many indicators: at most %s per report, %s given"),
                   args, 2);
        add_problem(out, max, &n, "indicators", why);
        n_indicators = REPORT_INDICATORS_MAX;
    }
    for (size_t i = 0; i < n_indicators; i++) {
        const char *name = r->indicator_names[i], *value = r->indicator_values[i];
        int repeated = 0;
        for (size_t k = 0; k < i && !repeated; k++)
            repeated = strcmp(r->indicator_names[k], name) == 0;
        if (!*name || validate_text(name, 64, why, sizeof(why)) != 0)
            add_problem(out, max, &n, "indicators", MSG_ID("bad indicator name"));
        else if (repeated)
            add_problem(out, max, &n, "indicators", MSG_ID("an indicator named twice"));
        else if (validate_decimal(value, 12, 4, why, sizeof(why)) != 0)
            add_problem(out, max, &n, "indicators", why);
    }
    size_t key_len = strlen(r->key);
    int key_ok = key_len >= 16 && key_len <= 64;
    for (size_t i = 0; key_ok && i < key_len; i++) {
        char c = r->key[i];
        key_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
    }
    if (!key_ok)
        add_problem(out, max, &n, "idempotency_key",
                    MSG_ID("bad idempotency key: 16-64 characters A-Z a-z 0-9 - _"));
    return n;
}

int validate_period(const char *period)
{
    size_t n = strlen(period);
    int ok = (n == 6 || n == 7) && period[4] == '-' &&
             (strcmp(period + 5, "Q1") == 0 || strcmp(period + 5, "6M") == 0 ||
              strcmp(period + 5, "9M") == 0 || strcmp(period + 5, "Y") == 0);
    for (int i = 0; ok && i < 4; i++)
        ok = period[i] >= '0' && period[i] <= '9';
    return ok;
}
