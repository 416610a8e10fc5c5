/* The consolidated HTML report printed as the administrative document it
 * is (docs/admin-document.md): the Decree 30/2020/NĐ-CP header, task names
 * beside their numbers, criteria named in the risk chart, dd/mm/yyyy and
 * decimal commas, "121/KH-UBND" never broken; then printed to PDF by
 * headless Chromium and read back with poppler: every page A4, every page
 * carrying content, no heading left alone at the foot of a page, page
 * numbers from page 2. The PDF part is skipped, saying so, when chromium
 * or poppler-utils is not installed (scripts/deps installs both). */
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
#define REPORT "in-bao-cao.html"
#define PDF "in-bao-cao.pdf"

enum { NK, CR, COMMUNE, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.in", "In-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
    {"cr.in", "In-Cai-Rang-2024", "Q-CAIRANG", "reporter"},
    {"tanan.in", "In-Tan-An-2024", "31117", "reporter"},
};

/* A difficulty as long as clerks write them: the quotes must break
 * between, never inside, and still leave no page nearly empty. */
#define LONG_DIFFICULTY                                                                          \
    "Hệ thống thông tin một cửa điện tử chưa kết nối đầy đủ với Cổng dịch vụ công quốc gia; "    \
    "cán bộ tiếp nhận hồ sơ kiêm nhiệm nhiều việc, thiết bị số hóa hồ sơ còn thiếu, đường "      \
    "truyền chập chờn vào giờ cao điểm nên việc cập nhật tình hình giải quyết hồ sơ chưa kịp "   \
    "thời theo Nghị định số 61/2018/NĐ-CP."

static void submit(int who, const char *task, const char *status, const char *progress,
                   const char *difficulties, const char *proposals)
{
    fixture_as(&fx, who);
    const char *args[] = {"submit", "--task", task, "--period", PERIOD, "--status", status,
                          "--progress", progress, "--result", "Đã triển khai theo kế hoạch",
                          "--difficulties", difficulties, "--proposals", proposals, NULL};
    harness_cchc_ok(srv, args);
}

static char *html;

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "html_print", NULL);
    harness_import_communes(srv, "31117,Phường Tân An,Q-NINHKIEU\n");
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    submit(NK, "105", "đang triển khai", "62.5", LONG_DIFFICULTY,
           "Đề nghị Sở Thông tin và Truyền thông hỗ trợ kết nối hệ thống.");
    submit(NK, "106", "hoàn thành", "100", "", "");
    submit(NK, "107", "chậm tiến độ", "33.33", LONG_DIFFICULTY, "Bổ sung máy quét tài liệu.");
    submit(CR, "105", "đang triển khai", "45", LONG_DIFFICULTY, "");
    submit(CR, "107", "đang triển khai", "70", "", "Tập huấn lại cho cán bộ một cửa.");
    submit(COMMUNE, "105", "chưa triển khai", "0", LONG_DIFFICULTY, "Bố trí thêm biên chế.");
    fixture_as(&fx, -1);
    /* the consolidated report is the heaviest query: more time than the
     * default 10 s on a loaded machine */
    const char *args[] = {"--timeout", "60000", "export", "--period", PERIOD, "--format", "html",
                          "-o", REPORT, NULL};
    harness_cchc_ok(srv, args);
    html = harness_read_file(REPORT);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(html);
    if (!getenv("CCHC_TEST_KEEP_PRINT")) { /* set it to look at what was printed */
        unlink(REPORT);
        unlink(PDF);
    }
    return fixture_stop(&fx);
}

/* ---- reading the HTML as a reader sees it ---------------------------------- */

/* The text of markup: tags dropped (a <tspan> or <br> and a table cell
 * start a new word), the entities the renderer writes decoded. */
static char *visible_text(const char *from, const char *to)
{
    char *out = malloc((size_t)(to - from) + 1);
    assert_non_null(out);
    size_t n = 0;
    for (const char *p = from; p < to;) {
        if (*p == '<') {
            if (!strncmp(p, "<tspan", 6) || !strncmp(p, "<br", 3) || !strncmp(p, "<td", 3) ||
                !strncmp(p, "<th", 3) || !strncmp(p, "<div", 4) || !strncmp(p, "<p", 2))
                out[n++] = ' ';
            const char *end = strchr(p, '>');
            p = end ? end + 1 : to;
            continue;
        }
        static const struct { const char *entity, *text; } entities[] = {
            {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
        int done = 0;
        for (size_t e = 0; e < sizeof(entities) / sizeof(entities[0]) && !done; e++) {
            size_t len = strlen(entities[e].entity);
            if (!strncmp(p, entities[e].entity, len)) {
                out[n++] = entities[e].text[0];
                p += len;
                done = 1;
            }
        }
        if (!done)
            out[n++] = *p++;
    }
    out[n] = '\0';
    return out;
}

/* The section from the heading that starts with `heading` to the next <h2. */
static const char *section(const char *heading, const char **end)
{
    char needle[200];
    snprintf(needle, sizeof(needle), "<h2>%s", heading);
    const char *p = strstr(html, needle);
    if (!p)
        fail_msg("no section \"%s\"", heading);
    const char *next = strstr(p + 4, "<h2>");
    *end = next ? next : p + strlen(p);
    return p;
}

static const char *after(const char *haystack, const char *needle, const char *what)
{
    const char *p = strstr(haystack, needle);
    if (!p)
        fail_msg("%s: \"%s\" not found where expected", what, needle);
    return p + strlen(needle);
}

static void test_header_as_decree_30(void **state)
{
    (void)state;
    /* A4 portrait, the decree's margins (top right bottom left) */
    assert_non_null(strstr(html, "@page{size:A4 portrait;margin:20mm 15mm 20mm 30mm;"));
    const char *body = strstr(html, "<body>");
    assert_non_null(body);
    char *text = visible_text(body, body + strlen(body));
    /* cells 2 and 3 on the left, then 1 and 4 on the right, then 5a, in
     * reading order */
    const char *p = after(text, "ỦY BAN NHÂN DÂN", "parent body");
    p = after(p, "THÀNH PHỐ CẦN THƠ", "parent body");
    p = after(p, "SỞ NỘI VỤ", "issuing body");
    p = after(p, "Số: ……/BC-……", "number and symbol");
    p = after(p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "national title");
    p = after(p, "Độc lập - Tự do - Hạnh phúc", "motto");
    p = after(p, "Cần Thơ, ngày …… tháng …… năm ……", "place and date");
    p = after(p, "BÁO CÁO", "document type");
    p = after(p, "Kết quả thực hiện Kế hoạch số 121/KH-UBND", "summary line");
    free(text);
    /* the issuing body and the summary carry the short rule, the motto a
     * rule of its own length (drawn by the stylesheet) */
    assert_non_null(strstr(html, "class=\"issuer\" data-part=\"issuer\">SỞ NỘI VỤ<"));
    assert_non_null(strstr(html, ".issuer::after,.summary::after{content:'';display:block;width:40%"));
    assert_non_null(strstr(html, "class=\"motto\" data-part=\"motto\">"));
    assert_non_null(strstr(html, "border-bottom:1px solid #000"));
    /* "121/KH-UBND" never breaks: every printed occurrence sits in a
     * nowrap span */
    int seen = 0;
    static const char open[] = "<span class=\"nowrap\">";
    for (const char *q = strstr(body, "121/KH-UBND"); q; q = strstr(q + 1, "121/KH-UBND")) {
        if (strncmp(q - strlen(open), open, strlen(open)) != 0)
            fail_msg("121/KH-UBND can break: \"%.60s\"", q - 30);
        seen++;
    }
    assert_true(seen >= 1);
}

/* Every task named by number in sections 5 and 6 carries its name, the
 * plan's text of that task, right after it. */
static void test_task_names_beside_numbers(void **state)
{
    (void)state;
    const char *sections[] = {"5. ", "6. "};
    int named = 0;
    for (size_t s = 0; s < 2; s++) {
        const char *end;
        const char *start = section(sections[s], &end);
        char *text = visible_text(start, end);
        for (const char *p = strstr(text, "Nhiệm vụ "); p; p = strstr(p + 1, "Nhiệm vụ ")) {
            int id = atoi(p + strlen("Nhiệm vụ "));
            if (id <= 0)
                continue; /* "Nhiệm vụ" as a column heading */
            char *ref = harness_db_queryf(&fx.db, "SELECT ref FROM task WHERE id = %d", id);
            char *name = harness_db_queryf(&fx.db, "SELECT text FROM task WHERE id = %d", id);
            char want[4096];
            snprintf(want, sizeof(want), "Nhiệm vụ %d (%s): %s", id, ref, name);
            if (strncmp(p, want, strlen(want)) != 0)
                fail_msg("section %s: task %d without its name: \"%.120s\"", sections[s], id, p);
            named++;
            free(ref);
            free(name);
        }
        free(text);
    }
    /* section 6 quotes tasks 105 and 107; section 5 lists missing tasks */
    assert_true(named >= 3);
    assert_non_null(strstr(html, "<h3>Nhiệm vụ 105 (PLI-05): "));
}

/* The risk chart's bars are labelled with the criterion's code and name. */
static void test_risk_chart_names_criteria(void **state)
{
    (void)state;
    const char *end;
    const char *start = section("4. ", &end);
    const char *svg = strstr(start, "<svg");
    assert_true(svg && svg < end);
    const char *svg_end = strstr(svg, "</svg>");
    char *labels = visible_text(svg, svg_end);

    const char *args[] = {"status", "--period", PERIOD, NULL};
    json_t *st = harness_cchc_json(srv, args);
    json_t *risk = json_object_get(st, "at_risk");
    size_t n = json_array_size(risk);
    assert_true(n > 0);
    for (size_t i = 0; i < n && i < 10; i++) {
        json_t *c = json_array_get(risk, i);
        /* the label's first line: "INDEX CODE: " and the name's first words
         * (up to the last space within its first 24 bytes, so the line
         * wrapping cannot cut the check) */
        const char *name = jstr(c, "name");
        size_t len = strlen(name) < 24 ? strlen(name) : 24;
        while (len < strlen(name) && len > 0 && name[len] != ' ')
            len--;
        char want[300];
        snprintf(want, sizeof(want), "%s %s: %.*s", jstr(c, "index_code"), jstr(c, "code"), (int)len,
                 name);
        if (!strstr(labels, want))
            fail_msg("the risk chart has no label \"%s\"", want);
    }
    json_decref(st);
    free(labels);
}

/* Dates dd/mm/yyyy and decimal commas wherever a person reads them. */
static void test_dates_and_decimals(void **state)
{
    (void)state;
    const char *body = strstr(html, "<body>");
    char *text = visible_text(body, body + strlen(body));
    for (const char *p = text; *p; p++) {
        /* no ISO date: dddd-dd-dd */
        int iso = 1;
        static const char shape[] = "9999-99-99";
        for (size_t k = 0; k < sizeof(shape) - 1 && iso; k++)
            iso = shape[k] == '9' ? (p[k] >= '0' && p[k] <= '9') : p[k] == shape[k];
        if (iso)
            fail_msg("an ISO date in the report: \"%.30s\"", p);
    }
    const char *from = after(text, "Số liệu từ ", "data period");
    int d, m, y;
    assert_int_equal(sscanf(from, "%2d/%2d/%4d", &d, &m, &y), 3);
    free(text);
    /* every printed figure: never a decimal point; every decimal the server
     * sent (data-value with a '.') printed with a comma and two decimals */
    int decimals = 0;
    for (const char *p = strstr(html, "data-value=\""); p; p = strstr(p + 1, "data-value=\"")) {
        const char *value = p + strlen("data-value=\"");
        const char *value_end = strchr(value, '"');
        const char *shown = value_end ? strstr(value_end, "\">") : NULL;
        const char *close = shown ? strchr(shown, '<') : NULL;
        assert_non_null(close);
        shown += 2;
        int len = (int)(close - shown);
        if (memchr(shown, '.', (size_t)len))
            fail_msg("a figure with a decimal point: \"%.*s\"", len, shown);
        if (!memchr(value, '.', (size_t)(value_end - value)))
            continue;
        const char *comma = memchr(shown, ',', (size_t)len);
        if (!comma || close - comma != 3 || comma == shown)
            fail_msg("%.*s printed as \"%.*s\", not with a comma and two decimals",
                     (int)(value_end - value), value, len, shown);
        decimals++;
    }
    assert_true(decimals > 0);
    /* a mean of 51.805 (six reports), rounded half up */
    assert_non_null(strstr(html, "data-figure=\"total.mean_progress\">51,81<"));
}

/* ---- printed ------------------------------------------------------------------ */

/* The absolute path of a program on PATH, or NULL. */
static char *program(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    char *copy = strdup(path), *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char full[1024];
        snprintf(full, sizeof(full), "%s/%s", dir, name);
        if (access(full, X_OK) == 0) {
            free(copy);
            return strdup(full);
        }
    }
    free(copy);
    return NULL;
}

/* Characters other than white space. */
static int ink(const char *text)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        n += *p > ' ';
    return n;
}

/* The last line of text holding anything, as a new string. */
static char *last_line(const char *text)
{
    const char *end = text + strlen(text);
    while (end > text && (unsigned char)end[-1] <= ' ')
        end--;
    const char *start = end;
    while (start > text && start[-1] != '\n')
        start--;
    while (start < end && *start == ' ')
        start++;
    return strndup(start, (size_t)(end - start));
}

/* What "content" means: every page but the last carries at least this
 * many visible characters — about a sixth of a full A4 page of 11–13 pt
 * text (~3,000), so a page holding a heading or a few lines fails; the
 * last page at least one line. */
enum { PAGE_MIN_INK = 500, LAST_PAGE_MIN_INK = 20 };

static void test_printed_pdf_is_a4_and_full(void **state)
{
    (void)state;
    char *chromium = program("chromium");
    if (!chromium)
        chromium = program("chromium-browser");
    char *pdfinfo = program("pdfinfo"), *pdftotext = program("pdftotext");
    char *timeout = program("timeout"), *env = program("env");
    if (!chromium || !pdfinfo || !pdftotext || !timeout || !env) {
        fprintf(stderr, "SKIPPED test_printed_pdf_is_a4_and_full: needs chromium and poppler-utils "
                        "(pdfinfo, pdftotext); scripts/deps installs them\n");
        free(chromium), free(pdfinfo), free(pdftotext), free(timeout), free(env);
        skip();
    }
    /* a private profile: Chromium writes into HOME and refuses a shared one */
    char home[] = "/tmp/cchc-chromium.XXXXXX";
    assert_non_null(mkdtemp(home));
    char home_env[64], profile[96], url[1200], out[1100], cwd[1024];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    snprintf(home_env, sizeof(home_env), "HOME=%s", home);
    snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile", home);
    snprintf(url, sizeof(url), "file://%s/%s", cwd, REPORT);
    snprintf(out, sizeof(out), "--print-to-pdf=%s/%s", cwd, PDF);
    unlink(PDF);
    const char *print[] = {env, home_env, timeout, "180", chromium, "--headless", "--no-sandbox",
                           "--disable-gpu", "--no-first-run",
                           /* no date, title and URL in the margins: the flag's
                            * name before and since Chromium 120 (an unknown
                            * switch is ignored) */
                           "--no-pdf-header-footer", "--print-to-pdf-no-header", profile,
                           out, url, NULL};
    run_result r;
    harness_run(&r, NULL, print);
    struct stat st;
    if (r.exit_code != 0 || stat(PDF, &st) != 0 || st.st_size == 0)
        fail_msg("chromium printed no PDF (exit %d): %s", r.exit_code, r.err);
    run_result_free(&r);

    const char *info_args[] = {pdfinfo, PDF, NULL};
    harness_run(&r, NULL, info_args);
    assert_int_equal(r.exit_code, 0);
    const char *pages_line = strstr(r.out, "Pages:");
    assert_non_null(pages_line);
    int pages = atoi(pages_line + strlen("Pages:"));
    run_result_free(&r);
    /* the data set fills several pages: the checks below are about pages */
    if (pages < 3)
        fail_msg("the report printed on %d pages; the data set should fill at least 3", pages);

    char last[16];
    snprintf(last, sizeof(last), "%d", pages);
    const char *sizes_args[] = {pdfinfo, "-f", "1", "-l", last, PDF, NULL};
    harness_run(&r, NULL, sizes_args);
    assert_int_equal(r.exit_code, 0);
    int sized = 0;
    for (const char *p = strstr(r.out, "Page "); p; p = strstr(p + 1, "\nPage ")) {
        double w = 0, h = 0;
        p += *p == '\n';
        if (sscanf(p, "Page %*d size: %lf x %lf", &w, &h) != 2)
            continue; /* "Page N rot:" */
        /* A4 is 210 × 297 mm = 595.28 × 841.89 pt, portrait */
        if (w < 594.5 || w > 596 || h < 841 || h > 842.5)
            fail_msg("a page of %.2f × %.2f pt, not A4 portrait", w, h);
        sized++;
    }
    assert_int_equal(sized, pages);
    run_result_free(&r);

    for (int page = 1; page <= pages; page++) {
        char n[16];
        snprintf(n, sizeof(n), "%d", page);
        const char *text_args[] = {pdftotext, "-layout", "-f", n, "-l", n, PDF, "-", NULL};
        harness_run(&r, NULL, text_args);
        assert_int_equal(r.exit_code, 0);
        int min = page < pages ? PAGE_MIN_INK : LAST_PAGE_MIN_INK;
        if (ink(r.out) < min)
            fail_msg("page %d of %d carries %d characters (at least %d expected):\n%s", page, pages,
                     ink(r.out), min, r.out);
        if (page == 1) {
            /* the header is on the first page, the plan's number whole */
            assert_non_null(strstr(r.out, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
            assert_non_null(strstr(r.out, "SỞ NỘI VỤ"));
            assert_non_null(strstr(r.out, "121/KH-UBND"));
        } else {
            /* page numbers from 2, at the top (none on page 1) */
            const char *first = r.out + strspn(r.out, " \n\f");
            if (atoi(first) != page || strncmp(first, n, strlen(n)) != 0)
                fail_msg("page %d does not start with its number: \"%.40s\"", page, first);
        }
        if (page < pages) {
            /* a section heading is never the last line of a page */
            char *tail = last_line(r.out);
            if (tail[0] >= '1' && tail[0] <= '6' && tail[1] == '.' && tail[2] == ' ')
                fail_msg("page %d ends with the heading \"%s\"", page, tail);
            free(tail);
        }
        run_result_free(&r);
    }
    char rm[200];
    snprintf(rm, sizeof(rm), "rm -rf '%s'", home);
    if (system(rm) != 0)
        fprintf(stderr, "could not remove %s\n", home);
    free(chromium), free(pdfinfo), free(pdftotext), free(timeout), free(env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_as_decree_30),
        cmocka_unit_test(test_task_names_beside_numbers),
        cmocka_unit_test(test_risk_chart_names_criteria),
        cmocka_unit_test(test_dates_and_decimals),
        cmocka_unit_test(test_printed_pdf_is_a4_and_full),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
