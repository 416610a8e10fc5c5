/* See city_report_html.h. Figures are keyed for tools as everywhere in
 * the document (html_cells.h): "criterion.INDEX.CODE.field" for a
 * criterion, "task.ID.field" for a task, "consolidation.TASK.UNIT.field"
 * for what a lead agency's consolidation was sent with and
 * "consolidation.TASK.UNIT.assessment" for its text,
 * "consolidation.city" for Sở Nội vụ's. */
#include "city_report_html.h"

#include <jansson.h>
#include <string.h>

#include "admin_document.h"
#include "city_report.h"
#include "html_cells.h"
#include "print_figures.h"

/* One paragraph of a consolidation's text, when it has one. */
static void consolidation_text(FILE *out, const char *label, const char *text)
{
    if (!*text)
        return;
    fprintf(out, "<br>%s: ", label);
    admin_document_text(out, text);
}

/* The figures a lead agency's consolidation was sent with: received of
 * expected and the overall progress (they may differ from today's, above
 * it: a report may have arrived since). */
static void sent_figures(FILE *out, const Cchc__V1__Consolidation *c)
{
    json_t *f = json_loads(c->figures, 0, NULL);
    if (!f)
        return;
    char key[200], received[24], expected[24];
    snprintf(received, sizeof(received), "%lld",
             (long long)json_integer_value(json_object_get(f, "received")));
    snprintf(expected, sizeof(expected), "%lld",
             (long long)json_integer_value(json_object_get(f, "expected")));
    const char *overall = json_string_value(json_object_get(f, "overall_progress"));
    fputs("<table class=\"d\"><tbody><tr><th class=\"row\">Khi gửi: đã nhận</th>", out);
    snprintf(key, sizeof(key), "consolidation.%d.%s.received", c->task_id, c->unit_code);
    html_figure_cell(out, key, received, received);
    fputs("<th class=\"row\">Phải có</th>", out);
    snprintf(key, sizeof(key), "consolidation.%d.%s.expected", c->task_id, c->unit_code);
    html_figure_cell(out, key, expected, expected);
    fputs("<th class=\"row\">Tiến độ chung (%)</th>", out);
    snprintf(key, sizeof(key), "consolidation.%d.%s.overall_progress", c->task_id, c->unit_code);
    html_decimal_cell(out, key, overall ? overall : "");
    fputs("</tr></tbody></table>\n", out);
    json_decref(f);
}

/* One row of figures: completeness, timeliness and progress. */
static void figures_row(FILE *out, const char *prefix, const char *key,
                        const Cchc__V1__StatusGroup *g)
{
    static const Cchc__V1__StatusGroup none = CCHC__V1__STATUS_GROUP__INIT;
    if (!g)
        g = &none;
    html_int_cell(out, prefix, key, "expected", g->expected);
    html_int_cell(out, prefix, key, "received", g->received);
    html_int_cell(out, prefix, key, "on_time", g->on_time);
    html_int_cell(out, prefix, key, "late", g->late);
    html_int_cell(out, prefix, key, "missing", g->missing);
    char k[200];
    snprintf(k, sizeof(k), "%s.%s.mean_progress", prefix, key);
    html_decimal_cell(out, k, g->mean_progress);
    snprintf(k, sizeof(k), "%s.%s.effective_progress", prefix, key);
    html_decimal_cell(out, k, g->effective_progress);
}

/* The criterion's figures, then one row per task serving it. */
static void criterion_table(FILE *out, const Cchc__V1__ReportBundleResponse *b,
                            const Cchc__V1__BundleCriterion *c)
{
    char key[160];
    snprintf(key, sizeof(key), "%s.%s", c->index_code, c->code);
    fputs("<table class=\"d\"><thead><tr><th></th><th>Phải có</th><th>Đã nhận</th><th>Đúng hạn</th>"
          "<th>Muộn</th><th>Còn thiếu</th><th>Tiến độ trung bình (%)</th><th>Tiến độ chung (%)</th>"
          "</tr></thead><tbody>\n<tr><th class=\"row\">Cả tiêu chí</th>",
          out);
    figures_row(out, "criterion", key, c->figures);
    fputs("</tr>\n", out);
    for (size_t i = 0; i < c->n_task_ids; i++) {
        const Cchc__V1__StatusGroup *g = city_report_task_figures(b, c->task_ids[i]);
        char id[16];
        snprintf(id, sizeof(id), "%d", c->task_ids[i]);
        fprintf(out, "<tr><td>Nhiệm vụ %d", c->task_ids[i]);
        if (g && *g->name) {
            fputs(" (", out);
            admin_document_escape(out, g->name);
            fputs(")", out);
        }
        fputs("</td>", out);
        figures_row(out, "task", id, g);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

/* The points the criterion carries and the city's score in the base year. */
static void criterion_points(FILE *out, const Cchc__V1__BundleCriterion *c)
{
    if (!*c->max_points && !*c->score)
        return;
    char key[200];
    fputs("<table class=\"d\"><tbody><tr><th class=\"row\">Điểm chuẩn</th>", out);
    snprintf(key, sizeof(key), "criterion.%s.%s.max_points", c->index_code, c->code);
    html_decimal_cell(out, key, c->max_points);
    fprintf(out, "<th class=\"row\">Điểm đạt năm %d</th>", c->score_year);
    snprintf(key, sizeof(key), "criterion.%s.%s.score", c->index_code, c->code);
    html_decimal_cell(out, key, c->score);
    fputs("</tr></tbody></table>\n", out);
}

/* A task's lead agencies: each one's state, and its latest sent texts
 * beside the figures they were sent with. */
static void task_leads(FILE *out, const Cchc__V1__ReportBundleResponse *b, int task_id)
{
    size_t at = 0;
    const Cchc__V1__Consolidation *c;
    int leads = 0;
    while ((c = city_report_next_lead(b, task_id, &at))) {
        leads++;
        fputs("<p class=\"lead\"><b>", out);
        admin_document_text(out, c->unit_name);
        fprintf(out, "</b> (báo cáo tổng hợp %s%s)</p>\n", city_report_state_words(c->state),
                c->late ? ", gửi muộn" : "");
        if (!city_report_has_text(c))
            continue;
        sent_figures(out, c);
        fputs("<blockquote data-figure=\"consolidation.", out);
        fprintf(out, "%d.", c->task_id);
        admin_document_escape(out, c->unit_code);
        fputs(".assessment\">Đánh giá: ", out);
        admin_document_text(out, c->assessment);
        consolidation_text(out, "Khó khăn, vướng mắc", c->difficulties);
        consolidation_text(out, "Kiến nghị", c->proposals);
        fputs("</blockquote>\n", out);
    }
    if (!leads)
        fputs("<p class=\"units\">Không có cơ quan chủ trì trong kỳ.</p>\n", out);
}

/* The tasks of criterion ci: each with its lead agencies' texts, or, when
 * an earlier criterion carries them, a pointer to it. */
static void criterion_tasks(FILE *out, const Cchc__V1__ReportBundleResponse *b, size_t ci,
                            const Cchc__V1__TaskListResponse *tasks)
{
    const Cchc__V1__BundleCriterion *c = b->criteria[ci];
    for (size_t i = 0; i < c->n_task_ids; i++) {
        int id = c->task_ids[i];
        const Cchc__V1__StatusGroup *g = city_report_task_figures(b, id);
        long first = city_report_first_criterion(b, id);
        fputs("<p class=\"task\"><b>", out);
        html_task_title(out, id, g ? g->name : "", html_task_text(tasks, id));
        fputs("</b></p>\n", out);
        if (first >= 0 && (size_t)first != ci) {
            const Cchc__V1__BundleCriterion *f = b->criteria[first];
            fputs("<p class=\"units\">Đánh giá của cơ quan chủ trì: xem tiêu chí ", out);
            admin_document_escape(out, f->index_code);
            fputs(" ", out);
            admin_document_escape(out, f->printed_code);
            fputs(".</p>\n", out);
            continue;
        }
        task_leads(out, b, id);
    }
}

/* Sở Nội vụ's own assessment, sent, or a line saying it is not yet. */
static void city_assessment(FILE *out, const Cchc__V1__ReportBundleResponse *b)
{
    const Cchc__V1__Consolidation *c = city_report_city(b);
    fputs("<h3>Đánh giá chung của Sở Nội vụ</h3>\n", out);
    if (!c) { /* a lead agency's own export: the city report is not its to read */
        fputs("<p>Báo cáo tổng hợp của thành phố không thuộc phạm vi của đơn vị.</p>\n", out);
        return;
    }
    if (!city_report_has_text(c)) {
        fprintf(out, "<p>Báo cáo tổng hợp của thành phố: %s.</p>\n",
                city_report_state_words(c->state));
        return;
    }
    fputs("<blockquote data-figure=\"consolidation.city\">", out);
    admin_document_text(out, c->assessment);
    consolidation_text(out, "Khó khăn, vướng mắc", c->difficulties);
    consolidation_text(out, "Kiến nghị", c->proposals);
    fputs("</blockquote>\n", out);
}

void city_report_html_write(FILE *out, const Cchc__V1__ReportBundleResponse *b,
                            const Cchc__V1__TaskListResponse *tasks)
{
    fputs("<h2>7. Kết quả theo chỉ số, tiêu chí và đánh giá của cơ quan chủ trì</h2>\n", out);
    if (!b->per_criterion) {
        fputs("<p>Máy chủ chưa hỗ trợ tổng hợp theo chỉ số, tiêu chí (phiên bản cũ): phần này "
              "trống. Cập nhật cchcd để có số liệu từng tiêu chí và đánh giá của cơ quan chủ "
              "trì.</p>\n",
              out);
        return;
    }
    fputs("<p class=\"lead\">Mỗi tiêu chí: số liệu của tiêu chí và của từng nhiệm vụ, rồi đánh giá "
          "của cơ quan chủ trì (bản gửi gần nhất; bản bị trả lại không được đưa vào).</p>\n",
          out);
    city_assessment(out, b);
    const char *index = "";
    for (size_t i = 0; i < b->n_criteria; i++) {
        const Cchc__V1__BundleCriterion *c = b->criteria[i];
        if (strcmp(c->index_code, index) != 0) {
            index = c->index_code;
            fputs("<h3>Chỉ số ", out);
            admin_document_escape(out, c->index_code);
            if (*c->index_name && strcmp(c->index_name, c->index_code) != 0) {
                fputs(": ", out);
                admin_document_text(out, c->index_name);
            }
            fputs("</h3>\n", out);
        }
        fputs("<h4>Tiêu chí ", out);
        admin_document_escape(out, c->printed_code);
        fputs(". ", out);
        admin_document_text(out, c->name);
        fputs("</h4>\n", out);
        criterion_points(out, c);
        criterion_table(out, b, c);
        criterion_tasks(out, b, i, tasks);
    }
    if (!b->n_criteria)
        fputs("<p>Không có tiêu chí nào trong phạm vi báo cáo.</p>\n", out);
}
