/* The load generator (bench/loadgen) stays correct: a seconds-long run
 * against the real cchcd with every kind of request in the mix answers
 * every request, is refused nothing (its submissions name the right base
 * revisions and fresh keys), writes JSON whose counts add up, and says it
 * saved exactly as many report revisions as the database holds. Nothing
 * here is a timing: scripts/bench measures, this only keeps the measuring
 * tool honest. The generator speaks plaintext, so it loads a second,
 * plaintext cchcd on the fixture's database (the fixture's own server
 * speaks TLS to the real client that prepares the data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

#define PERIOD "2023-6M"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { NINHKIEU, CAIRANG, VIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"lg.ninhkieu", "Bao-cao-Ninh-Kieu-2025", "Q-NINHKIEU", "reporter"},
    {"lg.cairang", "Bao-cao-Cai-Rang-2025", "Q-CAIRANG", "reporter"},
    {"lg.xem", "Xem-bao-cao-So-Noi-vu-2025", "SNV", "viewer"},
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "loadgen", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 0);
    harness_open_period(srv, PERIOD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

static long long count_of(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("JSON has no integer \"%s\"", key);
    return json_integer_value(v);
}

static long long stored_revisions(void)
{
    char *text = harness_db_query(&fx.db, "SELECT count(*) FROM report_revision");
    assert_non_null(text);
    long long n = atoll(text);
    free(text);
    return n;
}

/* Every kind of the mix on 4 connections, 4 in flight each, for two
 * seconds after half a second of warm-up: two districts' reports shared
 * out between the connections (two per account), their whole template as
 * one batch now and then, the viewer's status and missing, pings. */
static void test_every_request_answered_and_counted(void **state)
{
    (void)state;
    long long before = stored_revisions();
    test_server plain;
    harness_server_start_plaintext(&plain, fx.db.conninfo, NULL);
    char account1[128], account2[128], viewer[128];
    snprintf(account1, sizeof(account1), "%s:%s", people[NINHKIEU].username,
             people[NINHKIEU].password);
    snprintf(account2, sizeof(account2), "%s:%s", people[CAIRANG].username,
             people[CAIRANG].password);
    snprintf(viewer, sizeof(viewer), "%s:%s", people[VIEWER].username, people[VIEWER].password);
    const char *json_path = "loadgen.json";
    const char *argv[] = {CCHC_LOADGEN,    "--server",  plain.addr, "--connections", "4",
                          "--depth",       "4",         "--mix",
                          "submit=6,batch=1,status=1,missing=1,ping=1,pingdb=1",
                          "--period",      PERIOD,      "--account", account1,
                          "--account",     account2,    "--viewer",  viewer,
                          "--duration",    "2",         "--warmup",  "0.5",
                          "--json",        json_path,   "--label",   "smoke",
                          NULL};
    run_result r;
    harness_run(&r, NULL, argv);
    if (r.exit_code != 0)
        fail_msg("cchc-loadgen exited %d:\n%s%s", r.exit_code, r.out, r.err);
    assert_non_null(strstr(r.out, "submit")); /* the human summary names the kinds */
    run_result_free(&r);
    assert_int_equal(harness_server_stop(&plain), 0);

    json_error_t jerr;
    json_t *root = json_load_file(json_path, 0, &jerr);
    if (!root)
        fail_msg("cchc-loadgen's JSON does not parse: %s (line %d)", jerr.text, jerr.line);
    assert_string_equal(jstr(root, "label"), "smoke");

    /* every request sent was answered, none refused, the whole run over */
    json_t *all = json_object_get(root, "all");
    assert_true(count_of(all, "sent") > 0);
    assert_int_equal(count_of(all, "answered"), count_of(all, "sent"));
    assert_int_equal(count_of(all, "errors"), 0);
    assert_int_equal(count_of(all, "unanswered"), 0);
    assert_int_equal(count_of(all, "connections_lost"), 0);

    /* the measured window: the kinds add up to its totals */
    json_t *measured = json_object_get(root, "measured"), *kinds = json_object_get(root, "kinds");
    json_t *warmup = json_object_get(root, "warmup");
    long long sent = 0, answered = 0;
    const char *name;
    json_t *kind;
    json_object_foreach(kinds, name, kind)
    {
        assert_int_equal(count_of(kind, "answered"), count_of(kind, "sent"));
        assert_int_equal(count_of(kind, "ok"), count_of(kind, "answered"));
        assert_int_equal(count_of(kind, "errors"), 0);
        assert_int_equal(json_object_size(json_object_get(kind, "errors_by_code")), 0);
        assert_int_equal(count_of(kind, "rows_replayed"), 0);
        json_t *lat = json_object_get(kind, "latency_ms");
        double p50 = json_real_value(json_object_get(lat, "p50"));
        double p99 = json_real_value(json_object_get(lat, "p99"));
        double max = json_real_value(json_object_get(lat, "max"));
        assert_true(p50 > 0 && p50 <= p99 && p99 <= max); /* order, not speed */
        sent += count_of(kind, "sent");
        answered += count_of(kind, "answered");
    }
    assert_int_equal(sent, count_of(measured, "sent"));
    assert_int_equal(answered, count_of(measured, "answered"));
    assert_int_equal(count_of(measured, "sent") + count_of(warmup, "sent"), count_of(all, "sent"));

    /* a single submission saves one report, a template one per row */
    json_t *submit = json_object_get(kinds, "submit");
    assert_non_null(submit);
    assert_true(count_of(submit, "ok") > 0);
    assert_int_equal(count_of(submit, "rows_saved"), count_of(submit, "ok"));
    json_t *batch = json_object_get(kinds, "batch");
    if (batch)
        assert_true(count_of(batch, "rows_saved") >= count_of(batch, "ok"));

    /* what it says it saved is what the database holds */
    assert_int_equal(stored_revisions() - before, count_of(all, "rows_saved"));
    json_decref(root);
}

/* A run that cannot be prepared says why and measures nothing. */
static void test_bad_account_is_refused_before_measuring(void **state)
{
    (void)state;
    test_server plain;
    harness_server_start_plaintext(&plain, fx.db.conninfo, NULL);
    const char *argv[] = {CCHC_LOADGEN, "--server", plain.addr, "--mix", "submit=1", "--period",
                          PERIOD, "--account", "lg.ninhkieu:wrong-password-here", "--duration",
                          "1", NULL};
    run_result r;
    harness_run(&r, NULL, argv);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "login lg.ninhkieu refused"));
    run_result_free(&r);
    assert_int_equal(harness_server_stop(&plain), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_request_answered_and_counted),
        cmocka_unit_test(test_bad_account_is_refused_before_measuring),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
