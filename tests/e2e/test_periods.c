/* Periods as a state machine (issue 10, part 4): every transition, legal
 * or refused with the legal next actions named, from every state some
 * action leads on; approval refuses while reports await review unless told
 * to accept them; an approved period's figures (status, period list,
 * missing list, CSV export, HTML report) do not move when communes are
 * imported or units merge inside the period; reopening needs a reason, is
 * audited, and a new approval follows the new structure; the period list
 * and the status agree on a data set with communes. */
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

enum { NK, TAN_AN, LEAD, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2024", "Q-NINHKIEU", "reporter"},
    {"tanan.baocao", "Bao-cao-Tan-An-2024", "31117", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2024", "VP-UBND", "reviewer"}, /* leads 105-107 */
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "periods", NULL);
    harness_import_communes(srv, "31117,Phường Tân An,Q-NINHKIEU\n"
                                 "31120,Phường An Hòa,Q-NINHKIEU\n"
                                 "31153,Xã Mỹ Khánh,Huyện Phong Điền\n");
    fixture_add_people(&fx, people, NPEOPLE, 1);
    fixture_as(&fx, -1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- helpers ---------------------------------------------------------------- */

/* Runs cchc, requires exit 0, returns its standard output (malloc'd). */
static char *output_of(const char *const *args)
{
    run_result r;
    harness_cchc(&r, srv, args);
    if (r.exit_code != 0)
        fail_msg("cchc %s %s exited %d: %s", args[0], args[1] ? args[1] : "", r.exit_code, r.err);
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

/* Runs cchc, requires exit code `code` and `needle` in its error output. */
static void refused(const char *const *args, int code, const char *needle)
{
    run_result r;
    harness_cchc(&r, srv, args);
    if (r.exit_code != code || !strstr(r.err, needle))
        fail_msg("cchc %s %s %s: exit %d (want %d), stderr: %s (want \"%s\")", args[0], args[1],
                 args[2] ? args[2] : "", r.exit_code, code, r.err, needle);
    run_result_free(&r);
}

/* The period's row of `period list` as JSON text. */
static char *period_json(const char *period)
{
    const char *list[] = {"period", "list", "--year", "2024", NULL};
    json_t *root = harness_cchc_json(srv, list);
    json_t *periods = json_object_get(root, "periods");
    char *text = NULL;
    for (size_t i = 0; i < json_array_size(periods); i++)
        if (strcmp(jstr(json_array_get(periods, i), "id"), period) == 0)
            text = json_dumps(json_array_get(periods, i), JSON_SORT_KEYS);
    json_decref(root);
    if (!text)
        fail_msg("period %s not listed", period);
    return text;
}

static json_t *period_row(const char *period)
{
    char *text = period_json(period);
    json_t *row = json_loads(text, 0, NULL);
    free(text);
    return row;
}

static void assert_state(const char *period, const char *want)
{
    json_t *row = period_row(period);
    assert_string_equal(jstr(row, "state"), want);
    json_decref(row);
}

static void action_ok(const char *action, const char *period)
{
    const char *args[] = {"period", action, period, "--yes", NULL};
    if (strcmp(action, "open") == 0 || strcmp(action, "extend") == 0)
        args[3] = NULL; /* --yes goes with close and approve */
    harness_cchc_ok(srv, args);
}

static void submit(int who, const char *period, const char *task, const char *progress)
{
    fixture_as(&fx, who);
    const char *args[] = {"submit", "--task", task, "--period", period, "--status", "đang triển khai",
                          "--progress", progress, "--result", "Đã làm một phần", NULL};
    harness_cchc_ok(srv, args);
    fixture_as(&fx, -1);
}

/* The id of `unit`'s report on `task` in the period (as the admin sees it). */
static long long report_id(const char *period, const char *unit, const char *task)
{
    const char *args[] = {"review", "list", "--period", period, "--task", task, "--unit", unit, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *reports = json_object_get(root, "reports");
    assert_int_equal(json_array_size(reports), 1);
    long long id = jint(json_array_get(reports, 0), "report_id");
    json_decref(root);
    return id;
}

static const char *report_state(const char *period, const char *unit, const char *task, char *out,
                                size_t size)
{
    const char *args[] = {"review", "list", "--period", period, "--task", task, "--unit", unit, NULL};
    json_t *root = harness_cchc_json(srv, args);
    snprintf(out, size, "%s", jstr(json_array_get(json_object_get(root, "reports"), 0), "state"));
    json_decref(root);
    return out;
}

/* Expected and received of the period's status total. */
static void status_total(const char *period, long long *expected, long long *received)
{
    const char *args[] = {"status", "--period", period, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *total = json_object_get(root, "total");
    *expected = jint(total, "expected");
    *received = jint(total, "received");
    json_decref(root);
}

/* Everything a reader sees of a period's figures, as text. */
typedef struct figures {
    char *status, *by_district, *by_lead, *task, *period_row, *missing, *csv, *html;
} figures;

/* The HTML report says the day it was made: blank it out, it is not a figure. */
static void mask_day(char *html)
{
    char *p = strstr(html, "lập ngày ");
    if (p)
        memset(p + strlen("lập ngày "), '#', 10);
}

static void figures_take(figures *f, const char *period)
{
    const char *status[] = {"status", "--period", period, NULL};
    const char *by_district[] = {"--json", "status", "--period", period, "--by", "district", NULL};
    const char *by_lead[] = {"status", "--period", period, "--by", "lead", NULL};
    const char *task[] = {"--json", "status", "task", "105", "--period", period, NULL};
    const char *missing[] = {"--json", "missing", "--period", period, NULL};
    const char *csv[] = {"export", "--period", period, "-o", "figures.csv", NULL};
    const char *html[] = {"export", "--period", period, "--format", "html", "-o", "figures.html", NULL};
    f->status = output_of(status);
    f->by_district = output_of(by_district);
    f->by_lead = output_of(by_lead);
    f->task = output_of(task);
    f->period_row = period_json(period);
    f->missing = output_of(missing);
    free(output_of(csv));
    f->csv = harness_read_file("figures.csv");
    free(output_of(html));
    f->html = harness_read_file("figures.html");
    mask_day(f->html);
    unlink("figures.csv");
    unlink("figures.html");
}

static void figures_free(figures *f)
{
    char *all[] = {f->status, f->by_district, f->by_lead, f->task, f->period_row, f->missing, f->csv,
                   f->html};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        free(all[i]);
}

static void figures_assert_equal(const figures *a, const figures *b)
{
    assert_string_equal(a->status, b->status);
    assert_string_equal(a->by_district, b->by_district);
    assert_string_equal(a->by_lead, b->by_lead);
    assert_string_equal(a->task, b->task);
    assert_string_equal(a->period_row, b->period_row);
    assert_string_equal(a->missing, b->missing);
    assert_string_equal(a->csv, b->csv);
    assert_string_equal(a->html, b->html);
}

/* ---- tests ------------------------------------------------------------------ */

/* Every state, every action: legal ones move on, the others are refused
 * with the legal next actions named; a repeated open or close is a no-op. */
static void test_every_transition(void **state)
{
    (void)state;
    const char *P = "2024-9M";
    /* planned (the first action on a year makes its periods): only open
     * (and extend) */
    const char *close[] = {"period", "close", P, "--yes", NULL};
    /* the actions by their labels (issue 14: they are codes the client labels) */
    refused(close, 1, "được phép: mở kỳ, gia hạn");
    assert_state(P, "planned");
    const char *approve[] = {"period", "approve", P, "--yes", NULL};
    refused(approve, 1, "được phép: mở kỳ, gia hạn");
    const char *reopen[] = {"period", "reopen", P, "--reason", "thử", NULL};
    refused(reopen, 1, "được phép: mở kỳ, gia hạn");
    /* lock is gone: a clear error naming the way forward */
    const char *lock[] = {"period", "lock", P, NULL};
    refused(lock, 1, "duyệt kỳ (approve) là khóa kỳ");
    assert_state(P, "planned");
    const char *extend[] = {"period", "extend", P, "--unit-deadline", "2099-01-01", "--lead-deadline",
                            "2099-02-01", NULL};
    harness_cchc_ok(srv, extend);
    assert_state(P, "planned");

    action_ok("open", P);
    assert_state(P, "open");
    action_ok("open", P); /* again: already open, no error */
    assert_state(P, "open");
    /* open: close (and extend); approve needs a closed period */
    refused(approve, 1, "được phép: đóng kỳ, gia hạn");
    refused(reopen, 1, "được phép: đóng kỳ, gia hạn");
    /* close asks first; a script must say --yes */
    const char *close_unconfirmed[] = {"period", "close", P, NULL};
    refused(close_unconfirmed, 2, "--yes");
    assert_state(P, "open");
    action_ok("close", P);
    assert_state(P, "closed");
    action_ok("close", P);
    assert_state(P, "closed");
    /* closed: approve, or open again, or extend */
    refused(reopen, 1, "được phép: phê duyệt, mở kỳ, gia hạn");
    action_ok("open", P);
    assert_state(P, "open");
    action_ok("close", P);
    const char *approve_unconfirmed[] = {"period", "approve", P, NULL};
    refused(approve_unconfirmed, 2, "--yes");
    assert_state(P, "closed");
    action_ok("approve", P); /* nothing submitted: nothing awaits review */
    assert_state(P, "approved");
    /* approved: only reopen, with a reason */
    refused(close, 1, "được phép: mở lại kỳ");
    refused(approve, 1, "được phép: mở lại kỳ");
    const char *open[] = {"period", "open", P, NULL};
    refused(open, 1, "được phép: mở lại kỳ");
    refused(extend, 1, "được phép: mở lại kỳ");
    refused(lock, 1, "được phép: mở lại kỳ");
    const char *no_reason[] = {"period", "reopen", P, NULL};
    refused(no_reason, 2, "--reason");
    const char *blank_reason[] = {"period", "reopen", P, "--reason", "", NULL};
    refused(blank_reason, 2, "--reason");
    assert_state(P, "approved");
    const char *reopen_ok[] = {"period", "reopen", P, "--reason", "Thử quy trình", NULL};
    harness_cchc_ok(srv, reopen_ok);
    assert_state(P, "closed");
    /* and on again from there */
    action_ok("approve", P);
    assert_state(P, "approved");
}

/* Reports awaiting review block approval; listing only some of them is
 * not enough and accepts nothing; --accept-remaining accepts them, each
 * audited as the administrator's acceptance, and approves. */
static void test_approve_needs_reviews_or_accept_remaining(void **state)
{
    (void)state;
    const char *P = "2024-Q1";
    harness_open_period(srv, P);
    submit(NK, P, "105", "40");
    submit(NK, P, "106", "50");
    submit(TAN_AN, P, "105", "20");
    /* the lead agency accepts one; two still await review */
    long long reviewed = report_id(P, "Q-NINHKIEU", "106");
    char id_text[32], seen[40];
    snprintf(id_text, sizeof(id_text), "%lld", reviewed);
    snprintf(seen, sizeof(seen), "%lld@1", reviewed); /* the revision the reviewer read */
    fixture_as(&fx, LEAD);
    const char *accept[] = {"review", "accept", seen, NULL};
    harness_cchc_ok(srv, accept);
    fixture_as(&fx, -1);
    action_ok("close", P);

    long long nk105 = report_id(P, "Q-NINHKIEU", "105"), tan_an = report_id(P, "31117", "105");
    char waiting[64];
    snprintf(waiting, sizeof(waiting), "(%lld, %lld)", nk105 < tan_an ? nk105 : tan_an,
             nk105 < tan_an ? tan_an : nk105);
    const char *approve[] = {"period", "approve", P, "--yes", NULL};
    refused(approve, 1, waiting);
    refused(approve, 1, "--accept-remaining");
    assert_state(P, "closed");
    /* one of the two listed: still refused, and nothing accepted */
    char one[32];
    snprintf(one, sizeof(one), "%lld", nk105);
    const char *approve_one[] = {"period", "approve", P, "--accept", one, "--yes", NULL};
    char other[32];
    snprintf(other, sizeof(other), "(%lld)", tan_an);
    refused(approve_one, 1, other);
    char st[32];
    assert_string_equal(report_state(P, "Q-NINHKIEU", "105", st, sizeof(st)), "submitted");
    assert_state(P, "closed");
    /* an id that is not waiting in this period */
    const char *approve_bad[] = {"period", "approve", P, "--accept", id_text, "--yes", NULL};
    refused(approve_bad, 1, "không phải báo cáo chờ duyệt của kỳ");

    const char *remaining[] = {"period", "approve", P, "--accept-remaining", "--yes", NULL};
    harness_cchc_ok(srv, remaining);
    assert_state(P, "approved");
    assert_string_equal(report_state(P, "Q-NINHKIEU", "105", st, sizeof(st)), "approved");
    assert_string_equal(report_state(P, "31117", "105", st, sizeof(st)), "approved");
    assert_string_equal(report_state(P, "Q-NINHKIEU", "106", st, sizeof(st)), "approved");
    /* the acceptance is the administrator's, on the revision it accepted */
    const char *history[] = {"report", "history", "--task", "105", "--period", P, "--unit", "31117",
                             NULL};
    json_t *h = harness_cchc_json(srv, history);
    json_t *reviews = json_object_get(h, "reviews");
    int admin_accept = 0;
    for (size_t i = 0; i < json_array_size(reviews); i++) {
        json_t *rv = json_array_get(reviews, i);
        admin_accept |= strcmp(jstr(rv, "action"), "accept") == 0 && strcmp(jstr(rv, "level"), "admin") == 0 &&
                        strcmp(jstr(rv, "username"), HARNESS_ADMIN) == 0;
    }
    json_decref(h);
    assert_true(admin_accept);
    /* in words, in the reader's language, with no reason in another */
    run_result words;
    harness_cchc(&words, srv, history);
    assert_int_equal(words.exit_code, 0);
    harness_expect_has(words.out, "(duyệt kỳ, lần 1)");
    harness_expect_lacks(words.out, "accepted at period approval");
    run_result_free(&words);
    const char *history_en[] = {"--lang", "en", "report", "history", "--task", "105", "--period", P,
                                "--unit", "31117", NULL};
    harness_cchc(&words, srv, history_en);
    assert_int_equal(words.exit_code, 0);
    harness_expect_has(words.out, "(period approval, revision 1)");
    harness_expect_lacks(words.out, "duyệt");
    run_result_free(&words);
    /* the approval is audited with what it accepted */
    const char *audit[] = {"audit", "--action", "period.approve", NULL};
    json_t *a = harness_cchc_json(srv, audit);
    json_t *entries = json_object_get(a, "entries");
    int found = 0;
    for (size_t i = 0; i < json_array_size(entries); i++) {
        json_t *e = json_array_get(entries, i);
        if (strcmp(jstr(e, "target"), P) == 0) {
            json_t *detail = json_loads(jstr(e, "detail"), 0, NULL);
            assert_int_equal(json_integer_value(json_object_get(detail, "accepted_now")), 2);
            assert_true(json_is_true(json_object_get(detail, "accept_remaining")));
            json_decref(detail);
            found = 1;
        }
    }
    json_decref(a);
    assert_true(found);
    /* and nothing more comes in */
    fixture_as(&fx, NK);
    const char *late[] = {"submit", "--task", "107", "--period", P, "--status", "đang triển khai",
                          "--progress", "10", "--result", "Sau khi duyệt", NULL};
    refused(late, 1, "đã khóa");
    /* nor does a review change an approved report */
    char tan_an_text[32];
    snprintf(tan_an_text, sizeof(tan_an_text), "%lld@1", tan_an);
    fixture_as(&fx, LEAD);
    const char *give_back[] = {"review", "return", tan_an_text, "--reason", "Sau khi duyệt kỳ", NULL};
    refused(give_back, 1, "đã khóa");
    fixture_as(&fx, -1);
    assert_string_equal(report_state(P, "31117", "105", st, sizeof(st)), "approved");
}

/* An approved period's figures are frozen: a commune import and a merge
 * effective inside the period change a live period's figures, not the
 * approved one's; reopening (with a reason, audited) and approving again
 * take the new structure. */
static void test_approval_freezes_figures(void **state)
{
    (void)state;
    const char *P = "2024-6M";
    harness_open_period(srv, P);
    submit(NK, P, "105", "60");
    submit(NK, P, "106", "100");
    submit(TAN_AN, P, "105", "30");
    submit(TAN_AN, P, "106", "10");
    action_ok("close", P);
    char a[32], b[32];
    snprintf(a, sizeof(a), "%lld,%lld", report_id(P, "Q-NINHKIEU", "105"), report_id(P, "31117", "105"));
    snprintf(b, sizeof(b), "%lld", report_id(P, "Q-NINHKIEU", "106"));
    /* two lists of ids, and Tân An's 106 left waiting: refused */
    const char *partial[] = {"period", "approve", P, "--accept", a, "--accept", b, "--yes", NULL};
    refused(partial, 1, "báo cáo chờ duyệt (");
    char all[48];
    snprintf(all, sizeof(all), "%s,%lld", a, report_id(P, "31117", "106"));
    const char *approve[] = {"period", "approve", P, "--accept", all, "--accept", b, "--yes", NULL};
    harness_cchc_ok(srv, approve);
    assert_state(P, "approved");

    figures before, after;
    figures_take(&before, P);
    long long expected, received, live_before, live_after, ignored;
    status_total(P, &expected, &received);
    assert_int_equal(received, 4);
    status_total("2024-Y", &live_before, &ignored); /* a period not approved */

    /* more communes, and Tân An and An Hòa merge on 1 March 2024 */
    harness_import_communes(srv, "31111,Phường Cái Khế,Q-NINHKIEU\n"
                                 "31114,Phường An Hội,Q-NINHKIEU\n"
                                 "31156,Xã Nhơn Ái,Huyện Phong Điền\n");
    const char *merge[] = {"units", "merge", "31117", "31120", "--into", "P-NINHKIEU", "--name",
                           "Phường Ninh Kiều", "--on", "2024-03-01", "--basis", "Nghị quyết thử", NULL};
    harness_cchc_ok(srv, merge);

    status_total("2024-Y", &live_after, &ignored);
    assert_int_not_equal(live_before, live_after); /* the changes do move live figures */
    figures_take(&after, P);
    figures_assert_equal(&before, &after);
    figures_free(&after);

    /* reopen: a reason is required, and it is audited */
    const char *no_reason[] = {"period", "reopen", P, NULL};
    refused(no_reason, 2, "--reason");
    assert_state(P, "approved");
    const char *reopen[] = {"period", "reopen", P, "--reason", "Sáp nhập phường từ 01/3/2024", NULL};
    harness_cchc_ok(srv, reopen);
    assert_state(P, "closed");
    const char *audit[] = {"audit", "--action", "period.reopen", NULL};
    json_t *au = harness_cchc_json(srv, audit);
    json_t *e = json_array_get(json_object_get(au, "entries"), 0);
    assert_non_null(e);
    assert_string_equal(jstr(e, "target"), P);
    assert_string_equal(jstr(e, "username"), HARNESS_ADMIN);
    assert_non_null(strstr(jstr(e, "detail"), "Sáp nhập phường từ 01/3/2024"));
    json_decref(au);
    char st[32];
    assert_string_equal(report_state(P, "31117", "105", st, sizeof(st)), "accepted");

    /* unfrozen: the figures follow the new structure, and a new approval
     * freezes those */
    long long reopened_expected, reopened_received;
    status_total(P, &reopened_expected, &reopened_received);
    assert_int_not_equal(reopened_expected, expected);
    /* Tân An closed before the period's end, but the reports it sent stay
     * its own and count in the period (issue 12: counted_reports) */
    assert_int_equal(reopened_received, 4);
    action_ok("approve", P);
    long long again_expected, again_received;
    status_total(P, &again_expected, &again_received);
    assert_int_equal(again_expected, reopened_expected);
    assert_int_equal(again_received, reopened_received);
    figures_take(&after, P);
    assert_string_not_equal(before.status, after.status);
    figures_free(&after);
    figures_free(&before);
}

/* The period list counts what the status counts, for every period of the
 * year, live or frozen, and the HTML report shows the same totals. */
static void test_period_list_and_status_agree(void **state)
{
    (void)state;
    const char *list[] = {"period", "list", "--year", "2024", NULL};
    json_t *root = harness_cchc_json(srv, list);
    json_t *periods = json_object_get(root, "periods");
    assert_int_equal(json_array_size(periods), 4);
    int compared = 0;
    for (size_t i = 0; i < json_array_size(periods); i++) {
        json_t *p = json_array_get(periods, i);
        long long expected, received;
        status_total(jstr(p, "id"), &expected, &received);
        assert_true(expected > 0);
        assert_int_equal(jint(p, "expected"), expected);
        assert_int_equal(jint(p, "received"), received);
        const char *html[] = {"export", "--period", jstr(p, "id"), "--format", "html", "-o", "agree.html",
                              NULL};
        harness_cchc_ok(srv, html);
        char *page = harness_read_file("agree.html");
        char want[64];
        snprintf(want, sizeof(want), "data-figure=\"total.expected\">%lld<", expected);
        assert_non_null(strstr(page, want));
        snprintf(want, sizeof(want), "data-figure=\"total.received\">%lld<", received);
        assert_non_null(strstr(page, want));
        free(page);
        unlink("agree.html");
        compared++;
    }
    json_decref(root);
    assert_int_equal(compared, 4);
}

/* Runs `cchc --server … ARGS` on a pseudo-terminal (util-linux script)
 * with `answer` typed in; returns its exit code. */
static int on_terminal(const char *args, const char *answer)
{
    char command[1024];
    const char *argv_start[8];
    int n = harness_cchc_argv(srv, argv_start);
    size_t used = 0;
    for (int i = 0; i < n; i++) /* none holds a space or a quote */
        used += (size_t)snprintf(command + used, sizeof(command) - used, "%s ", argv_start[i]);
    snprintf(command + used, sizeof(command) - used, "%s", args);
    const char *argv[] = {"/usr/bin/script", "-qec", command, "/dev/null", NULL};
    run_result r;
    harness_run(&r, answer, argv);
    int code = r.exit_code;
    run_result_free(&r);
    return code;
}

/* On a terminal, close and approve ask; anything but yes does nothing. */
static void test_terminal_confirmation(void **state)
{
    (void)state;
    if (access("/usr/bin/script", X_OK) != 0)
        skip(); /* no util-linux script: no pseudo-terminal to test with */
    const char *P = "2024-Y";
    action_ok("open", P);
    assert_int_not_equal(on_terminal("period close 2024-Y", "n\n"), 0);
    assert_state(P, "open");
    assert_int_equal(on_terminal("period close 2024-Y", "y\n"), 0);
    assert_state(P, "closed");
    assert_int_not_equal(on_terminal("period approve 2024-Y", "\n"), 0);
    assert_state(P, "closed");
}

static int count_of(const test_db *db, const char *sql)
{
    char *value = harness_db_query(db, sql);
    assert_non_null(value);
    int n = atoi(value);
    free(value);
    return n;
}

/* Migration 0011 on a database of the time before it: a period locked
 * without approval (the old dead end) becomes closed, where approve is
 * legal; an approved locked one becomes approved with its figures frozen.
 * The older database is made from a current one by undoing 0011. */
static void test_locked_periods_migrate(void **state)
{
    (void)state;
    test_db db;
    harness_db_create_migrated(&db, "locked");
    free(harness_db_query(&db,
        /* as before 0011, and so before 0018 (whose table refers to 0011's) */
        "DROP TABLE period_figures, period_frozen_lead, period_frozen_report, period_approval;"
        "ALTER TABLE report_period DROP CONSTRAINT report_period_state_check;"
        "ALTER TABLE report_period ADD CONSTRAINT report_period_state_check"
        "    CHECK (state IN ('planned', 'open', 'closed', 'locked'));"
        "SELECT ensure_periods(2023);"
        "UPDATE report_period SET state = 'locked' WHERE id IN ('2023-Q1', '2023-6M');"
        "UPDATE report_period SET approved_at = now() WHERE id = '2023-6M';"
        "DELETE FROM schema_migrations WHERE version IN (11, 18);"
        "SELECT 1"));
    const char *migrate[] = {CCHCD_BIN, "migrate", "--db", db.conninfo, NULL};
    run_result r;
    harness_run(&r, NULL, migrate);
    if (r.exit_code != 0)
        fail_msg("cchcd migrate exited %d: %s%s", r.exit_code, r.out, r.err);
    run_result_free(&r);
    char *q1 = harness_db_query(&db, "SELECT state FROM report_period WHERE id = '2023-Q1'");
    char *h1 = harness_db_query(&db, "SELECT state FROM report_period WHERE id = '2023-6M'");
    assert_string_equal(q1, "closed");
    assert_string_equal(h1, "approved");
    free(q1);
    free(h1);
    assert_int_equal(count_of(&db, "SELECT count(*) FROM period_approval"), 1);
    int frozen = count_of(&db, "SELECT count(*) FROM period_frozen_report f"
                               "  JOIN period_approval a ON a.id = f.approval_id"
                               " WHERE a.period_id = '2023-6M'");
    assert_true(frozen > 0);
    assert_int_equal(count_of(&db, "SELECT count(*) FROM live_report_facts('2023-6M')"), frozen);
    assert_int_equal(count_of(&db, "SELECT expected FROM period_info WHERE id = '2023-6M'"), frozen);
    assert_true(count_of(&db, "SELECT count(*) FROM period_frozen_lead") > 0);
    harness_db_drop(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_approve_needs_reviews_or_accept_remaining),
        cmocka_unit_test(test_approval_freezes_figures),
        cmocka_unit_test(test_period_list_and_status_agree),
        cmocka_unit_test(test_terminal_confirmation),
        cmocka_unit_test(test_locked_periods_migrate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
