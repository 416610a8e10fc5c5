/* See html_report.h. */
#include "html_report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decimal_text.h"
#include "i18n.h"
#include "report_csv.h"

static void esc(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* A figure people read and tools can find: <td data-figure="key">v</td>. */
static void figure_cell(FILE *out, const char *key, const char *value)
{
    fputs("<td class=\"n\" data-figure=\"", out);
    esc(out, key);
    fputs("\">", out);
    esc(out, value);
    fputs("</td>", out);
}

static void int_cell(FILE *out, const char *prefix, const char *key, const char *field, int v)
{
    char k[200], val[24];
    snprintf(k, sizeof(k), "%s%s%s.%s", prefix, *key ? "." : "", key, field);
    snprintf(val, sizeof(val), "%d", v);
    figure_cell(out, k, val);
}

/* Horizontal bars, one per label, lengths proportional to values (the
 * drawing only: the numbers shown are the exact decimals). */
static void svg_bars(FILE *out, const char *const *labels, const char *const *values, size_t n,
                     double max, const char *unit)
{
    const int row = 22, label_w = 260, bar_w = 360;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n",
            label_w + bar_w + 90, (int)n * row + 6);
    for (size_t i = 0; i < n; i++) {
        double v = decimal_text_approx(values[i]); /* not strtod: LC_NUMERIC */
        int w = max > 0 ? (int)(v / max * bar_w + 0.5) : 0;
        if (w > bar_w)
            w = bar_w;
        int y = (int)i * row + 3;
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">", label_w - 6, y + 14);
        esc(out, labels[i]);
        fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#2f6f9f\"/>"
                     "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"none\" stroke=\"#999\"/>"
                     "<text x=\"%d\" y=\"%d\" font-size=\"12\">",
                label_w, y, w, label_w, y, bar_w, label_w + bar_w + 6, y + 13);
        esc(out, values[i]);
        fprintf(out, "%s</text>\n", unit);
    }
    fputs("</svg>\n", out);
}

static void group_table(FILE *out, const char *prefix, const char *first,
                        Cchc__V1__StatusGroup *const *groups, size_t n)
{
    fprintf(out, "<table><thead><tr><th>%s</th><th>Phải có</th><th>Đã nhận</th><th>Đúng hạn</th>"
                 "<th>Muộn</th><th>Còn thiếu</th><th>Tiến độ chung (%%)</th></tr></thead><tbody>\n",
            first);
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__StatusGroup *g = groups[i];
        fputs("<tr><td>", out);
        esc(out, g->name);
        fputs("</td>", out);
        int_cell(out, prefix, g->key, "expected", g->expected);
        int_cell(out, prefix, g->key, "received", g->received);
        int_cell(out, prefix, g->key, "on_time", g->on_time);
        int_cell(out, prefix, g->key, "late", g->late);
        int_cell(out, prefix, g->key, "missing", g->missing);
        char k[200];
        snprintf(k, sizeof(k), "%s.%s.effective_progress", prefix, g->key);
        figure_cell(out, k, g->effective_progress);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

static const char *const style =
    "body{font-family:'Times New Roman',serif;max-width:1000px;margin:2em auto;color:#111}"
    "h1{text-align:center;font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}"
    "table{border-collapse:collapse;width:100%;margin:.6em 0}"
    "th,td{border:1px solid #999;padding:3px 6px;font-size:.92em;vertical-align:top}"
    "th{background:#eee}td.n{text-align:right}"
    "blockquote{margin:.3em 0 .3em 1.2em;padding-left:.6em;border-left:3px solid #bbb}"
    ".meta{text-align:center;color:#444}"
    "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}"
    "table,svg,blockquote{page-break-inside:avoid}}";

void html_report_write(const html_report_data *d, const char *period, FILE *out)
{
    const Cchc__V1__StatusResponse *s = d->by_index;
    /* no total when nothing is expected in the caller's scope (a reviewer
     * whose unit leads no task): the report then shows zeros */
    static const Cchc__V1__StatusGroup no_reports = CCHC__V1__STATUS_GROUP__INIT;
    const Cchc__V1__StatusGroup *t = s->total ? s->total : &no_reports;
    char today[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(today, sizeof(today), "%d/%m/%Y", &tm);

    fprintf(out, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
                 "<title>Báo cáo tổng hợp kỳ %s</title><style>%s</style></head><body>\n",
            period, style);
    fprintf(out, "<p class=\"meta\">ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ — SỞ NỘI VỤ</p>\n"
                 "<h1>BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ 121/KH-UBND<br>"
                 "cải thiện Chỉ số PAR-INDEX, SIPAS, PAPI — kỳ <span data-figure=\"period\">%s</span></h1>\n"
                 "<p class=\"meta\">Số liệu từ %s đến %s; lập ngày %s%s.</p>\n",
            s->period->id, s->period->data_from, s->period->data_until, today,
            s->all_tasks ? "" : " (chỉ các nhiệm vụ đơn vị chủ trì)");

    fputs("<h2>1. Tóm tắt</h2>\n<table><tbody>\n", out);
    const struct { const char *label, *key; int v; } summary[] = {
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
    for (size_t i = 0; i < sizeof(summary) / sizeof(summary[0]); i++) {
        char v[24];
        snprintf(v, sizeof(v), "%d", summary[i].v);
        fprintf(out, "<tr><th>%s</th>", summary[i].label);
        figure_cell(out, summary[i].key, v);
        fputs("</tr>\n", out);
    }
    fputs("<tr><th>Tiến độ trung bình các báo cáo đã nhận (%)</th>", out);
    figure_cell(out, "total.mean_progress", t->mean_progress);
    fputs("</tr>\n<tr><th>Tiến độ chung, báo cáo thiếu tính 0% (%)</th>", out);
    figure_cell(out, "total.effective_progress", t->effective_progress);
    fputs("</tr>\n</tbody></table>\n", out);

    fputs("<h2>2. Tình hình gửi báo cáo</h2>\n<h3>Theo quận, huyện (gồm các xã, phường)</h3>\n", out);
    group_table(out, "district", "Khu vực (quận, huyện; từ 01/07/2025: tỉnh, thành phố cũ)", d->by_district->groups,
                d->by_district->n_groups);
    fputs("<h3>Theo cơ quan chủ trì</h3>\n", out);
    group_table(out, "lead", "Cơ quan chủ trì", d->by_lead->groups, d->by_lead->n_groups);

    fputs("<h2>3. Tiến độ theo chỉ số</h2>\n", out);
    {
        const char *labels[8], *values[8];
        size_t n = 0;
        for (size_t i = 0; i < s->n_groups && n < 8; i++, n++) {
            labels[n] = s->groups[i]->key;
            values[n] = s->groups[i]->effective_progress;
        }
        svg_bars(out, labels, values, n, 100, " %");
        group_table(out, "index", "Chỉ số", s->groups, s->n_groups);
    }

    fputs("<h2>4. Tiêu chí có nguy cơ mất điểm</h2>\n<p>Nguy cơ = điểm bị mất năm gốc × "
          "(1 − tiến độ chung/100); báo cáo thiếu tính tiến độ 0%.</p>\n", out);
    {
        size_t n = s->n_at_risk < 15 ? s->n_at_risk : 15;
        const char **labels = calloc(n + 1, sizeof(char *)), **values = calloc(n + 1, sizeof(char *));
        char(*names)[64] = calloc(n + 1, sizeof(*names));
        double max = 0;
        for (size_t i = 0; labels && values && names && i < n; i++) {
            snprintf(names[i], sizeof(names[i]), "%s %s", s->at_risk[i]->index_code, s->at_risk[i]->code);
            labels[i] = names[i];
            values[i] = s->at_risk[i]->risk;
            double v = decimal_text_approx(values[i]); /* not strtod: LC_NUMERIC */
            if (v > max)
                max = v;
        }
        if (labels && values && names)
            svg_bars(out, labels, values, n, max, "");
        free(labels);
        free(values);
        free(names);
        fputs("<table><thead><tr><th>Tiêu chí</th><th>Điểm chuẩn</th><th>Điểm 2022</th>"
              "<th>Điểm mất</th><th>Tiến độ chung (%)</th><th>Còn thiếu</th><th>Nguy cơ</th></tr>"
              "</thead><tbody>\n", out);
        for (size_t i = 0; i < s->n_at_risk; i++) {
            const Cchc__V1__CriterionRisk *c = s->at_risk[i];
            char key[96];
            fputs("<tr><td>", out);
            esc(out, c->code);
            fputs(" — ", out);
            esc(out, c->name);
            fputs("</td>", out);
            snprintf(key, sizeof(key), "risk.%s.max_points", c->code);
            figure_cell(out, key, c->max_points);
            snprintf(key, sizeof(key), "risk.%s.score", c->code);
            figure_cell(out, key, c->score);
            snprintf(key, sizeof(key), "risk.%s.points_lost", c->code);
            figure_cell(out, key, c->points_lost);
            snprintf(key, sizeof(key), "risk.%s.effective_progress", c->code);
            figure_cell(out, key, c->effective_progress);
            int_cell(out, "risk", c->code, "missing", c->missing);
            snprintf(key, sizeof(key), "risk.%s.risk", c->code);
            figure_cell(out, key, c->risk);
            fputs("</tr>\n", out);
        }
        fputs("</tbody></table>\n", out);
    }

    const Cchc__V1__MissingResponse *m = d->missing;
    fprintf(out, "<h2>5. Đơn vị còn thiếu báo cáo (<span data-figure=\"missing.count\">%zu</span>)</h2>\n",
            m->n_missing);
    for (size_t i = 0; i < m->n_missing;) {
        const char *unit = m->missing[i]->unit_code;
        fputs("<p><b>", out);
        esc(out, m->missing[i]->unit_name);
        fputs("</b>: ", out);
        for (size_t k = 0; i < m->n_missing && strcmp(m->missing[i]->unit_code, unit) == 0; i++, k++) {
            fprintf(out, "%s%d", k ? ", " : "", m->missing[i]->task_id);
        }
        fputs("</p>\n", out);
    }

    fputs("<h2>6. Khó khăn, vướng mắc và kiến nghị</h2>\n", out);
    const Cchc__V1__ExportResponse *e = d->rows;
    int last_task = 0, quoted = 0;
    for (size_t i = 0; i < e->n_rows; i++) {
        const Cchc__V1__ExportRow *r = e->rows[i];
        if (!*r->difficulties && !*r->proposals)
            continue;
        if (r->task_id != last_task) {
            fprintf(out, "<h3>Nhiệm vụ %d (", r->task_id);
            esc(out, r->ref);
            fputs(")</h3>\n", out);
            last_task = r->task_id;
        }
        fputs("<blockquote><b>", out);
        esc(out, r->unit_name);
        fputs("</b>", out);
        if (*r->difficulties) {
            fputs("<br>Khó khăn, vướng mắc: ", out);
            esc(out, r->difficulties);
        }
        if (*r->proposals) {
            fputs("<br>Kiến nghị: ", out);
            esc(out, r->proposals);
        }
        fputs("</blockquote>\n", out);
        quoted++;
    }
    if (!quoted)
        fputs("<p>Không có khó khăn, kiến nghị nào được báo cáo.</p>\n", out);
    fputs("</body></html>\n", out);
}
