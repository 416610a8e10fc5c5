/* Organisation units over time through the real client: commune import
 * from CSV (all or nothing, every bad line reported), and the reform's
 * changes — merge, rename, close, split — as of a date: the tree and the
 * task assignments follow the date asked about. */
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

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "units", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* Codes of the units that exist on a date (NULL = today). */
static int unit_listed(const char *as_of, const char *code)
{
    const char *args[] = {"units", "--as-of", as_of, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *units = json_object_get(root, "units");
    int found = 0;
    for (size_t i = 0; i < json_array_size(units); i++)
        found |= strcmp(json_string_value(json_object_get(json_array_get(units, i), "code")), code) == 0;
    json_decref(root);
    return found;
}

/* How many units task 129 (8.3.2: "… UBND cấp xã") gives to UBND cấp xã on a date. */
static size_t communes_on_task(const char *as_of, const char *must_include)
{
    const char *args[] = {"plan", "task", "129", "--as-of", as_of, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *t = json_object_get(root, "task");
    json_t *impl = json_object_get(json_array_get(json_object_get(t, "assignments"), 0), "implementers");
    size_t n = 0;
    int included = must_include == NULL;
    for (size_t m = 0; m < json_array_size(impl); m++) {
        json_t *im = json_array_get(impl, m);
        const char *c = json_string_value(json_object_get(im, "class_code"));
        if (!c || strcmp(c, "UBND-XA") != 0)
            continue;
        json_t *units = json_object_get(im, "units");
        n = json_array_size(units);
        for (size_t u = 0; u < n && must_include; u++)
            included |= strcmp(json_string_value(json_object_get(json_array_get(units, u), "code")),
                               must_include) == 0;
    }
    json_decref(root);
    if (!included)
        fail_msg("%s not among the communes of task 129 on %s", must_include, as_of);
    return n;
}

static void test_import_rejects_bad_file_whole(void **state)
{
    (void)state;
    /* client-side checks: column count, empty cell, not UTF-8 — every line */
    harness_write_file("communes-bad.csv", "mã,tên,quận/huyện\n"
                                   "31117,Phường Tân An,Ninh Kiều\n"
                                   "31120,Phường An Hòa\n"
                                   "31123,,Ninh Kiều\n"
                                   "31126,Ph\xFF\xFEng,Ninh Kiều\n");
    const char *args[] = {"units", "import", "communes-bad.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "dòng 3"));
    assert_non_null(strstr(r.err, "dòng 4"));
    assert_non_null(strstr(r.err, "dòng 5"));
    assert_null(strstr(r.err, "dòng 2:"));
    run_result_free(&r);

    /* server-side checks: unknown district, code used twice, bad code */
    harness_write_file("communes-bad2.csv", "31117;Phường Tân An;Quận Ninh Kiều\n"
                                    "31117;Phường Tân An 2;Quận Ninh Kiều\n"
                                    "31130;Xã Mỹ Khánh;Huyện Không Có\n"
                                    "ab c;Xã Nhơn Ái;Phong Điền\n");
    const char *args2[] = {"units", "import", "communes-bad2.csv", NULL};
    harness_cchc(&r, srv, args2);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "dòng 2: mã"));
    assert_non_null(strstr(r.err, "dòng 3: quận/huyện"));
    assert_non_null(strstr(r.err, "dòng 4: mã"));
    run_result_free(&r);
    assert_false(unit_listed("2024-01-01", "31117")); /* nothing was imported */
    unlink("communes-bad.csv");
    unlink("communes-bad2.csv");
}

static void test_import_then_merge_rename_close_split(void **state)
{
    (void)state;
    /* as LibreOffice saves it: BOM, header, quotes */
    harness_write_file("communes.csv", "\xEF\xBB\xBF" "Mã,Tên,Quận/Huyện\n"
                               "31117,Phường Tân An,Q-NINHKIEU\n"
                               "31120,\"Phường An Hòa\",Ninh Kiều\n"
                               "31153,Xã Mỹ Khánh,Huyện Phong Điền\n"
                               "\n");
    /* the communes shipped by sql/0014_units.sql (83, then 80 from
     * 2024-11-01) are there before the import; count relative to them */
    size_t shipped_2024 = communes_on_task("2024-01-01", NULL);
    size_t shipped_2025 = communes_on_task("2025-06-30", NULL);
    assert_int_equal(shipped_2024, 83);
    assert_int_equal(shipped_2025, 80);
    const char *args[] = {"--json", "units", "import", "communes.csv", "--valid-from", "2004-01-02", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "\"imported\": 3"));
    run_result_free(&r);
    unlink("communes.csv");
    assert_true(unit_listed("2024-01-01", "31120"));
    assert_int_equal(communes_on_task("2024-01-01", "31153"), shipped_2024 + 3);

    /* 1 July 2025: the two wards merge into a new ward */
    const char *merge[] = {"units", "merge", "31117", "Phường An Hòa", "--into", "P-NINHKIEU",
                           "--name", "Phường Ninh Kiều", "--on", "2025-07-01",
                           "--basis", "Nghị quyết 1668/NQ-UBTVQH15", NULL};
    harness_cchc(&r, srv, merge);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    assert_true(unit_listed("2025-06-30", "31117"));
    assert_false(unit_listed("2025-06-30", "P-NINHKIEU"));
    assert_false(unit_listed("2025-07-01", "31117"));
    assert_true(unit_listed("2025-07-01", "P-NINHKIEU"));
    assert_int_equal(communes_on_task("2025-06-30", "31117"), shipped_2025 + 3);
    assert_int_equal(communes_on_task("2025-07-01", "P-NINHKIEU"), shipped_2025 + 2);

    /* the successor is recorded on the old unit */
    const char *all[] = {"units", "--all", NULL};
    json_t *root = harness_cchc_json(srv, all);
    json_t *units = json_object_get(root, "units");
    int checked = 0;
    for (size_t i = 0; i < json_array_size(units); i++) {
        json_t *u = json_array_get(units, i);
        if (strcmp(json_string_value(json_object_get(u, "code")), "31117") != 0)
            continue;
        assert_string_equal(json_string_value(json_object_get(u, "valid_until")), "2025-06-30");
        json_t *succ = json_array_get(json_object_get(u, "successors"), 0);
        assert_string_equal(json_string_value(json_object_get(succ, "code")), "P-NINHKIEU");
        assert_string_equal(json_string_value(json_object_get(succ, "change")), "merge");
        checked = 1;
    }
    assert_true(checked);
    json_decref(root);

    /* a renamed department keeps leading its tasks under its new code */
    const char *rename[] = {"units", "rename", "SNV", "--code", "SNV-2025", "--name",
                            "Sở Nội vụ thành phố Cần Thơ", "--on", "2025-03-01", NULL};
    harness_cchc(&r, srv, rename);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    const char *old_lead[] = {"plan", "tasks", "--lead", "SNV", "--as-of", "2024-12-31", NULL};
    const char *new_lead[] = {"plan", "tasks", "--lead", "SNV-2025", "--as-of", "2025-03-01", NULL};
    json_t *before = harness_cchc_json(srv, old_lead), *after = harness_cchc_json(srv, new_lead);
    size_t n = json_array_size(json_object_get(before, "tasks"));
    assert_true(n > 0);
    assert_int_equal(json_array_size(json_object_get(after, "tasks")), n);
    json_decref(before);
    json_decref(after);
    const char *task[] = {"plan", "task", "108", "--as-of", "2025-03-01", NULL};
    json_t *root2 = harness_cchc_json(srv, task);
    json_t *t = json_object_get(root2, "task");
    json_t *lead = json_array_get(json_object_get(json_array_get(json_object_get(t, "assignments"), 0),
                                                  "leads"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(lead, "unit"), "code")),
                        "SNV-2025");
    assert_string_equal(json_string_value(json_object_get(lead, "assigned_code")), "SNV");
    assert_string_equal(json_string_value(json_object_get(lead, "printed_text")), "Sở Nội vụ");
    json_decref(root2);

    /* split, then refused changes */
    const char *split[] = {"units", "split", "31153", "--into", "X-MYKHANH-A=Xã Mỹ Khánh A",
                           "--into", "X-MYKHANH-B=Xã Mỹ Khánh B", "--on", "2025-07-01", NULL};
    harness_cchc(&r, srv, split);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    assert_int_equal(communes_on_task("2025-07-01", "X-MYKHANH-B"), shipped_2025 + 3);

    const char *again[] = {"units", "close", "31117", "--on", "2026-01-01", NULL};
    harness_cchc(&r, srv, again); /* 31117 ended on 2025-06-30 */
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "đơn vị thay đổi"));
    run_result_free(&r);
    const char *bad_date[] = {"units", "close", "Q-OMON", "--on", "2025-13-01", NULL};
    harness_cchc(&r, srv, bad_date); /* refused by the client now (common/date_text.c) */
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "--on"));
    assert_non_null(strstr(r.err, "không có thật"));
    run_result_free(&r);
    const char *unknown[] = {"units", "close", "NO-SUCH", "--on", "2025-07-01", NULL};
    harness_cchc(&r, srv, unknown);
    assert_int_equal(r.exit_code, 1);
    run_result_free(&r);
    const char *no_date[] = {"units", "close", "Q-OMON", NULL};
    harness_cchc(&r, srv, no_date);
    assert_int_equal(r.exit_code, 2);
    run_result_free(&r);

    /* a district with its wards still under it cannot close (issue 12:
     * they are moved or merged first); a unit without any can: gone from
     * that day, still there the day before, and not closed twice */
    const char *close_district[] = {"units", "close", "Q-OMON", "--on", "2025-07-01", NULL};
    harness_cchc(&r, srv, close_district);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "trực thuộc"));
    run_result_free(&r);
    assert_true(unit_listed("2025-07-01", "Q-OMON"));
    const char *close[] = {"units", "close", "SGTVT", "--on", "2025-07-01", NULL};
    harness_cchc(&r, srv, close);
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
    assert_true(unit_listed("2025-06-30", "SGTVT"));
    assert_false(unit_listed("2025-07-01", "SGTVT"));
    harness_cchc(&r, srv, close);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "đã đóng từ ngày"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_rejects_bad_file_whole),
        cmocka_unit_test(test_import_then_merge_rename_close_split),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
