/* Issue 12's "done when" for the units, through the real client: the city
 * shipped by sql/0014_units.sql (9 districts, 83 communes, 80 from
 * 2024-11-01), the shipped 2025 change set applied with `cchc units apply`
 * (the repository's own file, not a copy: CCHC_UNITS_DIR), applying it
 * twice changing nothing, --dry-run changing nothing and naming what a
 * closing unit leaves behind, absorbing into an existing unit, changes
 * refused whole, and a unit's history. The tests run in order on one
 * database: the reform is applied by the third. The last test brings a
 * database of version 13 with imported communes to 0014 (docs/migrations.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "harness.h"

#define CHANGES_2025 CCHC_SOURCE_DIR "/sql/units/changes_2025.csv"

static test_fixture fx;
static test_server *const srv = &fx.srv;

static const test_person people[] = {
    {"anhoa.clerk", "Phuong-An-Hoa-2025", "P-NK-ANHOA", "reporter"},
};

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "unit_changes", NULL);
    fixture_add_people(&fx, people, 1, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

typedef struct tree_counts {
    int districts, communes, communes_under_district, communes_under_city, units;
    int formed_or_kept; /* communes with a predecessor, or existing before the data */
} tree_counts;

/* What `cchc units --as-of D --json` shows: districts and communes, and
 * whose child each commune is on that date. */
static tree_counts tree_on(const char *as_of)
{
    const char *args[] = {"units", "--as-of", as_of, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *units = json_object_get(root, "units");
    tree_counts c = {0};
    c.units = (int)json_array_size(units);
    for (size_t i = 0; i < json_array_size(units); i++) {
        json_t *u = json_array_get(units, i);
        const char *kind = jstr(u, "kind");
        if (strcmp(kind, "district") == 0)
            c.districts++;
        if (strcmp(kind, "commune") != 0)
            continue;
        c.communes++;
        const char *parent = json_string_value(json_object_get(u, "parent_code"));
        if (parent && strcmp(parent, "UBND-TP") == 0)
            c.communes_under_city++;
        for (size_t j = 0; parent && j < json_array_size(units); j++) {
            json_t *p = json_array_get(units, j);
            if (strcmp(jstr(p, "code"), parent) == 0 && strcmp(jstr(p, "kind"), "district") == 0)
                c.communes_under_district++;
        }
        const char *from = json_string_value(json_object_get(u, "valid_from"));
        if (json_array_size(json_object_get(u, "predecessors")) > 0 || !from || !*from)
            c.formed_or_kept++;
    }
    json_decref(root);
    return c;
}

static int listed(const char *as_of, const char *code)
{
    const char *args[] = {"units", "--as-of", as_of, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *units = json_object_get(root, "units");
    int found = 0;
    for (size_t i = 0; i < json_array_size(units); i++)
        found |= strcmp(jstr(json_array_get(units, i), "code"), code) == 0;
    json_decref(root);
    return found;
}

static void test_city_before_the_reform(void **state)
{
    (void)state;
    tree_counts before_1192 = tree_on("2024-10-31");
    assert_int_equal(before_1192.districts, 9);
    assert_int_equal(before_1192.communes, 83);
    assert_int_equal(before_1192.communes_under_district, 83);
    tree_counts june = tree_on("2025-06-30");
    assert_int_equal(june.districts, 9);
    assert_int_equal(june.communes, 80);
    assert_int_equal(june.communes_under_district, 80);

    /* the tree as text: no commune at the top level, bodies outside the
     * administration under their own heading after the city */
    const char *args[] = {"units", "--as-of", "2025-06-30", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 0);
    const char *heading = strstr(r.out, "Ngoài bộ máy hành chính thành phố");
    const char *paper = strstr(r.out, "Báo Cần Thơ (BAO-CT");
    const char *ward = strstr(r.out, "\n    Phường An Hòa (P-NK-ANHOA");
    assert_non_null(heading);
    assert_non_null(paper);
    assert_non_null(ward); /* city > district > ward: indented twice */
    assert_true(paper > heading && ward < heading);
    run_result_free(&r);
}

static void test_dry_run_changes_nothing(void **state)
{
    (void)state;
    const char *open[] = {"period", "open", "2025-6M", NULL};
    harness_cchc_ok(srv, open);
    const char *dry[] = {"units", "apply", CHANGES_2025, "--dry-run", NULL};
    run_result r;
    harness_cchc(&r, srv, dry);
    assert_int_equal(r.exit_code, 0);
    /* the summary in Vietnamese (issue 14: an id with arguments, the verb and date the reader's) */
    assert_non_null(strstr(r.out, "[sẽ áp dụng] hợp nhất P-NK-ANHOA, P-NK-CAIKHE, P-BT-BUIHUUNGHIA → P-CAIKHE"));
    assert_non_null(strstr(r.out, "Chạy thử (--dry-run): 114 thay đổi sẽ áp dụng"));
    /* the account on a ward that ends, with the command that moves it */
    assert_non_null(strstr(r.out, "cchc user move anhoa.clerk --unit P-CAIKHE"));
    /* the ward's reports for the open half-year still expected */
    assert_non_null(strstr(r.out, "còn chờ kỳ 2025-6M, nhiệm vụ "));
    run_result_free(&r);

    const char *dry_json[] = {"units", "apply", CHANGES_2025, "--dry-run", NULL};
    json_t *root = harness_cchc_json(srv, dry_json);
    assert_true(json_is_true(json_object_get(root, "dry_run")));
    assert_int_equal(jint(root, "applied"), 114);
    json_decref(root);

    tree_counts july = tree_on("2025-07-01");
    assert_int_equal(july.districts, 9);
    assert_int_equal(july.communes, 80);
    assert_false(listed("2025-07-01", "P-CAIKHE"));
}

static void test_apply_the_2025_reform_twice(void **state)
{
    (void)state;
    const char *apply[] = {"units", "apply", CHANGES_2025, NULL};
    run_result r;
    harness_cchc(&r, srv, apply);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Đã áp dụng 114 thay đổi"));
    run_result_free(&r);

    tree_counts july = tree_on("2025-07-01");
    assert_int_equal(july.districts, 0);
    assert_int_equal(july.communes, 103);
    assert_int_equal(july.communes_under_city, 103);
    /* the former city's 32: 28 formed from its units, 4 kept and moved */
    assert_int_equal(july.formed_or_kept, 32);
    tree_counts june = tree_on("2025-06-30");
    assert_int_equal(june.districts, 9);
    assert_int_equal(june.communes_under_district, 80);
    assert_true(listed("2025-03-01", "SKHCN"));
    assert_false(listed("2025-03-01", "STTTT"));

    /* again: nothing changes, and it says so */
    harness_cchc(&r, srv, apply);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "đã áp dụng trước đó: 114 thay đổi"));
    run_result_free(&r);
    const char *again_json[] = {"units", "apply", CHANGES_2025, NULL};
    json_t *root = harness_cchc_json(srv, again_json);
    assert_int_equal(jint(root, "applied"), 0);
    assert_int_equal(jint(root, "already"), 114);
    json_decref(root);
    tree_counts still = tree_on("2025-07-01");
    assert_int_equal(still.units, july.units);
}

/* A JSON change set written by the test. */
static void write_set(const char *path, const char *json)
{
    harness_write_file(path, json);
}

static void test_merge_into_an_existing_unit(void **state)
{
    (void)state;
    /* made-up departments: the Nội vụ + LĐTBXH merger is not sourced */
    write_set("depts.json", "{\"changes\": ["
              "{\"op\": \"create\", \"effective_on\": \"2024-01-01\", \"to\": [{\"code\": \"TEST-SA\","
              " \"name\": \"Sở Thử A\", \"kind\": \"department\", \"parent\": \"UBND-TP\"}]},"
              "{\"op\": \"create\", \"effective_on\": \"2024-01-01\", \"to\": [{\"code\": \"TEST-SB\","
              " \"name\": \"Sở Thử B\", \"kind\": \"department\", \"parent\": \"UBND-TP\"}]},"
              "{\"op\": \"create\", \"effective_on\": \"2024-01-01\", \"to\": [{\"code\": \"TEST-SC\","
              " \"name\": \"Sở Thử C\", \"kind\": \"department\", \"parent\": \"UBND-TP\"}]}]}");
    const char *create[] = {"units", "apply", "depts.json", NULL};
    harness_cchc_ok(srv, create);
    /* the form: the absorbing unit among the merged ones */
    const char *merge[] = {"units", "merge", "TEST-SA", "TEST-SB", "--into", "TEST-SA", "--on", "2025-03-01",
                           "--basis", "Quyết định thử", NULL};
    harness_cchc_ok(srv, merge);
    /* and absorbing without being named among them */
    write_set("absorb.json", "[{\"op\": \"merge\", \"effective_on\": \"2025-04-01\", \"from\": [\"TEST-SC\"],"
              " \"to\": [{\"code\": \"TEST-SA\"}]}]");
    const char *absorb[] = {"units", "apply", "absorb.json", NULL};
    harness_cchc_ok(srv, absorb);
    assert_true(listed("2025-04-01", "TEST-SA"));
    assert_false(listed("2025-03-01", "TEST-SB"));
    assert_true(listed("2025-03-31", "TEST-SC"));
    assert_false(listed("2025-04-01", "TEST-SC"));

    const char *history[] = {"units", "history", "TEST-SA", NULL};
    json_t *root = harness_cchc_json(srv, history);
    json_t *events = json_object_get(root, "events");
    int absorbed = 0;
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *e = json_array_get(events, i);
        if (strcmp(jstr(e, "event"), "absorbed") == 0)
            absorbed++;
    }
    assert_int_equal(absorbed, 2);
    json_decref(root);
    unlink("depts.json");
    unlink("absorb.json");
}

/* A set overlapping one applied: the changes already made are passed over
 * and counted, the rest applied (docs/units.md). */
static void test_overlapping_set_applies_the_rest(void **state)
{
    (void)state;
    write_set("overlap.json", "[{\"op\": \"move\", \"effective_on\": \"2025-07-01\", \"from\": [\"P-TN-TANLOC\"],"
              " \"to\": [{\"parent\": \"UBND-TP\"}], \"legal_basis\": \"NQ-1668\"},"
              " {\"op\": \"create\", \"effective_on\": \"2025-07-01\", \"to\": [{\"code\": \"TEST-SE\","
              " \"name\": \"Sở Thử E\", \"kind\": \"department\", \"parent\": \"UBND-TP\"}]}]");
    const char *apply[] = {"units", "apply", "overlap.json", NULL};
    json_t *root = harness_cchc_json(srv, apply);
    assert_int_equal(jint(root, "applied"), 1);
    assert_int_equal(jint(root, "already"), 1);
    json_t *first = json_array_get(json_object_get(root, "effects"), 0);
    assert_string_equal(jstr(first, "state"), "already");
    json_decref(root);
    assert_true(listed("2025-07-01", "TEST-SE"));
    unlink("overlap.json");
}

static void expect_refused(const char *path, const char *json, const char *needle)
{
    write_set(path, json);
    const char *args[] = {"units", "apply", path, NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_equal(r.exit_code, 1);
    if (!strstr(r.err, needle))
        fail_msg("expected \"%s\" in: %s", needle, r.err);
    run_result_free(&r);
    unlink(path);
}

static void test_bad_changes_refused_whole(void **state)
{
    (void)state;
    /* a good change first: refused with the rest */
    const char *good = "{\"op\": \"create\", \"effective_on\": \"2025-01-01\", \"to\": [{\"code\": \"TEST-SD\","
                       " \"name\": \"Sở Thử D\", \"kind\": \"department\", \"parent\": \"UBND-TP\"}]}";
    char json[1024];
    snprintf(json, sizeof(json), "[%s, {\"op\": \"close\", \"effective_on\": \"2025-05-01\", \"from\": [\"NO-SUCH\"]}]",
             good);
    expect_refused("bad1.json", json, "không tìm thấy đơn vị");
    snprintf(json, sizeof(json), "[%s, {\"op\": \"close\", \"effective_on\": \"2024-06-01\", \"from\": [\"TEST-SD\"]}]",
             good);
    expect_refused("bad2.json", json, "không sau ngày");
    snprintf(json, sizeof(json),
             "[%s, {\"op\": \"close\", \"effective_on\": \"2025-05-01\", \"from\": [\"TEST-SD\"]},"
             " {\"op\": \"close\", \"effective_on\": \"2025-05-01\", \"from\": [\"TEST-SD\"]}]",
             good);
    expect_refused("bad3.json", json, "thay đổi lặp lại dòng");
    /* closing a unit the reform already closed, on another day */
    expect_refused("bad4.json", "[{\"op\": \"close\", \"effective_on\": \"2025-08-01\", \"from\": [\"Q-OMON\"]}]",
                   "đã kết thúc ngày");
    assert_false(listed("2025-02-01", "TEST-SD"));

    /* the one-change command: closing twice is refused the second time */
    const char *close[] = {"units", "close", "TEST-SA", "--on", "2026-01-01", NULL};
    harness_cchc_ok(srv, close);
    run_result r;
    harness_cchc(&r, srv, close);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "đã đóng từ ngày"));
    run_result_free(&r);
}

static void test_history_of_merged_and_split_units(void **state)
{
    (void)state;
    /* absorbed in 2024 (Resolution 1192), shipped by the migration */
    const char *anphu[] = {"units", "history", "P-NK-ANPHU", NULL};
    run_result r;
    harness_cchc(&r, srv, anphu);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "01/11/2024  nhập vào Phường Thới Bình (P-NK-THOIBINH)"));
    assert_non_null(strstr(r.out, "1192/NQ-UBTVQH15 ngày 28/09/2024"));
    run_result_free(&r);

    /* a ward split between two new wards in 2025 */
    const char *split[] = {"units", "history", "P-BT-BUIHUUNGHIA", NULL};
    json_t *root = harness_cchc_json(srv, split);
    assert_string_equal(jstr(json_object_get(root, "unit"), "valid_until"), "2025-06-30");
    json_t *events = json_object_get(root, "events");
    int into_caikhe = 0, into_binhthuy = 0, moved = 0;
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *e = json_array_get(events, i);
        if (strcmp(jstr(e, "event"), "merged_into") != 0)
            continue;
        assert_string_equal(jstr(e, "on_date"), "2025-07-01");
        if (strcmp(jstr(e, "other_code"), "P-CAIKHE") == 0)
            into_caikhe = strcmp(jstr(e, "part"), "part") == 0; /* a code: the client labels it */
        if (strcmp(jstr(e, "other_code"), "P-BINHTHUY") == 0)
            into_binhthuy = strcmp(jstr(e, "part"), "rest") == 0;
        assert_non_null(strstr(jstr(e, "legal_basis"), "1668/NQ-UBTVQH15"));
    }
    assert_true(into_caikhe && into_binhthuy);
    json_decref(root);

    /* the new ward: formed from three, one of them in part */
    const char *caikhe[] = {"units", "history", "P-CAIKHE", NULL};
    root = harness_cchc_json(srv, caikhe);
    events = json_object_get(root, "events");
    int formed = 0;
    for (size_t i = 0; i < json_array_size(events); i++)
        formed += strcmp(jstr(json_array_get(events, i), "event"), "formed_from") == 0;
    assert_int_equal(formed, 3);
    json_decref(root);

    /* a ward kept and moved under the city */
    const char *tanloc[] = {"units", "history", "P-TN-TANLOC", NULL};
    root = harness_cchc_json(srv, tanloc);
    events = json_object_get(root, "events");
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *e = json_array_get(events, i);
        moved |= strcmp(jstr(e, "event"), "moved") == 0 && strcmp(jstr(e, "other_code"), "UBND-TP") == 0;
    }
    assert_true(moved);
    json_decref(root);

    const char *unknown[] = {"units", "history", "NO-SUCH", NULL};
    harness_cchc(&r, srv, unknown);
    assert_int_equal(r.exit_code, 1);
    run_result_free(&r);
}

static char *read_source(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 65536 + 1 > cap) {
            cap = cap * 2 + 65536 + 1;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t n = fread(buf + *len, 1, cap - *len - 1, f);
        *len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

static int count_of(const test_db *db, const char *sql)
{
    char *v = harness_db_query(db, sql);
    int n = v ? atoi(v) : -1;
    free(v);
    return n;
}

/* A deployment at version 13 whose administrator imported communes
 * (`cchc units import`, one under Ninh Kiều with a GSO number as its code,
 * one under Cờ Đỏ with the code 0014 gives a commune of Phong Điền): 0014
 * skips those districts whole, keeps what was imported, and ships the rest. */
static void test_migration_keeps_imported_communes(void **state)
{
    (void)state;
    test_db db;
    harness_db_create(&db, "m14");
    PGconn *conn = PQconnectdb(db.conninfo);
    assert_int_equal(PQstatus(conn), CONNECTION_OK);
    /* the migrations before 0014, as `cchcd migrate` applies and records them */
    for (int version = 1; version <= 13; version++) {
        char prefix[8], path[512] = "", name[128] = "";
        snprintf(prefix, sizeof(prefix), "%04d_", version);
        DIR *dir = opendir(CCHC_SOURCE_DIR "/sql");
        assert_non_null(dir);
        for (struct dirent *e; (e = readdir(dir)) != NULL;)
            if (strncmp(e->d_name, prefix, 5) == 0 && strlen(e->d_name) < sizeof(name)) {
                snprintf(path, sizeof(path), "%s/sql/%s", CCHC_SOURCE_DIR, e->d_name);
                snprintf(name, sizeof(name), "%.*s", (int)strlen(e->d_name) - 4, e->d_name);
            }
        closedir(dir);
        size_t len;
        char *sql = read_source(path, &len);
        PGresult *res = PQexec(conn, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK &&
            PQresultStatus(res) != PGRES_EMPTY_QUERY) /* a file emptied when its functions moved */
            fail_msg("%s: %s", name, PQresultErrorMessage(res));
        PQclear(res);
        char v[8];
        snprintf(v, sizeof(v), "%d", version);
        const char *params[] = {v, name, sql};
        const int lengths[] = {0, 0, (int)len}, formats[] = {0, 0, 1};
        const Oid types[] = {0, 0, 17 /* bytea */};
        res = PQexecParams(conn, "INSERT INTO schema_migrations (version, name, checksum)"
                                 " VALUES ($1::int, $2, encode(sha256($3), 'hex'))",
                           3, types, params, lengths, formats, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            fail_msg("recording %s: %s", name, PQresultErrorMessage(res));
        PQclear(res);
        free(sql);
    }
    PQfinish(conn);
    free(harness_db_query(&db, "INSERT INTO org_unit (code, name, kind, parent_code) VALUES"
                               " ('31117', 'Phường Cái Khế', 'commune', 'Q-NINHKIEU'),"
                               " ('X-PD-NHONAI', 'Xã Thử', 'commune', 'H-CODO')"));

    run_result r;
    const char *migrate[] = {CCHCD_BIN, "migrate", "--db", db.conninfo, NULL};
    harness_run(&r, NULL, migrate);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "Q-NINHKIEU"));
    assert_non_null(strstr(r.err, "H-CODO"));
    assert_non_null(strstr(r.err, "H-PHONGDIEN"));
    run_result_free(&r);

    /* imported: kept; their districts: nothing added */
    assert_int_equal(count_of(&db, "SELECT count(*) FROM org_unit WHERE parent_code = 'Q-NINHKIEU'"
                                   " AND kind = 'commune'"), 1);
    assert_int_equal(count_of(&db, "SELECT count(*) FROM org_unit WHERE code = 'X-PD-NHONAI'"
                                   " AND parent_code = 'H-CODO' AND name = 'Xã Thử'"), 1);
    assert_int_equal(count_of(&db, "SELECT count(*) FROM org_unit WHERE parent_code IN"
                                   " ('H-CODO', 'H-PHONGDIEN')"), 1);
    /* the 2024 change is Ninh Kiều's: not recorded without its wards */
    assert_int_equal(count_of(&db, "SELECT count(*) FROM unit_succession"), 0);
    /* the other six districts: 83 - 11 (Ninh Kiều) - 10 (Cờ Đỏ) - 7 (Phong Điền) */
    assert_int_equal(count_of(&db, "SELECT count(*) FROM org_unit WHERE kind = 'commune'"), 55 + 2);
    harness_db_drop(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_city_before_the_reform),
        cmocka_unit_test(test_dry_run_changes_nothing),
        cmocka_unit_test(test_apply_the_2025_reform_twice),
        cmocka_unit_test(test_merge_into_an_existing_unit),
        cmocka_unit_test(test_overlapping_set_applies_the_rest),
        cmocka_unit_test(test_bad_changes_refused_whole),
        cmocka_unit_test(test_history_of_merged_and_split_units),
        cmocka_unit_test(test_migration_keeps_imported_communes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
