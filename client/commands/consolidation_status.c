/* See consolidation_status.h. */
#include "consolidation_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "pb_json.h"
#include "table.h"
#include "terminal.h"

static const char *const levels[] = {"district", "lead", "city"};

void consolidation_fetch(const cli_options *opts, const char *period, int mine,
                         Cchc__V1__Response **out)
{
    cli_options quiet = *opts;
    quiet.quiet = 1;
    Cchc__V1__ConsolidationListRequest body = CCHC__V1__CONSOLIDATION_LIST_REQUEST__INIT;
    body.period_id = (char *)period;
    body.mine = mine;
    *out = NULL;
    if (call(&quiet, CCHC__V1__REQUEST__BODY_CONSOLIDATION_LIST, &body,
             CCHC__V1__RESPONSE__BODY_CONSOLIDATION_LIST, out) != EXIT_OK)
        *out = NULL;
}

int consolidation_is_owed(const Cchc__V1__Consolidation *c)
{
    return strcmp(c->state, "missing") == 0 || strcmp(c->state, "draft") == 0 ||
           strcmp(c->state, "returned") == 0;
}

const char *consolidation_level_label(const char *level)
{
    return strcmp(level, "district") == 0 ? _("district")
           : strcmp(level, "lead") == 0   ? _("lead agency")
                                          : _("city");
}

typedef struct level_counts {
    int expected, received, on_time, late, accepted;
} level_counts;

static level_counts count_level(const Cchc__V1__ConsolidationListResponse *l, const char *level)
{
    level_counts n = {0};
    for (size_t i = 0; i < l->n_consolidations; i++) {
        const Cchc__V1__Consolidation *c = l->consolidations[i];
        if (strcmp(c->level, level) != 0)
            continue;
        n.expected++;
        n.received += c->on_time || c->late;
        n.on_time += c->on_time;
        n.late += c->late;
        n.accepted += strcmp(c->state, "accepted") == 0 || strcmp(c->state, "approved") == 0;
    }
    return n;
}

json_t *consolidation_levels_json(const Cchc__V1__ConsolidationListResponse *l)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
        level_counts n = count_level(l, levels[k]);
        if (n.expected)
            json_array_append_new(arr, json_pack("{s:s, s:i, s:i, s:i, s:i, s:i}", "level",
                                                 levels[k], "expected", n.expected, "received",
                                                 n.received, "on_time", n.on_time, "late", n.late,
                                                 "accepted", n.accepted));
    }
    return arr;
}

json_t *consolidation_owed_json(const Cchc__V1__ConsolidationListResponse *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < l->n_consolidations; i++) {
        const Cchc__V1__Consolidation *c = l->consolidations[i];
        if (!consolidation_is_owed(c))
            continue;
        json_t *one = pb_to_json(&c->base);
        json_object_del(one, "figures");
        json_array_append_new(arr, one);
    }
    return arr;
}

void consolidation_print_levels(const Cchc__V1__ConsolidationListResponse *l)
{
    const char *headers[] = {_("Level"), _("Owed"), _("Received"), _("On time"), _("Late"),
                             _("Accepted")};
    const int widths[] = {0, 0, 0, 0, 0, 0};
    table *t = table_new(6, headers, widths);
    for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
        level_counts n = count_level(l, levels[k]);
        if (!n.expected)
            continue;
        char cells[5][16];
        snprintf(cells[0], 16, "%d", n.expected);
        snprintf(cells[1], 16, "%d", n.received);
        snprintf(cells[2], 16, "%d", n.on_time);
        snprintf(cells[3], 16, "%d", n.late);
        snprintf(cells[4], 16, "%d", n.accepted);
        const char *row[] = {consolidation_level_label(levels[k]), cells[0], cells[1], cells[2],
                             cells[3], cells[4]};
        table_add_row(t, row);
    }
    printf("\n%s\n", _("Consolidated reports of the levels above the units:"));
    table_print(t, stdout, 1);
    table_free(t);
}

/* One row per author: its owed consolidations counted by state, their
 * deadline (the latest when they differ) and task numbers, cut short. */
static void print_owed_by_author(const Cchc__V1__ConsolidationListResponse *l)
{
    /* the code in a column of its own: cutting a long name never hides it */
    const char *headers[] = {_("Level"), _("Unit"), _("Code"), _("Owed"), _("Not started"),
                             _("Drafts"), _("Returned"), _("Deadline"), _("Tasks")};
    const int widths[] = {0, 40, 0, 0, 0, 0, 0, 0, 40};
    table *t = table_new(9, headers, widths);
    char *done = calloc(l->n_consolidations + 1, 1);
    size_t n = 0;
    for (size_t i = 0; done && i < l->n_consolidations; i++) {
        const Cchc__V1__Consolidation *first = l->consolidations[i];
        if (done[i] || !consolidation_is_owed(first))
            continue;
        int counts[4] = {0}; /* owed, missing, draft, returned */
        char tasks[200] = "";
        const char *deadline = first->deadline;
        size_t used = 0;
        for (size_t k = i; k < l->n_consolidations; k++) {
            const Cchc__V1__Consolidation *c = l->consolidations[k];
            if (done[k] || !consolidation_is_owed(c) || strcmp(c->level, first->level) != 0 ||
                strcmp(c->unit_code, first->unit_code) != 0)
                continue;
            done[k] = 1;
            counts[0]++;
            counts[1] += strcmp(c->state, "missing") == 0;
            counts[2] += strcmp(c->state, "draft") == 0;
            counts[3] += strcmp(c->state, "returned") == 0;
            if (strcmp(c->deadline, deadline) > 0)
                deadline = c->deadline;
            if (c->task_id && counts[0] <= 8 && used < sizeof(tasks))
                used += (size_t)snprintf(tasks + used, sizeof(tasks) - used, "%s%d",
                                         counts[0] > 1 ? ", " : "", c->task_id);
        }
        if (counts[0] > 8 && used < sizeof(tasks))
            snprintf(tasks + used, sizeof(tasks) - used, _(" and %d more"), counts[0] - 8);
        char cells[4][16];
        for (int k = 0; k < 4; k++)
            snprintf(cells[k], sizeof(cells[k]), "%d", counts[k]);
        const char *row[] = {consolidation_level_label(first->level), first->unit_name,
                             first->unit_code, cells[0], cells[1], cells[2], cells[3],
                             human_date(deadline), tasks};
        table_add_row(t, row);
        n += (size_t)counts[0];
    }
    free(done);
    printf("\n");
    table_print(t, stdout, 1);
    printf(ngettext("%zu consolidated report still owed (cchc missing --all lists each).\n",
                    "%zu consolidated reports still owed (cchc missing --all lists each).\n", n),
           n);
    table_free(t);
}

void consolidation_print_owed(const Cchc__V1__ConsolidationListResponse *l, int all)
{
    if (!all) {
        print_owed_by_author(l);
        return;
    }
    const char *headers[] = {_("Level"), _("Unit"), _("Code"), _("Task"), _("State"), _("Deadline")};
    const int widths[] = {0, 40, 0, 0, 0, 0};
    table *t = table_new(6, headers, widths);
    size_t n = 0;
    for (size_t i = 0; i < l->n_consolidations; i++) {
        const Cchc__V1__Consolidation *c = l->consolidations[i];
        if (!consolidation_is_owed(c))
            continue;
        char task[48] = "";
        if (c->task_id)
            snprintf(task, sizeof(task), "%d (%s)", c->task_id, c->ref);
        const char *row[] = {consolidation_level_label(c->level), c->unit_name, c->unit_code, task,
                             label_of(LABEL_REPORT_STATE, c->state), human_date(c->deadline)};
        table_add_row(t, row);
        n++;
    }
    printf("\n");
    table_print(t, stdout, 1);
    printf(ngettext("%zu consolidated report still owed.\n", "%zu consolidated reports still owed.\n", n),
           n);
    table_free(t);
}
