/* See lg_run.h. One process, one libuv loop, no threads: what limits the
 * figures should be the server, not the generator's scheduling. Requests
 * queued on a connection while handling one read leave in one write, as a
 * pipelining client's would. */
#include "lg_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "lg_setup.h"
#include "protocol.h"
#include "wire.h"

typedef struct pending {
    uint64_t id;
    uint64_t sent_ns;
    lg_kind kind;
    int measured;
    int nslots;
    int *slots; /* the reports a submission writes, in row order */
} pending;

typedef struct lg_conn {
    uv_tcp_t tcp;
    int index;
    frame_reader reader;
    uint64_t next_id;
    const char *token;
    lg_slot *slots;
    int nslots, cursor;
    pending *pend;
    int npend;
    uint8_t *out;
    size_t out_len, out_cap;
    int closed;
    /* the kind drawn that could not be sent yet (a template waits for the
     * connection's reports to come back): drawn again, the mix would favour
     * whatever is always possible */
    int waiting_kind;
} lg_conn;

enum phase { PHASE_WARM, PHASE_MEASURE, PHASE_DRAIN };

static struct {
    const lg_config *cfg;
    lg_result *res;
    uv_loop_t *loop;
    uv_timer_t phase_timer, drain_timer;
    lg_conn *conns;
    int nconns;
    enum phase phase;
    uint64_t window_start, window_last;
    long measured_sent;
    char *viewer_token;
    char **tokens; /* one per account, from its login */
    unsigned long long rng;
    unsigned run_tag; /* makes keys of this run distinct from every other run's */
    unsigned long long key_counter;
    int total_weight;
    int stopping;
} run;

/* xorshift64*: reproducible mixes from --seed */
static unsigned long long next_random(void)
{
    run.rng ^= run.rng >> 12;
    run.rng ^= run.rng << 25;
    run.rng ^= run.rng >> 27;
    return run.rng * 2685821657736338717ull;
}

static void make_key(char *out, size_t size, const char *what, int conn)
{
    snprintf(out, size, "lg-%s-%08x-%04d-%010llu", what, run.run_tag, conn, ++run.key_counter);
}

/* ---- writing ------------------------------------------------------------------ */

typedef struct out_write {
    uv_write_t w;
    uint8_t *bytes;
} out_write;

static void on_written(uv_write_t *w, int status)
{
    (void)status; /* a failed write shows as a closed connection on read */
    out_write *ow = (out_write *)w;
    free(ow->bytes);
    free(ow);
}

static void append_frame(lg_conn *c, Cchc__V1__Request *req)
{
    uint8_t *frame;
    size_t len;
    if (wire_encode_frame(&req->base, CCHC_DEFAULT_MAX_FRAME, &frame, &len, NULL) != 0)
        abort(); /* the generator's own requests are small */
    if (c->out_len + len > c->out_cap) {
        size_t cap = (c->out_len + len) * 2;
        uint8_t *grown = realloc(c->out, cap);
        if (!grown)
            abort();
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, frame, len);
    c->out_len += len;
    free(frame);
}

static void flush(lg_conn *c)
{
    if (c->out_len == 0 || c->closed)
        return;
    out_write *ow = calloc(1, sizeof(*ow));
    if (!ow)
        abort();
    ow->bytes = c->out; /* the write owns the buffer; the connection starts a new one */
    uv_buf_t buf = uv_buf_init((char *)c->out, (unsigned)c->out_len);
    c->out = NULL;
    c->out_len = c->out_cap = 0;
    if (uv_write(&ow->w, (uv_stream_t *)&c->tcp, &buf, 1, on_written) != 0) {
        free(ow->bytes);
        free(ow);
    }
}

/* ---- building requests ----------------------------------------------------------- */

/* The next free report of the connection from its cursor, or -1. */
static int free_slot(lg_conn *c, int period)
{
    for (int k = 0; k < c->nslots; k++) {
        int i = (c->cursor + k) % c->nslots;
        lg_slot *s = &c->slots[i];
        if (!s->busy && !s->dead && (period < 0 || s->period == period)) {
            c->cursor = (i + 1) % c->nslots;
            return i;
        }
    }
    return -1;
}

static int count_free(const lg_conn *c, int period, int *total)
{
    int n = 0;
    *total = 0;
    for (int i = 0; i < c->nslots; i++)
        if (c->slots[i].period == period && !c->slots[i].dead) {
            (*total)++;
            n += !c->slots[i].busy;
        }
    return n;
}

/* Fills the rows of a submission of the given reports. Each row changes
 * the report (its text names the new revision), so each saves a revision. */
static int queue_submit(lg_conn *c, pending *p, int *slots, int nslots)
{
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    Cchc__V1__ReportSubmitRequest body = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    Cchc__V1__ReportRow *rows = calloc((size_t)nslots, sizeof(*rows));
    Cchc__V1__ReportRow **row_ptrs = calloc((size_t)nslots, sizeof(*row_ptrs));
    char(*keys)[64] = calloc((size_t)nslots, sizeof(*keys));
    char(*texts)[96] = calloc((size_t)nslots, sizeof(*texts));
    char(*progress)[8] = calloc((size_t)nslots, sizeof(*progress));
    if (!rows || !row_ptrs || !keys || !texts || !progress)
        abort();
    for (int i = 0; i < nslots; i++) {
        lg_slot *s = &c->slots[slots[i]];
        cchc__v1__report_row__init(&rows[i]);
        rows[i].line = i + 1;
        rows[i].task_id = s->task_id;
        rows[i].status = "in_progress";
        snprintf(progress[i], sizeof(progress[i]), "%d", (s->revision + 1) % 100);
        rows[i].progress = progress[i];
        snprintf(texts[i], sizeof(texts[i]), "Kết quả đo tải, lần %d", s->revision + 1);
        rows[i].results = texts[i];
        rows[i].difficulties = "";
        rows[i].proposals = "";
        make_key(keys[i], sizeof(keys[i]), "row", c->index);
        rows[i].idempotency_key = keys[i];
        rows[i].base_revision = s->revision;
        row_ptrs[i] = &rows[i];
        s->busy = 1;
    }
    body.period_id = (char *)run.cfg->periods[c->slots[slots[0]].period];
    body.unit = "";
    body.rows = row_ptrs;
    body.n_rows = (size_t)nslots;
    char request_key[64];
    make_key(request_key, sizeof(request_key), "req", c->index);
    req.request_id = p->id;
    req.session_token = (char *)c->token;
    req.request_key = request_key;
    req.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req.report_submit = &body;
    append_frame(c, &req);
    p->slots = malloc((size_t)nslots * sizeof(int));
    if (!p->slots)
        abort();
    memcpy(p->slots, slots, (size_t)nslots * sizeof(int));
    p->nslots = nslots;
    free(rows);
    free(row_ptrs);
    free(keys);
    free(texts);
    free(progress);
    return 0;
}

/* Queues one request of the given kind; -1 when the connection cannot
 * send that kind now (every report it writes is in flight). */
static int queue_kind(lg_conn *c, lg_kind kind, pending *p)
{
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = p->id;
    switch (kind) {
    case LG_SUBMIT: {
        int slot = free_slot(c, -1);
        if (slot < 0)
            return -1;
        return queue_submit(c, p, &slot, 1);
    }
    case LG_BATCH: {
        /* a template: one period, as many rows as wanted or the unit has */
        int first = free_slot(c, -1);
        if (first < 0)
            return -1;
        int period = c->slots[first].period, total;
        int nfree = count_free(c, period, &total);
        int want = run.cfg->batch_rows < total ? run.cfg->batch_rows : total;
        if (nfree < want)
            return -1;
        int *slots = malloc((size_t)want * sizeof(int));
        if (!slots)
            abort();
        int n = 0;
        slots[n++] = first;
        c->slots[first].busy = 1; /* so free_slot moves on */
        while (n < want) {
            int s = free_slot(c, period);
            if (s < 0)
                break;
            slots[n++] = s;
            c->slots[s].busy = 1;
        }
        for (int i = 0; i < n; i++)
            c->slots[slots[i]].busy = 0; /* queue_submit marks them */
        queue_submit(c, p, slots, n);
        free(slots);
        return 0;
    }
    case LG_STATUS: {
        Cchc__V1__StatusRequest body = CCHC__V1__STATUS_REQUEST__INIT;
        body.period_id = (char *)run.cfg->status_period;
        body.by = (char *)(run.cfg->status_by ? run.cfg->status_by : "");
        req.session_token = run.viewer_token;
        req.body_case = CCHC__V1__REQUEST__BODY_STATUS;
        req.status = &body;
        append_frame(c, &req);
        return 0;
    }
    case LG_MISSING: {
        Cchc__V1__MissingRequest body = CCHC__V1__MISSING_REQUEST__INIT;
        body.period_id = (char *)run.cfg->status_period;
        req.session_token = run.viewer_token;
        req.body_case = CCHC__V1__REQUEST__BODY_MISSING;
        req.missing = &body;
        append_frame(c, &req);
        return 0;
    }
    case LG_PING:
    case LG_PINGDB: {
        Cchc__V1__PingRequest body = CCHC__V1__PING_REQUEST__INIT;
        body.check_database = kind == LG_PINGDB;
        req.body_case = CCHC__V1__REQUEST__BODY_PING;
        req.ping = &body;
        append_frame(c, &req);
        return 0;
    }
    default:
        return -1;
    }
}

static lg_kind pick_kind(void)
{
    int r = (int)(next_random() % (unsigned long long)run.total_weight);
    for (int k = 0; k < LG_KINDS; k++) {
        if (r < run.cfg->weights[k])
            return (lg_kind)k;
        r -= run.cfg->weights[k];
    }
    return LG_PING;
}

static int may_send(void)
{
    if (run.phase == PHASE_DRAIN || run.stopping)
        return 0;
    return run.phase != PHASE_MEASURE || run.cfg->duration_s > 0 ||
           run.measured_sent < run.cfg->requests;
}

static void enter_drain(void);

static void fill(lg_conn *c)
{
    while (!c->closed && c->npend < run.cfg->depth && may_send()) {
        lg_kind kind = c->waiting_kind >= 0 ? (lg_kind)c->waiting_kind : pick_kind();
        pending *p = &c->pend[c->npend];
        memset(p, 0, sizeof(*p));
        p->id = ++c->next_id;
        if (queue_kind(c, kind, p) != 0) {
            if (c->npend == 0) { /* nothing will come back to free a report */
                fprintf(stderr, "loadgen: connection %d has no report left to write\n", c->index);
                c->closed = 1;
                break;
            }
            c->waiting_kind = (int)kind; /* its reports are in flight: wait for answers */
            break;
        }
        c->waiting_kind = -1;
        p->kind = kind;
        p->sent_ns = uv_hrtime();
        p->measured = run.phase == PHASE_MEASURE;
        c->npend++;
        run.res->sent_all++;
        if (p->measured) {
            run.res->kinds[kind].sent++;
            run.measured_sent++;
        } else {
            run.res->warm_sent++;
        }
    }
    flush(c);
    if (run.phase == PHASE_MEASURE && run.cfg->duration_s <= 0 &&
        run.measured_sent >= run.cfg->requests)
        enter_drain();
}

/* ---- reading ------------------------------------------------------------------------ */

static int all_answered(void)
{
    for (int i = 0; i < run.nconns; i++)
        if (run.conns[i].npend > 0 && !run.conns[i].closed)
            return 0;
    return 1;
}

static void stop_all(void);

static void take_answer(lg_conn *c, pending *p, Cchc__V1__Response *resp)
{
    uint64_t now = uv_hrtime();
    lg_result *res = run.res;
    lg_stats *st = &res->kinds[p->kind];
    res->answered_all++;
    if (p->measured) {
        st->answered++;
        lg_stats_record(st, now - p->sent_ns);
        if (now > run.window_last)
            run.window_last = now;
    } else {
        res->warm_answered++;
    }
    if (resp->error) {
        res->errors_all++;
        if (p->measured)
            lg_stats_count_error(st, resp->error->code);
        else
            res->warm_errors++;
        if (res->errors_all <= 5)
            fprintf(stderr, "loadgen: %s refused (%s): %s\n", lg_kind_name(p->kind),
                    wire_error_code_name(resp->error->code), resp->error->message);
        /* what the reports' revisions are now is not known: leave them */
        for (int i = 0; i < p->nslots; i++) {
            c->slots[p->slots[i]].dead = 1;
            c->slots[p->slots[i]].busy = 0;
        }
    } else {
        if (p->measured)
            st->ok++;
        if (resp->body_case == CCHC__V1__RESPONSE__BODY_REPORT_SUBMIT) {
            Cchc__V1__ReportSubmitResponse *r = resp->report_submit;
            for (size_t i = 0; i < r->n_saved; i++) {
                int line = r->saved[i]->line;
                if (line < 1 || line > p->nslots)
                    continue;
                lg_slot *s = &c->slots[p->slots[line - 1]];
                s->revision = r->saved[i]->revision;
                if (r->saved[i]->replayed) {
                    if (p->measured)
                        st->rows_replayed++;
                } else {
                    res->rows_saved_all++;
                    if (p->measured)
                        st->rows_saved++;
                }
            }
        }
        for (int i = 0; i < p->nslots; i++)
            c->slots[p->slots[i]].busy = 0;
    }
    free(p->slots);
    *p = c->pend[--c->npend]; /* order among pending requests does not matter */
}

static int on_frame(void *ctx, const uint8_t *payload, size_t len)
{
    lg_conn *c = ctx;
    Cchc__V1__Response *resp = wire_decode_response(payload, len);
    if (!resp) {
        fprintf(stderr, "loadgen: undecodable answer on connection %d\n", c->index);
        return FRAME_SINK_STOP;
    }
    for (int i = 0; i < c->npend; i++)
        if (c->pend[i].id == resp->request_id) {
            take_answer(c, &c->pend[i], resp);
            break;
        }
    cchc__v1__response__free_unpacked(resp, NULL);
    return FRAME_SINK_GO_ON;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    static char shared[65536]; /* one read at a time: one buffer serves all */
    *buf = uv_buf_init(shared, sizeof(shared));
}

static void lose(lg_conn *c)
{
    if (c->closed)
        return;
    c->closed = 1;
    run.res->connections_lost++;
    uv_read_stop((uv_stream_t *)&c->tcp);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    lg_conn *c = stream->data;
    if (nread < 0) {
        fprintf(stderr, "loadgen: the server closed connection %d (%s)\n", c->index,
                uv_strerror((int)nread));
        lose(c);
    } else if (nread > 0) {
        frame_status st =
            frame_reader_feed(&c->reader, (const uint8_t *)buf->base, (size_t)nread, on_frame, c, NULL);
        if (st != FRAME_OK)
            lose(c);
        else
            fill(c);
    }
    if (run.phase == PHASE_DRAIN && all_answered())
        stop_all();
}

/* ---- phases --------------------------------------------------------------------------- */

static void close_cb(uv_handle_t *h)
{
    (void)h;
}

static void stop_all(void)
{
    if (run.stopping)
        return;
    run.stopping = 1;
    for (int i = 0; i < run.cfg->nprobes; i++)
        run.cfg->probes[i].window_s =
            lg_cpu_seconds(&run.cfg->probes[i]) - run.cfg->probes[i].start_s;
    for (int i = 0; i < run.nconns; i++) {
        lg_conn *c = &run.conns[i];
        run.res->unanswered += c->npend;
        uv_close((uv_handle_t *)&c->tcp, close_cb);
    }
    uv_close((uv_handle_t *)&run.phase_timer, close_cb);
    uv_close((uv_handle_t *)&run.drain_timer, close_cb);
}

static void on_drain_timeout(uv_timer_t *t)
{
    (void)t;
    fprintf(stderr, "loadgen: answers still missing after %.0f s of drain\n",
            run.cfg->drain_timeout_s);
    stop_all();
}

static void enter_drain(void)
{
    if (run.phase == PHASE_DRAIN)
        return;
    run.phase = PHASE_DRAIN;
    uv_timer_start(&run.drain_timer, on_drain_timeout,
                   (uint64_t)(run.cfg->drain_timeout_s * 1000), 0);
    if (all_answered())
        stop_all();
}

static void on_phase_timer(uv_timer_t *t)
{
    if (run.phase == PHASE_WARM) {
        run.phase = PHASE_MEASURE;
        run.window_start = run.window_last = uv_hrtime();
        for (int i = 0; i < run.cfg->nprobes; i++)
            run.cfg->probes[i].start_s = lg_cpu_seconds(&run.cfg->probes[i]);
        if (run.cfg->duration_s > 0)
            uv_timer_start(t, on_phase_timer, (uint64_t)(run.cfg->duration_s * 1000), 0);
        for (int i = 0; i < run.nconns; i++)
            fill(&run.conns[i]); /* a connection may have waited for the window */
    } else {
        enter_drain();
    }
}

/* ---- preparation ------------------------------------------------------------------------ */

/* The account's reports this connection writes: task positions k, k+n, …
 * of each period's task list, for the k-th of n connections sharing it. */
static int learn_slots(lg_conn *c, lg_link *link, int share, int nshare, char *err,
                       size_t errlen)
{
    for (int p = 0; p < run.cfg->nperiods; p++) {
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        Cchc__V1__MyTasksRequest body = CCHC__V1__MY_TASKS_REQUEST__INIT;
        body.period_id = (char *)run.cfg->periods[p];
        body.unit = "";
        req.session_token = (char *)c->token;
        req.body_case = CCHC__V1__REQUEST__BODY_MY_TASKS;
        req.my_tasks = &body;
        Cchc__V1__Response *resp = lg_link_call(link, &req, err, errlen);
        if (!resp)
            return -1;
        if (resp->error || resp->body_case != CCHC__V1__RESPONSE__BODY_MY_TASKS) {
            snprintf(err, errlen, "tasks of %s: %s", run.cfg->periods[p],
                     resp->error ? resp->error->message : "unexpected answer");
            cchc__v1__response__free_unpacked(resp, NULL);
            return -1;
        }
        Cchc__V1__MyTasksResponse *mt = resp->my_tasks;
        lg_slot *grown = realloc(c->slots, (size_t)(c->nslots + (int)mt->n_tasks + 1) * sizeof(lg_slot));
        if (!grown)
            abort();
        c->slots = grown;
        for (size_t i = 0; i < mt->n_tasks; i++) {
            const Cchc__V1__UnitTask *t = mt->tasks[i];
            if ((int)(i % (size_t)nshare) != share)
                continue;
            if (strcmp(t->report_state, "accepted") == 0 || strcmp(t->report_state, "approved") == 0)
                continue; /* no longer the unit's to change */
            c->slots[c->nslots++] = (lg_slot){p, t->task_id, t->revision, 0, 0};
        }
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    return 0;
}

static int prepare(char *err, size_t errlen)
{
    const lg_config *cfg = run.cfg;
    char **tokens = run.tokens = calloc((size_t)(cfg->naccounts ? cfg->naccounts : 1), sizeof(char *));
    int needs_reports = cfg->weights[LG_SUBMIT] > 0 || cfg->weights[LG_BATCH] > 0;
    int rc = -1;
    for (int i = 0; i < run.nconns; i++) {
        lg_conn *c = &run.conns[i];
        c->index = i;
        c->waiting_kind = -1;
        c->pend = calloc((size_t)cfg->depth, sizeof(pending));
        lg_link link;
        if (lg_link_open(&link, cfg->servers[i % cfg->nservers], err, errlen) != 0)
            goto out;
        c->reader = link.reader; /* nothing is left in it: every call read its whole answer */
        c->next_id = link.next_id;
        if (i == 0 && cfg->viewer.user &&
            (cfg->weights[LG_STATUS] > 0 || cfg->weights[LG_MISSING] > 0)) {
            run.viewer_token = lg_login(&link, cfg->viewer.user, cfg->viewer.password, err, errlen);
            if (!run.viewer_token)
                goto out;
        }
        if (needs_reports && cfg->naccounts > 0) {
            int a = i % cfg->naccounts;
            if (!tokens[a]) {
                tokens[a] = lg_login(&link, cfg->accounts[a].user, cfg->accounts[a].password, err,
                                     errlen);
                if (!tokens[a])
                    goto out;
            }
            c->token = tokens[a];
            int nshare = cfg->connections / cfg->naccounts +
                         (a < cfg->connections % cfg->naccounts ? 1 : 0);
            if (learn_slots(c, &link, i / cfg->naccounts, nshare, err, errlen) != 0)
                goto out;
            run.res->slots += c->nslots;
            if (c->nslots == 0) {
                snprintf(err, errlen, "account %s has no report to write in the periods given",
                         cfg->accounts[a].user);
                goto out;
            }
        }
        uv_tcp_init(run.loop, &c->tcp);
        c->tcp.data = c;
        if (uv_tcp_open(&c->tcp, link.fd) != 0) {
            snprintf(err, errlen, "uv_tcp_open failed");
            goto out;
        }
        uv_tcp_nodelay(&c->tcp, 1);
    }
    rc = 0;
out:
    return rc;
}

int lg_run(const lg_config *cfg, lg_result *out, char *err, size_t errlen)
{
    memset(&run, 0, sizeof(run));
    memset(out, 0, sizeof(*out));
    run.cfg = cfg;
    run.res = out;
    run.loop = uv_default_loop();
    run.rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ull;
    run.run_tag = (unsigned)getpid() ^ (unsigned)(uv_hrtime() / 1000);
    for (int k = 0; k < LG_KINDS; k++)
        run.total_weight += cfg->weights[k];
    if (run.total_weight <= 0) {
        snprintf(err, errlen, "the mix has no weight");
        return -1;
    }
    if ((cfg->weights[LG_SUBMIT] > 0 || cfg->weights[LG_BATCH] > 0) &&
        (cfg->naccounts == 0 || cfg->nperiods == 0)) {
        snprintf(err, errlen, "submissions need --account and --period");
        return -1;
    }
    if ((cfg->weights[LG_STATUS] > 0 || cfg->weights[LG_MISSING] > 0) &&
        (!cfg->viewer.user || !cfg->status_period)) {
        snprintf(err, errlen, "status and missing need --viewer and a period");
        return -1;
    }
    run.nconns = cfg->connections;
    run.conns = calloc((size_t)run.nconns, sizeof(lg_conn));
    if (!run.conns || prepare(err, errlen) != 0)
        return -1;
    uv_timer_init(run.loop, &run.phase_timer);
    uv_timer_init(run.loop, &run.drain_timer);
    run.phase = PHASE_WARM;
    if (cfg->warmup_s > 0) {
        uv_timer_start(&run.phase_timer, on_phase_timer, (uint64_t)(cfg->warmup_s * 1000), 0);
    } else {
        on_phase_timer(&run.phase_timer);
    }
    for (int i = 0; i < run.nconns; i++) {
        uv_read_start((uv_stream_t *)&run.conns[i].tcp, on_alloc, on_read);
        fill(&run.conns[i]);
    }
    uv_run(run.loop, UV_RUN_DEFAULT);
    out->window_s = (double)(run.window_last - run.window_start) / 1e9;
    for (int i = 0; i < run.nconns; i++) {
        lg_conn *c = &run.conns[i];
        for (int k = 0; k < c->npend; k++)
            free(c->pend[k].slots);
        free(c->pend);
        free(c->slots);
        free(c->out);
        frame_reader_reset(&c->reader);
    }
    free(run.conns);
    for (int a = 0; run.tokens && a < cfg->naccounts; a++)
        free(run.tokens[a]);
    free(run.tokens);
    free(run.viewer_token);
    uv_loop_close(run.loop);
    return 0;
}
