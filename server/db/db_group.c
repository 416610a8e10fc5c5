/* See db_group.h for the design. The writes wait in a fair queue of their
 * own with no caps (db_fair.h): its order, accounts then connections in
 * turn, is the order in which a transaction takes them, so one client's
 * flood cannot push a newcomer out of the next transaction. A transaction
 * of one write is sent as that write's own (its owner's place in the
 * pool's fair queue, dropped there if the client goes); a larger one as
 * the group's, whose writes were checked for gone clients just before. */
#include "db_group.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "db_fair.h"
#include "db_group_merge.h"
#include "log.h"

/* The pool's owner of a transaction of several writes: no account, and a
 * client id no connection has (they count up from 1). */
#define GROUP_CLIENT UINT64_MAX

struct db_group_item {
    fair_item link;
    db_group *group;
    db_owner owner;
    statement_id statement;
    int nparams;
    char **values;
    char *order;        /* what it locks first: the transaction's order */
    unsigned long long seq; /* … and among equals, the order of arrival */
    db_group_rows_fn fn;
    void *ctx;
    /* set by db_group_commit */
    int committed;
    db_step last;
    char **last_values;
    db_result_fn done_fn;
    void *done_ctx;
    struct db_group_item *next; /* in a list of gone clients' writes */
};

#define ITEM_OF(link_ptr) ((db_group_item *)((char *)(link_ptr) - offsetof(db_group_item, link)))

/* One transaction of the group. */
typedef struct group_batch {
    db_group *group;
    int n;
    int alone; /* sent again alone after a failed transaction: never split */
    int merged; /* its writes went as one statement (db_group_merge.h) */
    db_group_item **items;
} group_batch;

struct db_group {
    uv_loop_t *loop;
    db_pool *pool;
    db_group_config config;
    fair_queue queue;
    int inflight;       /* transactions in the database */
    int due;            /* what waits has waited its window */
    uv_timer_t timer;   /* the window, or the next loop turn */
    uv_timer_t overlap_timer; /* when a second transaction may start */
    int handles_open;   /* the two timers until closed */
    uint64_t latest_sent_ns; /* uv_hrtime when the latest transaction left */
    int closing;
    unsigned long long transactions, writes;
    unsigned long long arrivals;
};

static void group_flush(db_group *group);

static char **copy_values(int nparams, const char *const *values)
{
    if (nparams <= 0)
        return NULL;
    char **copy = calloc((size_t)nparams, sizeof(char *));
    for (int i = 0; copy && i < nparams; i++) {
        if (values[i] && !(copy[i] = strdup(values[i]))) {
            for (int k = 0; k < i; k++)
                free(copy[k]);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

static void free_values(int nparams, char **values)
{
    for (int i = 0; values && i < nparams; i++)
        free(values[i]);
    free(values);
}

static void item_free(db_group_item *item)
{
    free_values(item->nparams, item->values);
    free_values(item->last.nparams, item->last_values);
    free(item->order);
    free(item);
}

static void maybe_free_group(db_group *group)
{
    if (group->closing && group->inflight == 0 && group->handles_open == 0) {
        fair_free(&group->queue);
        free(group);
    }
}

static void on_timer_closed(uv_handle_t *handle)
{
    db_group *group = handle->data;
    group->handles_open--;
    maybe_free_group(group);
}

static void on_timer(uv_timer_t *timer)
{
    db_group *group = timer->data;
    group->due = 1;
    group_flush(group);
}

/* Runs the flush on the next loop turn: never inside a submission. */
static void flush_soon(db_group *group)
{
    if (!group->closing)
        uv_timer_start(&group->timer, on_timer, 0, 0);
}

static void on_overlap_timer(uv_timer_t *timer)
{
    group_flush(timer->data);
}

/* Whether another transaction may leave now (db_group.h, overlap_us);
 * when only the overlap stops it, arms the timer for the rest of it. The
 * time runs from the latest transaction sent, which may have ended while
 * an older one still runs: then the older one has run longer, so the rule
 * errs towards waiting, never towards starting early. */
static int may_send(db_group *group)
{
    if (group->inflight == 0)
        return 1;
    if (group->inflight >= group->config.max_inflight)
        return 0;
    uint64_t ran_us = (uv_hrtime() - group->latest_sent_ns) / 1000;
    if (ran_us >= group->config.overlap_us)
        return 1;
    if (!group->closing && !uv_is_active((uv_handle_t *)&group->overlap_timer))
        uv_timer_start(&group->overlap_timer, on_overlap_timer,
                       (group->config.overlap_us - ran_us + 999) / 1000, 0);
    return 0;
}

static void start_window(db_group *group)
{
    if (group->closing || uv_is_active((uv_handle_t *)&group->timer))
        return;
    uint64_t ms = (group->config.window_us + 999) / 1000;
    uv_timer_start(&group->timer, on_timer, ms, 0);
}

db_group *db_group_create(uv_loop_t *loop, db_pool *pool, const db_group_config *config)
{
    db_group *group = calloc(1, sizeof(*group));
    if (!group)
        return NULL;
    group->loop = loop;
    group->pool = pool;
    group->config = *config;
    if (group->config.max_items < 1)
        group->config.max_items = 1;
    if (group->config.max_items > DB_GROUP_MAX_ITEMS)
        group->config.max_items = DB_GROUP_MAX_ITEMS;
    if (group->config.max_inflight < 1)
        group->config.max_inflight = 1;
    fair_init(&group->queue, 0, 0);
    uv_timer_init(loop, &group->timer);
    group->timer.data = group;
    uv_timer_init(loop, &group->overlap_timer);
    group->overlap_timer.data = group;
    group->handles_open = 2;
    return group;
}

db_submit db_group_submit(db_group *group, const db_owner *owner, const db_step *step,
                          const char *order, db_group_rows_fn fn, void *ctx)
{
    if (group->closing || !db_pool_accepting(group->pool))
        return DB_SUBMIT_UNAVAILABLE;
    if (group->queue.queued >= group->config.max_queue)
        return DB_SUBMIT_BUSY;
    db_group_item *item = calloc(1, sizeof(*item));
    if (!item)
        return DB_SUBMIT_UNAVAILABLE;
    item->group = group;
    item->owner = owner ? *owner : (db_owner){0, 0, NULL};
    item->statement = step->statement;
    item->nparams = step->nparams;
    item->values = copy_values(step->nparams, step->values);
    item->order = strdup(order ? order : "");
    item->seq = group->arrivals++;
    item->fn = fn;
    item->ctx = ctx;
    uint64_t account = item->owner.account, client = item->owner.client;
    if ((step->nparams > 0 && !item->values) || !item->order ||
        !fair_push(&group->queue, account ? account << 1 | 1 : client << 1, client,
                   &item->link)) {
        item_free(item);
        return DB_SUBMIT_UNAVAILABLE;
    }
    if (group->config.window_us == 0 || group->due ||
        group->queue.queued >= group->config.max_items)
        flush_soon(group);
    else
        start_window(group);
    return DB_SUBMIT_OK;
}

void db_group_commit(db_group_item *item, const db_step *last, db_result_fn fn, void *ctx)
{
    if (item->committed)
        return;
    item->committed = 1;
    item->done_fn = fn;
    item->done_ctx = ctx;
    item->last.statement = STMT_COUNT; /* none */
    if (!last)
        return;
    item->last_values = copy_values(last->nparams, last->values);
    if (last->nparams > 0 && !item->last_values) {
        log_error("out of memory keeping a grouped write's last statement; it is not run");
        return;
    }
    item->last = (db_step){last->statement, last->nparams,
                           (const char *const *)item->last_values};
}

void db_group_counts(const db_group *group, unsigned long long *transactions,
                     unsigned long long *writes)
{
    *transactions = group->transactions;
    *writes = group->writes;
}

/* ---- a transaction ----------------------------------------------------------- */

static void batch_free(group_batch *batch)
{
    for (int i = 0; i < batch->n; i++)
        if (batch->items[i])
            item_free(batch->items[i]);
    free(batch->items);
    free(batch);
}

/* The transaction has ended: the group may send another. */
static void batch_ended(group_batch *batch)
{
    db_group *group = batch->group;
    batch_free(batch);
    group->inflight--;
    if (group->closing)
        maybe_free_group(group);
    else if (group->queue.queued > 0)
        flush_soon(group);
}

static void on_batch_committed(void *ctx, db_status status, PGresult *const *results,
                               int nresults, const char *message)
{
    (void)results;
    (void)nresults;
    group_batch *batch = ctx;
    for (int i = 0; i < batch->n; i++) {
        db_group_item *item = batch->items[i];
        if (item->done_fn)
            item->done_fn(item->done_ctx, status, NULL, 0, message);
    }
    batch_ended(batch);
}

static db_submit batch_send(group_batch *batch);

/* A statement of the transaction failed and nothing committed: one write's
 * data may be the cause, so each is sent again alone and only that one
 * fails. */
static void batch_split(group_batch *batch)
{
    db_group *group = batch->group;
    log_info("group commit: a transaction of %d writes failed; sending each alone", batch->n);
    for (int i = 0; i < batch->n; i++) {
        db_group_item *item = batch->items[i];
        batch->items[i] = NULL;
        group_batch *alone = calloc(1, sizeof(*alone));
        db_group_item **items = alone ? calloc(1, sizeof(*items)) : NULL;
        db_submit submitted = DB_SUBMIT_UNAVAILABLE;
        if (items) {
            alone->group = group;
            alone->n = 1;
            alone->alone = 1;
            alone->items = items;
            items[0] = item;
            group->inflight++;
            submitted = batch_send(alone);
            if (submitted == DB_SUBMIT_OK)
                continue;
            group->inflight--;
            alone->items[0] = NULL;
        }
        free(items);
        free(alone);
        item->fn(item->ctx, DB_UNAVAILABLE, NULL, 0,
                 submitted == DB_SUBMIT_BUSY ? "server busy: the database queue is full"
                                             : "database unavailable",
                 NULL);
        item_free(item);
    }
    batch_ended(batch);
}

static void on_batch_rows(void *ctx, db_status status, PGresult *const *results, int nresults,
                          const char *message, db_hold *hold)
{
    group_batch *batch = ctx;
    if (status != DB_OK) {
        if (status == DB_QUERY_ERROR && batch->n > 1 && !batch->alone) {
            batch_split(batch);
            return;
        }
        for (int i = 0; i < batch->n; i++) {
            db_group_item *item = batch->items[i];
            PGresult *const *own =
                results && i < nresults && !batch->merged ? results + i : NULL;
            item->fn(item->ctx, status, own, own ? 1 : 0, message, NULL);
        }
        batch_ended(batch);
        return;
    }
    PGresult **own = NULL; /* each write's rows of a merged statement */
    if (batch->merged) {
        own = calloc((size_t)batch->n, sizeof(*own));
        if (!own || nresults < 1 || db_group_merge_split(results[0], batch->n, own) != 0) {
            /* out of memory, or rows this code does not expect: nobody can
             * be answered; the writes commit without their answers, which
             * a resend with the same key then finds missing (docs/retry.md) */
            log_error("group commit: the rows of %d merged writes cannot be split", batch->n);
            free(own);
            for (int i = 0; i < batch->n; i++)
                batch->items[i]->fn(batch->items[i]->ctx, DB_OUTCOME_UNKNOWN, NULL, 0,
                                    "server out of memory", NULL);
            db_hold_commit_steps(hold, NULL, 0, NULL, NULL);
            batch_ended(batch);
            return;
        }
    }
    db_step *lasts = calloc((size_t)batch->n, sizeof(*lasts));
    int nlast = 0;
    for (int i = 0; i < batch->n; i++) {
        db_group_item *item = batch->items[i];
        item->fn(item->ctx, DB_OK, own ? own + i : results + i, 1, "", item);
        if (!item->committed) {
            log_error("a grouped write did not end its part of the transaction; committing it");
            db_group_commit(item, NULL, NULL, NULL);
        }
        if (item->last.statement != STMT_COUNT && lasts)
            lasts[nlast++] = item->last;
    }
    for (int i = 0; own && i < batch->n; i++)
        PQclear(own[i]);
    free(own);
    if (!lasts && batch->n > 0)
        log_error("out of memory: the answers of %d grouped writes are not stored", batch->n);
    db_merged answers;
    if (db_group_merge_lasts(lasts, nlast, &answers))
        db_hold_commit_steps(hold, &answers.step, 1, on_batch_committed, batch);
    else
        db_hold_commit_steps(hold, lasts, nlast, on_batch_committed, batch);
    db_merged_free(&answers);
    free(lasts); /* the pool copied the statements */
}

static db_submit batch_send(group_batch *batch)
{
    db_group *group = batch->group;
    db_step steps[DB_GROUP_MAX_ITEMS];
    for (int i = 0; i < batch->n; i++) {
        db_group_item *item = batch->items[i];
        steps[i] = (db_step){item->statement, item->nparams, (const char *const *)item->values};
    }
    /* one write goes as its owner's, several as the group's */
    db_owner owner = batch->n == 1 ? batch->items[0]->owner
                                   : (db_owner){.account = 0, .client = GROUP_CLIENT, .gone = NULL};
    /* several submissions: one statement (a lone one goes as it is) */
    db_merged merged;
    memset(&merged, 0, sizeof(merged));
    batch->merged = !batch->alone && db_group_merge_writes(steps, batch->n, &merged);
    db_submit submitted =
        batch->merged
            ? db_pool_submit_held(group->pool, &owner, &merged.step, 1, on_batch_rows, batch)
            : db_pool_submit_held(group->pool, &owner, steps, batch->n, on_batch_rows, batch);
    db_merged_free(&merged); /* the pool copied the parameters */
    if (submitted == DB_SUBMIT_OK) {
        group->transactions++;
        group->writes += (unsigned long long)batch->n;
        log_debug("group commit: %d write%s in one transaction%s (%d waiting)", batch->n,
                  batch->n == 1 ? "" : "s", batch->merged ? ", one statement" : "",
                  group->queue.queued);
    }
    return submitted;
}

/* Lock order first, then arrival. */
static int compare_items(const void *a, const void *b)
{
    const db_group_item *x = *(db_group_item *const *)a, *y = *(db_group_item *const *)b;
    int c = strcmp(x->order, y->order);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Takes up to max_items waiting writes in the fair queue's order (who gets
 * into this transaction), then runs them in lock order (db_group_submit);
 * the writes of clients that have gone are answered unsent instead. */
static group_batch *batch_take(db_group *group)
{
    group_batch *batch = calloc(1, sizeof(*batch));
    db_group_item **items =
        batch ? calloc((size_t)group->config.max_items, sizeof(*items)) : NULL;
    if (!items) {
        free(batch);
        return NULL;
    }
    batch->group = group;
    batch->items = items;
    fair_member *member;
    fair_item *link;
    while (batch->n < group->config.max_items && (link = fair_next(&group->queue, &member))) {
        fair_done(&group->queue, member); /* no caps here: nothing counts in flight */
        db_group_item *item = ITEM_OF(link);
        if (item->owner.gone && *item->owner.gone) {
            log_info("client %llu: a database write dropped unsent: the client has gone",
                     (unsigned long long)item->owner.client);
            item->fn(item->ctx, DB_UNAVAILABLE, NULL, 0,
                     "the client has gone; not sent to the database", NULL);
            item_free(item);
            continue;
        }
        batch->items[batch->n++] = item;
    }
    qsort(batch->items, (size_t)batch->n, sizeof(*batch->items), compare_items);
    return batch;
}

static void group_flush(db_group *group)
{
    while (!group->closing && group->queue.queued > 0 &&
           (group->due || group->config.window_us == 0 ||
            group->queue.queued >= group->config.max_items) &&
           may_send(group)) {
        group_batch *batch = batch_take(group);
        if (!batch) {
            flush_soon(group); /* out of memory: try again on the next turn */
            return;
        }
        if (batch->n == 0) {
            batch_free(batch);
            continue;
        }
        group->inflight++;
        group->latest_sent_ns = uv_hrtime();
        db_submit submitted = batch_send(batch);
        if (submitted != DB_SUBMIT_OK) {
            const char *why = submitted == DB_SUBMIT_BUSY
                                  ? "server busy: the database queue is full"
                                  : "database unavailable; the server keeps retrying";
            for (int i = 0; i < batch->n; i++)
                batch->items[i]->fn(batch->items[i]->ctx, DB_UNAVAILABLE, NULL, 0, why, NULL);
            group->inflight--;
            batch_free(batch);
        }
    }
    if (group->queue.queued == 0)
        group->due = 0;
    else if (!group->due && group->config.window_us > 0)
        start_window(group);
}

void db_group_close(db_group *group)
{
    group->closing = 1;
    fair_item *link;
    uint64_t account, client;
    while ((link = fair_take_any(&group->queue, &account, &client)) != NULL) {
        db_group_item *item = ITEM_OF(link);
        item->fn(item->ctx, DB_UNAVAILABLE, NULL, 0, "server is shutting down", NULL);
        item_free(item);
    }
    uv_timer_stop(&group->timer);
    uv_close((uv_handle_t *)&group->timer, on_timer_closed);
    uv_timer_stop(&group->overlap_timer);
    uv_close((uv_handle_t *)&group->overlap_timer, on_timer_closed);
}
