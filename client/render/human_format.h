/* How dates, times and figures look to people (issue 14): dd/mm/yyyy
 * dates, times in Vietnam time (UTC+7, no daylight saving) marked as such,
 * one precision per kind of figure and the decimal mark of the language
 * (a comma in Vietnamese, a point in English). The server and --json keep
 * ISO dates, UTC timestamps and point decimals; only human output passes
 * through here. Pure functions on text (decimals are rounded as text, never
 * through floating point), unit-tested in tests/unit/test_human_format.c. */
#ifndef CCHC_HUMAN_FORMAT_H
#define CCHC_HUMAN_FORMAT_H

#include <stddef.h>

/* The kinds of figure people read, each with one precision (see
 * human_figure_places): plan points, computed percentages (completeness,
 * mean and effective progress), and the progress a unit reported. */
typedef enum human_figure {
    HUMAN_POINTS,
    HUMAN_PERCENT,
    HUMAN_PROGRESS,
} human_figure;

/* Decimal places shown for a kind of figure. */
int human_figure_places(human_figure kind);

/* "2023-07-31" (or the date part of a timestamp) → "31/07/2023". Text that
 * is not an ISO date is copied unchanged (an empty date stays empty).
 * Returns out. */
char *human_format_date(const char *iso, char *out, size_t size);

/* "2023-07-31T18:29:05Z" (UTC) → "01/08/2023 01:29 UTC+7". Text that is
 * not such a timestamp is copied unchanged. Returns out. */
char *human_format_time(const char *iso_utc, char *out, size_t size);

/* The day it is in Vietnam at t, as ISO "YYYY-MM-DD" (deadlines and the
 * once-a-day reminder count Vietnam's days, whatever the machine's zone).
 * Returns out. */
char *human_vietnam_day(long long t, char *out, size_t size);

/* A decimal as text ("60.857", "-0.004", "100") rounded half away from
 * zero to the kind's places, written with mark as the decimal separator;
 * percentages and progress end in "%". Text that is not a plain decimal
 * is copied unchanged. Returns out. */
char *human_format_figure(const char *decimal, human_figure kind, char mark, char *out,
                          size_t size);

/* The rounding alone: decimal to places with mark, no percent sign.
 * Returns 0, or -1 when decimal is not a plain decimal (then it is copied
 * unchanged). */
int human_round_decimal(const char *decimal, int places, char mark, char *out, size_t size);

#endif
