/* Latency samples and error counts of the load generator. Every answered
 * measured request keeps its latency (8 bytes: a minute at 20,000 per
 * second is 10 MB), so percentiles are exact, not bucketed. */
#include <stdlib.h>
#include <string.h>

#include "lg.h"

static const char *const kind_names[LG_KINDS] = {"submit", "batch",   "status",
                                                 "missing", "ping", "pingdb"};

const char *lg_kind_name(lg_kind kind)
{
    return kind >= 0 && kind < LG_KINDS ? kind_names[kind] : "?";
}

int lg_kind_by_name(const char *name)
{
    for (int k = 0; k < LG_KINDS; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

void lg_stats_record(lg_stats *s, uint64_t ns)
{
    if (s->nlat == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        uint64_t *grown = realloc(s->lat_ns, cap * sizeof(*grown));
        if (!grown)
            abort(); /* a benchmark that lost samples would report wrong figures */
        s->lat_ns = grown;
        s->cap = cap;
    }
    s->lat_ns[s->nlat++] = ns;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

double lg_stats_quantile_ms(lg_stats *s, double q)
{
    if (s->nlat == 0)
        return 0;
    qsort(s->lat_ns, s->nlat, sizeof(*s->lat_ns), cmp_u64);
    /* nearest rank: the smallest sample with at least q of all at or below it */
    size_t rank = (size_t)(q * (double)s->nlat + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > s->nlat)
        rank = s->nlat;
    return (double)s->lat_ns[rank - 1] / 1e6;
}

double lg_stats_mean_ms(const lg_stats *s)
{
    if (s->nlat == 0)
        return 0;
    double sum = 0;
    for (size_t i = 0; i < s->nlat; i++)
        sum += (double)s->lat_ns[i];
    return sum / (double)s->nlat / 1e6;
}

void lg_stats_count_error(lg_stats *s, Cchc__V1__ErrorCode code)
{
    int i = (int)code;
    if (i < 0 || i >= 32)
        i = 0;
    s->errors_by_code[i]++;
    s->errors++;
}

void lg_stats_free(lg_stats *s)
{
    free(s->lat_ns);
    memset(s, 0, sizeof(*s));
}
