/* Consolidated reports as the tests write and find them
 * (docs/consolidation.md): a filled consolidation template, written the
 * way `cchc consolidate` writes its header, and a consolidation as the
 * current identity's `cchc consolidate list` shows it. Three test files
 * (test_consolidation.c, test_consolidation_edges.c, test_city_report.c)
 * had their own writer of the same template before it was folded here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* The client's header of a consolidation template (Vietnamese, its default). */
#define TEMPLATE_HEADER                                                                         \
    "Kỳ báo cáo,Cấp,Nhiệm vụ,Đơn vị,Phiên bản gốc,Số liệu tổng hợp (tự tính),Đánh giá,"       \
    "\"Khó khăn, vướng mắc\",\"Kiến nghị, đề xuất\",Trạng thái,Lý do trả lại\n"

/* Appends text to out as one CSV field: quoted, its quotes doubled; an
 * empty text as an empty field. */
static size_t put_text(char *out, const char *text)
{
    size_t n = 0;
    if (!*text)
        return 0;
    out[n++] = '"';
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            out[n++] = '"';
        out[n++] = *p;
    }
    out[n++] = '"';
    return n;
}

void harness_write_consolidation(const char *path, const char *period, const char *level,
                                 const char *task, const char *unit, int base,
                                 const char *assessment, const char *difficulties,
                                 const char *proposals)
{
    size_t cap = 2 * (strlen(assessment) + strlen(difficulties) + strlen(proposals)) + 1024;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t used = (size_t)snprintf(text, cap, TEMPLATE_HEADER "%s,%s,%s,%s,%d,,", period, level,
                                   task, unit, base);
    used += put_text(text + used, assessment);
    text[used++] = ',';
    used += put_text(text + used, difficulties);
    text[used++] = ',';
    used += put_text(text + used, proposals);
    snprintf(text + used, cap - used, ",,\n");
    harness_write_file(path, text);
    free(text);
}

json_t *harness_consolidation_listed(const test_server *srv, const char *period,
                                     const char *level, const char *unit, int task)
{
    const char *args[] = {"consolidate", "list", "--period", period, "--level", level, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *all = json_object_get(root, "consolidations");
    for (size_t i = 0; i < json_array_size(all); i++) {
        json_t *c = json_array_get(all, i);
        if (strcmp(jstr(c, "unit_code"), unit) == 0 && jint(c, "task_id") == task) {
            json_incref(c);
            json_decref(root);
            return c;
        }
    }
    json_decref(root);
    return NULL;
}
