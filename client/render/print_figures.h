/* How the printed consolidated report writes figures and dates for a
 * Vietnamese reader (docs/admin-document.md): a decimal comma, two
 * decimals for every percentage and points figure, dates dd/mm/yyyy, the
 * day in Vietnam time. Pure text work on the server's canonical decimals
 * ("60.8571") and ISO dates ("2024-03-31"): no double, no locale, so the
 * printed figure is the exact decimal rounded half up. */
#ifndef CCHC_PRINT_FIGURES_H
#define CCHC_PRINT_FIGURES_H

#include <stddef.h>
#include <time.h>

/* A canonical decimal ("60.8571", "100", "-0.005") rounded half up (away
 * from zero) to `places` decimals, written with a decimal comma ("60,86",
 * "100,00", "-0,01"). Text that is not a plain decimal ("" for "no
 * reports yet", "n/a") is copied as it is. Returns 0, or -1 when out is
 * too small (out is then ""). */
int print_decimal(const char *canonical, int places, char *out, size_t size);

/* The same rounding with a dot ("60.86"): what the bars are drawn from,
 * so a bar's length is that of the number printed beside it. */
int print_decimal_dot(const char *canonical, int places, char *out, size_t size);

/* "2024-03-31" (or a timestamp starting with it) as "31/03/2024"; other
 * text copied as it is. out needs 11 bytes for a date. */
void print_date(const char *iso, char *out, size_t size);

/* The calendar day in Vietnam (UTC+7, no daylight saving) at `when`, as
 * dd/mm/yyyy. */
void print_vietnam_day(time_t when, char out[11]);

#endif
