/* The report template as a real spreadsheet, end to end through the real
 * client: `cchc template -o X.xlsx` writes a workbook that looks as a
 * clerk needs it (checked with openpyxl: the two sheets, hidden metadata
 * columns, locked task columns and open clerk columns, the status list and
 * the 0-100 progress validation, a frozen header); filled by openpyxl as
 * Excel would leave it (numbers stored as numbers, Vietnamese text in
 * shared strings) it submits, and the same file re-saved by LibreOffice
 * (its own shared strings, styles and layout) submits to identical stored
 * values; an old .xls, a broken zip, a zip without a workbook, a DTD and
 * a zip bomb are refused with one clear message and nothing sent; a
 * template of one unit is not submitted for another; a column the clerk
 * inserted does not shift what is read (columns are found by header). */
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

enum { NK_CLERK, BT_CLERK, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.bangtinh", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"bt.bangtinh", "Bao-cao-Binh-Thuy-2023", "Q-BINHTHUY", "reporter"},
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "xlsx", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- helpers ------------------------------------------------------------------------ */

/* Runs tests/e2e/xlsx_tool.py with Debian's python (openpyxl); returns its stdout. */
static char *tool(const char *a, const char *b, const char *c, const char *d)
{
    const char *argv[] = {"/usr/bin/python3", CCHC_TESTS_DIR "/e2e/xlsx_tool.py", a, b, c, d, NULL};
    run_result r;
    harness_run(&r, NULL, argv);
    if (r.exit_code != 0)
        fail_msg("xlsx_tool.py %s failed (%d): %s", a, r.exit_code, r.err);
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

static json_t *inspect(const char *path)
{
    char *out = tool("inspect", path, NULL, NULL);
    json_error_t error;
    json_t *j = json_loads(out, 0, &error);
    if (!j)
        fail_msg("xlsx_tool.py inspect: not JSON: %s", out);
    free(out);
    return j;
}

/* Re-saves path as .xlsx with LibreOffice headless into dir (same name). */
static void libreoffice_resave(const char *path, const char *dir)
{
    char home[64], home_env[96], profile[160];
    snprintf(home, sizeof(home), "/tmp/cchc-lo.XXXXXX");
    assert_non_null(mkdtemp(home));
    snprintf(home_env, sizeof(home_env), "HOME=%s", home);
    snprintf(profile, sizeof(profile), "-env:UserInstallation=file://%s/profile", home);
    const char *argv[] = {"/usr/bin/env", home_env, "soffice", profile, "--headless",
                          "--convert-to", "xlsx", "--outdir", dir, path, NULL};
    run_result r;
    harness_run(&r, NULL, argv);
    if (r.exit_code != 0)
        fail_msg("soffice --convert-to xlsx failed (%d): %s", r.exit_code, r.err);
    run_result_free(&r);
    char rm[96];
    snprintf(rm, sizeof(rm), "rm -rf %s", home);
    assert_int_equal(system(rm), 0);
}

static void make_template(int who, const char *path)
{
    fixture_as(&fx, who);
    unlink(path);
    const char *args[] = {"template", "--period", "2023-6M", "-o", path, NULL};
    harness_cchc_ok(srv, args);
}

/* One column of a unit's latest revision of a task's 2023-6M report ("" when none). */
static char *stored(const char *unit, int task, const char *column)
{
    char expression[80];
    snprintf(expression, sizeof(expression), "v.%s", column);
    return harness_report_latest(&fx.db, "2023-6M", unit, task, expression);
}

static void assert_stored(const char *unit, int task, const char *column, const char *expected)
{
    char *got = stored(unit, task, column);
    if (strcmp(got, expected) != 0)
        fail_msg("%s task %d: %s is \"%s\", expected \"%s\"", unit, task, column, got, expected);
    free(got);
}

static long reports_of(const char *unit)
{
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM report WHERE period_id = '2023-6M' AND unit_code = '%s'", unit);
    char *n = harness_db_query(&fx.db, sql);
    long count = atol(n);
    free(n);
    return count;
}

/* The index of a header in the template's header row. */
static size_t column_of(json_t *look, const char *header)
{
    json_t *headers = json_object_get(look, "headers");
    for (size_t i = 0; i < json_array_size(headers); i++)
        if (strcmp(json_string_value(json_array_get(headers, i)), header) == 0)
            return i;
    fail_msg("no column \"%s\" in the template", header);
    return 0;
}

static int is_true(json_t *look, const char *what, const char *header)
{
    json_t *v = json_object_get(json_object_get(look, what), header);
    if (!json_is_boolean(v))
        fail_msg("%s of \"%s\" missing", what, header);
    return json_is_true(v);
}

/* ---- the template ------------------------------------------------------------------- */

static void test_template_is_a_workbook(void **state)
{
    (void)state;
    make_template(NK_CLERK, "xlsx-look.xlsx");
    char *data = harness_read_file("xlsx-look.xlsx");
    assert_memory_equal(data, "PK\x03\x04", 4); /* a zip: a workbook, not CSV */
    free(data);
    json_t *look = inspect("xlsx-look.xlsx");
    json_t *sheets = json_object_get(look, "sheets");
    assert_int_equal(json_array_size(sheets), 2);
    assert_string_equal(json_string_value(json_array_get(sheets, 0)), "Báo cáo");
    assert_string_equal(json_string_value(json_array_get(sheets, 1)), "Hướng dẫn");

    /* the row metadata: hidden, and there */
    const char *hidden[] = {"Kỳ báo cáo", "Mã nhiệm vụ", "Phiên bản gốc", "Mã đơn vị"};
    for (size_t i = 0; i < 4; i++) {
        assert_true(is_true(look, "hidden", hidden[i]));
        assert_true(is_true(look, "locked", hidden[i]));
    }
    json_t *rows = json_object_get(look, "rows");
    assert_true(json_array_size(rows) >= 3);
    size_t unit = column_of(look, "Mã đơn vị"), period = column_of(look, "Kỳ báo cáo"),
           task = column_of(look, "Mã nhiệm vụ");
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i);
        assert_string_equal(json_string_value(json_array_get(row, unit)), "Q-NINHKIEU");
        assert_string_equal(json_string_value(json_array_get(row, period)), "2023-6M");
        assert_true(json_integer_value(json_array_get(row, task)) > 0); /* a number */
    }
    /* the task's columns locked and shown, the clerk's open */
    const char *locked[] = {"Nhiệm vụ", "Chỉ tiêu", "Tình trạng báo cáo", "Lý do trả lại"};
    for (size_t i = 0; i < 4; i++) {
        assert_true(is_true(look, "locked", locked[i]));
        assert_false(is_true(look, "hidden", locked[i]));
    }
    const char *open[] = {"Trạng thái", "Tiến độ (%)", "Kết quả đạt được", "Khó khăn, vướng mắc",
                          "Kiến nghị", "Giá trị chỉ số"};
    for (size_t i = 0; i < 6; i++) {
        assert_false(is_true(look, "locked", open[i]));
        assert_false(is_true(look, "hidden", open[i]));
    }
    assert_true(json_is_true(json_object_get(look, "protected")));
    assert_string_equal(jstr(look, "freeze"), "A2");
    /* long Vietnamese texts: wide, wrapped */
    assert_true(is_true(look, "wrap", "Nhiệm vụ"));
    assert_true(json_number_value(json_object_get(json_object_get(look, "width"), "Nhiệm vụ")) >= 50);

    /* a list of the four statuses; progress a decimal 0-100, said in Vietnamese */
    json_t *validations = json_object_get(look, "validations");
    int list = 0, decimal = 0;
    for (size_t i = 0; i < json_array_size(validations); i++) {
        json_t *v = json_array_get(validations, i);
        if (strcmp(jstr(v, "type"), "list") == 0) {
            const char *values = jstr(v, "formula1");
            assert_non_null(strstr(values, "chưa triển khai"));
            assert_non_null(strstr(values, "đang triển khai"));
            assert_non_null(strstr(values, "hoàn thành"));
            assert_non_null(strstr(values, "chậm tiến độ"));
            assert_non_null(strstr(jstr(v, "sqref"), "E2"));
            list++;
        } else if (strcmp(jstr(v, "type"), "decimal") == 0) {
            assert_string_equal(jstr(v, "formula1"), "0");
            assert_string_equal(jstr(v, "formula2"), "100");
            assert_non_null(strstr(jstr(v, "prompt"), "từ 0 đến 100"));
            assert_non_null(strstr(jstr(v, "error"), "từ 0 đến 100"));
            assert_non_null(strstr(jstr(v, "sqref"), "F2"));
            decimal++;
        }
    }
    assert_int_equal(list, 1);
    assert_int_equal(decimal, 1);
    const char *help = jstr(look, "help");
    assert_non_null(strstr(help, "Trạng thái"));
    assert_non_null(strstr(help, "chậm tiến độ"));
    assert_non_null(strstr(help, "Tiến độ (%)"));
    json_decref(look);

    /* the CSV template names its unit too */
    make_template(NK_CLERK, "xlsx-look.csv");
    char *csv = harness_read_file("xlsx-look.csv");
    assert_non_null(strstr(csv, "\"Mã đơn vị\""));
    assert_non_null(strstr(csv, "\"Q-NINHKIEU\""));
    free(csv);
}

/* ---- filled, re-saved, submitted ------------------------------------------------------- */

/* What both clerks type, by task. */
#define FILL_SPEC                                                                                \
    "{\"105\": {\"Trạng thái\": \"đang triển khai\", \"Tiến độ (%)\": 60,"                      \
    "  \"Kết quả đạt được\": \"Đã tiếp nhận 12.345 hồ sơ; trả đúng hạn 98,5%\"},"              \
    " \"106\": {\"Trạng thái\": \"hoàn thành\", \"Tiến độ (%)\": 100,"                           \
    "  \"Kết quả đạt được\": \"Rà soát xong, công bố ngày 05/12\\nở cả 11 phường\"},"          \
    " \"107\": {\"Trạng thái\": \"chậm tiến độ\", \"Tiến độ (%)\": 30.5,"                        \
    "  \"Khó khăn, vướng mắc\": \"Thiếu cán bộ “chuyên trách” <một cửa> & kho lưu trữ\","      \
    "  \"Kiến nghị\": \"Đề nghị Sở Nội vụ hỗ trợ\"}" FILL_PERCENT "}"
/* a 0.75 cell with the 0% format: the reader renders "75%", the progress
 * parser (common/decimal_text.c) reads 75 */
#define FILL_PERCENT                                                                             \
    ", \"101\": {\"Trạng thái\": \"đang triển khai\","                                           \
    "  \"Tiến độ (%)\": {\"value\": 0.75, \"format\": \"0%\"}, \"Kết quả đạt được\": \"Ba phần tư\"}"

static void assert_filled(const char *unit)
{
    assert_stored(unit, 105, "status", "in_progress");
    assert_stored(unit, 105, "progress", "60.00");
    assert_stored(unit, 105, "results", "Đã tiếp nhận 12.345 hồ sơ; trả đúng hạn 98,5%");
    assert_stored(unit, 106, "status", "completed");
    assert_stored(unit, 106, "progress", "100.00");
    assert_stored(unit, 106, "results", "Rà soát xong, công bố ngày 05/12\nở cả 11 phường");
    assert_stored(unit, 107, "status", "behind");
    assert_stored(unit, 107, "progress", "30.50");
    assert_stored(unit, 107, "difficulties", "Thiếu cán bộ “chuyên trách” <một cửa> & kho lưu trữ");
    assert_stored(unit, 107, "proposals", "Đề nghị Sở Nội vụ hỗ trợ");
    assert_stored(unit, 107, "results", "");
    assert_stored(unit, 101, "status", "in_progress");
    assert_stored(unit, 101, "progress", "75.00");
    assert_stored(unit, 101, "results", "Ba phần tư");
}

static void test_filled_and_resaved_submit_the_same(void **state)
{
    (void)state;
    /* Ninh Kiều fills with openpyxl and submits that file */
    make_template(NK_CLERK, "xlsx-nk.xlsx");
    free(tool("fill", "xlsx-nk.xlsx", "xlsx-nk-filled.xlsx", FILL_SPEC));
    const char *submit_nk[] = {"submit", "--file", "xlsx-nk-filled.xlsx", NULL};
    harness_cchc_ok(srv, submit_nk);
    assert_filled("Q-NINHKIEU");

    /* Bình Thủy types the same, then LibreOffice re-saves the file */
    make_template(BT_CLERK, "xlsx-bt.xlsx");
    free(tool("fill", "xlsx-bt.xlsx", "xlsx-bt-filled.xlsx", FILL_SPEC));
    assert_int_equal(system("rm -rf xlsx-lo && mkdir xlsx-lo"), 0);
    libreoffice_resave("xlsx-bt-filled.xlsx", "xlsx-lo");
    json_t *look = inspect("xlsx-lo/xlsx-bt-filled.xlsx");
    assert_true(is_true(look, "hidden", "Mã đơn vị")); /* still hidden, still there */
    json_t *row = json_array_get(json_object_get(look, "rows"), 0);
    assert_string_equal(json_string_value(json_array_get(row, column_of(look, "Mã đơn vị"))),
                        "Q-BINHTHUY");
    json_decref(look);
    const char *submit_bt[] = {"submit", "--file", "xlsx-lo/xlsx-bt-filled.xlsx", NULL};
    harness_cchc_ok(srv, submit_bt);
    assert_filled("Q-BINHTHUY");

    /* and what both stored is the same, column by column */
    const int tasks[] = {101, 105, 106, 107};
    const char *columns[] = {"status", "progress", "results", "difficulties", "proposals",
                             "indicators"};
    for (size_t t = 0; t < 4; t++)
        for (size_t c = 0; c < 6; c++) {
            char *a = stored("Q-NINHKIEU", tasks[t], columns[c]);
            char *b = stored("Q-BINHTHUY", tasks[t], columns[c]);
            if (strcmp(a, b) != 0)
                fail_msg("task %d %s: openpyxl's \"%s\", LibreOffice's \"%s\"", tasks[t],
                         columns[c], a, b);
            free(a);
            free(b);
        }
}

/* ---- refused files ----------------------------------------------------------------------- */

/* Submits path as the Bình Thủy clerk; expects exit 2, a message
 * containing expected, and nothing stored. */
static void assert_refused(const char *path, const char *expected)
{
    fixture_as(&fx, BT_CLERK);
    long before = reports_of("Q-BINHTHUY");
    const char *args[] = {"submit", "--file", path, NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    if (r.exit_code != 2 || !strstr(r.err, expected))
        fail_msg("%s: exit %d, expected 2 and \"%s\"; stderr: %s", path, r.exit_code, expected,
                 r.err);
    assert_non_null(strstr(r.err, "không gửi")); /* nothing sent, and it says so */
    assert_int_equal(strstr(r.err, "dòng 8") != NULL, 0); /* no binary garbage as rows */
    run_result_free(&r);
    assert_int_equal(reports_of("Q-BINHTHUY"), before);
}

static void test_broken_and_hostile_files_refused(void **state)
{
    (void)state;
    /* an Excel 97-2003 file: OLE2's signature, then anything */
    FILE *f = fopen("xlsx-old.xls", "wb");
    assert_non_null(f);
    fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 1, 8, f);
    for (int i = 0; i < 4096; i++)
        fputc(i * 7 & 0xFF, f);
    fclose(f);
    assert_refused("xlsx-old.xls", "tệp Excel 97-2003 (.xls): hãy lưu thành .xlsx hoặc CSV UTF-8");
    /* a zip signature and garbage */
    harness_write_file("xlsx-garbage.xlsx", "PK\x03\x04 this is not really a zip at all");
    assert_refused("xlsx-garbage.xlsx", "không đọc được");
    /* a zip without a workbook, a workbook with a billion laughs, a bomb, a lying bomb */
    free(tool("bad", "noworkbook", "xlsx-noworkbook.xlsx", NULL));
    assert_refused("xlsx-noworkbook.xlsx", "không có workbook.xml");
    free(tool("bad", "dtd", "xlsx-dtd.xlsx", NULL));
    assert_refused("xlsx-dtd.xlsx", "DTD");
    free(tool("bad", "bomb", "xlsx-bomb.xlsx", NULL));
    assert_refused("xlsx-bomb.xlsx", "quá lớn");
    free(tool("bad", "lying", "xlsx-lying.xlsx", NULL));
    assert_refused("xlsx-lying.xlsx", "giải nén quá");
    /* the name says nothing: a workbook named .csv is read as a workbook */
    make_template(BT_CLERK, "xlsx-named.xlsx");
    free(tool("fill", "xlsx-named.xlsx", "xlsx-named.csv",
              "{\"105\": {\"Trạng thái\": \"sắp xong\", \"Tiến độ (%)\": 50}}"));
    assert_refused("xlsx-named.csv", "cột \"Trạng thái\"");
}

/* ---- the unit a template is for -------------------------------------------------------- */

static void test_other_units_template_refused(void **state)
{
    (void)state;
    make_template(NK_CLERK, "xlsx-unit.xlsx");
    free(tool("fill", "xlsx-unit.xlsx", "xlsx-unit-filled.xlsx",
              "{\"201\": {\"Trạng thái\": \"đang triển khai\", \"Tiến độ (%)\": 10,"
              " \"Kết quả đạt được\": \"Bắt đầu\"}}"));
    /* Bình Thủy's clerk sends Ninh Kiều's file: refused, both units named */
    assert_refused("xlsx-unit-filled.xlsx", "Q-NINHKIEU");
    fixture_as(&fx, BT_CLERK);
    const char *args[] = {"submit", "--file", "xlsx-unit-filled.xlsx", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_non_null(strstr(r.err, "Q-BINHTHUY"));
    run_result_free(&r);
    /* named for another unit with --unit: refused before anything is asked */
    const char *other[] = {"submit", "--file", "xlsx-unit-filled.xlsx", "--unit", "Q-CAIRANG",
                           NULL};
    harness_cchc(&r, srv, other);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "Q-NINHKIEU"));
    assert_non_null(strstr(r.err, "Q-CAIRANG"));
    run_result_free(&r);
    assert_stored("Q-BINHTHUY", 201, "status", "");
    /* its own clerk sends it */
    fixture_as(&fx, NK_CLERK);
    const char *own[] = {"submit", "--file", "xlsx-unit-filled.xlsx", NULL};
    harness_cchc_ok(srv, own);
    assert_stored("Q-NINHKIEU", 201, "status", "in_progress");
}

/* ---- a clerk's own columns ---------------------------------------------------------------- */

static void test_moved_columns_read_by_header(void **state)
{
    (void)state;
    /* a numbering column before the first: every column one to the right */
    make_template(NK_CLERK, "xlsx-moved.xlsx");
    free(tool("fill", "xlsx-moved.xlsx", "xlsx-moved-filled.xlsx",
              "{\"202\": {\"Trạng thái\": \"chưa triển khai\", \"Tiến độ (%)\": 0,"
              " \"Khó khăn, vướng mắc\": \"Chưa có kinh phí\"}}"));
    free(tool("insert", "xlsx-moved-filled.xlsx", "xlsx-moved-stt.xlsx", NULL));
    json_t *look = inspect("xlsx-moved-stt.xlsx");
    assert_int_equal(column_of(look, "Mã nhiệm vụ"), 2); /* it did move */
    json_decref(look);
    const char *args[] = {"submit", "--file", "xlsx-moved-stt.xlsx", NULL};
    harness_cchc_ok(srv, args);
    assert_stored("Q-NINHKIEU", 202, "status", "not_started");
    assert_stored("Q-NINHKIEU", 202, "progress", "0.00");
    assert_stored("Q-NINHKIEU", 202, "difficulties", "Chưa có kinh phí");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_is_a_workbook),
        cmocka_unit_test(test_filled_and_resaved_submit_the_same),
        cmocka_unit_test(test_broken_and_hostile_files_refused),
        cmocka_unit_test(test_other_units_template_refused),
        cmocka_unit_test(test_moved_columns_read_by_header),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
