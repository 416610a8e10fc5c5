/* A group transaction's writes as one statement (issue 15, deliver 1).
 * db_group.c sends the writes of one transaction; when they are all report
 * submissions (cchc_report_submit, cchc_report_submit_keyed) they go as
 * one cchc_report_submit_many whose rows are split back into each write's
 * own result, so each owner reads exactly the rows its own statement
 * would have given. Their stored answers (cchc_request_key_store) likewise
 * go as one cchc_request_key_store_many. One statement instead of one per
 * submission saves each submission its statement's protocol messages,
 * executor start and snapshot in the database (docs/performance.md,
 * "Group commit in one statement"). */
#ifndef CCHCD_DB_GROUP_MERGE_H
#define CCHCD_DB_GROUP_MERGE_H

#include <libpq-fe.h>

#include "db_pool.h"

/* One merged statement and the parameters it owns. */
typedef struct db_merged {
    db_step step;
    char *values[5];
} db_merged;

/* When every one of the n writes can be merged (and n > 1), fills merged
 * (free with db_merged_free) and returns 1; otherwise 0 (merged is then
 * empty), and the writes go one statement each as before. */
int db_group_merge_writes(const db_step *writes, int n, db_merged *merged);

/* Splits the merged statement's rows into results[0..n): write i's rows
 * in their order, the column naming the write dropped. Returns 0, or -1
 * (nothing allocated) when the rows do not fit n writes or memory ran out.
 * The caller PQclears each results[i]. */
int db_group_merge_split(const PGresult *rows, int n, PGresult **results);

/* The same for the writes' last statements: when all n are
 * cchc_request_key_store (and n > 1), one cchc_request_key_store_many. */
int db_group_merge_lasts(const db_step *lasts, int n, db_merged *merged);

void db_merged_free(db_merged *merged);

#endif
