/* Issue 12, Deliver 4 ("the plan follows the city"), through the real
 * client on the shipped units with the shipped 2025 change set applied
 * (the repository's own file): a period is expected from the units of its
 * own date, class expansion ("UBND cấp xã") included, so 2025-6M expects
 * the communes of 2023 under their districts and 2026-Q1 the units of
 * 2026; a class defined by a unit's parent follows the parent on the
 * period's date; and a commune's report is reviewed by its district only
 * while it had one: Phường Tân Lộc, kept and moved under the city on
 * 2025-07-01, is reviewed by Quận Thốt Nốt in 2025-6M and straight by the
 * lead agency in 2026-Q1; an amendment from 2025-07-01 (`cchc plan
 * assign`) passes a task of the districts to the communes from that day,
 * leaving the printed plan and earlier periods as they were; `status
 * --by area` groups 2025-6M by district and 2026-Q1 by former province. */
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
#define MERGED_CITY CCHC_SOURCE_DIR "/sql/units/units_2025_merged_city.csv"
#define BEFORE "2025-6M"
#define AFTER "2026-Q1"
#define KEPT "P-TN-TANLOC" /* a ward the reform kept, moved under the city */
#define ITS_DISTRICT "Q-THOTNOT"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { WARD, DISTRICT, LEAD, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"tanloc.baocao", "Bao-cao-Tan-Loc-2025", KEPT, "reporter"},
    {"thotnot.kiemtra", "Kiem-tra-Thot-Not-2025", ITS_DISTRICT, "reviewer"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2025", "VP-UBND", "reviewer"}, /* leads 105 */
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "plan_follows", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    fixture_as(&fx, -1);
    const char *apply[] = {"units", "apply", CHANGES_2025, NULL};
    harness_cchc_ok(srv, apply);
    harness_open_period(srv, BEFORE);
    harness_open_period(srv, AFTER);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

static long long query_int(const char *sql)
{
    char *v = harness_db_query(&fx.db, sql);
    assert_non_null(v);
    long long n = atoll(v);
    free(v);
    return n;
}

/* Whether `cchc tasks --period P` as people[who] lists task id. */
static int my_tasks_list(int who, const char *period, int task)
{
    fixture_as(&fx, who);
    const char *args[] = {"tasks", "--period", period, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *list = json_object_get(root, "tasks");
    int found = 0;
    for (size_t i = 0; i < json_array_size(list); i++)
        found |= jint(json_array_get(list, i), "task_id") == task;
    json_decref(root);
    fixture_as(&fx, -1);
    return found;
}

static void test_periods_expect_the_units_of_their_date(void **state)
{
    (void)state;
    /* task 105 names "UBND cấp huyện, cấp xã": 80 communes of 2023, each
     * under a district on the half-year's last data day */
    assert_int_equal(query_int("SELECT count(*) FROM expected_reports('" BEFORE "') e"
                               " JOIN org_unit u ON u.code = e.unit_code"
                               " JOIN org_unit d ON d.code = unit_parent_on(u.code, '2025-06-30')"
                               " WHERE e.task_id = 105 AND u.kind = 'commune' AND d.kind = 'district'"),
                     80);
    assert_int_equal(query_int("SELECT count(*) FROM expected_reports('" BEFORE "') e"
                               " JOIN org_unit u ON u.code = e.unit_code"
                               " WHERE e.task_id = 105 AND u.kind = 'district'"),
                     9);
    /* 2026-Q1: the 103 commune-level units of the merged city, no district */
    assert_int_equal(query_int("SELECT count(*) FROM expected_reports('" AFTER "') e"
                               " JOIN org_unit u ON u.code = e.unit_code"
                               " WHERE e.task_id = 105 AND u.kind = 'commune'"
                               "   AND unit_parent_on(u.code, '2026-03-14') = 'UBND-TP'"),
                     103);
    assert_int_equal(query_int("SELECT count(*) FROM expected_reports('" AFTER "') e"
                               " JOIN org_unit u ON u.code = e.unit_code"
                               " WHERE e.task_id = 105 AND u.kind IN ('commune', 'district')"),
                     103);
    /* a merged ward owes the half-year, not the quarter; the kept ward both */
    assert_int_equal(query_int("SELECT count(*) FROM expected_reports('" AFTER "')"
                               " WHERE unit_code = 'P-NK-ANHOA'"),
                     0);
    assert_true(query_int("SELECT count(*) FROM expected_reports('" BEFORE "')"
                          " WHERE unit_code = 'P-NK-ANHOA' AND task_id = 105") == 1);
    assert_true(my_tasks_list(WARD, BEFORE, 105));
    assert_true(my_tasks_list(WARD, AFTER, 105));
}

static void test_a_class_by_parent_follows_the_parent_of_the_date(void **state)
{
    (void)state;
    /* a class of "units under a district" (made up for the test: no task
     * names it): the 80 communes on 2025-06-30, nobody from 2025-07-01 */
    char *ok = harness_db_query(&fx.db,
        "WITH c AS (INSERT INTO unit_class (code, name) VALUES ('T-DUOI-HUYEN', 'Đơn vị thuộc huyện')"
        " RETURNING code) INSERT INTO unit_class_rule (class_code, match_parent_kind)"
        " SELECT code, 'district' FROM c RETURNING class_code");
    assert_non_null(ok);
    assert_string_equal(ok, "T-DUOI-HUYEN");
    free(ok);
    assert_int_equal(query_int("SELECT count(*) FROM unit_class_members_on('2025-06-30')"
                               " WHERE class_code = 'T-DUOI-HUYEN'"),
                     80);
    assert_int_equal(query_int("SELECT count(*) FROM unit_class_members_on('2025-07-01')"
                               " WHERE class_code = 'T-DUOI-HUYEN'"),
                     0);
    /* the kept ward was under Thốt Nốt, then under the city */
    assert_int_equal(query_int("SELECT count(*) FROM unit_class_members_on('2025-06-30')"
                               " WHERE class_code = 'T-DUOI-HUYEN' AND unit_code = '" KEPT "'"),
                     1);
}

static void submit(const char *period)
{
    fixture_as(&fx, WARD);
    const char *args[] = {"submit", "--task", "105", "--period", period, "--status", "đang triển khai",
                          "--progress", "50", "--result", "Đã tiếp nhận hồ sơ", NULL};
    harness_cchc_ok(srv, args);
}

/* The kept ward's report on 105 in period as people[who] sees it in
 * `review list`: its review level, or NULL when not listed; *seen gets
 * "id@revision". */
static char *listed_level(int who, const char *period, char *seen, size_t size)
{
    fixture_as(&fx, who);
    const char *list[] = {"review", "list", "--period", period, "--task", "105", "--unit", KEPT, NULL};
    json_t *root = harness_cchc_json(srv, list);
    json_t *x = json_array_get(json_object_get(root, "reports"), 0);
    char *level = NULL;
    if (x) {
        level = strdup(jstr(x, "review_level"));
        snprintf(seen, size, "%lld@%lld", jint(x, "report_id"), jint(x, "revision"));
    }
    json_decref(root);
    return level;
}

static void test_the_review_chain_skips_the_missing_level(void **state)
{
    (void)state;
    submit(BEFORE);
    submit(AFTER);
    char seen[48];
    /* 2025-6M: the ward was Thốt Nốt's, which may return its report */
    char *level = listed_level(DISTRICT, BEFORE, seen, sizeof(seen));
    assert_non_null(level);
    assert_string_equal(level, "district");
    free(level);
    const char *ret[] = {"review", "return", seen, "--reason", "Bổ sung số hồ sơ tồn", NULL};
    harness_cchc_ok(srv, ret);

    /* 2026-Q1: no district above it; Thốt Nốt neither sees nor reviews it */
    char after_seen[48] = "";
    level = listed_level(DISTRICT, AFTER, after_seen, sizeof(after_seen));
    assert_null(level);
    level = listed_level(LEAD, AFTER, after_seen, sizeof(after_seen));
    assert_non_null(level);
    assert_string_equal(level, "lead");
    free(level);
    fixture_as(&fx, DISTRICT);
    const char *ret_after[] = {"review", "return", after_seen, "--reason", "Thử", NULL};
    run_result r;
    harness_cchc(&r, srv, ret_after);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "không thuộc phạm vi xét duyệt của đơn vị bạn"));
    run_result_free(&r);
    /* the lead agency accepts it directly */
    fixture_as(&fx, LEAD);
    const char *acc[] = {"review", "accept", after_seen, NULL};
    harness_cchc_ok(srv, acc);
    fixture_as(&fx, -1);
    char *state_after = harness_db_query(&fx.db, "SELECT state FROM report WHERE period_id = '" AFTER
                                                 "' AND unit_code = '" KEPT "' AND task_id = 105");
    assert_string_equal(state_after, "accepted");
    free(state_after);
}

/* How many reports period expects on task from units of kind. */
static long long expected_of_kind(const char *period, int task, const char *kind)
{
    char sql[320];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM expected_reports('%s') e JOIN org_unit u ON u.code = e.unit_code"
             " WHERE e.task_id = %d AND u.kind = '%s'",
             period, task, kind);
    return query_int(sql);
}

static char *plan_check_text(void)
{
    const char *args[] = {"plan", "check", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 0);
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

static void test_an_amendment_moves_a_district_task_to_the_communes(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    /* task 108: "Sở, ban, ngành" and "UBND cấp huyện"; after the reform,
     * without an amendment, nobody at the local level owes it */
    assert_int_equal(expected_of_kind(AFTER, 108, "district"), 0);
    assert_int_equal(expected_of_kind(AFTER, 108, "commune"), 0);
    long long departments = expected_of_kind(AFTER, 108, "department");
    assert_true(departments > 0);
    char *check_before = plan_check_text();

    /* refused whole: an unknown name, nothing recorded */
    const char *bad[] = {"plan", "assign", "108", "--implementers", "SBN-TP, Không có", "--from", "2025-07-01",
                         NULL};
    run_result r;
    harness_cchc(&r, srv, bad);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "Không có"));
    assert_non_null(strstr(r.err, "không phải đơn vị hay nhóm đơn vị"));
    run_result_free(&r);
    assert_int_equal(query_int("SELECT count(*) FROM assignment_amendment"), 0);

    /* a class by its name, a class by its code */
    const char *assign[] = {"plan", "assign", "108", "--implementers", "SBN-TP,UBND cấp xã", "--from",
                            "2025-07-01", "--basis", "NQ-1668", NULL};
    json_t *root = harness_cchc_json(srv, assign);
    assert_int_equal(jint(root, "assignment_id"), 1081);
    json_t *m = json_object_get(root, "amendment");
    assert_string_equal(jstr(m, "effective_from"), "2025-07-01");
    assert_string_equal(json_string_value(json_array_get(json_object_get(m, "implementers"), 1)), "UBND-XA");
    assert_int_equal(json_array_size(json_object_get(m, "leads")), 1); /* kept as in force */
    json_decref(root);

    /* the half-year keeps the printed assignment, the quarter has the amended one */
    assert_int_equal(expected_of_kind(BEFORE, 108, "district"), 9);
    assert_int_equal(expected_of_kind(BEFORE, 108, "commune"), 0);
    assert_int_equal(expected_of_kind(AFTER, 108, "commune"), 103);
    assert_int_equal(expected_of_kind(AFTER, 108, "department"), departments);
    assert_true(my_tasks_list(WARD, AFTER, 108));
    assert_false(my_tasks_list(WARD, BEFORE, 108));

    /* the same day twice: refused */
    harness_cchc(&r, srv, assign);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "đã có điều chỉnh từ ngày"));
    run_result_free(&r);

    /* plan task shows the amendment with its date; the printed rows stay */
    const char *task_after[] = {"plan", "task", "108", "--as-of", "2026-03-31", NULL};
    root = harness_cchc_json(srv, task_after);
    json_t *as = json_array_get(json_object_get(json_object_get(root, "task"), "assignments"), 0);
    assert_string_equal(jstr(as, "amended_from"), "2025-07-01");
    assert_int_equal(json_array_size(json_object_get(as, "amendments")), 1);
    json_t *impl = json_object_get(as, "implementers");
    assert_string_equal(jstr(json_array_get(impl, 1), "class_code"), "UBND-XA");
    json_decref(root);
    const char *task_before[] = {"plan", "task", "108", "--as-of", "2025-06-30", NULL};
    root = harness_cchc_json(srv, task_before);
    as = json_array_get(json_object_get(json_object_get(root, "task"), "assignments"), 0);
    const char *amended = json_string_value(json_object_get(as, "amended_from"));
    assert_true(!amended || !*amended); /* as printed */
    impl = json_object_get(as, "implementers");
    assert_string_equal(jstr(json_array_get(impl, 1), "class_code"), "UBND-HUYEN");
    json_decref(root);
    const char *text[] = {"plan", "task", "108", "--as-of", "2026-03-31", NULL};
    harness_cchc(&r, srv, text);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Điều chỉnh từ ngày 01/07/2025: thực hiện SBN-TP, UBND-XA"));
    run_result_free(&r);
    char *check_after = plan_check_text();
    assert_string_equal(check_after, check_before);
    free(check_before);
    free(check_after);
    assert_int_equal(query_int("SELECT count(*) FROM audit_log WHERE action = 'plan.assign' AND target = '1081'"),
                     1);
}

/* The keys of `cchc status --period P --by BY --json`'s groups, joined. */
static void group_keys(const char *period, const char *by, char *out, size_t size)
{
    const char *args[] = {"status", "--period", period, "--by", by, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *groups = json_object_get(root, "groups");
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(groups) && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? " " : "",
                                 jstr(json_array_get(groups, i), "key"));
    json_decref(root);
}

/* Every unit of units_2025_merged_city.csv (the repository's file) has the
 * former province the CSV gives it in unit_former_province (0015): the
 * first six columns are never quoted, so a split on commas reads them. */
static int provinces_match_the_csv(void)
{
    char *csv = harness_read_file(MERGED_CITY);
    assert_non_null(csv);
    int rows = 0;
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "code,", 5) == 0)
            continue;
        char *field[6] = {0}, *p = line;
        for (int i = 0; i < 6 && p; i++) {
            field[i] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = '\0';
        }
        assert_non_null(field[5]);
        const char *code = strcmp(field[5], "Cần Thơ") == 0     ? "CU-CANTHO"
                           : strcmp(field[5], "Hậu Giang") == 0 ? "CU-HAUGIANG"
                           : strcmp(field[5], "Sóc Trăng") == 0 ? "CU-SOCTRANG"
                                                                : "?";
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM unit_former_province WHERE unit_code = '%s' AND province_code = '%s'",
                 field[0], code);
        assert_int_equal(query_int(sql), 1);
        rows++;
    }
    free(csv);
    return rows;
}

static void test_status_by_area(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    char keys[1024], same[1024];
    /* before the reform: the 9 districts */
    group_keys(BEFORE, "area", keys, sizeof(keys));
    assert_non_null(strstr(keys, "Q-NINHKIEU"));
    assert_non_null(strstr(keys, ITS_DISTRICT));
    assert_null(strstr(keys, "CU-"));
    group_keys(BEFORE, "district", same, sizeof(same));
    assert_string_equal(same, keys);
    /* after: the former province or city each unit was formed in */
    group_keys(AFTER, "area", keys, sizeof(keys));
    assert_non_null(strstr(keys, "CU-CANTHO"));
    assert_non_null(strstr(keys, "CU-HAUGIANG"));
    assert_non_null(strstr(keys, "CU-SOCTRANG"));
    assert_null(strstr(keys, "Q-"));
    /* the 103 units of the merged city in the CSV, each with its province */
    assert_int_equal(query_int("SELECT count(*) FROM unit_former_province f JOIN org_unit u ON u.code = f.unit_code"
                               " WHERE u.kind = 'commune' AND unit_exists_on(u, '2025-07-01')"),
                     103);
    assert_int_equal(query_int("SELECT count(*) FROM unit_former_province WHERE province_code = 'CU-CANTHO'"), 32);
    assert_int_equal(provinces_match_the_csv(), 103);
    assert_int_equal(query_int("SELECT count(*) FROM unit_former_province"), 103);
    /* the kept ward's quarterly report counts under the former city */
    assert_int_equal(query_int("SELECT count(*) FROM report_facts('" AFTER "')"
                               " WHERE unit_code = '" KEPT "' AND district_code = 'CU-CANTHO' AND received"),
                     1);
    /* the header says what an area is */
    const char *text[] = {"status", "--period", AFTER, "--by", "area", NULL};
    run_result r;
    harness_cchc(&r, srv, text);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "từ 01/07/2025 (không còn cấp huyện) là tỉnh, thành phố cũ"));
    assert_non_null(strstr(r.out, "Thành phố Cần Thơ (cũ)"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods_expect_the_units_of_their_date),
        cmocka_unit_test(test_a_class_by_parent_follows_the_parent_of_the_date),
        cmocka_unit_test(test_the_review_chain_skips_the_missing_level),
        cmocka_unit_test(test_an_amendment_moves_a_district_task_to_the_communes),
        cmocka_unit_test(test_status_by_area),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
