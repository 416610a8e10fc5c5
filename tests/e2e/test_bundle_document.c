/* The HTML report's bundle with only what the document prints (issue 15):
 * `cchc export --format html` and `--city-report` ask for_document, and
 * cchcd answers with bundle_document_lists (sql/functions/098) and the
 * tasks by name instead of every received report whole and `cchc task
 * list`'s rows. Nothing the document prints may change: its missing list
 * must equal cchc_bundle_lists' (what every other client still gets), its
 * rows must be exactly cchc_bundle_lists' rows that have difficulties or
 * proposals, in the same order, with the same unit, task and texts, and
 * its tasks cchc_task_list's ids, references, annexes and texts. Compared
 * as text after submissions with and without texts, a draft never sent
 * (not shown), a return, a draft with new texts saved after it (the sent
 * texts stay), the resubmission that drops its difficulties (the row
 * leaves the document), a lead agency's scope and a unit that leads
 * nothing, a district closed into a successor (the missing list names it)
 * whose reporter then sends the closed district's report, ten years'
 * worth of history written straight into the tables, and an approved
 * period (frozen facts). The HTML report through cchc quotes exactly the
 * document's rows. */
#define _GNU_SOURCE /* asprintf, vasprintf */
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
#include "statements.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;
static test_db *const db = &fx.db;

#define HAND "2024-Q1"    /* submissions through cchc */
#define HISTORY "2024-9M" /* generated history, open */
#define CLOSED "Q-NINHKIEU"
#define SUCCESSOR "KV-NINHKIEU"

enum { NK, LEAD, OTHER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.lan", "Bao-cao-Ninh-Kieu-Lan-2024", CLOSED, "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"}, /* leads 105 */
    {"cr.baocao", "Bao-cao-Cai-Rang-2024", "Q-CAIRANG", "reporter"},  /* leads nothing */
};

/* A query's one value, "" for none; the query is formatted. */
static char *query(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *query(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = NULL;
    int n = vasprintf(&sql, fmt, ap);
    va_end(ap);
    assert_true(n > 0);
    char *v = harness_db_query(db, sql);
    free(sql);
    return v ? v : strdup("");
}

/* Every row of a statement, as text, in its order: columns (a select
 * list) of the statement's rows that match where; *count the rows. */
static char *statement_rows(statement_id id, const char *const *args, int n, const char *columns,
                            const char *where, long *count)
{
    return harness_statement_rows(db, cchc_statements[id].sql, args, n, columns, where, count);
}

static const char missing_columns[] = "unit_code, unit_name, task_id, ref, state, leads, successors";
static const char row_columns[] = "unit_code, unit_name, task_id, ref, difficulties, proposals";

/* The document's lists and tasks equal the whole bundle's, for one
 * caller; returns the document's rows (reports quoted). */
static long document_same_as_bundle(const char *period, const char *unit, const char *all)
{
    const char *three[] = {period, unit, all};
    long whole_n, doc_n, all_rows, n;
    char *whole = statement_rows(STMT_BUNDLE_LISTS, three, 3, row_columns,
                                 "s.list = 'rows' AND (s.difficulties <> '' OR s.proposals <> '')",
                                 &whole_n);
    char *doc = statement_rows(STMT_BUNDLE_DOCUMENT_LISTS, three, 3, row_columns,
                               "s.list = 'rows'", &doc_n);
    assert_string_equal(doc, whole);
    free(whole);
    free(doc);
    free(statement_rows(STMT_BUNDLE_LISTS, three, 3, "1", "s.list = 'rows'", &all_rows));
    assert_true(doc_n <= all_rows);

    whole = statement_rows(STMT_BUNDLE_LISTS, three, 3, missing_columns, "s.list = 'missing'", &n);
    doc = statement_rows(STMT_BUNDLE_DOCUMENT_LISTS, three, 3, missing_columns,
                         "s.list = 'missing'", &n);
    assert_string_equal(doc, whole);
    free(whole);
    free(doc);
    /* and nothing else: the two lists, missing first */
    whole = statement_rows(STMT_BUNDLE_DOCUMENT_LISTS, three, 3, "1",
                           "s.list NOT IN ('missing', 'rows')", &n);
    assert_int_equal(n, 0);
    free(whole);

    const char *five[] = {"", "", "", "", ""};
    whole = statement_rows(STMT_TASK_LIST, five, 5, "id, ref, annex, text", "true", &n);
    doc = statement_rows(STMT_BUNDLE_DOCUMENT_TASKS, NULL, 0, "id, ref, annex, text", "true", &n);
    assert_string_equal(doc, whole);
    assert_true(n > 50);
    free(whole);
    free(doc);
    return doc_n;
}

/* For an administrator, the lead agency of 105 and a unit that leads
 * nothing; returns the administrator's quoted reports. */
static long same_for_everyone(const char *period)
{
    long quoted = document_same_as_bundle(period, "SNV", "t");
    assert_true(document_same_as_bundle(period, "VP-UBND", "f") <= quoted);
    assert_int_equal(document_same_as_bundle(period, "Q-CAIRANG", "f"), 0);
    return quoted;
}

static void submit_texts(int who, const char *unit, const char *task, const char *difficulties,
                         const char *proposals, int draft)
{
    fixture_as(&fx, who);
    const char *args[24] = {"submit", "--task", task, "--period", HAND, "--status",
                            "đang triển khai", "--progress", "40", "--result", "Kết quả"};
    int n = 11;
    if (unit) {
        args[n++] = "--unit";
        args[n++] = unit;
    }
    if (difficulties) {
        args[n++] = "--difficulties";
        args[n++] = difficulties;
    }
    if (proposals) {
        args[n++] = "--proposals";
        args[n++] = proposals;
    }
    if (draft)
        args[n++] = "--draft";
    args[n] = NULL;
    harness_cchc_ok(srv, args);
}

/* The HTML report through cchc (which asks for_document) quotes each
 * report of the document's rows once, with its texts. */
static void html_quotes(const char *period, long quoted)
{
    fixture_as(&fx, -1);
    const char *args[] = {"export", "--period", period, "--format", "html", "-o", "doc.html", NULL};
    harness_cchc_ok(srv, args);
    char *html = harness_read_file("doc.html");
    long n = 0;
    for (const char *p = html; (p = strstr(p, "<blockquote>")); p++)
        n++;
    assert_int_equal(n, quoted);
    free(html);
    unlink("doc.html");
}

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "bundle_document", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, HAND);
    fixture_as(&fx, -1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* Reports with difficulties, with proposals only, with neither, and a
 * draft with difficulties that was never sent. */
static void test_texts_and_drafts(void **state)
{
    (void)state;
    assert_int_equal(same_for_everyone(HAND), 0);
    submit_texts(NK, NULL, "105", "Thiếu kinh phí chuyển đổi số", NULL, 0);
    submit_texts(NK, NULL, "106", NULL, "Đề nghị bổ sung biên chế", 0);
    submit_texts(NK, NULL, "107", NULL, NULL, 0);
    submit_texts(NK, NULL, "108", "Bản nháp: chưa gửi", "Chưa gửi", 1);
    assert_int_equal(same_for_everyone(HAND), 2);
    html_quotes(HAND, 2);
}

/* A return; a draft with other texts saved after it (the document keeps
 * the sent texts); the resubmission without difficulties or proposals
 * (the report leaves the document). */
static void test_return_draft_resubmit(void **state)
{
    (void)state;
    fixture_as(&fx, LEAD);
    char *id = query("SELECT id || '@' || revision FROM report WHERE period_id = '" HAND "'"
                     "   AND unit_code = '" CLOSED "' AND task_id = 105");
    const char *ret[] = {"review", "return", id, "--reason", "Thiếu số liệu", NULL};
    harness_cchc_ok(srv, ret);
    free(id);
    assert_int_equal(same_for_everyone(HAND), 2);
    submit_texts(NK, NULL, "105", "Khó khăn mới, chưa gửi", NULL, 1);
    assert_int_equal(same_for_everyone(HAND), 2);
    char *quoted = statement_rows(STMT_BUNDLE_DOCUMENT_LISTS, (const char *[]){HAND, "SNV", "t"},
                                  3, "difficulties", "s.task_id = 105 AND s.list = 'rows'",
                                  &(long){0});
    assert_non_null(strstr(quoted, "Thiếu kinh phí chuyển đổi số"));
    assert_null(strstr(quoted, "chưa gửi"));
    free(quoted);
    submit_texts(NK, NULL, "105", NULL, NULL, 0);
    assert_int_equal(same_for_everyone(HAND), 1);
    html_quotes(HAND, 1);
}

/* The district closes into a successor: its missing reports name the
 * successor, whose reporter sends one of them with difficulties. */
static void test_successor(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *merge[] = {"units", "merge", CLOSED, "Q-BINHTHUY", "--into", SUCCESSOR, "--name",
                           "Khu vực Ninh Kiều", "--on", "2025-07-01", NULL};
    harness_cchc_ok(srv, merge);
    long n;
    char *named = statement_rows(STMT_BUNDLE_DOCUMENT_LISTS, (const char *[]){HAND, "SNV", "t"}, 3,
                                 "1", "s.list = 'missing' AND s.successors LIKE '%" SUCCESSOR "%'",
                                 &n);
    free(named);
    assert_true(n > 0);
    assert_int_equal(same_for_everyone(HAND), 1);

    char home[64];
    harness_new_home(home, sizeof(home));
    harness_use_home(fx.home);
    harness_add_account(srv, "kv.baocao", "Bao-cao-Khu-vuc-2025", SUCCESSOR, "reporter");
    harness_use_home(home);
    assert_int_equal(harness_login(srv, "kv.baocao", "Bao-cao-Khu-vuc-2025"), 0);
    const char *send[] = {"submit", "--unit", CLOSED, "--task", "109", "--period", HAND,
                          "--status", "đang triển khai", "--progress", "20", "--result",
                          "Khu vực gửi thay", "--difficulties", "Khu vực gửi thay quận", NULL};
    harness_cchc_ok(srv, send);
    harness_use_home(fx.home);
    harness_remove_home(home);
    assert_int_equal(same_for_everyone(HAND), 2);
    html_quotes(HAND, 2);
}

/* Every unit's reports written straight into the tables, one to three
 * revisions each (bench/history.sql); then the period approved (its facts
 * frozen). */
static void test_history_and_approved(void **state)
{
    (void)state;
    char *history = harness_read_file(CCHC_SOURCE_DIR "/bench/history.sql");
    char *meta = strstr(history, "\\set ON_ERROR_STOP on"); /* psql's, not SQL */
    assert_non_null(meta);
    memset(meta, ' ', strlen("\\set ON_ERROR_STOP on"));
    free(harness_db_query(db, history));
    free(history);
    fixture_as(&fx, -1);
    harness_open_period(srv, HISTORY);
    long quoted = same_for_everyone(HISTORY);
    long received = harness_db_count(db, "SELECT count(*) FROM report WHERE period_id = '" HISTORY
                                         "' AND first_submitted_at IS NOT NULL");
    assert_true(quoted > 10);
    assert_true(quoted < received); /* some without texts, left out */
    html_quotes(HISTORY, quoted);

    const char *close[] = {"period", "close", HISTORY, "--yes", NULL};
    const char *approve[] = {"period", "approve", HISTORY, "--yes", NULL};
    harness_cchc_ok(srv, close);
    harness_cchc_ok(srv, approve);
    assert_true(harness_db_count(db, "SELECT count(*) FROM period_approval WHERE period_id = '"
                                     HISTORY "' AND reopened_at IS NULL") == 1);
    assert_int_equal(same_for_everyone(HISTORY), quoted);
    html_quotes(HISTORY, quoted);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_texts_and_drafts),
        cmocka_unit_test(test_return_draft_resubmit),
        cmocka_unit_test(test_successor),
        cmocka_unit_test(test_history_and_approved),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
