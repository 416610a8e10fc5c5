/* See carried.h. Values are compared as the server compares a resent row
 * (text trimmed of spaces, tabs and carriage returns; progress by value;
 * indicators as a set read through the same cell syntax the template was
 * written in), so a cell the spreadsheet merely re-saved counts as
 * unchanged. */
#include "carried.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell_compare.h"
#include "i18n.h"
#include "report_indicators.h"

/* Whether the row's indicators are the carried ones, read back through
 * the cell the template showed. */
static int same_indicators(const report_row *row, const char *carried_json)
{
    char *cell = indicators_cell_of_json(carried_json);
    indicator_list carried;
    char why[240];
    int same = cell && indicators_parse_cell(cell, &carried, why, sizeof(why)) == 0;
    if (same) {
        same = indicators_same(&row->indicators, &carried);
        indicator_list_free(&carried);
    }
    free(cell);
    return same;
}

static int same_values(const report_row *row, const Cchc__V1__UnitTask *t)
{
    return strcmp(row->status, t->status) == 0 && cell_same_decimal(row->progress, t->progress) &&
           cell_same_text(row->results, t->results) &&
           cell_same_text(row->difficulties, t->difficulties) &&
           cell_same_text(row->proposals, t->proposals) && same_indicators(row, t->indicators);
}

static const Cchc__V1__UnitTask *find_task(const Cchc__V1__MyTasksResponse *mt, int task_id)
{
    for (size_t i = 0; i < mt->n_tasks; i++)
        if (mt->tasks[i]->task_id == task_id)
            return mt->tasks[i];
    return NULL;
}

int carried_needs_tasks(const report_sheet *sheet, int confirm)
{
    for (size_t i = 0; i < sheet->n_rows && !confirm; i++)
        if (*sheet->rows[i].carried_from)
            return 1;
    return 0;
}

size_t carried_hold_back(const cli_options *opts, report_sheet *sheet,
                         const Cchc__V1__MyTasksResponse *mt, const char *unreachable,
                         int confirm, carried_summary *summary)
{
    memset(summary, 0, sizeof(*summary));
    size_t carried = 0;
    for (size_t i = 0; i < sheet->n_rows; i++)
        carried += *sheet->rows[i].carried_from != '\0';
    if (carried == 0)
        return 0;
    if (confirm) {
        summary->confirmed = carried;
        return 0;
    }
    size_t held = 0;
    for (size_t i = 0; i < sheet->n_rows; i++) {
        report_row *row = &sheet->rows[i];
        if (!*row->carried_from)
            continue;
        const Cchc__V1__UnitTask *t = mt ? find_task(mt, row->task_id) : NULL;
        if (!mt) {
            /* cannot tell changed from unchanged: keep the earlier
             * period's word out rather than send it unconfirmed */
            row->held_back = 1;
            summary->unchecked++;
        } else if (!t || !*t->carried_from) {
            /* the report of this period exists by now (or is not this
             * unit's to write): the row goes as any other, and the
             * server's revision check keeps it from overwriting anyone */
            continue;
        } else if (strcmp(t->carried_from, row->carried_from) != 0 ||
                   (row->carried_revision && row->carried_revision != t->carried_revision)) {
            if (!opts->json)
                fprintf(stderr,
                        _("line %d, task %d: figures carried from %s, revision %d; the "
                          "earlier period's report is now %s, revision %d. This line was not "
                          "sent: download a fresh template, or clear the cell \"Mang sang từ "
                          "kỳ\" to send the line as it stands\n"),
                        row->line, row->task_id, row->carried_from, row->carried_revision,
                        t->carried_from, t->carried_revision);
            row->held_back = 1;
            summary->stale++;
        } else if (same_values(row, t)) {
            row->held_back = 1;
            summary->unchanged++;
        }
        held += row->held_back;
    }
    if (!mt && !opts->json)
        fprintf(stderr,
                ngettext("cchc: could not ask the server whether the %zu line carried from the "
                         "earlier period was changed (%s); that line was not sent\n",
                         "cchc: could not ask the server whether the %zu lines carried from the "
                         "earlier period were changed (%s); those lines were not sent\n",
                         carried),
                carried, unreachable ? unreachable : "");
    return held;
}

void carried_explain(const carried_summary *summary, const char *source, const char *unit)
{
    size_t held = summary->unchanged + summary->stale + summary->unchecked;
    if (held == 0)
        return;
    printf(ngettext("%zu line carried from the earlier period was not sent (%zu unchanged, %zu "
                    "with a newer earlier report, %zu not checked). To send it as it is: clear "
                    "its cell \"Mang sang từ kỳ\", or: cchc submit --file %s%s%s "
                    "--confirm-carried\n",
                    "%zu lines carried from the earlier period were not sent (%zu unchanged, %zu "
                    "with a newer earlier report, %zu not checked). To send them as they are: "
                    "clear their cell \"Mang sang từ kỳ\", or: cchc submit --file %s%s%s "
                    "--confirm-carried\n",
                    held),
           held, summary->unchanged, summary->stale, summary->unchecked, source,
           *unit ? " --unit " : "", unit);
}
