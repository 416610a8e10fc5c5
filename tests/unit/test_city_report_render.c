/* The city report's renderers (client/render/city_report*.c) on a bundle
 * made here: what the server never sends but a client must survive or
 * refuse to show anyway — a returned consolidation that still carries a
 * text (an older or faulty server), markup in a text, a task serving two
 * criteria, a bundle from a server older than the city report's fields
 * (per_criterion false) — for the HTML section and the CSV companion's
 * table alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "city_report_html.h"
#include "city_report_table.h"

static Cchc__V1__StatusGroup group(const char *key, const char *name, int expected, int received)
{
    Cchc__V1__StatusGroup g = CCHC__V1__STATUS_GROUP__INIT;
    g.key = (char *)key;
    g.name = (char *)name;
    g.expected = expected;
    g.received = received;
    g.missing = expected - received;
    g.mean_progress = "52.75";
    g.effective_progress = "10.55";
    return g;
}

static Cchc__V1__Consolidation consolidation(const char *level, const char *unit, int task,
                                             const char *state, const char *assessment)
{
    Cchc__V1__Consolidation c = CCHC__V1__CONSOLIDATION__INIT;
    c.level = (char *)level;
    c.unit_code = (char *)unit;
    c.unit_name = (char *)unit;
    c.task_id = task;
    c.state = (char *)state;
    c.revision = 1;
    c.submitted_at = "2024-07-10T02:00:00Z";
    c.assessment = (char *)assessment;
    return c;
}

/* A bundle of PAR-INDEX 3.4.1 (task 105, its lead's consolidation
 * returned), 2.4.2 and 2.4.3 (both task 102, its lead's accepted) and the
 * city's assessment. */
typedef struct fixture {
    Cchc__V1__ReportBundleResponse b;
    Cchc__V1__StatusResponse by_index;
    Cchc__V1__Period period;
    Cchc__V1__BundleCriterion crit[3], *crits[3];
    Cchc__V1__StatusGroup crit_figures[3], tasks[2], *task_ptrs[2];
    int32_t ids105[1], ids102[1];
    Cchc__V1__Consolidation cons[3], *cons_ptrs[3];
} fixture;

static void make(fixture *f)
{
    memset(f, 0, sizeof(*f));
    cchc__v1__report_bundle_response__init(&f->b);
    cchc__v1__status_response__init(&f->by_index);
    cchc__v1__period__init(&f->period);
    f->period.id = "2024-6M";
    f->by_index.period = &f->period;
    f->b.by_index = &f->by_index;
    static const char *const codes[3] = {"3.4.1", "2.4.2", "2.4.3"};
    static const char *const keys[3] = {"PAR-INDEX 3.4.1", "PAR-INDEX 2.4.2", "PAR-INDEX 2.4.3"};
    f->ids105[0] = 105;
    f->ids102[0] = 102;
    for (int i = 0; i < 3; i++) {
        Cchc__V1__BundleCriterion *c = &f->crit[i];
        cchc__v1__bundle_criterion__init(c);
        c->index_code = "PAR-INDEX";
        c->index_name = "Chỉ số cải cách hành chính";
        c->code = c->printed_code = (char *)codes[i];
        c->name = "Tiêu chí thử";
        c->max_points = "1";
        c->score = "0.8219";
        c->score_year = 2022;
        f->crit_figures[i] = group(keys[i], "Tiêu chí thử", 108, 2);
        c->figures = &f->crit_figures[i];
        c->task_ids = i == 0 ? f->ids105 : f->ids102;
        c->n_task_ids = 1;
        f->crits[i] = c;
    }
    f->b.criteria = f->crits;
    f->b.n_criteria = 3;
    f->tasks[0] = group("105", "PLI-05", 108, 2);
    f->tasks[1] = group("102", "PLI-02", 108, 1);
    f->task_ptrs[0] = &f->tasks[0];
    f->task_ptrs[1] = &f->tasks[1];
    f->b.by_task = f->task_ptrs;
    f->b.n_by_task = 2;
    f->cons[0] = consolidation("city", "SNV", 0, "submitted", "Thành phố <đạt>");
    f->cons[1] = consolidation("lead", "VP-UBND", 105, "returned", "BẢN BỊ TRẢ LẠI");
    f->cons[2] = consolidation("lead", "STP", 102, "accepted", "STP & cộng sự");
    for (int i = 0; i < 3; i++)
        f->cons_ptrs[i] = &f->cons[i];
    f->b.consolidations = f->cons_ptrs;
    f->b.n_consolidations = 3;
    f->b.per_criterion = 1;
}

static char *html_of(const Cchc__V1__ReportBundleResponse *b)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    city_report_html_write(out, b, NULL);
    fclose(out);
    return text;
}

static int occurrences(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_html(void **state)
{
    (void)state;
    fixture f;
    make(&f);
    char *html = html_of(&f.b);
    assert_int_equal(occurrences(html, "<h4>Tiêu chí "), 3);
    assert_non_null(strstr(html, "data-figure=\"criterion.PAR-INDEX.3.4.1.expected\">108<"));
    assert_non_null(strstr(html, "data-figure=\"task.102.effective_progress\">10,55<"));
    /* a returned text is never shown, whatever the server sent */
    assert_null(strstr(html, "BẢN BỊ TRẢ LẠI"));
    assert_non_null(strstr(html, "bị trả lại, chờ gửi lại"));
    /* escaped, and once: under 2.4.2, with a pointer there from 2.4.3 */
    assert_int_equal(occurrences(html, "STP &amp; cộng sự"), 1);
    assert_null(strstr(html, "STP & cộng"));
    assert_non_null(strstr(html, "xem tiêu chí PAR-INDEX 2.4.2"));
    assert_non_null(strstr(html, "Thành phố &lt;đạt&gt;"));
    free(html);
}

static void test_older_server(void **state)
{
    (void)state;
    Cchc__V1__ReportBundleResponse b = CCHC__V1__REPORT_BUNDLE_RESPONSE__INIT;
    char *html = html_of(&b);
    assert_non_null(strstr(html, "Máy chủ chưa hỗ trợ tổng hợp theo chỉ số, tiêu chí"));
    assert_null(strstr(html, "<h4>"));
    free(html);
    city_report_table t;
    assert_int_equal(city_report_table_make(&t, &b, NULL), 0);
    assert_int_equal(t.n, 0);
    city_report_table_free(&t);
}

static void test_table_and_csv(void **state)
{
    (void)state;
    fixture f;
    make(&f);
    city_report_table t;
    assert_int_equal(city_report_table_make(&t, &f.b, NULL), 0);
    /* the city, then per criterion its row and its task's */
    assert_int_equal(t.n, 7);
    assert_string_equal(t.rows[0][CITY_COL_ASSESSMENT], "Thành phố <đạt>");
    assert_string_equal(t.rows[1][CITY_COL_CRITERION_NO], "3.4.1");
    assert_string_equal(t.rows[1][CITY_COL_TASK_ID], "");
    assert_string_equal(t.rows[1][CITY_COL_EXPECTED], "108");
    assert_string_equal(t.rows[1][CITY_COL_SCORE], "0.8219");
    assert_string_equal(t.rows[2][CITY_COL_TASK_ID], "105");
    assert_string_equal(t.rows[2][CITY_COL_AUTHOR], "VP-UBND");
    assert_string_equal(t.rows[2][CITY_COL_ASSESSMENT], ""); /* returned */
    assert_string_equal(t.rows[4][CITY_COL_ASSESSMENT], "STP & cộng sự");
    assert_string_equal(t.rows[6][CITY_COL_CRITERION_NO], "2.4.3");
    assert_string_equal(t.rows[6][CITY_COL_ASSESSMENT], ""); /* under 2.4.2 */
    for (size_t r = 0; r < t.n; r++)
        assert_string_equal(t.rows[r][CITY_COL_PERIOD], "2024-6M");
    char *csv = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&csv, &len);
    city_report_write_csv(out, &t);
    fclose(out);
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
    assert_int_equal(occurrences(csv, "\r\n"), 8); /* the header and 7 rows */
    assert_non_null(strstr(csv, "\"STP & cộng sự\""));
    free(csv);
    city_report_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_older_server),
        cmocka_unit_test(test_table_and_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
