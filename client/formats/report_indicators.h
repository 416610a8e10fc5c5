/* A report's indicators as the template's "Giá trị chỉ số" cell shows them
 * and as the server keeps them (a JSON object of name → decimal text).
 * Before issue 13 the cell was made by stripping braces and quotes from the
 * JSON and read back by splitting on ';' and '=', so a name holding one of
 * those, or a quote, came back as something else, and only 8 fitted. Here
 * both directions go through jansson, with one cell syntax
 * (docs/cumulative.md, "Indicators in the template"):
 *
 *   (empty)                 no indicators in this row: the report keeps its
 *                           previous ones
 *   -                       remove every indicator of the report
 *   tên=giá trị; tên=giá trị
 *                           names as typed; a name holding ; = " or a line
 *                           break, or with spaces at either end, in JSON
 *                           quotes: "Số hồ sơ; trực tuyến"=12
 *   {"tên": "12,5", …}      a JSON object (values text or whole numbers)
 *
 * Values are written with ',' as the decimal mark and no grouping, and read
 * by the thousands/decimal rule of the template's instructions. Pure. */
#ifndef CCHC_REPORT_INDICATORS_H
#define CCHC_REPORT_INDICATORS_H

#include <stddef.h>

typedef struct indicator_list {
    size_t n, cap;
    char **names, **values; /* values as decimals with '.' ("12.5"), ready to send */
    int clear;              /* the cell said "-": remove the report's indicators */
} indicator_list;

/* Reads a cell into *out (which it initialises). Returns 0; -1 when memory
 * ran out; 1 when the cell cannot be read, with why (the whole cell is then
 * refused: a half-read list would drop indicators silently). How many there
 * are is not limited here: validate_report says so, as the server does. */
int indicators_parse_cell(const char *cell, indicator_list *out, char *why, size_t why_size);
/* The cell for a JSON object text as the server sends it ("" or "{}" give
 * ""). Returns a malloc'd string, NULL when memory ran out; an unreadable
 * text comes back as it is. */
char *indicators_cell_of_json(const char *json_text);
/* Appends one `--indicator tên=giá-trị` to a cell: the name is what comes
 * before the last '=' and is quoted when the cell syntax needs it, so
 * "Số hồ sơ; trực tuyến=5" is one indicator; "-" alone clears. Returns the
 * grown cell (cell itself is then freed), NULL when memory ran out (cell
 * is freed too). */
char *indicators_cell_add(char *cell, const char *arg);
/* Whether two lists say the same (names and values by value, any order). */
int indicators_same(const indicator_list *a, const indicator_list *b);
void indicator_list_free(indicator_list *list);

/* One value as a person writes it ("12.530.000", "99,4", "1 234,5") → the
 * decimal text the server keeps ("12530000", "99.4", "1234.5"); -1 with why
 * when it is not a number or its separators are ambiguous ("12.530"): the
 * rule of common/decimal_text.h (decimal_text_quantity), which the
 * template's instructions print (DECIMAL_TEXT_RULE_VI). */
int indicator_value_parse(const char *text, char *out, size_t size, char *why, size_t why_size);

#endif
