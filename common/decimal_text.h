/* Numbers as people type them into a spreadsheet or a command line, read
 * without the process locale: progress "75", "75%", "75 %", "75,5",
 * "75.00%" and indicator values with Vietnamese thousands and decimal
 * separators ("12.530,5", "1 234"). Each becomes the canonical decimal
 * text PostgreSQL's numeric takes ("75", "75.5", "12530.5"), or a reason
 * why not — never a silent reinterpretation: "12.530" (twelve thousand
 * five hundred thirty, or 12.53?) is refused with both readings.
 *
 * Also locale-free comparison and approximation of decimal text, so
 * nothing that reads user data calls sscanf("%lf")/strtod, whose decimal
 * mark follows LC_NUMERIC (under vi_VN.UTF-8 it is ',').
 *
 * Pure functions; messages Vietnamese first, English in brackets, as
 * validate.h's. */
#ifndef CCHC_DECIMAL_TEXT_H
#define CCHC_DECIMAL_TEXT_H

#include <stddef.h>

enum decimal_text_result {
    DECIMAL_TEXT_OK = 0,
    DECIMAL_TEXT_EMPTY,        /* nothing but spaces */
    DECIMAL_TEXT_NOT_A_NUMBER,
    DECIMAL_TEXT_NEGATIVE,
    DECIMAL_TEXT_OUT_OF_RANGE, /* a percentage over 100, too many integer digits */
    DECIMAL_TEXT_TOO_PRECISE,  /* more digits after the mark than the column keeps */
    DECIMAL_TEXT_AMBIGUOUS,    /* "12.530": thousands or decimals */
};

#define DECIMAL_TEXT_MAX 32 /* the longest canonical value a caller may ask for, NUL included */

typedef struct decimal_parse {
    char value[DECIMAL_TEXT_MAX]; /* canonical when OK: "75", "75.5", "12530" */
    /* AMBIGUOUS: the two readings, as a person would write each
     * unambiguously ("12530", "12,53") */
    char as_thousands[DECIMAL_TEXT_MAX], as_decimal[DECIMAL_TEXT_MAX];
    char why[400]; /* set unless OK: a message id with its arguments (msg_encode) */
} decimal_parse;

/* The rule for indicator values, in Vietnamese, for the template's
 * instructions (one paragraph, UTF-8). */
extern const char DECIMAL_TEXT_RULE_VI[];

/* A percentage 0–100 with at most two decimals: spaces (also no-break
 * spaces) around it, an optional '%' after it, '.' or ',' as the decimal
 * mark (no thousands: the value is at most 100). Returns a
 * decimal_text_result. */
int decimal_text_percent(const char *text, decimal_parse *out);

/* An indicator value: a non-negative decimal with at most max_integer
 * digits before the mark and max_fraction after it (trailing zeros do not
 * count), read by this rule:
 *   - ',' is the decimal mark;
 *   - '.', a space or a no-break space groups thousands, only in proper
 *     groups (1–3 digits, then groups of exactly 3): "1.234.567",
 *     "1 234,5";
 *   - when both '.' and ',' appear, the later one is the decimal mark
 *     ("1,234.5" as an English spreadsheet writes it, "1.234,5");
 *   - a single '.' that cannot be grouping is the decimal mark ("12.5",
 *     "1234.56", "0.530");
 *   - a single '.' or ',' after 1–3 digits (not starting with 0) and
 *     followed by exactly three digits and nothing else ("12.530",
 *     "12,530") is AMBIGUOUS, refused with both readings.
 * Returns a decimal_text_result. */
int decimal_text_quantity(const char *text, int max_integer, int max_fraction,
                          decimal_parse *out);

/* Canonical decimal text ("12.53") as a person should write it in the
 * template so decimal_text_quantity reads it back unambiguously: ',' as
 * the decimal mark, no grouping, a fourth decimal 0 when there are
 * exactly three ("1.234" → "1,2340"). Text that is not a plain decimal is
 * copied as is. */
void decimal_text_sheet_form(const char *canonical, char *out, size_t size);

/* Compares two non-negative decimals written as validate_decimal accepts
 * them ("087.50", "100"): <0, 0, >0. Digits only, no locale. */
int decimal_text_compare(const char *a, const char *b);

/* The value of a decimal text ("-12.5", "87.52") as a double, for drawing
 * (bar widths), never for storing; 0 for text that is not a decimal.
 * Independent of LC_NUMERIC. */
double decimal_text_approx(const char *text);

#endif
