/* The public summary for the city's web portal (issue 17, Deliver 4,
 * docs/public-summary.md), end to end: a commune reports on task 105, its
 * lead agency (VP-UBND) sends its consolidated report, Sở Nội vụ returns
 * it with a reason, the lead agency saves a draft and then resubmits, Sở
 * Nội vụ accepts, and the period is approved. At each step the public
 * page (`cchc export --public`) shows each criterion's figures as
 * `cchc status --by criterion` computes them, the lead agency's assessment
 * only once accepted, "chưa phê duyệt" before the approval and the
 * approved marking after, and never an account name, a return reason, a
 * draft, or a unit's or the lead agency's difficulties and proposals. The
 * page is self-contained (no link, script or outside resource), its CSV
 * companion carries the same, and a reporter may not export it while a
 * viewer may. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { ANBINH, VP1, VIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"anbinh.baocao", "Bao-cao-An-Binh-2024", "P-NK-ANBINH", "reporter"},
    {"vp.tonghop", "Tong-hop-Van-phong-2024", "VP-UBND", "reporter"}, /* leads 105 */
    {"ubnd.lanhdao", "Lanh-dao-UBND-TP-2024", "UBND-TP", "viewer"},
};

#define PERIOD "2024-Q1"
#define PAGE "public.html"

/* Texts that must never reach the public page. */
#define UNIT_DIFFICULTY "Thiếu máy scan ở phường"
#define UNIT_PROPOSAL "Đề nghị cấp thêm kinh phí số hóa"
#define LEAD_DIFFICULTY "Khó khăn nội bộ của Văn phòng"
#define LEAD_PROPOSAL "Kiến nghị nội bộ của Văn phòng"
#define FIRST_ASSESSMENT "Đánh giá lần đầu, bị trả lại"
#define RETURN_REASON "Thiếu đánh giá chỉ tiêu số hóa"
#define DRAFT_ASSESSMENT "Bản nháp chưa gửi của Văn phòng"
/* The one that must, once accepted. */
#define ACCEPTED_ASSESSMENT "Toàn thành phố: chỉ tiêu số hóa hồ sơ đạt 90%, vượt kế hoạch"

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "public_summary", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* The lead agency's consolidated report on 105 as a filled template;
 * returns the JSON answer of sending it. */
static json_t *send_lead(int base, const char *assessment, int draft)
{
    char text[4096];
    snprintf(text, sizeof(text),
             "Kỳ báo cáo,Cấp,Nhiệm vụ,Đơn vị,Phiên bản gốc,Số liệu tổng hợp (tự tính),Đánh giá,"
             "\"Khó khăn, vướng mắc\",\"Kiến nghị, đề xuất\",Trạng thái,Lý do trả lại\n"
             "%s,lead,105,,%d,,\"%s\",\"%s\",\"%s\",,\n",
             PERIOD, base, assessment, LEAD_DIFFICULTY, LEAD_PROPOSAL);
    harness_write_file("vp-105.csv", text);
    fixture_as(&fx, VP1);
    const char *args[] = {"consolidate", "submit", "--file", "vp-105.csv",
                          draft ? "--draft" : NULL, NULL};
    json_t *saved = harness_cchc_json(srv, args);
    unlink("vp-105.csv");
    return saved;
}

/* "ID@REV" of the lead agency's consolidation as Sở Nội vụ lists it. */
static const char *lead_item(void)
{
    static char buf[64];
    fixture_as(&fx, -1);
    const char *args[] = {"consolidate", "list", "--period", PERIOD, "--level", "lead", NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *all = json_object_get(root, "consolidations");
    buf[0] = '\0';
    for (size_t i = 0; i < json_array_size(all); i++) {
        json_t *c = json_array_get(all, i);
        if (strcmp(jstr(c, "unit_code"), "VP-UBND") == 0 && jint(c, "task_id") == 105)
            snprintf(buf, sizeof(buf), "%lld@%lld", jint(c, "consolidation_id"),
                     jint(c, "revision"));
    }
    json_decref(root);
    assert_true(buf[0] != '\0');
    return buf;
}

/* The public page (or its CSV companion) as who exports it. */
static char *public_as(int who, const char *format)
{
    fixture_as(&fx, who);
    const char *args[] = {"export", "--period", PERIOD, "--public", "--format", format,
                          "-o", PAGE, NULL};
    harness_cchc_ok(srv, args);
    char *page = harness_read_file(PAGE);
    assert_non_null(page);
    unlink(PAGE);
    return page;
}

static char *public_page(int who)
{
    return public_as(who, "html");
}

static void lacks(const char *page, const char *text)
{
    if (strstr(page, text))
        fail_msg("the public page contains \"%s\"", text);
}

static void has(const char *page, const char *text)
{
    if (!strstr(page, text))
        fail_msg("the public page lacks \"%s\"", text);
}

/* Nothing private, and nothing from outside the file. */
static void nothing_private(const char *page)
{
    for (int i = 0; i < NPEOPLE; i++)
        lacks(page, people[i].username);
    lacks(page, HARNESS_ADMIN); /* the fixture's administrator */
    lacks(page, "Quản trị Sở Nội vụ"); /* and their full name */
    lacks(page, UNIT_DIFFICULTY);
    lacks(page, UNIT_PROPOSAL);
    lacks(page, LEAD_DIFFICULTY);
    lacks(page, LEAD_PROPOSAL);
    lacks(page, FIRST_ASSESSMENT);
    lacks(page, RETURN_REASON);
    lacks(page, DRAFT_ASSESSMENT);
    lacks(page, "http");
    lacks(page, "<script");
    lacks(page, "src=");
    lacks(page, "<link");
    lacks(page, "url(");
}

/* Every criterion task 105 serves is on the page with the figures
 * `cchc status --by criterion` computes, in its row. */
static void criteria_figures(const char *page)
{
    fixture_as(&fx, -1);
    const char *args[] = {"status", "--period", PERIOD, "--by", "criterion", NULL};
    json_t *st = harness_cchc_json(srv, args);
    json_t *groups = json_object_get(st, "groups");
    char *keys = harness_db_queryf(&fx.db,
                                   "SELECT string_agg(tc.index_code || ' ' || criterion_code || '|' || "
                                   "c.name, E'\\n') FROM task_criterion tc JOIN criterion c "
                                   "ON c.index_code = tc.index_code AND c.code = tc.criterion_code "
                                   "WHERE tc.task_id = 105");
    assert_true(keys[0] != '\0');
    int checked = 0;
    for (char *line = strtok(keys, "\n"); line; line = strtok(NULL, "\n")) {
        char *name = strchr(line, '|');
        *name++ = '\0';
        json_t *g = NULL;
        for (size_t i = 0; i < json_array_size(groups); i++)
            if (strcmp(jstr(json_array_get(groups, i), "key"), line) == 0)
                g = json_array_get(groups, i);
        assert_non_null(g);
        const char *row = strstr(page, name);
        if (!row)
            fail_msg("criterion %s (%s) is not on the page", line, name);
        const char *end = strstr(row, "</tr>");
        assert_non_null(end);
        char cell[64];
        snprintf(cell, sizeof(cell), "<td class=\"n\">%lld/%lld</td>", jint(g, "received"),
                 jint(g, "expected"));
        const char *at = strstr(row, cell);
        if (!at || at > end)
            fail_msg("criterion %s: no %s in its row", line, cell);
        assert_true(jint(g, "received") >= 1); /* An Bình's report counts */
        checked++;
    }
    assert_true(checked >= 1);
    free(keys);
    json_decref(st);
}

static void test_public_summary_through_a_period(void **state)
{
    (void)state;
    fixture_as(&fx, ANBINH);
    const char *report[] = {"submit", "--task", "105", "--period", PERIOD, "--status",
                            "đang triển khai", "--progress", "60", "--result", "Đã số hóa",
                            "--difficulties", UNIT_DIFFICULTY, "--proposals", UNIT_PROPOSAL,
                            "--indicator", "ty_le=90", NULL};
    harness_cchc_ok(srv, report);

    /* sent, not accepted: figures, no assessment, provisional */
    json_decref(send_lead(0, FIRST_ASSESSMENT, 0));
    char *page = public_page(-1);
    has(page, "<html lang=\"vi\">");
    has(page, "Số liệu tạm thời, chưa phê duyệt");
    lacks(page, "Số liệu đã phê duyệt");
    criteria_figures(page);
    nothing_private(page);
    free(page);

    /* returned with a reason, then a draft saved: still nothing of them */
    fixture_as(&fx, -1);
    const char *ret[] = {"consolidate", "return", lead_item(), "--reason", RETURN_REASON, NULL};
    harness_cchc_ok(srv, ret);
    json_t *draft = send_lead(1, DRAFT_ASSESSMENT, 1);
    int draft_rev = (int)jint(draft, "revision");
    json_decref(draft);
    page = public_page(VIEWER); /* a viewer may export it */
    nothing_private(page);
    free(page);

    /* resubmitted and accepted: the accepted text, under its criterion */
    json_decref(send_lead(draft_rev, ACCEPTED_ASSESSMENT, 0));
    fixture_as(&fx, -1);
    const char *acc[] = {"consolidate", "accept", lead_item(), NULL};
    harness_cchc_ok(srv, acc);
    page = public_page(-1);
    has(page, ACCEPTED_ASSESSMENT);
    has(page, "Văn phòng Ủy ban nhân dân thành phố"); /* the lead agency, by its name */
    has(page, "Số liệu tạm thời, chưa phê duyệt");
    nothing_private(page);
    free(page);

    /* the CSV companion: the same, one row per criterion */
    char *csv = public_as(-1, "csv");
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
    has(csv, "Kỳ báo cáo");
    has(csv, "Văn phòng Ủy ban nhân dân thành phố (nhiệm vụ ");
    has(csv, ACCEPTED_ASSESSMENT);
    has(csv, "Số liệu tạm thời, chưa phê duyệt");
    nothing_private(csv);
    free(csv);

    /* the period approved: marked so */
    fixture_as(&fx, -1);
    const char *close[] = {"period", "close", PERIOD, "--yes", NULL};
    harness_cchc_ok(srv, close);
    const char *approve[] = {"period", "approve", PERIOD, "--accept-remaining", "--yes", NULL};
    harness_cchc_ok(srv, approve);
    page = public_page(-1);
    has(page, "Số liệu đã phê duyệt");
    lacks(page, "chưa phê duyệt");
    has(page, ACCEPTED_ASSESSMENT);
    nothing_private(page);
    free(page);
}

/* A reporter reads no citywide figures, so exports no public summary. */
static void test_reporter_may_not_export(void **state)
{
    (void)state;
    fixture_as(&fx, ANBINH);
    const char *args[] = {"--json", "export", "--period", PERIOD, "--public", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 1);
    json_t *root = json_loads(r.out, 0, NULL);
    assert_non_null(root);
    assert_string_equal(jstr(json_object_get(root, "error"), "code"), "permission_denied");
    json_decref(root);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_summary_through_a_period),
        cmocka_unit_test(test_reporter_may_not_export),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
