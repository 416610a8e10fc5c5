/* See human.h. */
#include "human.h"

#include <stdio.h>
#include <string.h>

static char mark = ',';
static char slots[HUMAN_SLOTS][96];
static unsigned next_slot;

void human_use_english(int english)
{
    mark = english ? '.' : ',';
}

char human_decimal_mark(void)
{
    return mark;
}

static char *slot(void)
{
    return slots[next_slot++ % HUMAN_SLOTS];
}

const char *human_date(const char *iso)
{
    return human_format_date(iso, slot(), sizeof(slots[0]));
}

const char *human_time(const char *iso_utc)
{
    return human_format_time(iso_utc, slot(), sizeof(slots[0]));
}

const char *human_points(const char *decimal)
{
    return human_format_figure(decimal, HUMAN_POINTS, mark, slot(), sizeof(slots[0]));
}

const char *human_percent(const char *decimal)
{
    return human_format_figure(decimal, HUMAN_PERCENT, mark, slot(), sizeof(slots[0]));
}

const char *human_progress(const char *decimal)
{
    return human_format_figure(decimal, HUMAN_PROGRESS, mark, slot(), sizeof(slots[0]));
}

const char *human_milliseconds(double ms)
{
    /* a measurement, not a stored decimal: printf rounds it, the mark is ours */
    char *out = slot();
    snprintf(out, sizeof(slots[0]), "%.3f", ms);
    char *point = strchr(out, '.');
    if (point)
        *point = mark;
    return out;
}
