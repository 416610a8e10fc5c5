/* The city's report assembled per index and criterion (issue 17, Deliver
 * 3; docs/city-report.md), end to end through the real client: in one
 * period two districts report on tasks 105 (PAR-INDEX 3.4.1, led by
 * VP-UBND) and 102 (PAR-INDEX 2.4.2 and 2.4.3, led by Sở Tư pháp); the
 * two lead agencies consolidate, Sở Nội vụ returns VP-UBND's and it is
 * resubmitted, and Sở Nội vụ writes the city's assessment. Then:
 *  - the HTML document shows under each criterion its figures and its
 *    tasks' figures, equal to `cchc status --by criterion` and `--by
 *    task`, and each lead agency's text under its criterion (under the
 *    first of a task's criteria only, the next pointing there), escaped,
 *    with the city's assessment; the returned text is nowhere;
 *  - the export is one request: the server's log of the export's
 *    connection names report_bundle once and no other request;
 *  - the CSV companion (BOM, CRLF) and the xlsx companion (read back with
 *    openpyxl) carry the same figures and texts per criterion and task. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

#define PERIOD "2024-6M"
#define RETURNED_TEXT "VP bản đầu: chưa đánh giá chỉ tiêu"
/* markup and an ampersand: the document must escape them */
#define VP_TEXT "VP bản sửa: <b>đạt</b> 3.4.1 & tiếp tục số hóa"
#define VP_TEXT_HTML "VP bản sửa: &lt;b&gt;đạt&lt;/b&gt; 3.4.1 &amp; tiếp tục số hóa"
#define STP_TEXT "Sở Tư pháp: văn bản quy phạm hợp lý, khả thi"
#define CITY_TEXT "Thành phố: kết quả 6 tháng đầu năm đạt kế hoạch"

enum { NK, CR, VP, STP, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
    {"cr.baocao", "Bao-cao-Cai-Rang-2024", "Q-CAIRANG", "reporter"},
    {"vp.tonghop", "Tong-hop-Van-phong-2024", "VP-UBND", "reporter"}, /* leads 105 */
    {"stp.tonghop", "Tong-hop-Tu-phap-2024", "STP", "reporter"},     /* leads 102 */
};

static char *html;

static void submit(int who, const char *task, const char *status, const char *progress)
{
    fixture_as(&fx, who);
    const char *args[] = {"submit", "--task", task, "--period", PERIOD, "--status", status,
                          "--progress", progress, "--result", "Đã triển khai",
                          "--difficulties", "Thiếu người", NULL};
    harness_cchc_ok(srv, args);
}

/* Sends a lead agency's (or, with task "", the city's) consolidation. */
static json_t *consolidate(int who, const char *level, const char *task, int base,
                           const char *assessment)
{
    harness_write_consolidation("consolidation.csv", PERIOD, level, task, "", base, assessment, "",
                                "");
    fixture_as(&fx, who);
    const char *args[] = {"consolidate", "submit", "--file", "consolidation.csv", NULL};
    json_t *saved = harness_cchc_json(srv, args);
    unlink("consolidation.csv");
    return saved;
}

/* Removes a file the test wrote, unless CCHC_TEST_KEEP_PRINT is set (to
 * look at what was written). */
static void keep_or_remove(const char *path)
{
    if (!getenv("CCHC_TEST_KEEP_PRINT"))
        unlink(path);
}

/* The log's bytes from offset on. */
static char *log_since(long offset)
{
    char *all = harness_read_file(srv->log_path);
    assert_non_null(all);
    size_t len = strlen(all);
    char *tail = strdup(all + ((size_t)offset < len ? (size_t)offset : len));
    free(all);
    return tail;
}

static long log_offset;
/* For harness_poll: the connection the export used has closed, so every
 * request it made has been answered and logged before. */
static int export_connection_closed(void *arg)
{
    (void)arg;
    char *tail = log_since(log_offset);
    int closed = strstr(tail, ") closed: ") != NULL;
    free(tail);
    return closed;
}

static int setup(void **state)
{
    (void)state;
    /* debug: the server logs every request it answers, by name */
    const char *debug[] = {"--log-level", "debug", NULL};
    fixture_start(&fx, "city_report", debug);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    submit(NK, "105", "đang triển khai", "60");
    submit(CR, "105", "đang triển khai", "45.5");
    submit(NK, "102", "hoàn thành", "100");

    /* VP-UBND consolidates 105; Sở Nội vụ returns it, VP-UBND resubmits */
    json_t *saved = consolidate(VP, "lead", "105", 0, RETURNED_TEXT);
    char item[64];
    snprintf(item, sizeof(item), "%lld@%lld", jint(saved, "consolidation_id"), jint(saved, "revision"));
    json_decref(saved);
    fixture_as(&fx, -1);
    const char *ret[] = {"consolidate", "return", item, "--reason", "Bổ sung đánh giá", NULL};
    harness_cchc_ok(srv, ret);
    saved = consolidate(VP, "lead", "105", 1, VP_TEXT);
    assert_int_equal(jint(saved, "revision"), 2);
    json_decref(saved);
    /* Sở Tư pháp consolidates 102, Sở Nội vụ the city */
    json_decref(consolidate(STP, "lead", "102", 0, STP_TEXT));
    json_decref(consolidate(-1, "city", "", 0, CITY_TEXT));

    /* the document, as the administrator exports it */
    fixture_as(&fx, -1);
    struct stat st;
    assert_int_equal(stat(srv->log_path, &st), 0);
    log_offset = (long)st.st_size;
    const char *args[] = {"--timeout", "60000", "export", "--period", PERIOD, "--format", "html",
                          "-o", "city.html", NULL};
    harness_cchc_ok(srv, args);
    html = harness_read_file("city.html");
    assert_non_null(html);
    keep_or_remove("city.html");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(html);
    return fixture_stop(&fx);
}

/* The group keyed key of `cchc status --by by` (a new reference). */
static json_t *status_group(const char *by, const char *key)
{
    fixture_as(&fx, -1);
    const char *args[] = {"status", "--period", PERIOD, "--by", by, NULL};
    json_t *st = harness_cchc_json(srv, args);
    json_t *groups = json_object_get(st, "groups");
    for (size_t i = 0; i < json_array_size(groups); i++) {
        json_t *g = json_array_get(groups, i);
        if (strcmp(jstr(g, "key"), key) == 0) {
            json_incref(g);
            json_decref(st);
            return g;
        }
    }
    fail_msg("status --by %s has no group %s", by, key);
    return NULL;
}

/* The data-value of data-figure="key" in the document (malloc'd), or NULL. */
static char *figure(const char *key)
{
    char needle[300];
    snprintf(needle, sizeof(needle), "\" data-figure=\"%s\">", key);
    const char *end = strstr(html, needle);
    if (!end)
        return NULL;
    const char *p = end;
    while (p > html && strncmp(p, "data-value=\"", 12) != 0)
        p--;
    return strndup(p + 12, (size_t)(end - p - 12));
}

/* The status group's figures are the document's under prefix. */
static void same_figures(json_t *g, const char *prefix)
{
    static const char *const counts[] = {"expected", "received", "on_time", "late", "missing"};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        char key[200], want[32];
        snprintf(key, sizeof(key), "%s.%s", prefix, counts[i]);
        snprintf(want, sizeof(want), "%lld", jint(g, counts[i]));
        char *got = figure(key);
        if (!got || strcmp(got, want) != 0)
            fail_msg("%s: the document has %s, status %s", key, got ? got : "nothing", want);
        free(got);
    }
    static const char *const decimals[] = {"mean_progress", "effective_progress"};
    for (size_t i = 0; i < 2; i++) {
        char key[200];
        snprintf(key, sizeof(key), "%s.%s", prefix, decimals[i]);
        char *got = figure(key);
        if (!got || strcmp(got, jstr(g, decimals[i])) != 0)
            fail_msg("%s: the document has %s, status %s", key, got ? got : "nothing",
                     jstr(g, decimals[i]));
        free(got);
    }
}

/* The document between the heading of criterion code and the next one. */
static char *criterion_part(const char *code)
{
    char needle[100];
    snprintf(needle, sizeof(needle), "<h4>Tiêu chí %s. ", code);
    const char *start = strstr(html, needle);
    if (!start)
        fail_msg("no heading for criterion %s", code);
    const char *end = strstr(start + 4, "<h4>");
    if (!end)
        end = start + strlen(start);
    return strndup(start, (size_t)(end - start));
}

static void test_html_per_criterion(void **state)
{
    (void)state;
    /* the figures of both criteria and of their tasks are status's */
    json_t *g = status_group("criterion", "PAR-INDEX 3.4.1");
    assert_int_equal(jint(g, "received"), 2);
    same_figures(g, "criterion.PAR-INDEX.3.4.1");
    json_decref(g);
    g = status_group("criterion", "PAR-INDEX 2.4.2");
    assert_int_equal(jint(g, "received"), 1);
    same_figures(g, "criterion.PAR-INDEX.2.4.2");
    json_decref(g);
    g = status_group("task", "105");
    same_figures(g, "task.105");
    json_decref(g);
    g = status_group("task", "102");
    same_figures(g, "task.102");
    json_decref(g);
    /* the points the criterion carries and the base year's score (plan data) */
    char *max_points = harness_db_query(&fx.db, "SELECT max_points::text FROM criterion WHERE "
                                                "index_code = 'PAR-INDEX' AND code = '3.4.1'");
    char *got = figure("criterion.PAR-INDEX.3.4.1.max_points");
    assert_non_null(got);
    assert_string_equal(got, max_points);
    free(got);
    free(max_points);

    /* each lead agency's text under its criterion, escaped */
    char *part = criterion_part("3.4.1");
    const char *vp = strstr(part, "data-figure=\"consolidation.105.VP-UBND.assessment\"");
    assert_non_null(vp);
    assert_non_null(strstr(vp, VP_TEXT_HTML));
    assert_null(strstr(part, STP_TEXT));
    assert_non_null(strstr(part, "data-figure=\"consolidation.105.VP-UBND.received\""));
    free(part);
    part = criterion_part("2.4.2");
    const char *stp = strstr(part, "data-figure=\"consolidation.102.STP.assessment\"");
    assert_non_null(stp);
    assert_non_null(strstr(stp, STP_TEXT));
    assert_null(strstr(part, "VP bản sửa"));
    free(part);
    /* 102 serves 2.4.3 too: its text stands once, under 2.4.2 */
    part = criterion_part("2.4.3");
    assert_null(strstr(part, STP_TEXT));
    assert_non_null(strstr(part, "xem tiêu chí PAR-INDEX 2.4.2"));
    free(part);
    const char *first = strstr(html, STP_TEXT);
    assert_non_null(first);
    assert_null(strstr(first + 1, STP_TEXT));

    /* the returned text is nowhere, the raw markup neither */
    assert_null(strstr(html, RETURNED_TEXT));
    assert_null(strstr(html, "<b>đạt</b>"));
    /* the city's assessment */
    const char *city = strstr(html, "data-figure=\"consolidation.city\"");
    assert_non_null(city);
    assert_non_null(strstr(city, CITY_TEXT));
}

/* Every request the export's connection made, by name, as the server's
 * debug log names them ("client N request M NAME: ok in …"). */
static void test_export_is_one_request(void **state)
{
    (void)state;
    harness_wait_for(export_connection_closed, NULL, 20000, "the export's connection to close");
    char *tail = log_since(log_offset);
    int bundles = 0, others = 0;
    for (char *line = strtok(tail, "\n"); line; line = strtok(NULL, "\n")) {
        const char *req = strstr(line, " request ");
        const char *ok = strstr(line, ": ok in ");
        if (!req || !ok)
            continue;
        const char *name = strchr(req + strlen(" request "), ' ');
        if (!name || name > ok)
            continue;
        name++;
        int len = (int)(ok - name);
        if (len == (int)strlen("report_bundle") && strncmp(name, "report_bundle", (size_t)len) == 0)
            bundles++;
        else if (!(len == 5 && strncmp(name, "hello", 5) == 0)) {
            fprintf(stderr, "the export also asked for %.*s\n", len, name);
            others++;
        }
    }
    free(tail);
    assert_int_equal(bundles, 1);
    assert_int_equal(others, 0);
}

/* The companion read back as JSON rows keyed by header, by Python's csv
 * or openpyxl (Debian's python3-openpyxl). */
static json_t *companion_rows(const char *path)
{
    static const char script[] =
        "import csv, io, json, sys\n"
        "path = sys.argv[1]\n"
        "if path.endswith('.xlsx'):\n"
        "    import openpyxl\n"
        "    wb = openpyxl.load_workbook(path)\n"
        "    rows = [list(r) for r in wb['Theo tiêu chí'].iter_rows(values_only=True)]\n"
        "else:\n"
        "    data = open(path, 'rb').read()\n"
        "    assert data.startswith(b'\\xef\\xbb\\xbf'), 'no BOM'\n"
        "    assert data.split(b'\\n')[0].endswith(b'\\r'), 'not CRLF'\n"
        "    rows = list(csv.reader(io.StringIO(data[3:].decode('utf-8'), newline='')))\n"
        "head = rows[0]\n"
        "print(json.dumps([{h: ('' if v is None else v) for h, v in zip(head, r)} for r in rows[1:]],"
        " ensure_ascii=False))\n";
    const char *argv[] = {"/usr/bin/python3", "-c", script, path, NULL};
    run_result r;
    harness_run(&r, NULL, argv);
    if (r.exit_code != 0)
        fail_msg("reading %s back failed (%d): %s", path, r.exit_code, r.err);
    json_t *rows = json_loads(r.out, 0, NULL);
    if (!rows)
        fail_msg("reading %s back: not JSON: %s", path, r.out);
    run_result_free(&r);
    return rows;
}

/* The cell as text: a CSV's string, an xlsx number written as the server
 * writes decimals (compared by value below). */
static int cell_is(json_t *row, const char *header, const char *want)
{
    json_t *v = json_object_get(row, header);
    if (json_is_string(v))
        return strcmp(json_string_value(v), want) == 0;
    if (json_is_number(v)) {
        double d = json_number_value(v), w = strtod(want, NULL);
        return *want && (d - w < 1e-9 && w - d < 1e-9);
    }
    return 0;
}

/* The row of task (0: the criterion's own row) under criterion No. of
 * PAR-INDEX; with several lead agencies, the first. */
static json_t *row_of(json_t *rows, const char *criterion, int task)
{
    char id[16];
    snprintf(id, sizeof(id), "%d", task);
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        if (cell_is(r, "Chỉ số", "PAR-INDEX") && cell_is(r, "Số", criterion) &&
            (task ? cell_is(r, "Mã nhiệm vụ", id) : cell_is(r, "Dòng", "tiêu chí")))
            return r;
    }
    fail_msg("no row of task %d under criterion %s", task, criterion);
    return NULL;
}

/* The companion's figures are status's (Vietnamese headers, the client's default). */
static void same_cells(json_t *row, json_t *g)
{
    static const struct { const char *header, *field; } counts[] = {
        {"Phải có", "expected"}, {"Đã nhận", "received"}, {"Đúng hạn", "on_time"},
        {"Còn thiếu", "missing"}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        char want[32];
        snprintf(want, sizeof(want), "%lld", jint(g, counts[i].field));
        if (!cell_is(row, counts[i].header, want))
            fail_msg("%s: not %s", counts[i].header, want);
    }
    assert_true(cell_is(row, "Tiến độ chung", jstr(g, "effective_progress")));
    assert_true(cell_is(row, "TB tiến độ", jstr(g, "mean_progress")));
}

static void check_companion(const char *path)
{
    json_t *rows = companion_rows(path);
    /* the city's assessment first */
    json_t *city = json_array_get(rows, 0);
    assert_true(cell_is(city, "Dòng", "báo cáo của thành phố"));
    assert_true(cell_is(city, "Đánh giá", CITY_TEXT));
    assert_true(cell_is(city, "Kỳ báo cáo", PERIOD));
    /* each criterion's own figures, then its tasks' with the lead's text */
    json_t *g = status_group("criterion", "PAR-INDEX 3.4.1");
    same_cells(row_of(rows, "3.4.1", 0), g);
    json_decref(g);
    g = status_group("task", "105");
    json_t *vp = row_of(rows, "3.4.1", 105);
    same_cells(vp, g);
    json_decref(g);
    assert_true(cell_is(vp, "Đánh giá", VP_TEXT));
    assert_true(cell_is(vp, "Tình trạng báo cáo tổng hợp", "đã gửi"));
    g = status_group("criterion", "PAR-INDEX 2.4.2");
    same_cells(row_of(rows, "2.4.2", 0), g);
    json_decref(g);
    assert_true(cell_is(row_of(rows, "2.4.2", 102), "Đánh giá", STP_TEXT));
    /* 102's text once, under its first criterion */
    assert_true(cell_is(row_of(rows, "2.4.3", 102), "Đánh giá", ""));
    /* the returned text nowhere */
    char *all = json_dumps(rows, 0);
    assert_null(strstr(all, RETURNED_TEXT));
    free(all);
    json_decref(rows);
}

static void test_companions(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *csv[] = {"export", "--period", PERIOD, "--city-report", "-o", "city.csv", NULL};
    harness_cchc_ok(srv, csv);
    check_companion("city.csv");
    keep_or_remove("city.csv");
    const char *xlsx[] = {"export", "--period", PERIOD, "--format", "xlsx", "-o", "city.xlsx", NULL};
    harness_cchc_ok(srv, xlsx);
    check_companion("city.xlsx");
    keep_or_remove("city.xlsx");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_is_one_request),
        cmocka_unit_test(test_html_per_criterion),
        cmocka_unit_test(test_companions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
