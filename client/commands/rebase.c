/* See rebase.h. Cells are compared as the server compares them (text with
 * spaces, tabs and carriage returns trimmed at both ends, decimals by
 * value, indicators as a set of name=value), so a cell the clerk left as
 * the template showed it counts as unchanged. */
#include "rebase.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "cell_compare.h"
#include "human.h"
#include "i18n.h"
#include "report_csv.h"
#include "validate.h"

/* Remembers a block for rebase_free; frees it and returns NULL when the
 * list cannot grow. */
static void *own(rebased_submission *out, void *block)
{
    if (!block)
        return NULL;
    if (out->n_owned == out->cap_owned) {
        size_t cap = out->cap_owned ? out->cap_owned * 2 : 32;
        void **grown = realloc(out->owned, cap * sizeof(*grown));
        if (!grown) {
            free(block);
            return NULL;
        }
        out->owned = grown;
        out->cap_owned = cap;
    }
    out->owned[out->n_owned++] = block;
    return block;
}

static char *own_str(rebased_submission *out, const char *s)
{
    return own(out, strdup(s ? s : ""));
}

void rebase_free(rebased_submission *out)
{
    for (size_t i = 0; i < out->n_owned; i++)
        free(out->owned[i]);
    free(out->owned);
    memset(out, 0, sizeof(*out));
}

/* ---- comparing cells ------------------------------------------------------------- */

/* Indicators as a canonical "name=value;…" text, names sorted. */
typedef struct indicator_set {
    size_t n;
    char names[REPORT_INDICATORS_MAX][65];
    char values[REPORT_INDICATORS_MAX][64];
} indicator_set;

static void set_add(indicator_set *s, const char *name, const char *value)
{
    if (s->n == REPORT_INDICATORS_MAX)
        return;
    size_t i = s->n++;
    while (i > 0 && strcmp(s->names[i - 1], name) > 0) {
        memcpy(s->names[i], s->names[i - 1], sizeof(s->names[i]));
        memcpy(s->values[i], s->values[i - 1], sizeof(s->values[i]));
        i--;
    }
    snprintf(s->names[i], sizeof(s->names[i]), "%s", name);
    cell_canonical_decimal(value, s->values[i], sizeof(s->values[i]));
}

static void set_of_row(const Cchc__V1__ReportRow *row, indicator_set *s)
{
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < row->n_indicators; i++)
        set_add(s, row->indicators[i]->name, row->indicators[i]->value);
}

/* From a revision's indicators, a JSON object text ("" when none). */
static void set_of_json(const char *text, indicator_set *s)
{
    memset(s, 0, sizeof(*s));
    json_t *obj = *text ? json_loads(text, 0, NULL) : NULL;
    const char *name;
    json_t *value;
    json_object_foreach(obj, name, value)
        set_add(s, name, json_is_string(value) ? json_string_value(value) : "");
    json_decref(obj);
}

static int same_set(const indicator_set *a, const indicator_set *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->names[i], b->names[i]) != 0 || strcmp(a->values[i], b->values[i]) != 0)
            return 0;
    return 1;
}

static void set_text(const indicator_set *s, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < s->n && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s=%s", i ? "; " : "", s->names[i],
                                 s->values[i]);
}

/* Whether row says exactly what revision v says, cell by cell. */
static int same_as(const Cchc__V1__ReportRow *row, const Cchc__V1__ReportRevision *v)
{
    indicator_set mine, theirs;
    set_of_row(row, &mine);
    set_of_json(v->indicators, &theirs);
    return cell_same_text(row->status, v->status) && cell_same_decimal(row->progress, v->progress) &&
           cell_same_text(row->results, v->results) && cell_same_text(row->difficulties, v->difficulties) &&
           cell_same_text(row->proposals, v->proposals) &&
           ((row->n_indicators == 0 && !row->clear_indicators) || same_set(&mine, &theirs));
}

/* ---- one row ------------------------------------------------------------------------ */

static const Cchc__V1__ReportRevision *find_revision(const Cchc__V1__ReportGetResponse *r, int rev)
{
    for (size_t i = 0; i < r->n_revisions; i++)
        if (r->revisions[i]->revision == rev)
            return r->revisions[i];
    return NULL;
}

/* Prints one collision: the cell, what the clerk wrote, what the later
 * revision says. */
static void print_collision(const Cchc__V1__ReportRow *row, const char *field, const char *mine,
                            const Cchc__V1__ReportRevision *latest)
{
    const char *theirs = "";
    if (strcmp(field, "status") == 0)
        theirs = report_status_label(latest->status);
    else if (strcmp(field, "progress") == 0)
        theirs = latest->progress;
    else if (strcmp(field, "results") == 0)
        theirs = latest->results;
    else if (strcmp(field, "difficulties") == 0)
        theirs = latest->difficulties;
    else if (strcmp(field, "proposals") == 0)
        theirs = latest->proposals;
    fprintf(stderr,
            _("line %d, task %d, column \"%s\": you wrote «%.200s», revision %d (%s, %s) says "
              "«%.200s»; both changed this cell\n"),
            row->line, row->task_id, report_column_of(field), mine, latest->revision,
            latest->username, human_time(latest->saved_at), theirs);
}

/* The three-way merge of one cell: the clerk's value when they changed it,
 * else the latest. Sets *collided when both changed it differently. */
static const char *merge_text(const Cchc__V1__ReportRow *row, const char *field, const char *mine,
                              const char *base, const char *latest_value,
                              const Cchc__V1__ReportRevision *latest, int decimal, int *collided)
{
    int (*same)(const char *, const char *) = decimal ? cell_same_decimal : cell_same_text;
    int mine_changed = !same(mine, base), theirs_changed = !same(latest_value, base);
    if (mine_changed && theirs_changed && !same(mine, latest_value)) {
        print_collision(row, field, mine, latest);
        *collided = 1;
    }
    return mine_changed ? mine : latest_value;
}

/* Copies row into *dst with the given cells (strings owned by out). */
static int fill_row(rebased_submission *out, Cchc__V1__ReportRow *dst,
                    const Cchc__V1__ReportRow *row, const char *status, const char *progress,
                    const char *results, const char *difficulties, const char *proposals,
                    const indicator_set *indicators)
{
    Cchc__V1__ReportRow init = CCHC__V1__REPORT_ROW__INIT;
    *dst = init;
    dst->line = row->line;
    dst->task_id = row->task_id;
    dst->resubmit = row->resubmit;
    dst->clear_indicators = row->clear_indicators;
    dst->base_revision = row->base_revision;
    if (!(dst->status = own_str(out, status)) || !(dst->progress = own_str(out, progress)) ||
        !(dst->results = own_str(out, results)) ||
        !(dst->difficulties = own_str(out, difficulties)) ||
        !(dst->proposals = own_str(out, proposals)) ||
        !(dst->idempotency_key = own_str(out, row->idempotency_key)))
        return -1;
    size_t n = indicators ? indicators->n : row->n_indicators;
    dst->indicators = own(out, calloc(n ? n : 1, sizeof(*dst->indicators)));
    if (!dst->indicators)
        return -1;
    for (size_t i = 0; i < n; i++) {
        Cchc__V1__Indicator *ind = own(out, malloc(sizeof(*ind)));
        if (!ind)
            return -1;
        Cchc__V1__Indicator ind_init = CCHC__V1__INDICATOR__INIT;
        *ind = ind_init;
        ind->name = own_str(out, indicators ? indicators->names[i] : row->indicators[i]->name);
        ind->value = own_str(out, indicators ? indicators->values[i] : row->indicators[i]->value);
        if (!ind->name || !ind->value)
            return -1;
        dst->indicators[dst->n_indicators++] = ind;
    }
    return 0;
}

/* Rebases one row into *dst. Returns 0, 1 when it cannot be rebased
 * (printed), or an exit code + 1 when a call failed (printed). */
static int rebase_row(const cli_options *opts, const char *period, const char *unit,
                      const Cchc__V1__ReportRow *row,
                      rebased_submission *out, Cchc__V1__ReportRow *dst)
{
    Cchc__V1__ReportGetRequest get = CCHC__V1__REPORT_GET_REQUEST__INIT;
    get.period_id = (char *)period;
    get.task_id = row->task_id;
    get.unit = (char *)unit;
    Cchc__V1__Response *response = NULL;
    cli_error err;
    int rc = call_raw(opts, CCHC__V1__REQUEST__BODY_REPORT_GET, &get, &response, &err);
    /* no report yet: nothing to move onto */
    if (rc != 0 && strcmp(err.code_name, "not_found") == 0)
        return fill_row(out, dst, row, row->status, row->progress, row->results,
                        row->difficulties, row->proposals, NULL) == 0 ? 0 : EXIT_USAGE + 1;
    if (rc != 0)
        return cli_error_report(opts, &err) + 1;
    if (response->body_case != CCHC__V1__RESPONSE__BODY_REPORT_GET ||
        response->report_get->n_revisions == 0) {
        cchc__v1__response__free_unpacked(response, NULL);
        return fill_row(out, dst, row, row->status, row->progress, row->results,
                        row->difficulties, row->proposals, NULL) == 0 ? 0 : EXIT_USAGE + 1;
    }
    const Cchc__V1__ReportGetResponse *r = response->report_get;
    const Cchc__V1__ReportRevision *latest = r->revisions[0]; /* newest first */
    int result = 0;
    if (latest->revision == row->base_revision) {
        result = fill_row(out, dst, row, row->status, row->progress, row->results,
                          row->difficulties, row->proposals, NULL) == 0 ? 0 : EXIT_USAGE + 1;
        cchc__v1__response__free_unpacked(response, NULL);
        return result;
    }
    const Cchc__V1__ReportRevision *base = find_revision(r, row->base_revision);
    if (!base && same_as(row, latest)) {
        /* unchanged (an old template's untouched row): the server writes
         * nothing for it and it never conflicts, so it goes as it is */
        result = fill_row(out, dst, row, row->status, row->progress, row->results,
                          row->difficulties, row->proposals, NULL) == 0 ? 0 : EXIT_USAGE + 1;
        cchc__v1__response__free_unpacked(response, NULL);
        return result;
    }
    if (!base) {
        out->no_base_rows++;
        fprintf(stderr,
                _("line %d, task %d: no base revision to rebase from (an old template without "
                  "the column \"Phiên bản gốc\"), so which cells you changed is unknown; download "
                  "a new template\n"),
                row->line, row->task_id);
        cchc__v1__response__free_unpacked(response, NULL);
        return 1;
    }
    int collided = 0;
    /* status: compared as a code; the template's labels were read as codes */
    const char *status = merge_text(row, "status", row->status, base->status, latest->status,
                                    latest, 0, &collided);
    const char *progress = merge_text(row, "progress", row->progress, base->progress,
                                      latest->progress, latest, 1, &collided);
    const char *results = merge_text(row, "results", row->results, base->results, latest->results,
                                     latest, 0, &collided);
    const char *difficulties = merge_text(row, "difficulties", row->difficulties,
                                          base->difficulties, latest->difficulties, latest, 0,
                                          &collided);
    const char *proposals = merge_text(row, "proposals", row->proposals, base->proposals,
                                       latest->proposals, latest, 0, &collided);
    indicator_set mine, base_set, latest_set;
    set_of_json(base->indicators, &base_set);
    set_of_json(latest->indicators, &latest_set);
    /* no indicators in the row and no clear: the clerk keeps the report's
     * (docs/cumulative.md), which is no change */
    if (row->n_indicators == 0 && !row->clear_indicators)
        mine = base_set;
    else
        set_of_row(row, &mine);
    int mine_changed = !same_set(&mine, &base_set);
    int theirs_changed = !same_set(&latest_set, &base_set);
    if (mine_changed && theirs_changed && !same_set(&mine, &latest_set)) {
        char mine_text[600], theirs_text[600];
        set_text(&mine, mine_text, sizeof(mine_text));
        set_text(&latest_set, theirs_text, sizeof(theirs_text));
        fprintf(stderr,
                _("line %d, task %d, column \"%s\": you wrote «%s», revision %d (%s, %s) says "
                  "«%s»; both changed this cell\n"),
                row->line, row->task_id, report_column_of("indicators"), mine_text,
                latest->revision, latest->username, human_time(latest->saved_at), theirs_text);
        collided = 1;
    }
    if (collided) {
        cchc__v1__response__free_unpacked(response, NULL);
        return 1;
    }
    result = fill_row(out, dst, row, status, progress, results, difficulties, proposals,
                      mine_changed ? &mine : &latest_set) == 0 ? 0 : EXIT_USAGE + 1;
    if (result == 0) {
        /* a new request: the refused one saved nothing under its keys,
         * but this one says something else, so it gets keys of its own */
        unsigned char raw[16];
        char key[33];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(key, sizeof(key), raw, sizeof(raw));
        dst->idempotency_key = own_str(out, key);
        dst->base_revision = latest->revision;
        out->rebased_rows++;
        if (!dst->idempotency_key)
            result = EXIT_USAGE + 1;
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return result;
}

int rebase_submission(const cli_options *opts, const Cchc__V1__ReportSubmitRequest *in,
                      rebased_submission *out)
{
    memset(out, 0, sizeof(*out));
    Cchc__V1__ReportSubmitRequest init = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    out->body = init;
    out->body.draft = in->draft;
    out->body.period_id = own_str(out, in->period_id);
    out->body.unit = own_str(out, in->unit);
    Cchc__V1__ReportRow *rows = own(out, calloc(in->n_rows ? in->n_rows : 1, sizeof(*rows)));
    out->body.rows = own(out, calloc(in->n_rows ? in->n_rows : 1, sizeof(*out->body.rows)));
    if (!out->body.period_id || !rows || !out->body.rows) {
        fprintf(stderr, "%s", _("cchc: out of memory\n"));
        return EXIT_USAGE;
    }
    int collisions = 0;
    for (size_t i = 0; i < in->n_rows; i++) {
        int rc = rebase_row(opts, in->period_id, in->unit, in->rows[i], out, &rows[i]);
        if (rc > 1)
            return rc - 1; /* a call failed or memory ran out: already said */
        collisions += rc;
        out->body.rows[out->body.n_rows++] = &rows[i];
    }
    size_t collided = (size_t)collisions - out->no_base_rows;
    if (collided)
        fprintf(stderr,
                ngettext("cchc: nothing sent: %zu row has cells that both you and someone else "
                         "changed; download a new template (cchc template --period %s), enter "
                         "those cells again and send\n",
                         "cchc: nothing sent: %zu rows have cells that both you and someone else "
                         "changed; download a new template (cchc template --period %s), enter "
                         "those cells again and send\n",
                         collided),
                collided, in->period_id);
    if (out->no_base_rows)
        fprintf(stderr,
                ngettext("cchc: nothing sent: %zu changed row without a base revision (an old "
                         "template); download a new template (cchc template --period %s), enter "
                         "its cells again and send\n",
                         "cchc: nothing sent: %zu changed rows without a base revision (an old "
                         "template); download a new template (cchc template --period %s), enter "
                         "those cells again and send\n",
                         out->no_base_rows),
                out->no_base_rows, in->period_id);
    if (collisions)
        return EXIT_SERVER_ERROR;
    return EXIT_OK;
}
