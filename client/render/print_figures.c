/* See print_figures.h. The rounding and the date forms are those of the
 * terminal's human output (human_format.c); this file only fixes what the
 * printed report wants: a comma whatever the reader's language, and no
 * cut figure (a buffer too small gives "" and -1, never a shorter number). */
#include "print_figures.h"

#include <stdio.h>
#include <string.h>

#include "human_format.h"

static int round_with(const char *canonical, int places, char mark, char *out, size_t size)
{
    if (size == 0)
        return -1;
    char text[96];
    human_round_decimal(canonical ? canonical : "", places, mark, text, sizeof(text));
    if (strlen(text) >= size) {
        out[0] = '\0';
        return -1;
    }
    memcpy(out, text, strlen(text) + 1);
    return 0;
}

int print_decimal(const char *canonical, int places, char *out, size_t size)
{
    return round_with(canonical, places, ',', out, size);
}

int print_decimal_dot(const char *canonical, int places, char *out, size_t size)
{
    return round_with(canonical, places, '.', out, size);
}

void print_date(const char *iso, char *out, size_t size)
{
    human_format_date(iso, out, size);
}

void print_vietnam_day(time_t when, char out[11])
{
    char iso[16];
    human_vietnam_day((long long)when, iso, sizeof(iso));
    human_format_date(iso, out, 11);
}
