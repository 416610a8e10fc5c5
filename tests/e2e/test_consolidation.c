/* Consolidated reports at every level (issue 17, docs/consolidation.md),
 * end to end through the real client: a whole period runs through every
 * level — two communes of Ninh Kiều report on task 105, their district's
 * template is pre-filled with figures worked out here from those reports
 * (and with their difficulties and proposals, each under its commune's
 * name), the district sends it and the lead agency (VP-UBND) accepts it,
 * another district sends late on purpose after the districts' deadline has
 * passed, the lead agency consolidates citywide, Sở Nội vụ returns it,
 * the lead agency fixes and resubmits, Sở Nội vụ accepts it, writes the
 * city report from the lead agencies' texts and approves the period — and
 * each level's timeliness is what `consolidate list` and `status` show,
 * `missing` lists the districts that never sent, and the city's HTML
 * report shows the lead agency's text (its resubmitted revision) beside
 * its figures. Then: who may
 * not write or review what (a commune, a district on a task it does not
 * lead, a district without the task, a reporter reviewing, a lead agency
 * reviewing its own level), two reporters of one lead agency on one
 * consolidation (the second, made from the same revision, is refused as
 * stale and nothing of it is saved), `due` reminds the lead agency of
 * the consolidations it has not sent, and a submission sent again with its
 * idempotency key saves one revision. */
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

enum { ANBINH, ANCU, NK, CR, VP1, VP2, VPREV, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"anbinh.baocao", "Bao-cao-An-Binh-2024", "P-NK-ANBINH", "reporter"},
    {"ancu.baocao", "Bao-cao-An-Cu-2024", "P-NK-ANCU", "reporter"},
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
    {"cr.baocao", "Bao-cao-Cai-Rang-2024", "Q-CAIRANG", "reporter"},
    {"vp.tonghop", "Tong-hop-Van-phong-2024", "VP-UBND", "reporter"}, /* leads 105 */
    {"vp.tonghop2", "Tong-hop-Van-phong-2025", "VP-UBND", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"},
};

#define PERIOD "2024-Q1"   /* the whole run */
#define PERIOD2 "2024-6M"  /* authorization, concurrency, idempotency */

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "consolidation", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    harness_open_period(srv, PERIOD2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

static void submit(int who, const char *period, const char *status, const char *progress,
                   const char *results, const char *difficulties, const char *proposals,
                   const char *indicator)
{
    fixture_as(&fx, who);
    const char *args[] = {"submit", "--task", "105", "--period", period, "--status", status,
                          "--progress", progress, "--result", results, "--difficulties",
                          difficulties, "--proposals", proposals, "--indicator", indicator, NULL};
    harness_cchc_ok(srv, args);
}

/* A filled consolidation template of the caller's own unit. */
static void write_template(const char *path, const char *period, const char *level,
                           const char *task, int base, const char *assessment,
                           const char *difficulties, const char *proposals)
{
    harness_write_consolidation(path, period, level, task, "", base, assessment, difficulties,
                                proposals);
}

/* Sends a filled template as who; returns the JSON answer. */
static json_t *send_template(int who, const char *path)
{
    fixture_as(&fx, who);
    const char *args[] = {"consolidate", "submit", "--file", path, NULL};
    return harness_cchc_json(srv, args);
}

/* Runs cchc --json ARGS as who, expects it refused with code. */
static void refused(int who, const char *const *args, const char *code)
{
    fixture_as(&fx, who);
    free(harness_cchc_refused(srv, args, code));
}

/* The consolidation a period asks for, as the administrator's list shows it. */
static json_t *listed(const char *period, const char *level, const char *unit, int task)
{
    fixture_as(&fx, -1);
    json_t *c = harness_consolidation_listed(srv, period, level, unit, task);
    if (!c)
        fail_msg("no %s consolidation of %s on task %d in %s", level, unit, task, period);
    return c;
}

static json_t *figures_of(json_t *obj, const char *key)
{
    json_t *f = json_loads(jstr(obj, key), 0, NULL);
    if (!f)
        fail_msg("figures are not JSON: %s", jstr(obj, key));
    return f;
}

static char *item(json_t *c)
{
    static char buf[64];
    snprintf(buf, sizeof(buf), "%lld@%lld", jint(c, "consolidation_id"), jint(c, "revision"));
    return buf;
}

static void test_whole_period_through_every_level(void **state)
{
    (void)state;
    /* 1. the communes report (on time: the units' deadline is 2099) */
    submit(ANBINH, PERIOD, "đang triển khai", "60", "Đã số hóa hồ sơ", "Thiếu máy scan", "",
           "ty_le=90");
    submit(ANCU, PERIOD, "hoàn thành", "100", "Xong", "", "Đề nghị tập huấn thêm", "ty_le=80");

    /* 2. their district's template, pre-filled from their reports */
    fixture_as(&fx, NK);
    const char *tmpl[] = {"consolidate", "--period", PERIOD, "--task", "105", "--level",
                          "district", NULL};
    json_t *t = harness_cchc_json(srv, tmpl);
    long long communes = harness_db_count(
        &fx.db, "SELECT count(*) FROM report_facts('%s') WHERE task_id = 105 AND "
                "unit_kind = 'commune' AND district_code = 'Q-NINHKIEU'", PERIOD);
    assert_true(communes > 2);
    json_t *f = figures_of(t, "figures");
    assert_int_equal(jint(f, "expected"), communes);
    assert_int_equal(jint(f, "received"), 2);
    assert_int_equal(jint(f, "on_time"), 2);
    assert_int_equal(jint(f, "late"), 0);
    assert_int_equal(jint(f, "missing"), communes - 2);
    assert_int_equal(jint(f, "in_progress"), 1);
    assert_int_equal(jint(f, "completed"), 1);
    assert_string_equal(jstr(f, "average_progress"), "80"); /* (60 + 100) / 2 */
    /* (60 + 100) / communes: a missing report counts as 0 %, 2 decimals */
    char *overall = harness_db_queryf(&fx.db, "SELECT trim_scale(round(160::numeric / %lld, 2))::text",
                                      communes);
    assert_string_equal(jstr(f, "overall_progress"), overall);
    free(overall);
    /* task 105's target is a percentage: its indicators are averaged */
    assert_string_equal(jstr(f, "indicator_rule"), "average");
    assert_string_equal(jstr(json_object_get(f, "indicators"), "ty_le"), "85");
    json_decref(f);
    json_t *sources = json_object_get(t, "sources");
    assert_int_equal(json_array_size(sources), 2);
    int seen = 0;
    for (size_t i = 0; i < 2; i++) {
        json_t *s = json_array_get(sources, i);
        if (strcmp(jstr(s, "unit_name"), "Phường An Bình") == 0)
            seen += strcmp(jstr(s, "difficulties"), "Thiếu máy scan") == 0;
        if (strcmp(jstr(s, "unit_name"), "Phường An Cư") == 0)
            seen += strcmp(jstr(s, "proposals"), "Đề nghị tập huấn thêm") == 0;
    }
    assert_int_equal(seen, 2);
    assert_string_equal(jstr(json_object_get(t, "current"), "state"), "missing");
    json_decref(t);

    /* the CSV template carries the texts under their communes' names */
    const char *csv[] = {"consolidate", "--period", PERIOD, "--task", "105", "--level", "district",
                         "-o", "nk-105.csv", NULL};
    harness_cchc_ok(srv, csv);
    char *text = harness_read_file("nk-105.csv");
    assert_non_null(strstr(text, "Phiên bản gốc"));
    assert_non_null(strstr(text, "Phường An Bình: Thiếu máy scan"));
    assert_non_null(strstr(text, "Phường An Cư: Đề nghị tập huấn thêm"));
    free(text);
    unlink("nk-105.csv");

    /* 3. the district sends it, on time (its deadline defaults to the lead agencies') */
    write_template("nk-105.csv", PERIOD, "district", "105", 0,
                   "Ninh Kiều: 2 xã, phường đã báo cáo", "Phường An Bình: Thiếu máy scan",
                   "Phường An Cư: Đề nghị tập huấn thêm");
    json_t *saved = send_template(NK, "nk-105.csv");
    assert_int_equal(jint(saved, "revision"), 1);
    assert_string_equal(jstr(saved, "state"), "submitted");
    assert_false(json_is_true(json_object_get(saved, "late")));
    json_decref(saved);
    unlink("nk-105.csv");

    /* the district's figures are kept with its revision, as computed */
    json_t *nk = listed(PERIOD, "district", "Q-NINHKIEU", 105);
    f = figures_of(nk, "figures");
    assert_int_equal(jint(f, "received"), 2);
    json_decref(f);

    /* 4. the lead agency's reviewer accepts it (the lead agency reviews its districts) */
    fixture_as(&fx, VPREV);
    const char *to_review[] = {"consolidate", "list", "--period", PERIOD, "--level", "district",
                               "--state", "submitted", NULL};
    json_t *l = harness_cchc_json(srv, to_review);
    json_t *mine = json_object_get(l, "consolidations");
    assert_int_equal(json_array_size(mine), 1);
    assert_string_equal(jstr(json_array_get(mine, 0), "review_level"), "lead");
    json_decref(l);
    const char *accept_nk[] = {"consolidate", "accept", item(nk), NULL};
    harness_cchc_ok(srv, accept_nk);
    json_decref(nk);

    /* 5. the districts' deadline passes; Cái Răng sends late, on purpose */
    fixture_as(&fx, -1);
    const char *move[] = {"period", "extend", PERIOD, "--unit-deadline", "2024-04-01", NULL};
    harness_cchc_ok(srv, move);
    const char *deadline[] = {"consolidate", "deadlines", "--period", PERIOD, "--district",
                              "2024-04-05", NULL};
    json_t *d = harness_cchc_json(srv, deadline);
    assert_string_equal(jstr(d, "district_deadline"), "2024-04-05");
    assert_string_equal(jstr(d, "city_deadline"), "2099-02-01"); /* = lead_deadline */
    json_decref(d);
    write_template("cr-105.csv", PERIOD, "district", "105", 0, "Cái Răng: chưa có báo cáo", "",
                   "");
    saved = send_template(CR, "cr-105.csv");
    assert_true(json_is_true(json_object_get(saved, "late")));
    json_decref(saved);
    unlink("cr-105.csv");

    /* 6. the lead agency consolidates citywide: the districts' texts come with it */
    fixture_as(&fx, VP1);
    const char *lead_tmpl[] = {"consolidate", "--period", PERIOD, "--task", "105", NULL};
    t = harness_cchc_json(srv, lead_tmpl);
    f = figures_of(t, "figures");
    assert_int_equal(jint(f, "received"), 2);
    json_t *below = json_object_get(f, "below");
    assert_string_equal(jstr(below, "level"), "district");
    assert_int_equal(jint(below, "received"), 2);
    assert_int_equal(jint(below, "on_time"), 1);
    assert_int_equal(jint(below, "late"), 1);
    assert_int_equal(jint(below, "accepted"), 1);
    json_decref(f);
    int district_texts = 0;
    sources = json_object_get(t, "sources");
    for (size_t i = 0; i < json_array_size(sources); i++)
        district_texts += strcmp(jstr(json_array_get(sources, i), "source_level"), "district") == 0;
    assert_int_equal(district_texts, 2);
    json_decref(t);
    write_template("vp-105.csv", PERIOD, "lead", "105", 0, "Toàn thành phố: 2 xã, phường báo cáo",
                   "Thiếu máy scan", "Tập huấn");
    saved = send_template(VP1, "vp-105.csv");
    assert_false(json_is_true(json_object_get(saved, "late")));
    json_decref(saved);

    /* 7. Sở Nội vụ returns it with a reason; the lead agency fixes and resubmits */
    json_t *vp = listed(PERIOD, "lead", "VP-UBND", 105);
    assert_string_equal(jstr(vp, "review_level"), "admin");
    const char *ret[] = {"consolidate", "return", item(vp), "--reason", "Thiếu đánh giá chỉ tiêu 99%",
                         NULL};
    harness_cchc_ok(srv, ret);
    json_decref(vp);
    vp = listed(PERIOD, "lead", "VP-UBND", 105);
    assert_string_equal(jstr(vp, "state"), "returned");
    assert_string_equal(jstr(vp, "return_reason"), "Thiếu đánh giá chỉ tiêu 99%");
    json_decref(vp);
    write_template("vp-105.csv", PERIOD, "lead", "105", 1,
                   "Toàn thành phố: 2 xã, phường báo cáo; chỉ tiêu 99% chưa đạt", "Thiếu máy scan",
                   "Tập huấn");
    saved = send_template(VP1, "vp-105.csv");
    assert_int_equal(jint(saved, "revision"), 2);
    assert_string_equal(jstr(saved, "state"), "submitted");
    assert_false(json_is_true(json_object_get(saved, "late"))); /* the first sending decides */
    json_decref(saved);
    unlink("vp-105.csv");
    vp = listed(PERIOD, "lead", "VP-UBND", 105);
    const char *acc[] = {"consolidate", "accept", item(vp), NULL};
    harness_cchc_ok(srv, acc);
    json_decref(vp);

    /* 8. Sở Nội vụ's city report gathers the lead agencies' assessments */
    const char *city_tmpl[] = {"consolidate", "--period", PERIOD, NULL};
    t = harness_cchc_json(srv, city_tmpl);
    f = figures_of(t, "figures");
    assert_string_equal(jstr(json_object_get(f, "below"), "level"), "lead");
    assert_int_equal(jint(json_object_get(f, "below"), "accepted"), 1);
    json_decref(f);
    sources = json_object_get(t, "sources");
    assert_int_equal(json_array_size(sources), 1);
    assert_string_equal(jstr(json_array_get(sources, 0), "assessment"),
                        "Toàn thành phố: 2 xã, phường báo cáo; chỉ tiêu 99% chưa đạt");
    json_decref(t);
    write_template("city.csv", PERIOD, "city", "", 0, "Thành phố: kết quả quý I", "", "");
    saved = send_template(-1, "city.csv");
    assert_string_equal(jstr(saved, "state"), "submitted");
    json_decref(saved);
    unlink("city.csv");
    const char *close[] = {"period", "close", PERIOD, "--yes", NULL};
    harness_cchc_ok(srv, close);
    const char *approve[] = {"period", "approve", PERIOD, "--accept-remaining", "--yes", NULL};
    harness_cchc_ok(srv, approve);

    /* 9. each level's timeliness and state, as the list shows them */
    json_t *c = listed(PERIOD, "district", "Q-NINHKIEU", 105);
    assert_true(json_is_true(json_object_get(c, "on_time")));
    assert_string_equal(jstr(c, "state"), "approved");
    json_decref(c);
    c = listed(PERIOD, "district", "Q-CAIRANG", 105);
    assert_true(json_is_true(json_object_get(c, "late")));
    assert_false(json_is_true(json_object_get(c, "on_time")));
    assert_string_equal(jstr(c, "deadline"), "2024-04-05");
    json_decref(c);
    c = listed(PERIOD, "district", "Q-OMON", 105); /* never sent */
    assert_string_equal(jstr(c, "state"), "missing");
    assert_false(json_is_true(json_object_get(c, "on_time")));
    json_decref(c);
    c = listed(PERIOD, "lead", "VP-UBND", 105);
    assert_true(json_is_true(json_object_get(c, "on_time")));
    assert_string_equal(jstr(c, "state"), "approved");
    json_decref(c);
    c = listed(PERIOD, "city", "SNV", 0);
    assert_true(json_is_true(json_object_get(c, "on_time")));
    assert_string_equal(jstr(c, "state"), "approved");
    json_decref(c);
    /* 10. status counts each level beside the units' figures; missing lists
     * the consolidations never sent */
    fixture_as(&fx, -1);
    const char *status[] = {"status", "--period", PERIOD, NULL};
    json_t *st = harness_cchc_json(srv, status);
    json_t *levels = json_object_get(st, "consolidations");
    int seen_levels = 0;
    for (size_t i = 0; i < json_array_size(levels); i++) {
        json_t *x = json_array_get(levels, i);
        if (strcmp(jstr(x, "level"), "district") == 0) {
            seen_levels++;
            assert_int_equal(jint(x, "received"), 2);
            assert_int_equal(jint(x, "on_time"), 1);
            assert_int_equal(jint(x, "late"), 1);
            assert_int_equal(jint(x, "accepted"), 1);
        } else if (strcmp(jstr(x, "level"), "lead") == 0) {
            seen_levels++;
            assert_int_equal(jint(x, "received"), 1);
            assert_int_equal(jint(x, "on_time"), 1);
            assert_int_equal(jint(x, "late"), 0);
            assert_true(jint(x, "expected") > 1); /* VP-UBND leads more than 105 */
        } else if (strcmp(jstr(x, "level"), "city") == 0) {
            seen_levels++;
            assert_int_equal(jint(x, "expected"), 1);
            assert_int_equal(jint(x, "on_time"), 1);
        }
    }
    assert_int_equal(seen_levels, 3);
    json_decref(st);
    const char *missing[] = {"missing", "--period", PERIOD, NULL};
    json_t *m = harness_cchc_json(srv, missing);
    json_t *owed = json_object_get(m, "consolidations");
    int omon = 0, ninhkieu = 0;
    for (size_t i = 0; i < json_array_size(owed); i++) {
        json_t *x = json_array_get(owed, i);
        if (jint(x, "task_id") != 105)
            continue;
        omon += strcmp(jstr(x, "unit_code"), "Q-OMON") == 0;
        ninhkieu += strcmp(jstr(x, "unit_code"), "Q-NINHKIEU") == 0;
    }
    assert_int_equal(omon, 1);
    assert_int_equal(ninhkieu, 0);
    json_decref(m);

    /* 11. the city's HTML report carries the lead agency's text beside its
     * figures, and the city's own assessment */
    const char *html[] = {"--timeout", "60000", "export", "--period", PERIOD, "--format", "html",
                          "-o", "city.html", NULL};
    harness_cchc_ok(srv, html);
    char *doc = harness_read_file("city.html");
    assert_non_null(doc);
    const char *lead_text = strstr(doc, "data-figure=\"consolidation.105.VP-UBND.assessment\"");
    assert_non_null(lead_text);
    assert_non_null(strstr(lead_text, "Toàn thành phố: 2 xã, phường báo cáo; chỉ tiêu 99% chưa đạt"));
    assert_non_null(strstr(doc, "data-figure=\"consolidation.105.VP-UBND.received\""));
    assert_non_null(strstr(doc, "Thành phố: kết quả quý I"));
    /* the returned revision's text, followed by its difficulties, is not there */
    assert_null(strstr(doc, "Toàn thành phố: 2 xã, phường báo cáo<br>"));
    free(doc);
    unlink("city.html");

    /* every save and review is in the audit trail */
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM audit_log WHERE action LIKE "
                                              "'consolidation.%%'"),
                     5 /* submits */ + 3 /* reviews */);
}

static void test_who_may_not(void **state)
{
    (void)state;
    /* a commune consolidates nothing */
    const char *as_district[] = {"consolidate", "--period", PERIOD2, "--task", "105", "--level",
                                 "district", NULL};
    refused(ANBINH, as_district, "permission_denied");
    const char *as_lead[] = {"consolidate", "--period", PERIOD2, "--task", "105", NULL};
    refused(ANBINH, as_lead, "permission_denied");
    /* a district does not lead task 105, and writes no city report */
    refused(NK, as_lead, "permission_denied");
    const char *city[] = {"consolidate", "--period", PERIOD2, NULL};
    refused(NK, city, "permission_denied");
    refused(VP1, city, "permission_denied");
    /* a district only on its communes' tasks: a task of the plan that is
     * not one of them (an unknown task is NOT_FOUND,
     * test_consolidation_edges.c) */
    char *not_its = harness_db_queryf(&fx.db,
                                      "SELECT min(t.id)::text FROM task t WHERE t.id NOT IN ("
                                      "SELECT o.task_id FROM consolidations_owed('%s') o WHERE "
                                      "o.level = 'district' AND o.unit_code = 'Q-NINHKIEU')",
                                      PERIOD2);
    assert_non_null(not_its);
    const char *other_task[] = {"consolidate", "--period", PERIOD2, "--task", not_its, "--level",
                                "district", NULL};
    refused(NK, other_task, "permission_denied");
    free(not_its);
    /* a submission out of scope saves nothing */
    write_template("bad.csv", PERIOD2, "lead", "105", 0, "Không phải của tôi", "", "");
    const char *send[] = {"consolidate", "submit", "--file", "bad.csv", NULL};
    refused(NK, send, "permission_denied");
    unlink("bad.csv");
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM consolidation WHERE period_id = '%s'",
                                      PERIOD2),
                     0);
    /* a reporter reviews nothing; the lead agency does not review its own
     * level (Sở Nội vụ does) */
    write_template("vp.csv", PERIOD2, "lead", "105", 0, "Đánh giá", "", "");
    json_t *saved = send_template(VP1, "vp.csv");
    unlink("vp.csv");
    char it[64];
    snprintf(it, sizeof(it), "%lld@%lld", jint(saved, "consolidation_id"), jint(saved, "revision"));
    json_decref(saved);
    const char *accept[] = {"consolidate", "accept", it, NULL};
    refused(VP1, accept, "permission_denied");
    refused(VPREV, accept, "permission_denied"); /* not its to review: nothing reviewed */
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM consolidation_review"
                                              " r JOIN consolidation c ON c.id = r.consolidation_id"
                                              " WHERE c.period_id = '%s'", PERIOD2),
                     0);
    /* only administrators set the deadlines */
    const char *deadlines[] = {"consolidate", "deadlines", "--period", PERIOD2, "--district",
                               "2099-01-15", NULL};
    refused(VPREV, deadlines, "permission_denied");
}

/* Two reporters of one lead agency fetch the same template (revision 1);
 * the first sends, the second's file, made from revision 1 too, is refused
 * as stale and nothing of it is saved. A file sent again with its
 * idempotency key (a retry) saves no second revision. */
static void test_stale_and_idempotent(void **state)
{
    (void)state;
    const char *period = "2024-9M";
    fixture_as(&fx, -1);
    harness_open_period(srv, period);
    write_template("a.csv", period, "lead", "105", 0, "Bản đầu", "", "");
    json_t *saved = send_template(VP1, "a.csv");
    assert_int_equal(jint(saved, "revision"), 1);
    json_decref(saved);
    /* both read revision 1 */
    write_template("a.csv", period, "lead", "105", 1, "Bản của người thứ nhất", "", "");
    write_template("b.csv", period, "lead", "105", 1, "Bản của người thứ hai", "", "");
    saved = send_template(VP1, "a.csv");
    assert_int_equal(jint(saved, "revision"), 2);
    json_decref(saved);
    const char *second[] = {"consolidate", "submit", "--file", "b.csv", NULL};
    refused(VP2, second, "conflict");
    json_t *c = listed(period, "lead", "VP-UBND", 105);
    assert_string_equal(jstr(c, "assessment"), "Bản của người thứ nhất");
    assert_int_equal(jint(c, "revision"), 2);
    assert_string_equal(jstr(c, "saved_by"), "vp.tonghop");
    json_decref(c);
    unlink("a.csv");
    unlink("b.csv");

    /* the lead agency's reporters are reminded of its consolidations: 105
     * is sent, another task it leads is not */
    fixture_as(&fx, VP2);
    const char *due[] = {"due", NULL};
    json_t *d = harness_cchc_json(srv, due);
    json_t *items = json_object_get(d, "due");
    int owed_105 = 0, owed_other = 0;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *x = json_array_get(items, i);
        if (strcmp(jstr(x, "period"), period) != 0 || strcmp(jstr(x, "level"), "lead") != 0)
            continue;
        owed_105 += jint(x, "task_id") == 105;
        owed_other += jint(x, "task_id") != 105;
    }
    assert_int_equal(owed_105, 0);
    assert_true(owed_other > 0);
    json_decref(d);

    /* the same request sent twice (the client's retry after a lost
     * answer): one revision, the second answer a replay of the first */
    long long before = harness_db_count(&fx.db, "SELECT count(*) FROM consolidation_revision");
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    char token[128];
    harness_home_token(fx.homes[VP2], token, sizeof(token));
    for (int attempt = 0; attempt < 2; attempt++) {
        Cchc__V1__ConsolidationSubmitRequest body = CCHC__V1__CONSOLIDATION_SUBMIT_REQUEST__INIT;
        body.period_id = (char *)period;
        body.level = "lead";
        body.task_id = 105;
        body.assessment = "Bản gửi lại";
        body.idempotency_key = "khoa-gui-lai-0000000001";
        body.base_revision = 2;
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = 70 + (uint64_t)attempt;
        req.session_token = token;
        req.body_case = CCHC__V1__REQUEST__BODY_CONSOLIDATION_SUBMIT;
        req.consolidation_submit = &body;
        raw_send_request(fd, &req);
        Cchc__V1__Response *resp = raw_read_response(fd, 10000);
        assert_non_null(resp);
        assert_null(resp->error);
        assert_int_equal(resp->consolidation_submit->revision, 3);
        assert_int_equal(resp->consolidation_submit->replayed, attempt == 1);
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    close(fd);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM consolidation_revision"),
                     before + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_period_through_every_level),
        cmocka_unit_test(test_who_may_not),
        cmocka_unit_test(test_stale_and_idempotent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
