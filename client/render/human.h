/* The conventions of this run applied to one value at a time, for
 * commands that print dates, times and figures to people: the language's
 * decimal mark is set once (main, from the chosen language) and each call
 * returns text in one of a few rotating buffers, so a printf can take
 * several at once:
 *     printf("%s – %s\n", human_date(p->data_from), human_date(p->data_until));
 * A returned pointer stays valid for the next HUMAN_SLOTS - 1 calls.
 * Never for --json, which keeps the server's ISO text. */
#ifndef CCHC_HUMAN_H
#define CCHC_HUMAN_H

#include "human_format.h"

#define HUMAN_SLOTS 16

/* english: a point as decimal mark; else (Vietnamese) a comma. */
void human_use_english(int english);
char human_decimal_mark(void);

const char *human_date(const char *iso);        /* 31/07/2023 */
const char *human_time(const char *iso_utc);    /* 01/08/2023 01:29 UTC+7 */
const char *human_points(const char *decimal);  /* 1,50 */
const char *human_percent(const char *decimal); /* 60,9% */
const char *human_progress(const char *decimal);/* 12,5% */
/* A measured duration in milliseconds, 3 places: 0,214 */
const char *human_milliseconds(double ms);

#endif
