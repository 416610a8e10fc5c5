/* Why this exists: the client's leftovers of issue 14 (part H2), end to
 * end through the real cchc and cchcd:
 *   - counts speak each language's plural: English says "1 report" and
 *     "N units", never "report(s)"; Vietnamese has one form (ngettext with
 *     po/vi.po's Plural-Forms) and says "1 báo cáo" and "N đơn vị";
 *   - `cchc missing` tells apart two units of the same name (communes of
 *     different districts, or a closed unit and the successor that took
 *     its name): the parent unit beside the name, the closing day for the
 *     closed one, the code in its own column; a name no other row shares
 *     is left bare;
 *   - `cchc --complete units` offers unit names beside codes, and only
 *     the codes of a name two units share (the server refuses such a name);
 *   - CCHC_TIMEOUT: a value that is not a positive number is a usage
 *     error naming the variable, and the usage states both defaults.
 * The names are made to collide by renaming shipped communes in the test's
 * own database (the situation the 2025 reorganisation creates), so the
 * test needs no data of its own. */
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

#define PERIOD "2023-6M"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "lang_client", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* The first line of text holding both a and b but not without (when not
 * NULL), malloc'd; NULL when there is none. */
static char *line_without(const char *text, const char *a, const char *b, const char *without)
{
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *copy = strndup(line, len);
        if (strstr(copy, a) && strstr(copy, b) && !(without && strstr(copy, without)))
            return copy;
        free(copy);
        line += len + (end ? 1 : 0);
    }
    return NULL;
}

static char *line_with(const char *text, const char *a, const char *b)
{
    return line_without(text, a, b, NULL);
}

static void assert_line(const char *text, const char *a, const char *b)
{
    char *line = line_with(text, a, b);
    if (!line)
        fprintf(stderr, "no line with \"%s\" and \"%s\" in:\n%s\n", a, b, text);
    assert_non_null(line);
    free(line);
}

/* One report sent, the unit tree counted, the missing list counted, an
 * empty outbox: singular, plural and zero in English, one form in
 * Vietnamese; never "(s)". */
static void test_plurals(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    const char *one[] = {"submit", "--task", "105", "--period", PERIOD, "--status",
                         "đang triển khai", "--progress", "30", "--result", "Đã tiếp nhận", NULL};
    char *en = harness_cchc_output_in(srv, 1, one);
    harness_expect_has(en, "Sent 1 report of period " PERIOD);
    harness_expect_lacks(en, "(s)");
    free(en);
    char *vi = harness_cchc_output_in(srv, 0, one);
    harness_expect_has(vi, "Đã gửi 1 báo cáo kỳ " PERIOD);
    free(vi);

    const char *outbox[] = {"outbox", NULL};
    en = harness_cchc_output_in(srv, 1, outbox);
    harness_expect_has(en, "Outbox: 0 submissions waiting");
    free(en);

    fixture_as(&fx, -1);
    const char *units[] = {"units", NULL};
    en = harness_cchc_output_in(srv, 1, units);
    harness_expect_has(en, " units (today).");
    harness_expect_lacks(en, "(s)");
    harness_expect_lacks(en, " 1 units");
    free(en);
    vi = harness_cchc_output_in(srv, 0, units);
    harness_expect_has(vi, " đơn vị (ngày hôm nay).");
    free(vi);

    const char *missing[] = {"missing", "--period", PERIOD, NULL};
    en = harness_cchc_output_in(srv, 1, missing);
    harness_expect_has(en, " reports missing.");
    harness_expect_lacks(en, "(s)");
    free(en);
    vi = harness_cchc_output_in(srv, 0, missing);
    harness_expect_has(vi, " báo cáo còn thiếu.");
    harness_expect_lacks(vi, "reports");
    free(vi);
    /* exactly one missing report: the singular (a district and a lead
     * chosen so the list has one row is data-dependent; the JSON count
     * says which form the human line must use) */
    const char *nk[] = {"missing", "--period", PERIOD, "--district", "Q-NINHKIEU", "--lead",
                        "VP-UBND", NULL};
    json_t *m = harness_cchc_json(srv, nk);
    size_t n = json_array_size(json_object_get(m, "missing"));
    json_decref(m);
    en = harness_cchc_output_in(srv, 1, nk);
    char want[48];
    snprintf(want, sizeof(want), n == 1 ? "%zu report missing." : "%zu reports missing.", n);
    harness_expect_has(en, want);
    free(en);
}

/* Two communes of different districts named alike, and a closed commune
 * whose successor took its name: each row says which unit it is. */
static void test_missing_tells_same_names_apart(void **state)
{
    (void)state;
    /* P-CR-HUNGPHU (Cái Răng) takes the name of P-NK-CAIKHE (Ninh Kiều);
     * P-NK-THOIBINH, which absorbed P-NK-ANPHU on 2024-11-01, takes the
     * closed ward's name */
    free(harness_db_query(&fx.db, "UPDATE org_unit SET name = 'Phường Cái Khế' "
                                  "WHERE code = 'P-CR-HUNGPHU' RETURNING code"));
    free(harness_db_query(&fx.db, "UPDATE org_unit SET name = 'Phường An Phú' "
                                  "WHERE code = 'P-NK-THOIBINH' RETURNING code"));
    fixture_as(&fx, -1);
    const char *missing[] = {"missing", "--period", PERIOD, NULL};
    json_t *m = harness_cchc_json(srv, missing);
    int cr = 0, nk = 0, anphu = 0, thoibinh = 0;
    json_t *list = json_object_get(m, "missing");
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *code = jstr(json_array_get(list, i), "unit_code");
        cr |= strcmp(code, "P-CR-HUNGPHU") == 0;
        nk |= strcmp(code, "P-NK-CAIKHE") == 0;
        anphu |= strcmp(code, "P-NK-ANPHU") == 0;
        thoibinh |= strcmp(code, "P-NK-THOIBINH") == 0;
    }
    json_decref(m);
    /* the shipped units owe the period's reports: the premise of the test */
    assert_true(cr && nk && anphu && thoibinh);

    char *vi = harness_cchc_output_in(srv, 0, missing);
    assert_line(vi, "Phường Cái Khế, Quận Cái Răng", "P-CR-HUNGPHU");
    assert_line(vi, "Phường Cái Khế, Quận Ninh Kiều", "P-NK-CAIKHE");
    assert_line(vi, "Phường An Phú, Quận Ninh Kiều (đến hết 31/10/2024)", "P-NK-ANPHU");
    /* the successor's own rows (the closed ward's rows name it too, after
     * "→"): qualified, and not said to have closed */
    char *own = line_without(vi, "Phường An Phú, Quận Ninh Kiều", "P-NK-THOIBINH", "P-NK-ANPHU");
    if (!own)
        fprintf(stderr, "no row of P-NK-THOIBINH itself in:\n%s\n", vi);
    assert_non_null(own);
    assert_null(strstr(own, "đến hết"));
    free(own);
    /* a name no other row shares stays bare */
    char *bare = line_with(vi, "Phường An Hòa", "P-NK-ANHOA");
    assert_non_null(bare);
    assert_null(strstr(bare, "Phường An Hòa,"));
    free(bare);

    char *en = harness_cchc_output_in(srv, 1, missing);
    assert_line(en, "Phường Cái Khế, Quận Cái Răng", "P-CR-HUNGPHU");
    assert_line(en, "Phường An Phú, Quận Ninh Kiều (until 31/10/2024)", "P-NK-ANPHU");
    harness_expect_has(en, "Code");
    free(en);
    free(vi);
}

/* Runs cchc --complete units PREFIX as the reporter with no cache. */
static char *complete_units(const char *prefix)
{
    fixture_as(&fx, REPORTER);
    char cache[256];
    snprintf(cache, sizeof(cache), "%s/cchc/complete-units", fx.homes[REPORTER]);
    unlink(cache); /* a fresh answer from the server, not the last one */
    run_result r;
    const char *args[] = {"--complete", "units", prefix, NULL};
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.err, "");
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

/* Names beside codes; a name two units share offers its codes only. */
static void test_complete_unit_names(void **state)
{
    (void)state;
    free(harness_db_query(&fx.db, "UPDATE org_unit SET name = 'Phường Hưng Phú' "
                                  "WHERE code = 'P-CR-HUNGPHU' RETURNING code"));
    char *words = complete_units("Quận Ninh");
    harness_expect_has(words, "Quận Ninh Kiều\n");
    free(words);
    words = complete_units("Phường Hưng");
    harness_expect_has(words, "Phường Hưng Phú\n");
    harness_expect_has(words, "Phường Hưng Thạnh\n");
    free(words);
    words = complete_units("P-CR-");
    harness_expect_has(words, "P-CR-HUNGPHU\n");
    harness_expect_lacks(words, "Phường");
    free(words);
    /* now two units are "Phường Hưng Phú": the name is not offered, the codes are */
    free(harness_db_query(&fx.db, "UPDATE org_unit SET name = 'Phường Hưng Phú' "
                                  "WHERE code = 'P-CR-HUNGTHANH' RETURNING code"));
    words = complete_units("Phường Hưng");
    harness_expect_lacks(words, "Phường Hưng Phú\n");
    free(words);
    words = complete_units("P-CR-HUNG");
    harness_expect_has(words, "P-CR-HUNGPHU\n");
    harness_expect_has(words, "P-CR-HUNGTHANH\n");
    free(words);
}

/* CCHC_TIMEOUT that is not a positive number: a usage error, said in the
 * reader's language and naming the variable; nothing is sent. The usage
 * gives both defaults. */
static void test_timeout_setting(void **state)
{
    (void)state;
    setenv("CCHC_TIMEOUT", "ten", 1);
    run_result r;
    const char *ping[] = {"ping", NULL};
    harness_cchc(&r, srv, ping);
    assert_int_equal(r.exit_code, 2);
    harness_expect_has(r.err, "CCHC_TIMEOUT");
    harness_expect_has(r.err, "mili giây");
    run_result_free(&r);
    unsetenv("CCHC_TIMEOUT");
    const char *usage[] = {"--lang", "en", "--help", NULL};
    harness_cchc(&r, srv, usage);
    assert_int_equal(r.exit_code, 0);
    harness_expect_has(r.out, "waits 10 s, and 60 s for the requests");
    run_result_free(&r);
    /* a good value is taken (the ping answers within it) */
    setenv("CCHC_TIMEOUT", "20000", 1);
    harness_cchc(&r, srv, ping);
    unsetenv("CCHC_TIMEOUT");
    assert_int_equal(r.exit_code, 0);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plurals),
        cmocka_unit_test(test_missing_tells_same_names_apart),
        cmocka_unit_test(test_complete_unit_names),
        cmocka_unit_test(test_timeout_setting),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
