/* What the parts of the load generator (bench/loadgen) share: the request
 * kinds of the mix, the reports a connection may write, the figures kept
 * per kind. The load generator exists so that every figure of
 * docs/performance.md is measured from outside, through the real protocol,
 * the way clients load cchcd: many connections, several requests in flight
 * on each, a mix of writes and reads. */
#ifndef CCHC_LG_H
#define CCHC_LG_H

#include <stddef.h>
#include <stdint.h>

#include "cchc/v1/envelope.pb-c.h"

typedef enum lg_kind {
    LG_SUBMIT,  /* one report (a clerk's `cchc submit --task`) */
    LG_BATCH,   /* a whole template: --batch-rows reports of one unit at once */
    LG_STATUS,  /* citywide status of a period (`cchc status`) */
    LG_MISSING, /* who has not reported (`cchc missing`) */
    LG_PING,    /* answered by cchcd alone */
    LG_PINGDB,  /* a ping with a round trip through the database pool */
    LG_KINDS
} lg_kind;

const char *lg_kind_name(lg_kind kind);
/* The kind named name ("submit"), or -1. */
int lg_kind_by_name(const char *name);

/* One report a connection writes again and again: it alone writes it
 * (no other connection has it), so the revision it last saw is the
 * report's latest and every submission names the right base revision
 * (docs/concurrency.md) and none conflicts. */
typedef struct lg_slot {
    int period;   /* index into the configured periods */
    int task_id;
    int revision; /* the report's latest revision as last answered */
    int busy;     /* a submission of it is in flight */
    int dead;     /* an answer left its revision unknown: never sent again */
} lg_slot;

/* Figures of one kind: latencies of measured requests, errors by code. */
typedef struct lg_stats {
    long sent, answered, ok, errors;
    long rows_saved, rows_replayed;
    long errors_by_code[32]; /* indexed by Cchc__V1__ErrorCode, clamped */
    uint64_t *lat_ns;        /* one per answered measured request */
    size_t nlat, cap;
} lg_stats;

void lg_stats_record(lg_stats *s, uint64_t ns);
/* The q-th quantile (0..1) of the recorded latencies, in ms; sorts them. */
double lg_stats_quantile_ms(lg_stats *s, double q);
double lg_stats_mean_ms(const lg_stats *s);
void lg_stats_count_error(lg_stats *s, Cchc__V1__ErrorCode code);
void lg_stats_free(lg_stats *s);

#endif
