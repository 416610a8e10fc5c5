/* The measured run of the load generator: connections on one libuv loop,
 * each keeping `depth` requests in flight, kinds drawn from the weighted
 * mix, a warm-up whose requests count for nothing, then a window of
 * duration (or a number of requests) whose latencies make the figures,
 * then a drain that waits for every answer. */
#ifndef CCHC_LG_RUN_H
#define CCHC_LG_RUN_H

#include <stddef.h>

#include "lg.h"
#include "lg_cpu.h"

/* A reporter account: the connections that use it write its unit's reports,
 * the unit's tasks shared out among them so none writes another's. */
typedef struct lg_account {
    const char *user, *password;
} lg_account;

typedef struct lg_config {
    const char *servers[8]; /* connections go round-robin over them */
    int nservers;
    int connections, depth;
    int weights[LG_KINDS];
    double warmup_s, duration_s; /* duration 0: stop after `requests` */
    long requests;
    const char *periods[16]; /* submissions rotate over these periods */
    int nperiods;
    const char *status_period; /* status and missing ask about it */
    const char *status_by;
    int batch_rows;
    lg_account *accounts;
    int naccounts;
    lg_account viewer; /* status and missing; user NULL when not needed */
    double drain_timeout_s;
    unsigned long long seed;
    lg_cpu_probe *probes; /* read at the window's start and when every answer is in */
    int nprobes;
} lg_config;

typedef struct lg_result {
    lg_stats kinds[LG_KINDS]; /* requests sent in the measured window */
    long warm_sent, warm_answered, warm_errors;
    long rows_saved_all;   /* reports written, warm-up included: what the database holds */
    long answered_all, sent_all, errors_all;
    long unanswered;       /* still in flight when the drain gave up */
    long connections_lost; /* the server closed a connection */
    double window_s;       /* measured window: start to its last answer */
    long slots;            /* reports the connections write, together */
} lg_result;

/* Prepares (log in, learn each unit's reports) and runs; 0, or -1 with a
 * message in err when preparation failed (nothing was measured). */
int lg_run(const lg_config *cfg, lg_result *out, char *err, size_t errlen);

#endif
