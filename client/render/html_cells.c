/* See html_cells.h. */
#include "html_cells.h"

#include "admin_document.h"
#include "print_figures.h"

void html_figure_cell(FILE *out, const char *key, const char *value, const char *shown)
{
    fputs("<td class=\"n\" data-value=\"", out);
    admin_document_escape(out, value);
    fputs("\" data-figure=\"", out);
    admin_document_escape(out, key);
    fputs("\">", out);
    admin_document_escape(out, *shown ? shown : "—");
    fputs("</td>", out);
}

void html_decimal_cell(FILE *out, const char *key, const char *value)
{
    char shown[48];
    if (print_decimal(value, HTML_PLACES, shown, sizeof(shown)) != 0)
        snprintf(shown, sizeof(shown), "%s", value);
    html_figure_cell(out, key, value, shown);
}

void html_int_cell(FILE *out, const char *prefix, const char *key, const char *field, int v)
{
    char k[200], val[24];
    snprintf(k, sizeof(k), "%s%s%s.%s", prefix, *key ? "." : "", key, field);
    snprintf(val, sizeof(val), "%d", v);
    html_figure_cell(out, k, val, val);
}

/* The plan's text of a task, or "" (the list comes sorted by id). */
const char *html_task_text(const Cchc__V1__TaskListResponse *tasks, int id)
{
    if (!tasks)
        return "";
    size_t lo = 0, hi = tasks->n_tasks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tasks->tasks[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < tasks->n_tasks && tasks->tasks[lo]->id == id)
        return tasks->tasks[lo]->text;
    for (size_t i = 0; i < tasks->n_tasks; i++) /* not sorted after all */
        if (tasks->tasks[i]->id == id)
            return tasks->tasks[i]->text;
    return "";
}

void html_task_title(FILE *out, int id, const char *ref, const char *text)
{
    fprintf(out, "Nhiệm vụ %d (", id);
    admin_document_text(out, ref);
    fputs(")", out);
    if (text && *text) {
        fputs(": ", out);
        admin_document_text(out, text);
    }
}
