/* See missing_print.h. */
#include "missing_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "table.h"

typedef struct row_ref {
    const Cchc__V1__MissingReport *x;
    size_t row;
} row_ref;

static int by_name_then_code(const void *a, const void *b)
{
    const row_ref *x = a, *y = b;
    int c = strcmp(x->x->unit_name, y->x->unit_name);
    return c ? c : strcmp(x->x->unit_code, y->x->unit_code);
}

/* repeats[row] = 1 when another row of m has the row's unit name under
 * another code (a period's list has thousands of rows: sorted, not
 * compared pairwise). Returns how many rows are marked, or -1 when out of
 * memory. */
static int mark_repeats(const Cchc__V1__MissingResponse *m, char *repeats)
{
    size_t n = m->n_missing;
    row_ref *sorted = malloc((n + 1) * sizeof(*sorted));
    if (!sorted)
        return -1;
    for (size_t i = 0; i < n; i++)
        sorted[i] = (row_ref){m->missing[i], i};
    qsort(sorted, n, sizeof(*sorted), by_name_then_code);
    int marked = 0;
    for (size_t start = 0, end; start < n; start = end) {
        for (end = start + 1;
             end < n && strcmp(sorted[end].x->unit_name, sorted[start].x->unit_name) == 0; end++)
            ;
        /* sorted by code within a name: first and last differ when shared */
        int shared = strcmp(sorted[start].x->unit_code, sorted[end - 1].x->unit_code) != 0;
        for (size_t k = start; k < end; k++) {
            repeats[sorted[k].row] = (char)shared;
            marked += shared;
        }
    }
    free(sorted);
    return marked;
}

static const Cchc__V1__Unit *unit_by_code(const Cchc__V1__UnitListResponse *ul, const char *code)
{
    for (size_t i = 0; ul && i < ul->n_units; i++)
        if (strcmp(ul->units[i]->code, code) == 0)
            return ul->units[i];
    return NULL;
}

/* "Phường 1, Quận Ninh Kiều (until 30/06/2025)": the name, its parent's
 * name when known, and its last day when it has closed. */
static char *qualified(const Cchc__V1__UnitListResponse *ul, const char *code, const char *name)
{
    const Cchc__V1__Unit *u = unit_by_code(ul, code);
    const Cchc__V1__Unit *parent = u && *u->parent_code ? unit_by_code(ul, u->parent_code) : NULL;
    char text[800], until[200] = "";
    snprintf(text, sizeof(text), "%s%s%s", name, parent ? ", " : "", parent ? parent->name : "");
    if (u && *u->valid_until)
        snprintf(until, sizeof(until), _(" (until %s)"), human_date(u->valid_until));
    size_t used = strlen(text);
    snprintf(text + used, sizeof(text) - used, "%s", until);
    return strdup(text);
}

static void unit_labels_free(char **labels, size_t n)
{
    for (size_t i = 0; labels && i < n; i++)
        free(labels[i]);
    free(labels);
}

/* One malloc'd label per row of m (free with unit_labels_free), or NULL
 * when out of memory. Asks the server for the unit list (an existing
 * request every account may make) only when a name repeats; should that
 * fail, the repeated names stay bare (the code column still tells them
 * apart) and nothing is printed. */
static char **unit_labels(const cli_options *opts, const Cchc__V1__MissingResponse *m)
{
    char **labels = calloc(m->n_missing + 1, sizeof(*labels));
    if (!labels)
        return NULL;
    char *repeats = calloc(m->n_missing + 1, 1);
    int marked = repeats ? mark_repeats(m, repeats) : -1;
    if (marked < 0) {
        free(repeats);
        free(labels);
        return NULL;
    }
    Cchc__V1__Response *response = NULL;
    const Cchc__V1__UnitListResponse *ul = NULL;
    if (marked > 0) {
        /* every unit, closed ones too: a missing report may be a closed unit's */
        Cchc__V1__UnitListRequest body = CCHC__V1__UNIT_LIST_REQUEST__INIT;
        body.all = 1;
        cli_options quiet = *opts;
        quiet.quiet = 1;
        if (call(&quiet, CCHC__V1__REQUEST__BODY_UNIT_LIST, &body,
                 CCHC__V1__RESPONSE__BODY_UNIT_LIST, &response) == EXIT_OK)
            ul = response->unit_list;
    }
    int failed = 0;
    for (size_t i = 0; i < m->n_missing && !failed; i++) {
        const Cchc__V1__MissingReport *x = m->missing[i];
        labels[i] = repeats[i] ? qualified(ul, x->unit_code, x->unit_name) : strdup(x->unit_name);
        failed = !labels[i];
    }
    if (response)
        cchc__v1__response__free_unpacked(response, NULL);
    free(repeats);
    if (failed) {
        unit_labels_free(labels, m->n_missing);
        return NULL;
    }
    return labels;
}

void missing_print(const cli_options *opts, const Cchc__V1__MissingResponse *m)
{
    /* the code in a column of its own, so cutting a long name to the
     * terminal's width never hides what tells two units apart (a name two
     * units share also gets its parent: unit_labels); who owes a closed
     * unit's report today in a column of its own, shown only when some
     * row has one */
    int owed = 0;
    for (size_t i = 0; i < m->n_missing && !owed; i++)
        owed = m->missing[i]->n_successors > 0;
    const char *headers[] = {_("Unit"), _("Code"), _("Reports now owed by"), _("Task"),
                             _("State"), _("Lead agency")};
    const int widths[] = {50, 0, 50, 0, 0, 50};
    /* without successors the third column is left out: shift the rest */
    const char *used_headers[6];
    int used_widths[6], ncols = 0;
    for (int c = 0; c < 6; c++)
        if (c != 2 || owed) {
            used_headers[ncols] = headers[c];
            used_widths[ncols++] = widths[c];
        }
    table *t = table_new(ncols, used_headers, used_widths);
    char **names = unit_labels(opts, m);
    for (size_t i = 0; i < m->n_missing; i++) {
        const Cchc__V1__MissingReport *x = m->missing[i];
        char successors[600] = "", task[48], leads[400] = "";
        /* a closed unit's report is owed by its successor(s) today */
        for (size_t k = 0; k < x->n_successors; k++) {
            size_t used = strlen(successors);
            snprintf(successors + used, sizeof(successors) - used, "%s%s", k ? ", " : "",
                     x->successors[k]);
        }
        snprintf(task, sizeof(task), "%d (%s)", x->task_id, x->ref);
        for (size_t k = 0; k < x->n_leads; k++) {
            size_t used = strlen(leads);
            snprintf(leads + used, sizeof(leads) - used, "%s%s", k ? "; " : "", x->leads[k]);
        }
        const char *cells[] = {names ? names[i] : x->unit_name, x->unit_code, successors, task,
                               label_of(LABEL_REPORT_STATE, x->state), leads};
        const char *row[6];
        for (int c = 0, n = 0; c < 6; c++)
            if (c != 2 || owed)
                row[n++] = cells[c];
        table_add_row(t, row);
    }
    unit_labels_free(names, m->n_missing);
    table_print(t, stdout, 1);
    printf(ngettext("%zu report missing.\n", "%zu reports missing.\n", m->n_missing), m->n_missing);
    table_free(t);
}
