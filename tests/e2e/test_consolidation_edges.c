/* Consolidated reports the way users break them (issue 17 leftovers,
 * docs/consolidation.md), end to end through the real client:
 *   - an unknown period or task is NOT_FOUND on every consolidation
 *     request (template, submit, list, review, deadlines), while what the
 *     caller may not do stays PERMISSION_DENIED;
 *   - a file sent again after a lost answer (a new key, the old base) is
 *     unchanged, not a conflict, and writes nothing; two reporters saving
 *     the first revision at once: one saved, the other a conflict;
 *   - Vietnamese typed with combining marks is kept as the server keeps all
 *     text (NFC), a 59 000-byte text whole, a longer one refused;
 *   - nothing is written for a period not yet open;
 *   - `due` and `missing` sum a lead agency's dozens of consolidations up
 *     in one line per author, `--all` lists each, `--json` keeps them all;
 *   - the 2025 reform applied after consolidations were sent: the lead
 *     agency merged away (STTTT into SKHCN) and the district abolished keep
 *     their sent consolidations in list, status and the HTML report; the
 *     successor owes no second one, but writes the merged agency's still
 *     owed one of an earlier period, which an unrelated unit may not; a
 *     period without districts asks no district consolidation. */
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

#define CHANGES_2025 CCHC_SOURCE_DIR "/sql/units/changes_2025.csv"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { VP1, VP2, VPREV, NK, STTTT, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"vp.tonghop", "Tong-hop-Van-phong-2024", "VP-UBND", "reporter"}, /* leads 105 */
    {"vp.tonghop2", "Tong-hop-Van-phong-2025", "VP-UBND", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"},
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
    {"tttt.tonghop", "Tong-hop-TTTT-2024", "STTTT", "reporter"},
};

/* The successor's reporter, added once the 2025 reform created SKHCN. */
#define KHCN_USER "khcn.tonghop"
#define KHCN_PASSWORD "Tong-hop-KHCN-2025"
static char khcn_home[64];

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "consolidation_edges", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    const char *periods[] = {"2024-Q1", "2024-6M", "2024-9M", "2024-Y", "2025-Q1", "2025-9M",
                             "2026-Q1"};
    for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
        harness_open_period(srv, periods[i]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (*khcn_home)
        harness_remove_home(khcn_home);
    return fixture_stop(&fx);
}

/* A filled consolidation template with an assessment only. */
static void write_template(const char *path, const char *period, const char *level,
                           const char *task, const char *unit, int base, const char *assessment)
{
    harness_write_consolidation(path, period, level, task, unit, base, assessment, "", "");
}

/* Runs cchc --json ARGS as who, expects exit 1 with error code; returns
 * the answer's message id (malloc'd). */
static char *refused(int who, const char *const *args, const char *code)
{
    fixture_as(&fx, who);
    return harness_cchc_refused(srv, args, code);
}

static void refused_as(int who, const char *const *args, const char *code, const char *message_id)
{
    char *id = refused(who, args, code);
    assert_string_equal(id, message_id);
    free(id);
}

/* The consolidation of a period the administrator's list shows, or NULL. */
static json_t *listed(const char *period, const char *level, const char *unit, int task)
{
    fixture_as(&fx, -1);
    return harness_consolidation_listed(srv, period, level, unit, task);
}

static json_t *send_file(int who, const char *path)
{
    fixture_as(&fx, who);
    const char *args[] = {"consolidate", "submit", "--file", path, NULL};
    return harness_cchc_json(srv, args);
}

#define UNKNOWN_PERIOD_ID "unknown period %s; see 'cchc period list'"
#define UNKNOWN_TASK_ID "unknown task %s; see 'cchc plan tasks'"

static void test_unknown_names_are_not_found(void **state)
{
    (void)state;
    /* a period that does not exist (well formed), on every request */
    const char *tmpl[] = {"consolidate", "--period", "2031-Q1", "--task", "105", NULL};
    refused_as(VP1, tmpl, "not_found", UNKNOWN_PERIOD_ID);
    const char *city[] = {"consolidate", "--period", "2031-Q1", NULL};
    refused_as(-1, city, "not_found", UNKNOWN_PERIOD_ID);
    write_template("unknown.csv", "2031-Q1", "lead", "105", "", 0, "Đánh giá");
    const char *send[] = {"consolidate", "submit", "--file", "unknown.csv", NULL};
    refused_as(VP1, send, "not_found", UNKNOWN_PERIOD_ID);
    const char *list[] = {"consolidate", "list", "--period", "2031-Q1", NULL};
    refused_as(VP1, list, "not_found", UNKNOWN_PERIOD_ID);
    refused_as(-1, list, "not_found", UNKNOWN_PERIOD_ID);
    const char *deadlines[] = {"consolidate", "deadlines", "--period", "2031-Q1", "--city",
                               "2031-05-01", NULL};
    refused_as(-1, deadlines, "not_found", UNKNOWN_PERIOD_ID);

    /* a task that does not exist */
    const char *task[] = {"consolidate", "--period", "2024-Q1", "--task", "99999", NULL};
    refused_as(VP1, task, "not_found", UNKNOWN_TASK_ID);
    const char *district_task[] = {"consolidate", "--period", "2024-Q1", "--task", "99999", "--level",
                                   "district", NULL};
    refused_as(NK, district_task, "not_found", UNKNOWN_TASK_ID);
    write_template("unknown.csv", "2024-Q1", "lead", "99999", "", 0, "Đánh giá");
    refused_as(VP1, send, "not_found", UNKNOWN_TASK_ID);
    unlink("unknown.csv");
    const char *list_task[] = {"consolidate", "list", "--period", "2024-Q1", "--task", "99999", NULL};
    refused_as(VP1, list_task, "not_found", UNKNOWN_TASK_ID);

    /* a consolidation that does not exist */
    const char *accept[] = {"consolidate", "accept", "999999@1", NULL};
    refused_as(VPREV, accept, "not_found", "nothing reviewed; errors: %s");
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM consolidation"), 0);

    /* what exists but is not the caller's stays a permission problem */
    const char *lead_105[] = {"consolidate", "--period", "2024-Q1", "--task", "105", NULL};
    free(refused(NK, lead_105, "permission_denied"));
    const char *city_ok[] = {"consolidate", "--period", "2024-Q1", NULL};
    free(refused(VP1, city_ok, "permission_denied"));
    /* and an unknown level is a mistake in the request */
    const char *level[] = {"consolidate", "--period", "2024-Q1", "--task", "105", "--level", "quan",
                           NULL};
    free(refused(VP1, level, "invalid_argument"));
}

/* The same file sent twice (the answer to the first was lost, the clerk
 * runs the command again: a new key, the old base) is unchanged, never a
 * conflict; a changed text from the old base is. */
static void test_resend_is_unchanged(void **state)
{
    (void)state;
    write_template("vp.csv", "2024-6M", "lead", "105", "", 0, "Bản gửi lần đầu");
    json_t *first = send_file(VP1, "vp.csv");
    assert_int_equal(jint(first, "revision"), 1);
    long long id = jint(first, "consolidation_id");
    json_decref(first);
    json_t *again = send_file(VP1, "vp.csv");
    assert_int_equal(jint(again, "consolidation_id"), id);
    assert_int_equal(jint(again, "revision"), 1);
    assert_true(json_is_true(json_object_get(again, "replayed")));
    json_decref(again);
    /* a person reads that nothing changed */
    fixture_as(&fx, VP1);
    const char *human[] = {"consolidate", "submit", "--file", "vp.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, human);
    assert_int_equal(r.exit_code, 0);
    harness_expect_has(r.out, "không thay đổi");
    run_result_free(&r);
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM consolidation_revision WHERE "
                                      "consolidation_id = %lld", id),
                     1);
    /* another text made from revision 0 is stale */
    write_template("vp.csv", "2024-6M", "lead", "105", "", 0, "Bản khác");
    const char *stale[] = {"consolidate", "submit", "--file", "vp.csv", NULL};
    free(refused(VP2, stale, "conflict"));
    unlink("vp.csv");
}

/* Two reporters send the first revision of one consolidation at the same
 * moment (both made from "nothing yet"): one is saved, the other is judged
 * against it (a conflict), never a server error. */
static void test_two_first_saves_at_once(void **state)
{
    (void)state;
    int fds[2];
    const int who[2] = {VP1, VP2};
    const char *texts[2] = {"Bản của người thứ nhất", "Bản của người thứ hai"};
    char keys[2][40];
    for (int i = 0; i < 2; i++) {
        fds[i] = raw_connect(srv);
        raw_hello(fds[i], 1);
    }
    for (int i = 0; i < 2; i++) {
        char token[128];
        harness_home_token(fx.homes[who[i]], token, sizeof(token));
        Cchc__V1__ConsolidationSubmitRequest body = CCHC__V1__CONSOLIDATION_SUBMIT_REQUEST__INIT;
        body.period_id = "2024-9M";
        body.level = "lead";
        body.task_id = 105;
        body.assessment = (char *)texts[i];
        snprintf(keys[i], sizeof(keys[i]), "cung-luc-lan-dau-%d-000000", i);
        body.idempotency_key = keys[i];
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = 80 + (uint64_t)i;
        req.session_token = token;
        req.body_case = CCHC__V1__REQUEST__BODY_CONSOLIDATION_SUBMIT;
        req.consolidation_submit = &body;
        raw_send_request(fds[i], &req);
    }
    int saved = 0, conflicts = 0;
    for (int i = 0; i < 2; i++) {
        Cchc__V1__Response *resp = raw_read_response(fds[i], 30000);
        assert_non_null(resp);
        if (resp->error)
            conflicts += resp->error->code == CCHC__V1__ERROR_CODE__CONFLICT;
        else
            saved += resp->consolidation_submit->revision == 1;
        cchc__v1__response__free_unpacked(resp, NULL);
        close(fds[i]);
    }
    assert_int_equal(saved, 1);
    assert_int_equal(conflicts, 1);
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM consolidation_revision v JOIN "
                                      "consolidation c ON c.id = v.consolidation_id WHERE "
                                      "c.period_id = '2024-9M'"),
                     1);
}

/* Vietnamese with combining marks is kept as the server keeps every text
 * (NFC), the same bytes as typed precomposed; a long text whole; one over
 * the limit refused with nothing saved. */
static void test_vietnamese_and_long_texts(void **state)
{
    (void)state;
    /* "Thủ tục hành chính" typed with combining marks (NFD) */
    const char *nfd = "Thu\xcc\x89 tu\xcc\xa3\x63 ha\xcc\x80nh chi\xcc\x81nh";
    write_template("vn.csv", "2024-Y", "lead", "105", "", 0, nfd);
    json_decref(send_file(VP1, "vn.csv"));
    json_t *c = listed("2024-Y", "lead", "VP-UBND", 105);
    assert_non_null(c);
    assert_string_equal(jstr(c, "assessment"), "Thủ tục hành chính");
    json_decref(c);

    /* 59 000 bytes of Vietnamese, with quotes and a line break */
    const char *piece = "Cải cách \"một cửa\" liên thông;\n";
    size_t plen = strlen(piece), n = 59000 / plen;
    char *longtext = malloc(n * plen + 1);
    assert_non_null(longtext);
    for (size_t i = 0; i < n; i++)
        memcpy(longtext + i * plen, piece, plen);
    longtext[n * plen] = '\0';
    write_template("vn.csv", "2024-Y", "lead", "105", "", 1, longtext);
    json_t *saved = send_file(VP1, "vn.csv");
    assert_int_equal(jint(saved, "revision"), 2);
    json_decref(saved);
    c = listed("2024-Y", "lead", "VP-UBND", 105);
    assert_string_equal(jstr(c, "assessment"), longtext);
    json_decref(c);
    free(longtext);

    /* over 60 000 bytes: refused, nothing saved */
    char *toolong = malloc(61001);
    assert_non_null(toolong);
    memset(toolong, 'a', 61000);
    toolong[61000] = '\0';
    write_template("vn.csv", "2024-Y", "lead", "105", "", 2, toolong);
    free(toolong);
    const char *send[] = {"consolidate", "submit", "--file", "vn.csv", NULL};
    free(refused(VP1, send, "invalid_argument"));
    c = listed("2024-Y", "lead", "VP-UBND", 105);
    assert_int_equal(jint(c, "revision"), 2);
    json_decref(c);
    unlink("vn.csv");
}

/* Nothing is written for a period not yet open, as for the units. */
static void test_period_not_open(void **state)
{
    (void)state;
    /* opening 2026-Q1 made the year's other periods, planned */
    char *st = harness_db_query(&fx.db, "SELECT state FROM report_period WHERE id = '2026-6M'");
    assert_string_equal(st, "planned");
    free(st);
    write_template("planned.csv", "2026-6M", "lead", "105", "", 0, "Sớm quá");
    const char *send[] = {"consolidate", "submit", "--file", "planned.csv", NULL};
    refused_as(VP1, send, "failed_precondition", "period %s is not open yet");
    unlink("planned.csv");
    assert_int_equal(harness_db_count(&fx.db,
                                      "SELECT count(*) FROM consolidation WHERE period_id = '2026-6M'"),
                     0);
}

/* Counts the lines of text holding needle (and also, unless NULL, too). */
static int lines_with2(const char *text, const char *needle, const char *also)
{
    int n = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *one = malloc(len + 1);
        assert_non_null(one);
        memcpy(one, line, len);
        one[len] = '\0';
        n += strstr(one, needle) && (!also || strstr(one, also));
        free(one);
        line += len + (end ? 1 : 0);
    }
    return n;
}

static int lines_with(const char *text, const char *needle)
{
    return lines_with2(text, needle, NULL);
}

/* VP-UBND leads dozens of tasks: `due` sums its consolidations of a period
 * up in one line, `--all` lists each, `--json` keeps every one; `missing`
 * gives it one line, `--all` one per task. */
static void test_due_and_missing_sum_up(void **state)
{
    (void)state;
    const char *period = "2024-Q1";
    fixture_as(&fx, VP2);
    const char *due_json[] = {"due", NULL};
    json_t *d = harness_cchc_json(srv, due_json);
    json_t *items = json_object_get(d, "due");
    int owed = 0;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *x = json_array_get(items, i);
        owed += strcmp(jstr(x, "period"), period) == 0 && strcmp(jstr(x, "level"), "lead") == 0;
    }
    json_decref(d);
    assert_true(owed > 10);
    char summary[64];
    snprintf(summary, sizeof(summary), "%s: %d báo cáo tổng hợp", period, owed);
    const char *due[] = {"due", NULL};
    char *text = harness_cchc_output_in(srv, 0, due);
    harness_expect_has(text, summary);
    /* not one line per task */
    assert_true(lines_with(text, "báo cáo tổng hợp") < 10);
    free(text);
    const char *due_all[] = {"due", "--all", NULL};
    text = harness_cchc_output_in(srv, 0, due_all);
    assert_true(lines_with(text, "báo cáo tổng hợp") >= owed);
    free(text);

    fixture_as(&fx, -1);
    const char *missing[] = {"missing", "--period", period, NULL};
    json_t *m = harness_cchc_json(srv, missing);
    json_t *cons = json_object_get(m, "consolidations");
    int vp = 0;
    for (size_t i = 0; i < json_array_size(cons); i++)
        vp += strcmp(jstr(json_array_get(cons, i), "unit_code"), "VP-UBND") == 0;
    json_decref(m);
    assert_int_equal(vp, owed);
    /* the lines of the consolidations' table: the level's label and the code */
    text = harness_cchc_output_in(srv, 0, missing);
    assert_int_equal(lines_with2(text, "cơ quan chủ trì", "VP-UBND"), 1);
    free(text);
    const char *missing_all[] = {"missing", "--period", period, "--all", NULL};
    text = harness_cchc_output_in(srv, 0, missing_all);
    assert_int_equal(lines_with2(text, "cơ quan chủ trì", "VP-UBND"), owed);
    free(text);
}

/* The 2025 reform recorded after consolidations were sent. */
static void test_units_change_after_sending(void **state)
{
    (void)state;
    /* a task Sở TT&TT leads in 2025-Q1 (its last data day, 14/3, falls
     * after the merge into Sở KH&CN on 1/3/2025, not yet recorded) */
    char *task = harness_db_query(&fx.db, "SELECT min(task_id)::text FROM period_leads('2025-Q1')"
                                          " WHERE unit_code = 'STTTT'");
    assert_non_null(task);
    assert_true(*task);
    int t = atoi(task);
    write_template("tttt.csv", "2025-Q1", "lead", task, "", 0, "Sở TT&TT: đánh giá quý I");
    json_decref(send_file(STTTT, "tttt.csv"));
    /* Ninh Kiều consolidates 2025-9M (data until 14/9/2025, after the
     * districts end on 1/7/2025, not yet recorded) */
    write_template("nk.csv", "2025-9M", "district", "105", "", 0, "Ninh Kiều: 9 tháng");
    json_decref(send_file(NK, "nk.csv"));
    unlink("nk.csv");

    fixture_as(&fx, -1);
    const char *apply[] = {"units", "apply", CHANGES_2025, NULL};
    harness_cchc_ok(srv, apply);

    /* the sent ones are still there, in list, status and the HTML report */
    json_t *c = listed("2025-Q1", "lead", "STTTT", t);
    assert_non_null(c);
    assert_string_equal(jstr(c, "state"), "submitted");
    json_decref(c);
    /* the successor owes no second one of the same task */
    c = listed("2025-Q1", "lead", "SKHCN", t);
    assert_null(c);
    c = listed("2025-9M", "district", "Q-NINHKIEU", 105);
    assert_non_null(c);
    assert_string_equal(jstr(c, "assessment"), "Ninh Kiều: 9 tháng");
    json_decref(c);
    const char *status[] = {"status", "--period", "2025-9M", NULL};
    json_t *st = harness_cchc_json(srv, status);
    json_t *levels = json_object_get(st, "consolidations");
    int district_received = -1;
    for (size_t i = 0; i < json_array_size(levels); i++)
        if (strcmp(jstr(json_array_get(levels, i), "level"), "district") == 0)
            district_received = (int)jint(json_array_get(levels, i), "received");
    assert_int_equal(district_received, 1);
    json_decref(st);
    const char *html[] = {"--timeout", "60000", "export", "--period", "2025-Q1", "--format", "html",
                          "-o", "q1.html", NULL};
    harness_cchc_ok(srv, html);
    char *doc = harness_read_file("q1.html");
    char figure[96];
    snprintf(figure, sizeof(figure), "data-figure=\"consolidation.%d.STTTT.assessment\"", t);
    harness_expect_has(doc, figure);
    harness_expect_has(doc, "Sở TT&amp;TT: đánh giá quý I");
    free(doc);
    unlink("q1.html");

    /* 2024-Y (data until 14/12/2024): Sở TT&TT still owes its report on
     * the task, and Sở KH&CN, which carries its duties today, writes it */
    harness_new_home(khcn_home, sizeof(khcn_home));
    harness_add_account(srv, KHCN_USER, KHCN_PASSWORD, "SKHCN", "reporter");
    harness_use_home(khcn_home);
    assert_int_equal(harness_login(srv, KHCN_USER, KHCN_PASSWORD), 0);
    const char *due[] = {"due", NULL};
    json_t *d = harness_cchc_json(srv, due);
    json_t *items = json_object_get(d, "due");
    int inherited = 0;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *x = json_array_get(items, i);
        inherited += strcmp(jstr(x, "period"), "2024-Y") == 0 && jint(x, "task_id") == t &&
                     strcmp(jstr(x, "unit"), "STTTT") == 0 && strcmp(jstr(x, "level"), "lead") == 0;
    }
    assert_int_equal(inherited, 1);
    json_decref(d);
    const char *tmpl[] = {"consolidate", "--period", "2024-Y", "--task", task, NULL};
    json_t *tm = harness_cchc_json(srv, tmpl);
    assert_string_equal(jstr(json_object_get(tm, "current"), "unit_code"), "STTTT");
    json_decref(tm);
    write_template("tttt.csv", "2024-Y", "lead", task, "STTTT", 0, "Sở KH&CN viết thay Sở TT&TT");
    const char *send[] = {"consolidate", "submit", "--file", "tttt.csv", NULL};
    json_t *saved = harness_cchc_json(srv, send);
    assert_int_equal(jint(saved, "revision"), 1);
    json_decref(saved);
    c = listed("2024-Y", "lead", "STTTT", t);
    assert_non_null(c);
    assert_string_equal(jstr(c, "saved_by"), KHCN_USER);
    assert_string_equal(jstr(c, "state"), "submitted");
    json_decref(c);
    /* a unit that does not succeed it may not */
    write_template("tttt.csv", "2024-Y", "lead", task, "STTTT", 1, "Không phải việc của tôi");
    free(refused(VP1, send, "permission_denied"));
    unlink("tttt.csv");
    free(task);

    /* 2026: no district exists, so none consolidates */
    const char *district[] = {"consolidate", "--period", "2026-Q1", "--task", "105", "--level",
                              "district", NULL};
    refused_as(-1, district, "failed_precondition",
               "period %s asks no district's consolidated report: no district exists on its last "
               "data day (%s); communes report to the lead agencies directly");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_names_are_not_found),
        cmocka_unit_test(test_resend_is_unchanged),
        cmocka_unit_test(test_two_first_saves_at_once),
        cmocka_unit_test(test_vietnamese_and_long_texts),
        cmocka_unit_test(test_period_not_open),
        cmocka_unit_test(test_due_and_missing_sum_up),
        cmocka_unit_test(test_units_change_after_sending),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
