/* See city_report_table.h. */
#include "city_report_table.h"

#include <stdlib.h>
#include <string.h>

#include "city_report.h"
#include "csv_read.h"
#include "i18n.h"
#include "labels.h"

static char *copy(const char *s)
{
    return strdup(s ? s : "");
}

static char *number(long long v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", v);
    return strdup(buf);
}

/* A new row, every cell "" (NULL when memory ran out). */
static char **add_row(city_report_table *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        void *grown = realloc(t->rows, cap * sizeof(*t->rows));
        if (!grown)
            return NULL;
        t->rows = grown;
        t->cap = cap;
    }
    char **row = t->rows[t->n];
    for (int c = 0; c < CITY_COL_COUNT; c++)
        row[c] = NULL;
    t->n++;
    return row;
}

static void set(char **row, int column, char *value)
{
    free(row[column]);
    row[column] = value;
}

static void set_figures(char **row, const Cchc__V1__StatusGroup *g)
{
    if (!g)
        return;
    set(row, CITY_COL_EXPECTED, number(g->expected));
    set(row, CITY_COL_RECEIVED, number(g->received));
    set(row, CITY_COL_ON_TIME, number(g->on_time));
    set(row, CITY_COL_LATE, number(g->late));
    set(row, CITY_COL_MISSING, number(g->missing));
    set(row, CITY_COL_MEAN_PROGRESS, copy(g->mean_progress));
    set(row, CITY_COL_OVERALL_PROGRESS, copy(g->effective_progress));
}

/* The author, state and (when there to quote) texts of a consolidation. */
static void set_consolidation(char **row, const Cchc__V1__Consolidation *c)
{
    set(row, CITY_COL_AUTHOR, copy(c->unit_name));
    set(row, CITY_COL_STATE, copy(label_of(LABEL_REPORT_STATE, c->state)));
    if (*c->submitted_at) /* never sent: neither late nor on time */
        set(row, CITY_COL_SENT_LATE, copy(c->late ? _("yes") : _("no")));
    if (!city_report_has_text(c))
        return;
    set(row, CITY_COL_ASSESSMENT, copy(c->assessment));
    set(row, CITY_COL_DIFFICULTIES, copy(c->difficulties));
    set(row, CITY_COL_PROPOSALS, copy(c->proposals));
}

static void set_criterion(char **row, const Cchc__V1__BundleCriterion *c)
{
    set(row, CITY_COL_INDEX, copy(c->index_code));
    set(row, CITY_COL_CRITERION_NO, copy(c->printed_code));
    set(row, CITY_COL_CRITERION, copy(c->name));
}

/* The period's id on every row; "" cells for the NULLs left. */
static int finish(city_report_table *t, const char *period)
{
    for (size_t r = 0; r < t->n; r++) {
        set(t->rows[r], CITY_COL_PERIOD, copy(period));
        for (int c = 0; c < CITY_COL_COUNT; c++)
            if (!t->rows[r][c] && !(t->rows[r][c] = strdup("")))
                return -1;
    }
    return 0;
}

/* One row per lead agency of the task (one with no lead when none). */
static int task_rows(city_report_table *t, const Cchc__V1__ReportBundleResponse *b,
                     const Cchc__V1__BundleCriterion *c, int id, int texts,
                     const Cchc__V1__TaskListResponse *tasks)
{
    const Cchc__V1__StatusGroup *g = city_report_task_figures(b, id);
    const char *text = "";
    for (size_t i = 0; tasks && i < tasks->n_tasks; i++)
        if (tasks->tasks[i]->id == id)
            text = tasks->tasks[i]->text;
    size_t at = 0;
    const Cchc__V1__Consolidation *lead = texts ? city_report_next_lead(b, id, &at) : NULL;
    do {
        char **row = add_row(t);
        if (!row)
            return -1;
        set(row, CITY_COL_ROW, copy(_("task")));
        set_criterion(row, c);
        set(row, CITY_COL_TASK_ID, number(id));
        set(row, CITY_COL_TASK_REF, copy(g ? g->name : ""));
        set(row, CITY_COL_TASK, copy(text));
        set_figures(row, g);
        if (lead)
            set_consolidation(row, lead);
    } while (lead && (lead = city_report_next_lead(b, id, &at)));
    return 0;
}

int city_report_table_make(city_report_table *t, const Cchc__V1__ReportBundleResponse *b,
                           const Cchc__V1__TaskListResponse *tasks)
{
    static const char *const headers[CITY_COL_COUNT] = {
        N_("Reporting period"), N_("Row"), N_("Index"), N_("No."), N_("Criterion"),
        N_("Maximum points"), NULL, N_("Task ID"), N_("Reference"), N_("Task"),
        N_("Expected"), N_("Received"), N_("On time"), N_("Late"), N_("Missing"),
        N_("Mean progress"), N_("Overall progress"), N_("Author"),
        N_("Consolidated report state"), N_("Sent late"), N_("Assessment"), N_("Difficulties"),
        N_("Proposals")};
    memset(t, 0, sizeof(*t));
    int year = b->n_criteria ? b->criteria[0]->score_year : 0;
    char score[96];
    snprintf(score, sizeof(score), _("Score in %d"), year);
    for (int c = 0; c < CITY_COL_COUNT; c++)
        if (!(t->headers[c] = strdup(headers[c] ? _(headers[c]) : score)))
            goto fail;
    const char *period = b->by_index && b->by_index->period ? b->by_index->period->id : "";
    const Cchc__V1__Consolidation *city = city_report_city(b);
    if (city) {
        char **row = add_row(t);
        if (!row)
            goto fail;
        set(row, CITY_COL_ROW, copy(_("city report")));
        set_consolidation(row, city);
    }
    for (size_t i = 0; i < b->n_criteria; i++) {
        const Cchc__V1__BundleCriterion *c = b->criteria[i];
        char **row = add_row(t);
        if (!row)
            goto fail;
        set(row, CITY_COL_ROW, copy(_("criterion")));
        set_criterion(row, c);
        set(row, CITY_COL_MAX_POINTS, copy(c->max_points));
        set(row, CITY_COL_SCORE, copy(c->score));
        set_figures(row, c->figures);
        for (size_t k = 0; k < c->n_task_ids; k++) {
            int id = c->task_ids[k];
            if (task_rows(t, b, c, id, city_report_first_criterion(b, id) == (long)i, tasks) != 0)
                goto fail;
        }
    }
    if (finish(t, period) == 0)
        return 0;
fail:
    city_report_table_free(t);
    return -1;
}

void city_report_table_free(city_report_table *t)
{
    for (int c = 0; c < CITY_COL_COUNT; c++)
        free(t->headers[c]);
    for (size_t r = 0; r < t->n; r++)
        for (int c = 0; c < CITY_COL_COUNT; c++)
            free(t->rows[r][c]);
    free(t->rows);
    memset(t, 0, sizeof(*t));
}

int city_report_column_numeric(int column)
{
    return column == CITY_COL_MAX_POINTS || column == CITY_COL_SCORE ||
           column == CITY_COL_TASK_ID || (column >= CITY_COL_EXPECTED &&
                                          column <= CITY_COL_OVERALL_PROGRESS);
}

void city_report_write_csv(FILE *out, const city_report_table *t)
{
    fputs("\xEF\xBB\xBF", out);
    for (int c = 0; c < CITY_COL_COUNT; c++)
        csv_write_field(out, t->headers[c], c == CITY_COL_COUNT - 1);
    for (size_t r = 0; r < t->n; r++)
        for (int c = 0; c < CITY_COL_COUNT; c++)
            csv_write_field(out, t->rows[r][c], c == CITY_COL_COUNT - 1);
}
