/* See html_report.h. The frame (header, page, fonts) is
 * admin_document.c's; the figures are written by print_figures.c. */
#include "html_report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_document.h"
#include "city_report_html.h"
#include "decimal_text.h"
#include "html_cells.h"
#include "print_figures.h"

/* Charts: drawn in a 600-unit wide box scaled to the text width; labels
 * at 11 units, two lines of 40 characters (the width of DejaVu Serif, the
 * widest fallback of the font stack, still fits). */
enum { CHART_W = 600, LABEL_W = 300, BAR_W = 220, LABEL_CHARS = 40, LABEL_LINES = 2 };

/* What the report adds to the document frame: tables, charts, quotes.
 * Long tables may break between rows (their header repeats); headings
 * stay with what follows; nothing forces a page break. */
static const char *const body_css =
    "h2{font-size:13pt;margin:12pt 0 4pt;break-after:avoid;page-break-after:avoid}"
    "h3{font-size:13pt;font-style:italic;margin:8pt 0 3pt;break-after:avoid;page-break-after:avoid}"
    "h4{font-size:13pt;margin:8pt 0 3pt;break-after:avoid;page-break-after:avoid}"
    "p{margin:0 0 6pt;text-align:justify}"
    "p.lead,p.task{break-after:avoid;page-break-after:avoid}"
    "p.task{margin:6pt 0 2pt}p.units{margin:0 0 6pt 10pt;font-size:12pt;orphans:3;widows:3}"
    ".meta{text-align:center;font-style:italic;font-size:12pt;margin-bottom:10pt}"
    "table.d{border-collapse:collapse;width:100%;margin:3pt 0 8pt;font-size:11pt}"
    "table.d th,table.d td{border:1px solid #000;padding:2pt 4pt;vertical-align:top}"
    "table.d th{font-weight:bold;text-align:center}"
    "table.d th.row{text-align:left;font-weight:normal}"
    "td.n{text-align:right;white-space:nowrap}"
    "thead{display:table-header-group}"
    "tr,svg,blockquote{break-inside:avoid;page-break-inside:avoid}"
    "svg{display:block;width:100%;height:auto;margin:3pt 0 6pt}"
    "blockquote{margin:2pt 0 6pt 10pt;padding-left:6pt;border-left:2px solid #000;font-size:12pt}";

/* One bar: its label (any length: wrapped, then cut with "…") and the
 * canonical decimal it stands for. */
typedef struct bar {
    const char *label;
    const char *value;
} bar;

/* The next line of at most LABEL_CHARS characters of text, broken at a
 * space when there is one; returns its length in bytes. */
static size_t label_line(const char *s, int *more)
{
    size_t bytes = 0, last_space = 0;
    int chars = 0;
    while (s[bytes] && chars < LABEL_CHARS) {
        if (s[bytes] == ' ')
            last_space = bytes;
        bytes++;
        while ((s[bytes] & 0xC0) == 0x80) /* the rest of a UTF-8 character */
            bytes++;
        chars++;
    }
    *more = s[bytes] != '\0';
    if (*more && last_space > 0 && s[bytes] != ' ')
        bytes = last_space;
    return bytes;
}

/* Horizontal bars, one per label, lengths proportional to the values as
 * printed (the drawing follows the rounded number beside it). */
static void svg_bars(FILE *out, const bar *bars, size_t n, double max, const char *unit)
{
    int heights[32], total = 6;
    n = n < 32 ? n : 32;
    for (size_t i = 0; i < n; i++) {
        int lines = 0, more = 1;
        for (const char *s = bars[i].label; *s && more && lines < LABEL_LINES; lines++) {
            s += label_line(s, &more);
            while (*s == ' ')
                s++;
        }
        heights[i] = (lines > 1 ? lines : 1) * 14 + 8;
        total += heights[i];
    }
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
            CHART_W, total);
    int y = 3;
    for (size_t i = 0; i < n; i++) {
        char dot[48], shown[48];
        if (print_decimal_dot(bars[i].value, HTML_PLACES, dot, sizeof(dot)) != 0 ||
            print_decimal(bars[i].value, HTML_PLACES, shown, sizeof(shown)) != 0)
            dot[0] = shown[0] = '\0';
        double v = decimal_text_approx(dot); /* not strtod: LC_NUMERIC */
        int w = max > 0 ? (int)(v / max * BAR_W + 0.5) : 0;
        if (w > BAR_W)
            w = BAR_W;
        if (w < 0)
            w = 0;
        int bar_y = y + (heights[i] - 16) / 2 - 1;
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">", LABEL_W - 6, y + 13);
        int more = 1, line = 0;
        for (const char *s = bars[i].label; *s && more && line < LABEL_LINES; line++) {
            size_t len = label_line(s, &more);
            char part[LABEL_CHARS * 4 + 1];
            if (len >= sizeof(part)) /* not UTF-8: runs of continuation bytes */
                len = sizeof(part) - 1;
            memcpy(part, s, len);
            part[len] = '\0';
            fprintf(out, "<tspan x=\"%d\" dy=\"%d\">", LABEL_W - 6, line ? 14 : 0);
            admin_document_escape(out, part);
            if (more && line == LABEL_LINES - 1)
                fputs("…", out);
            fputs("</tspan>", out);
            s += len;
            while (*s == ' ')
                s++;
        }
        fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#2f6f9f\"/>"
                     "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"none\" stroke=\"#999\"/>"
                     "<text x=\"%d\" y=\"%d\" font-size=\"12\">",
                LABEL_W, bar_y, w, LABEL_W, bar_y, BAR_W, LABEL_W + BAR_W + 6, bar_y + 13);
        admin_document_escape(out, shown);
        fprintf(out, "%s</text>\n", unit);
        y += heights[i];
    }
    fputs("</svg>\n", out);
}

static void group_table(FILE *out, const char *prefix, const char *first,
                        Cchc__V1__StatusGroup *const *groups, size_t n)
{
    fprintf(out, "<table class=\"d\"><thead><tr><th>%s</th><th>Phải có</th><th>Đã nhận</th>"
                 "<th>Đúng hạn</th><th>Muộn</th><th>Còn thiếu</th><th>Tiến độ chung (%%)</th></tr>"
                 "</thead><tbody>\n",
            first);
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__StatusGroup *g = groups[i];
        fputs("<tr><td>", out);
        admin_document_text(out, g->name);
        fputs("</td>", out);
        html_int_cell(out, prefix, g->key, "expected", g->expected);
        html_int_cell(out, prefix, g->key, "received", g->received);
        html_int_cell(out, prefix, g->key, "on_time", g->on_time);
        html_int_cell(out, prefix, g->key, "late", g->late);
        html_int_cell(out, prefix, g->key, "missing", g->missing);
        char k[200];
        snprintf(k, sizeof(k), "%s.%s.effective_progress", prefix, g->key);
        html_decimal_cell(out, k, g->effective_progress);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

static void write_summary(FILE *out, const Cchc__V1__StatusGroup *t)
{
    fputs("<h2>1. Tóm tắt</h2>\n<table class=\"d\"><tbody>\n", out);
    const struct { const char *label, *key; int v; } counts[] = {
        {"Số báo cáo phải có", "total.expected", t->expected},
        {"Đã nhận", "total.received", t->received},
        {"Đúng hạn", "total.on_time", t->on_time},
        {"Gửi muộn", "total.late", t->late},
        {"Còn thiếu", "total.missing", t->missing},
        {"Chưa triển khai", "total.not_started", t->not_started},
        {"Đang triển khai", "total.in_progress", t->in_progress},
        {"Hoàn thành", "total.completed", t->completed},
        {"Chậm tiến độ", "total.behind", t->behind},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        char v[24];
        snprintf(v, sizeof(v), "%d", counts[i].v);
        fprintf(out, "<tr><th class=\"row\">%s</th>", counts[i].label);
        html_figure_cell(out, counts[i].key, v, v);
        fputs("</tr>\n", out);
    }
    fputs("<tr><th class=\"row\">Tiến độ trung bình các báo cáo đã nhận (%)</th>", out);
    html_decimal_cell(out, "total.mean_progress", t->mean_progress);
    fputs("</tr>\n<tr><th class=\"row\">Tiến độ chung, báo cáo thiếu tính 0% (%)</th>", out);
    html_decimal_cell(out, "total.effective_progress", t->effective_progress);
    fputs("</tr>\n</tbody></table>\n", out);
}

static void write_indices(FILE *out, const Cchc__V1__StatusResponse *s)
{
    fputs("<h2>3. Tiến độ theo chỉ số</h2>\n", out);
    bar bars[8];
    char labels[8][400];
    size_t n = 0;
    for (size_t i = 0; i < s->n_groups && n < 8; i++, n++) {
        const Cchc__V1__StatusGroup *g = s->groups[i];
        if (*g->name && strcmp(g->name, g->key) != 0)
            snprintf(labels[n], sizeof(labels[n]), "%s: %s", g->key, g->name);
        else
            snprintf(labels[n], sizeof(labels[n]), "%s", g->key);
        bars[n] = (bar){labels[n], g->effective_progress};
    }
    svg_bars(out, bars, n, 100, " %");
    group_table(out, "index", "Chỉ số", s->groups, s->n_groups);
}

static void write_risk(FILE *out, const Cchc__V1__StatusResponse *s)
{
    fputs("<h2>4. Tiêu chí có nguy cơ mất điểm</h2>\n<p class=\"lead\">Nguy cơ = điểm bị mất năm gốc × "
          "(1 − tiến độ chung/100); báo cáo thiếu tính tiến độ 0%. Biểu đồ: 10 tiêu chí nguy cơ cao "
          "nhất.</p>\n",
          out);
    size_t n = s->n_at_risk < 10 ? s->n_at_risk : 10;
    bar bars[10];
    char labels[10][600];
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__CriterionRisk *c = s->at_risk[i];
        /* the criterion's name beside its code: a code alone says nothing
         * to the committee */
        snprintf(labels[i], sizeof(labels[i]), "%s %s: %s", c->index_code, c->code, c->name);
        bars[i] = (bar){labels[i], c->risk};
        char dot[48];
        if (print_decimal_dot(c->risk, HTML_PLACES, dot, sizeof(dot)) == 0) {
            double v = decimal_text_approx(dot); /* not strtod: LC_NUMERIC */
            if (v > max)
                max = v;
        }
    }
    if (n)
        svg_bars(out, bars, n, max, "");
    fputs("<table class=\"d\"><thead><tr><th>Tiêu chí</th><th>Điểm chuẩn</th><th>Điểm 2022</th>"
          "<th>Điểm mất</th><th>Tiến độ chung (%)</th><th>Còn thiếu</th><th>Nguy cơ</th></tr>"
          "</thead><tbody>\n",
          out);
    for (size_t i = 0; i < s->n_at_risk; i++) {
        const Cchc__V1__CriterionRisk *c = s->at_risk[i];
        char key[96];
        fputs("<tr><td>", out);
        admin_document_escape(out, c->index_code);
        fputs(" ", out);
        admin_document_escape(out, c->code);
        fputs(" — ", out);
        admin_document_text(out, c->name);
        fputs("</td>", out);
        snprintf(key, sizeof(key), "risk.%s.max_points", c->code);
        html_decimal_cell(out, key, c->max_points);
        snprintf(key, sizeof(key), "risk.%s.score", c->code);
        html_decimal_cell(out, key, c->score);
        snprintf(key, sizeof(key), "risk.%s.points_lost", c->code);
        html_decimal_cell(out, key, c->points_lost);
        snprintf(key, sizeof(key), "risk.%s.effective_progress", c->code);
        html_decimal_cell(out, key, c->effective_progress);
        html_int_cell(out, "risk", c->code, "missing", c->missing);
        snprintf(key, sizeof(key), "risk.%s.risk", c->code);
        html_decimal_cell(out, key, c->risk);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

typedef struct missing_order {
    int task_id;
    size_t at; /* the server's order: by unit name */
} missing_order;

static int missing_order_compare(const void *a, const void *b)
{
    const missing_order *x = a, *y = b;
    if (x->task_id != y->task_id)
        return x->task_id < y->task_id ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* By task, each with its name once, then the units that owe it as one
 * paragraph the width of the page (a task every unit owes lists a
 * hundred names: in a table cell that ran over a page per task). */
static void write_missing(FILE *out, const Cchc__V1__MissingResponse *m,
                          const Cchc__V1__TaskListResponse *tasks)
{
    fprintf(out, "<h2>5. Đơn vị còn thiếu báo cáo (<span data-figure=\"missing.count\">%zu</span>)</h2>\n",
            m->n_missing);
    if (m->n_missing == 0) {
        fputs("<p>Tất cả các đơn vị đã gửi báo cáo.</p>\n", out);
        return;
    }
    missing_order *order = calloc(m->n_missing, sizeof(*order));
    if (!order)
        return;
    for (size_t i = 0; i < m->n_missing; i++)
        order[i] = (missing_order){m->missing[i]->task_id, i};
    qsort(order, m->n_missing, sizeof(*order), missing_order_compare);
    for (size_t i = 0; i < m->n_missing;) {
        const Cchc__V1__MissingReport *first = m->missing[order[i].at];
        size_t units = 0;
        while (i + units < m->n_missing && order[i + units].task_id == first->task_id)
            units++;
        fputs("<p class=\"task\"><b>", out);
        html_task_title(out, first->task_id, first->ref, html_task_text(tasks, first->task_id));
        fprintf(out, "</b> — %zu đơn vị chưa gửi:</p>\n<p class=\"units\">", units);
        for (size_t k = 0; k < units; k++, i++) {
            if (k)
                fputs("; ", out);
            admin_document_text(out, m->missing[order[i].at]->unit_name);
        }
        fputs(".</p>\n", out);
    }
    free(order);
}

static void write_difficulties(FILE *out, const Cchc__V1__ExportResponse *e,
                               const Cchc__V1__TaskListResponse *tasks)
{
    fputs("<h2>6. Khó khăn, vướng mắc và kiến nghị</h2>\n", out);
    int last_task = 0, quoted = 0;
    for (size_t i = 0; i < e->n_rows; i++) {
        const Cchc__V1__ExportRow *r = e->rows[i];
        if (!*r->difficulties && !*r->proposals)
            continue;
        if (r->task_id != last_task) {
            fputs("<h3>", out);
            html_task_title(out, r->task_id, r->ref, html_task_text(tasks, r->task_id));
            fputs("</h3>\n", out);
            last_task = r->task_id;
        }
        fputs("<blockquote><b>", out);
        admin_document_text(out, r->unit_name);
        fputs("</b>", out);
        if (*r->difficulties) {
            fputs("<br>Khó khăn, vướng mắc: ", out);
            admin_document_text(out, r->difficulties);
        }
        if (*r->proposals) {
            fputs("<br>Kiến nghị: ", out);
            admin_document_text(out, r->proposals);
        }
        fputs("</blockquote>\n", out);
        quoted++;
    }
    if (!quoted)
        fputs("<p>Không có khó khăn, kiến nghị nào được báo cáo.</p>\n", out);
}

void html_report_write(const html_report_data *d, const char *period, FILE *out)
{
    const Cchc__V1__StatusResponse *s = d->by_index;
    /* no total when nothing is expected in the caller's scope (a reviewer
     * whose unit leads no task): the report then shows zeros */
    static const Cchc__V1__StatusGroup no_reports = CCHC__V1__STATUS_GROUP__INIT;
    const Cchc__V1__StatusGroup *t = s->total ? s->total : &no_reports;
    char today[11], from[40], until[40], title[160];
    print_vietnam_day(time(NULL), today);
    print_date(s->period->data_from, from, sizeof(from));
    print_date(s->period->data_until, until, sizeof(until));
    snprintf(title, sizeof(title), "Báo cáo tổng hợp kỳ %s", period);

    const admin_document doc = {
        .html_title = title,
        .parent_lines = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ",
        .issuer = "SỞ NỘI VỤ",
        .kind_code = "BC",
        .place = "Cần Thơ",
        .kind_name = "BÁO CÁO",
        .extra_css = body_css,
    };
    admin_document_begin(&doc, out);
    admin_document_summary_begin(out);
    fputs("Kết quả thực hiện Kế hoạch số <span class=\"nowrap\">121/KH-UBND</span> cải thiện "
          "Chỉ số PAR-INDEX, SIPAS, PAPI<br>kỳ báo cáo <span data-figure=\"period\">",
          out);
    admin_document_escape(out, s->period->id);
    fputs("</span>", out);
    admin_document_summary_end(out);
    fprintf(out, "<p class=\"meta\">Số liệu từ %s đến %s; lập ngày %s%s.</p>\n", from, until, today,
            s->all_tasks ? "" : " (chỉ các nhiệm vụ đơn vị chủ trì)");

    write_summary(out, t);
    fputs("<h2>2. Tình hình gửi báo cáo</h2>\n<h3>Theo quận, huyện (gồm các xã, phường)</h3>\n", out);
    group_table(out, "district", "Khu vực (quận, huyện; từ 01/07/2025: tỉnh, thành phố cũ)",
                d->by_district->groups, d->by_district->n_groups);
    fputs("<h3>Theo cơ quan chủ trì</h3>\n", out);
    group_table(out, "lead", "Cơ quan chủ trì", d->by_lead->groups, d->by_lead->n_groups);
    write_indices(out, s);
    write_risk(out, s);
    write_missing(out, d->missing, d->tasks);
    write_difficulties(out, d->rows, d->tasks);
    if (d->city)
        city_report_html_write(out, d->city, d->tasks);
    admin_document_end(out);
}
