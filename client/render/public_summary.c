/* Writes the public summary page (public_summary.h): per index a table of
 * its criteria's figures, then under each criterion the lead agencies'
 * accepted assessments. Labels go through _() (Vietnamese by default);
 * figures with a decimal comma as in the printed report; the CSV
 * companion carries the same, one row per criterion. */
#include "public_summary.h"

#include <stdlib.h>
#include <string.h>

#include "admin_document.h"
#include "csv_read.h"
#include "i18n.h"
#include "print_figures.h"

static const char *const css =
    "@page{size:A4 portrait;margin:20mm 15mm 20mm 20mm}"
    "html{font-family:'Times New Roman','Liberation Serif','DejaVu Serif',serif;font-size:13pt;color:#000}"
    "body{margin:0}@media screen{body{max-width:175mm;margin:2em auto;padding:0 1em}}"
    "h1{font-size:15pt;text-align:center;margin:0 0 6pt}"
    "h2{font-size:13pt;margin:12pt 0 4pt;break-after:avoid;page-break-after:avoid}"
    "h3{font-size:12pt;font-style:italic;margin:8pt 0 3pt;break-after:avoid;page-break-after:avoid}"
    ".meta{text-align:center;font-style:italic;margin:0 0 4pt}"
    ".state{text-align:center;font-weight:bold;margin:0 0 10pt}"
    "table{border-collapse:collapse;width:100%;margin:3pt 0 8pt;font-size:11pt}"
    "th,td{border:1px solid #000;padding:2pt 4pt;vertical-align:top}th{text-align:center}"
    "td.n{text-align:right;white-space:nowrap}thead{display:table-header-group}"
    "tr,blockquote{break-inside:avoid;page-break-inside:avoid}"
    "p.by{margin:4pt 0 0;font-weight:bold}"
    "blockquote{margin:0 0 6pt 10pt;white-space:pre-line;text-align:justify}";

static void cell_text(FILE *out, const char *text)
{
    fputs("<td>", out);
    admin_document_escape(out, text);
    fputs("</td>", out);
}

static void cell_number(FILE *out, const char *text)
{
    fprintf(out, "<td class=\"n\">%s</td>", text);
}

static void cell_percent(FILE *out, const char *canonical)
{
    char shown[48];
    if (!*canonical || print_decimal(canonical, 2, shown, sizeof(shown)) != 0)
        snprintf(shown, sizeof(shown), "—");
    else
        strncat(shown, " %", sizeof(shown) - strlen(shown) - 1);
    cell_number(out, shown);
}

static void criterion_row(FILE *out, const Cchc__V1__PublicCriterion *c)
{
    char received[32], on_time[16];
    snprintf(received, sizeof(received), "%d/%d", c->received, c->expected);
    snprintf(on_time, sizeof(on_time), "%d", c->on_time);
    fputs("<tr>", out);
    cell_text(out, c->printed_code);
    cell_text(out, c->criterion_name);
    cell_number(out, received);
    cell_number(out, on_time);
    cell_percent(out, c->mean_progress);
    cell_percent(out, c->overall_progress);
    fputs("</tr>\n", out);
}

static void table_head(FILE *out)
{
    fprintf(out, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th></tr></thead><tbody>\n",
            _("No."), _("Criterion"), _("Reports received/expected"), _("On time"),
            _("Average progress"), _("Overall progress"));
}

/* The accepted assessments on one criterion, each with its lead agency
 * and task. */
static void assessments_of(FILE *out, const Cchc__V1__PublicSummaryResponse *s,
                           const Cchc__V1__PublicCriterion *c)
{
    int heading = 0;
    for (size_t i = 0; i < s->n_assessments; i++) {
        const Cchc__V1__PublicAssessment *a = s->assessments[i];
        if (strcmp(a->index_code, c->index_code) != 0 ||
            strcmp(a->criterion_code, c->criterion_code) != 0)
            continue;
        if (!heading) {
            fputs("<h3>", out);
            admin_document_escape(out, c->printed_code);
            fputs(". ", out);
            admin_document_escape(out, c->criterion_name);
            fputs("</h3>\n", out);
            heading = 1;
        }
        fputs("<p class=\"by\">", out);
        admin_document_escape(out, a->unit_name);
        fprintf(out, " (%s ", _("task"));
        admin_document_escape(out, a->task_ref);
        fputs(")</p>\n<blockquote>", out);
        admin_document_escape(out, a->assessment);
        fputs("</blockquote>\n", out);
    }
}

static void index_section(FILE *out, const Cchc__V1__PublicSummaryResponse *s, size_t from,
                          size_t to)
{
    const Cchc__V1__PublicCriterion *first = s->criteria[from];
    fputs("<h2>", out);
    admin_document_escape(out, first->index_code);
    fputs(" — ", out);
    admin_document_escape(out, first->index_name);
    fputs("</h2>\n", out);
    table_head(out);
    for (size_t i = from; i < to; i++)
        criterion_row(out, s->criteria[i]);
    fputs("</tbody></table>\n", out);
    int any = 0;
    for (size_t i = 0; i < s->n_assessments && !any; i++)
        any = strcmp(s->assessments[i]->index_code, first->index_code) == 0;
    if (!any)
        return;
    fprintf(out, "<p class=\"by\">%s</p>\n", _("Assessments of the lead agencies (accepted)"));
    for (size_t i = from; i < to; i++)
        assessments_of(out, s, s->criteria[i]);
}

void public_summary_write(const Cchc__V1__PublicSummaryResponse *s, FILE *out)
{
    const char *title = _("PUBLIC SUMMARY OF THE ADMINISTRATIVE REFORM PLAN'S PROGRESS");
    fputs("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>", out);
    admin_document_escape(out, title);
    fputs(" — ", out);
    admin_document_escape(out, s->period_id);
    fprintf(out, "</title><style>%s</style></head><body>\n<h1>", css);
    admin_document_escape(out, title);
    fprintf(out, "</h1>\n<p class=\"meta\">%s ", _("Reporting period:"));
    admin_document_escape(out, s->period_id);
    fprintf(out, "</p>\n<p class=\"state\">%s</p>\n",
            s->approved ? _("Figures approved")
                        : _("Provisional figures, not yet approved"));
    if (s->n_criteria == 0)
        fprintf(out, "<p>%s</p>\n", _("No task of this period serves an index criterion."));
    for (size_t from = 0; from < s->n_criteria;) {
        size_t to = from + 1;
        while (to < s->n_criteria &&
               strcmp(s->criteria[to]->index_code, s->criteria[from]->index_code) == 0)
            to++;
        index_section(out, s, from, to);
        from = to;
    }
    fputs("</body></html>\n", out);
}

/* A criterion's accepted assessments, "Agency (task 105): text", a blank
 * line between two; measured first, then written (the client is also
 * built for Windows: no open_memstream). NULL when out of memory. */
static char *assessments_text(const Cchc__V1__PublicSummaryResponse *s,
                              const Cchc__V1__PublicCriterion *c)
{
    const char *task = _("task");
    size_t size = 1;
    for (int pass = 0;; pass++) {
        char *text = pass ? malloc(size) : NULL;
        if (pass && !text)
            return NULL;
        size_t at = 0;
        for (size_t i = 0; i < s->n_assessments; i++) {
            const Cchc__V1__PublicAssessment *a = s->assessments[i];
            if (strcmp(a->index_code, c->index_code) != 0 ||
                strcmp(a->criterion_code, c->criterion_code) != 0)
                continue;
            const char *parts[] = {at ? "\n\n" : "", a->unit_name, " (", task, " ",
                                   a->task_ref, "): ", a->assessment};
            for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
                size_t n = strlen(parts[k]);
                if (pass)
                    memcpy(text + at, parts[k], n);
                at += n;
            }
        }
        if (pass) {
            text[at] = '\0';
            return text;
        }
        size = at + 1;
    }
}

void public_summary_write_csv(const Cchc__V1__PublicSummaryResponse *s, FILE *out)
{
    static const char *const headers[] = {
        N_("Reporting period"), N_("Index"), N_("No."), N_("Criterion"), N_("Expected"),
        N_("Received"), N_("On time"), N_("Average progress"), N_("Overall progress"),
        N_("Assessments of the lead agencies (accepted)"), N_("Status")};
    const size_t n = sizeof(headers) / sizeof(headers[0]);
    fputs("\xEF\xBB\xBF", out);
    for (size_t c = 0; c < n; c++)
        csv_write_field(out, _(headers[c]), c == n - 1);
    const char *state = s->approved ? _("Figures approved")
                                    : _("Provisional figures, not yet approved");
    for (size_t i = 0; i < s->n_criteria; i++) {
        const Cchc__V1__PublicCriterion *c = s->criteria[i];
        char expected[16], received[16], on_time[16];
        snprintf(expected, sizeof(expected), "%d", c->expected);
        snprintf(received, sizeof(received), "%d", c->received);
        snprintf(on_time, sizeof(on_time), "%d", c->on_time);
        char *texts = assessments_text(s, c);
        const char *row[] = {s->period_id, c->index_code, c->printed_code, c->criterion_name,
                             expected, received, on_time, c->mean_progress,
                             c->overall_progress, texts ? texts : "", state};
        for (size_t k = 0; k < n; k++)
            csv_write_field(out, row[k], k == n - 1);
        free(texts);
    }
}
