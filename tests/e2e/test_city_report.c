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

/* a lead agency's unsent drafts: its own on 104 (PAR-INDEX 3.2.2) and
 * that of the agency leading 125 (PAR-INDEX 7.3.4) beside it */
#define VP_DRAFT "VP bản nháp 3.2.2: chưa được gửi"
#define STTTT_DRAFT "Sở TT-TT bản nháp 7.3.4: chưa được gửi"

enum { NK, CR, VP, STP, VPREV, STTTT, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
    {"cr.baocao", "Bao-cao-Cai-Rang-2024", "Q-CAIRANG", "reporter"},
    {"vp.tonghop", "Tong-hop-Van-phong-2024", "VP-UBND", "reporter"}, /* leads 104, 105, 125 */
    {"stp.tonghop", "Tong-hop-Tu-phap-2024", "STP", "reporter"},     /* leads 102 */
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"},
    {"tttt.tonghop", "Tong-hop-TTTT-2024", "STTTT", "reporter"}, /* leads 125 with VP-UBND */
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

/* The group keyed key of `cchc status --by by` as who sees it (a new
 * reference). */
static json_t *status_group_as(int who, const char *by, const char *key)
{
    fixture_as(&fx, who);
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

/* The same as the administrator sees it. */
static json_t *status_group(const char *by, const char *key)
{
    return status_group_as(-1, by, key);
}

/* The data-value of data-figure="key" in the document (malloc'd), or NULL. */
static char *figure(const char *key)
{
    return harness_html_value(html, key);
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

/* Saves a lead agency's consolidation as a draft, never sent. */
static void save_draft(int who, const char *task, const char *assessment)
{
    harness_write_consolidation("draft.csv", PERIOD, "lead", task, "", 0, assessment, "", "");
    fixture_as(&fx, who);
    const char *args[] = {"consolidate", "submit", "--file", "draft.csv", "--draft", NULL};
    json_t *saved = harness_cchc_json(srv, args);
    assert_string_equal(jstr(saved, "state"), "draft");
    json_decref(saved);
    unlink("draft.csv");
}

/* No row of the companion lies under criterion No. of PAR-INDEX. */
static void no_rows_of(json_t *rows, const char *criterion)
{
    for (size_t i = 0; i < json_array_size(rows); i++)
        if (cell_is(json_array_get(rows, i), "Số", criterion))
            fail_msg("a row of criterion %s in a lead agency's companion", criterion);
}

/* What a lead agency exports (docs/city-report.md, "One request, one
 * snapshot": a lead agency's reviewer sees the tasks it leads and their
 * consolidations, not the city report): VP-UBND's reviewer gets its
 * criterion 3.4.1 with figures equal to its own `cchc status` and its
 * resubmitted text; it does not get Sở Tư pháp's criteria, tasks or
 * text, the city report's text, the returned text, nor any unsent draft,
 * its own or that of the agency leading a task beside it. A lead agency's
 * reporter, who writes the consolidation, is not one who may export the
 * city's documents (authz.c: reviewers, administrators, viewers). Runs
 * last: the drafts it saves would change the state the administrator's
 * companion shows for nothing. */
static void test_lead_agency_export(void **state)
{
    (void)state;
    save_draft(VP, "104", VP_DRAFT);
    save_draft(STTTT, "125", STTTT_DRAFT);

    fixture_as(&fx, VPREV);
    const char *html_args[] = {"--timeout", "60000", "export", "--period", PERIOD, "--format",
                               "html", "-o", "lead.html", NULL};
    harness_cchc_ok(srv, html_args);
    char *doc = harness_read_file("lead.html");
    assert_non_null(doc);
    keep_or_remove("lead.html");
    /* its criterion, its figures as its own status gives them, its text */
    char *admin_html = html;
    html = doc; /* figure() and criterion_part() read the lead's document */
    json_t *g = status_group_as(VPREV, "criterion", "PAR-INDEX 3.4.1");
    same_figures(g, "criterion.PAR-INDEX.3.4.1");
    json_decref(g);
    g = status_group_as(VPREV, "task", "105");
    same_figures(g, "task.105");
    json_decref(g);
    char *part = criterion_part("3.4.1");
    const char *vp = strstr(part, "data-figure=\"consolidation.105.VP-UBND.assessment\"");
    assert_non_null(vp);
    assert_non_null(strstr(vp, VP_TEXT_HTML));
    free(part);
    /* its own draft: the consolidation is listed as not sent, its text nowhere */
    part = criterion_part("3.2.2");
    harness_expect_has(part, "Văn phòng Ủy ban nhân dân thành phố</b> (báo cáo tổng hợp chưa gửi)");
    free(part);
    /* the other lead agency of 125 with its draft: not sent, no text */
    part = criterion_part("7.3.4");
    harness_expect_has(part, "Sở Thông tin và Truyền thông</b> (báo cáo tổng hợp chưa gửi)");
    harness_expect_lacks(part, "consolidation.125.STTTT.assessment");
    free(part);
    html = admin_html;
    /* nothing of Sở Tư pháp's task, criteria or text */
    harness_expect_lacks(doc, "<h4>Tiêu chí 2.4.2. ");
    harness_expect_lacks(doc, "<h4>Tiêu chí 2.4.3. ");
    harness_expect_lacks(doc, "data-figure=\"task.102.");
    harness_expect_lacks(doc, "consolidation.102.STP");
    harness_expect_lacks(doc, STP_TEXT);
    /* not the city report: a line saying so instead of its text */
    harness_expect_lacks(doc, "data-figure=\"consolidation.city\"");
    harness_expect_lacks(doc, CITY_TEXT);
    harness_expect_has(doc, "Báo cáo tổng hợp của thành phố không thuộc phạm vi của đơn vị.");
    /* neither the returned text nor any draft */
    harness_expect_lacks(doc, RETURNED_TEXT);
    harness_expect_lacks(doc, VP_DRAFT);
    harness_expect_lacks(doc, STTTT_DRAFT);
    free(doc);

    /* the companion: the same scope */
    const char *csv_args[] = {"export", "--period", PERIOD, "--city-report", "-o", "lead.csv", NULL};
    harness_cchc_ok(srv, csv_args);
    json_t *rows = companion_rows("lead.csv");
    keep_or_remove("lead.csv");
    json_t *first = json_array_get(rows, 0);
    assert_non_null(first);
    assert_false(cell_is(first, "Dòng", "báo cáo của thành phố"));
    g = status_group_as(VPREV, "task", "105");
    json_t *row = row_of(rows, "3.4.1", 105);
    same_cells(row, g);
    json_decref(g);
    assert_true(cell_is(row, "Đánh giá", VP_TEXT));
    no_rows_of(rows, "2.4.2");
    no_rows_of(rows, "2.4.3");
    char *all = json_dumps(rows, 0);
    harness_expect_lacks(all, STP_TEXT);
    harness_expect_lacks(all, CITY_TEXT);
    harness_expect_lacks(all, RETURNED_TEXT);
    harness_expect_lacks(all, VP_DRAFT);
    harness_expect_lacks(all, STTTT_DRAFT);
    free(all);
    json_decref(rows);

    /* the lead agency's reporter may not export the city's documents */
    const char *reporter_html[] = {"export", "--period", PERIOD, "--format", "html",
                                   "-o", "reporter.html", NULL};
    fixture_as(&fx, VP);
    free(harness_cchc_refused(srv, reporter_html, "permission_denied"));
    const char *reporter_csv[] = {"export", "--period", PERIOD, "--city-report", "-o",
                                  "reporter.csv", NULL};
    free(harness_cchc_refused(srv, reporter_csv, "permission_denied"));
    assert_int_equal(access("reporter.html", F_OK), -1);
    assert_int_equal(access("reporter.csv", F_OK), -1);

    /* the administrator's companion: the drafts nowhere either */
    fixture_as(&fx, -1);
    const char *admin_csv[] = {"export", "--period", PERIOD, "--city-report", "-o", "city.csv",
                               NULL};
    harness_cchc_ok(srv, admin_csv);
    rows = companion_rows("city.csv");
    keep_or_remove("city.csv");
    all = json_dumps(rows, 0);
    harness_expect_has(all, STP_TEXT);
    harness_expect_lacks(all, VP_DRAFT);
    harness_expect_lacks(all, STTTT_DRAFT);
    free(all);
    json_decref(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_is_one_request),
        cmocka_unit_test(test_html_per_criterion),
        cmocka_unit_test(test_companions),
        cmocka_unit_test(test_lead_agency_export), /* last: it saves drafts */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
