/* Vietnamese text as people type it, end to end (issue 13, part 4): the
 * same report sent with its status and text in NFC, NFD (macOS, some input
 * methods), upper case, without diacritics or with a trailing dot is
 * stored once, as the same NFC bytes; unit names typed in any case, normal
 * form or without diacritics find the unit, an ambiguous one is refused
 * naming every match, a misspelt status, role or unit gets "có phải ý bạn
 * là" (did you mean) naming the right one; a passphrase typed in NFD
 * verifies against one set in NFC and back, and an account whose hash was
 * made from a non-NFC passphrase before this change still logs in (and is
 * rehashed); invalid UTF-8 is still refused, not repaired. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
};

/* "đang triển khai" and "hoàn thành" as keyboards type them: NFC (Windows
 * Unikey "dựng sẵn"), NFD (macOS), upper case, without diacritics */
#define DANG_NFC "\xc4\x91" "ang tri\xe1\xbb\x83n khai"
#define DANG_NFD "\xc4\x91" "ang trie\xcc\x82\xcc\x89n khai"
#define DANG_TITLE "\xc4\x90" "ang tri\xe1\xbb\x83n khai"
#define DANG_UPPER "\xc4\x90" "ANG TRI\xe1\xbb\x82N KHAI"
#define HOAN_DOT "ho\xc3\xa0n th\xc3\xa0nh."

/* "Đã tiếp nhận hồ sơ" in NFC and NFD */
#define RESULT_NFC "\xc4\x90\xc3\xa3 ti\xe1\xba\xbfp nh\xe1\xba\xadn h\xe1\xbb\x93 s\xc6\xa1"
#define RESULT_NFD "\xc4\x90" "a\xcc\x83 tie\xcc\x82\xcc\x81p nha\xcc\xa3\xcc\x82n ho\xcc\x82\xcc\x80 so\xcc\x9b"

/* "Bình Thủy" in NFD, "QUẬN BÌNH THỦY" */
#define BINHTHUY_NFD "Bi\xcc\x80nh Thu\xcc\x9b\xcc\x89y"
#define BINHTHUY_UPPER "QU\xe1\xba\xac" "N B\xc3\x8cNH TH\xe1\xbb\xa6Y"

/* A passphrase in NFC, NFD and the Vietnamese combining form (Unikey's
 * "Unicode tổ hợp", Windows-1258: ậ = â + dot below, ầ = â + grave): the
 * three byte sequences a keyboard may send for "Mật-khẩu-Cần-Thơ-2023". */
#define PASS_NFC "M\xe1\xba\xadt-kh\xe1\xba\xa9u-C\xe1\xba\xa7n-Th\xc6\xa1-2023"
#define PASS_NFD "Ma\xcc\xa3\xcc\x82t-kha\xcc\x82\xcc\x89u-Ca\xcc\x82\xcc\x80n-Tho\xcc\x9b-2023"
#define PASS_VI "M\xc3\xa2\xcc\xa3t-kh\xc3\xa2\xcc\x89u-C\xc3\xa2\xcc\x80n-Th\xc6\xa1-2023"

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    fixture_start(&fx, "normalize", NULL);
    /* two communes whose names differ only in where the tone mark sits
     * (old and new spelling): the same name without diacritics */
    harness_import_communes(srv, "39001,Phường Tân Hòa,Q-NINHKIEU\n"
                                 "39002,Phường Tân Hoà,Q-BINHTHUY\n");
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* The hex of text's bytes, as encode(convert_to(x, 'UTF8'), 'hex') gives. */
static void hex_of(const char *text, char *out, size_t size)
{
    size_t used = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && used + 3 < size; p++)
        used += (size_t)snprintf(out + used, size - used, "%02x", *p);
    out[used] = '\0';
}

/* One value of the database, as text (freed by the caller). */
static char *query(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *query(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    char *v = harness_db_query(&fx.db, sql);
    if (!v)
        fail_msg("no row: %s", sql);
    return v;
}

static void expect_query(const char *expected, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void expect_query(const char *expected, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    char *v = harness_db_query(&fx.db, sql);
    if (!v || strcmp(v, expected) != 0)
        fail_msg("%s: expected \"%s\", got \"%s\"", sql, expected, v ? v : "(no row)");
    free(v);
}

/* The latest revision of the reporter's report on task in 2023-6M. */
#define LATEST "FROM report_revision v JOIN report r ON r.id = v.report_id " \
               "WHERE r.period_id = '2023-6M' AND r.unit_code = 'Q-NINHKIEU' AND r.task_id = %d " \
               "ORDER BY v.revision DESC LIMIT 1"

static void submit_ok(const char *task, const char *status, const char *progress,
                      const char *result)
{
    const char *args[] = {"submit", "--task", task, "--period", "2023-6M", "--status", status,
                          "--progress", progress, "--result", result, NULL};
    harness_cchc_ok(srv, args);
}

/* ---- statuses and text ---------------------------------------------------------- */

static void test_same_report_every_form(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    char want[512];
    hex_of(RESULT_NFC, want, sizeof(want));

    /* the first send, NFD text: stored in NFC */
    submit_ok("105", DANG_NFD, "40", RESULT_NFD);
    expect_query("in_progress", "SELECT v.status " LATEST, 105);
    expect_query(want, "SELECT encode(convert_to(v.results, 'UTF8'), 'hex') " LATEST, 105);
    expect_query("t", "SELECT v.results IS NFC NORMALIZED " LATEST, 105);
    expect_query("1", "SELECT count(*) FROM report_revision v JOIN report r ON r.id = v.report_id "
                      "WHERE r.task_id = 105 AND r.unit_code = 'Q-NINHKIEU'");

    /* every other way of typing the same report is the same report: it
     * writes nothing (an unchanged resubmission) — were any byte
     * different, it would be a new revision, or refused without a base */
    const char *statuses[] = {DANG_NFC, DANG_TITLE, DANG_UPPER, "dang trien khai", "Dang Trien Khai.",
                              "in_progress", "IN_PROGRESS"};
    const char *results[] = {RESULT_NFC, RESULT_NFD};
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        submit_ok("105", statuses[i], "40", results[i % 2]);
    expect_query("1", "SELECT count(*) FROM report_revision v JOIN report r ON r.id = v.report_id "
                      "WHERE r.task_id = 105 AND r.unit_code = 'Q-NINHKIEU'");
    expect_query("in_progress", "SELECT v.status " LATEST, 105);
    expect_query(want, "SELECT encode(convert_to(v.results, 'UTF8'), 'hex') " LATEST, 105);

    /* the file path too: a CSV row whose status is upper case with a dot
     * and whose text is NFD */
    char csv[1024];
    snprintf(csv, sizeof(csv),
             "\"Kỳ báo cáo\",\"Mã nhiệm vụ\",\"Nhiệm vụ\",\"Chỉ tiêu\",\"Trạng thái\",\"Tiến độ (%%)\","
             "\"Kết quả đạt được\",\"Khó khăn, vướng mắc\",\"Kiến nghị\",\"Giá trị chỉ số\","
             "\"Tình trạng báo cáo\",\"Lý do trả lại\",\"Phiên bản gốc\"\r\n"
             "\"2023-6M\",\"106\",\"\",\"\",\"HO\xc3\x80N TH\xc3\x80NH.\",\"100\",\"%s\",\"\",\"\",\"\","
             "\"\",\"\",\"\"\r\n",
             RESULT_NFD);
    harness_write_file("normalize.csv", csv);
    const char *file[] = {"submit", "--file", "normalize.csv", NULL};
    harness_cchc_ok(srv, file);
    expect_query("completed", "SELECT v.status " LATEST, 106);
    expect_query(want, "SELECT encode(convert_to(v.results, 'UTF8'), 'hex') " LATEST, 106);
    /* and "hoàn thành." on the command line is the same status */
    submit_ok("106", HOAN_DOT, "100", RESULT_NFC);
    expect_query("1", "SELECT count(*) FROM report_revision v JOIN report r ON r.id = v.report_id "
                      "WHERE r.task_id = 106 AND r.unit_code = 'Q-NINHKIEU'");
    fixture_as(&fx, -1);
}

static void test_misspelt_status_did_you_mean(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    char *before = query("SELECT count(*) FROM report_revision");
    const char *args[] = {"submit", "--task", "104", "--period", "2023-6M", "--status", "hoan tanh",
                          "--progress", "100", "--result", "Xong", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "có phải ý bạn là"));
    /* the right one, quoted with its code: not a list that looks like
     * what was typed */
    assert_non_null(strstr(r.err, "\"hoàn thành\" (completed)"));
    assert_non_null(strstr(r.err, "\"hoan tanh\""));
    run_result_free(&r);
    char *after = query("SELECT count(*) FROM report_revision");
    assert_string_equal(before, after);
    free(before);
    free(after);
    fixture_as(&fx, -1);
}

static void test_invalid_utf8_still_refused(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    char *before = query("SELECT count(*) FROM report_revision");
    const char *args[] = {"submit", "--task", "104", "--period", "2023-6M", "--status", "hoàn thành",
                          "--progress", "100", "--result", "sai \xff byte", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "UTF-8"));
    run_result_free(&r);
    char *after = query("SELECT count(*) FROM report_revision");
    assert_string_equal(before, after);
    free(before);
    free(after);
    fixture_as(&fx, -1);
}

/* ---- unit names ------------------------------------------------------------------- */

static void expect_history_of(const char *typed, const char *code)
{
    const char *args[] = {"units", "history", typed, NULL};
    json_t *h = harness_cchc_json(srv, args);
    json_t *unit = json_object_get(h, "unit");
    if (!unit || strcmp(jstr(unit, "code"), code) != 0)
        fail_msg("units history \"%s\": expected %s", typed, code);
    json_decref(h);
}

static void test_unit_names_forgiven(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    expect_history_of("binh thuy", "Q-BINHTHUY");
    expect_history_of(BINHTHUY_NFD, "Q-BINHTHUY");
    expect_history_of(BINHTHUY_UPPER, "Q-BINHTHUY");
    expect_history_of("Quan Ninh Kieu", "Q-NINHKIEU");
    expect_history_of("ninh kieu", "Q-NINHKIEU");
    /* the exact spelling still picks its own commune */
    expect_history_of("Phường Tân Hoà", "39002");

    /* a unit typed for a submission: the reporter's own district without
     * diacritics */
    fixture_as(&fx, REPORTER);
    const char *args[] = {"submit", "--task", "104", "--period", "2023-6M", "--unit", "quan ninh kieu",
                          "--status", "chua trien khai", "--progress", "0", "--difficulties",
                          "Chưa có kinh phí", NULL};
    harness_cchc_ok(srv, args);
    expect_query("not_started", "SELECT v.status " LATEST, 104);
    fixture_as(&fx, -1);
}

static void test_ambiguous_unit_lists_both(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *args[] = {"units", "history", "phuong tan hoa", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "khớp nhiều đơn vị"));
    assert_non_null(strstr(r.err, "39001"));
    assert_non_null(strstr(r.err, "39002"));
    run_result_free(&r);
}

static void test_misspelt_unit_did_you_mean(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *args[] = {"units", "history", "binh thuyy", NULL};
    run_result r;
    harness_cchc(&r, srv, args);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "có phải ý bạn là"));
    assert_non_null(strstr(r.err, "(Q-BINHTHUY)"));
    run_result_free(&r);
    /* a district in `cchc missing` */
    const char *missing[] = {"missing", "--period", "2023-6M", "--district", "ninh kiu", NULL};
    harness_cchc(&r, srv, missing);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "(Q-NINHKIEU)"));
    run_result_free(&r);
}

/* ---- roles ---------------------------------------------------------------------------- */

static void test_roles_forgiven(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    harness_add_account(srv, "bt.kiemtra", "Kiem-tra-Binh-Thuy-2023", "binh thuy", "Reviewer, VIEWER");
    expect_query("{reviewer,viewer}", "SELECT roles::text FROM account WHERE username = 'bt.kiemtra'");
    expect_query("Q-BINHTHUY", "SELECT unit_code FROM account WHERE username = 'bt.kiemtra'");
    const char *args[] = {"user", "add", "bt.khac", "--unit", "Q-BINHTHUY", "--role", "reveiwer", NULL};
    run_result r;
    harness_cchc_input(&r, srv, "Kiem-tra-Binh-Thuy-2024\n", args);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "có phải ý bạn là: reviewer"));
    run_result_free(&r);
    expect_query("0", "SELECT count(*) FROM account WHERE username = 'bt.khac'");
}

/* ---- passphrases ---------------------------------------------------------------------- */

/* Logs username in with password in a fresh home; returns cchc's code. */
static int login_fresh(const char *username, const char *password)
{
    char home[64];
    harness_new_home(home, sizeof(home));
    harness_use_home(home);
    int rc = harness_login(srv, username, password);
    harness_remove_home(home);
    fixture_as(&fx, -1);
    return rc;
}

static void test_passphrase_any_form(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    harness_add_account(srv, "nfc.user", PASS_NFC, "Q-NINHKIEU", "viewer");
    harness_add_account(srv, "nfd.user", PASS_NFD, "Q-NINHKIEU", "viewer");
    assert_int_equal(login_fresh("nfc.user", PASS_NFD), 0);
    assert_int_equal(login_fresh("nfc.user", PASS_VI), 0);
    assert_int_equal(login_fresh("nfd.user", PASS_NFC), 0);
    assert_int_equal(login_fresh("nfd.user", PASS_NFD), 0);
    /* both hashes are of the NFC form */
    for (int i = 0; i < 2; i++) {
        char *hash = query("SELECT password_hash FROM account WHERE username = '%s'",
                           i ? "nfd.user" : "nfc.user");
        assert_int_equal(crypto_pwhash_str_verify(hash, PASS_NFC, strlen(PASS_NFC)), 0);
        free(hash);
    }
    /* a wrong passphrase is still wrong */
    assert_int_not_equal(login_fresh("nfc.user", "Mat-khau-Can-Tho-2023"), 0);
}

/* Sets username's hash to one made from password as cchc stored it before
 * passwords were normalised. */
static void set_legacy_hash(const char *username, const char *password)
{
    char hash[crypto_pwhash_STRBYTES];
    assert_int_equal(crypto_pwhash_str(hash, password, strlen(password),
                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE),
                     0);
    /* the hash is $argon2id$…: base64 and ASCII punctuation, no quote */
    char sql[512];
    snprintf(sql, sizeof(sql), "UPDATE account SET password_hash = '%s' WHERE username = '%s' RETURNING 1",
             hash, username);
    char *done = harness_db_query(&fx.db, sql);
    assert_non_null(done);
    free(done);
}

static void test_legacy_hash_still_logs_in(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *legacy[][2] = {{"legacy.nfd", PASS_NFD}, {"legacy.vi", PASS_VI}};
    for (int i = 0; i < 2; i++) {
        harness_add_account(srv, legacy[i][0], "Tam-thoi-Can-Tho-2023", "Q-NINHKIEU", "viewer");
        set_legacy_hash(legacy[i][0], legacy[i][1]);
        char *old = query("SELECT password_hash FROM account WHERE username = '%s'", legacy[i][0]);
        assert_int_not_equal(crypto_pwhash_str_verify(old, PASS_NFC, strlen(PASS_NFC)), 0);
        /* typed today in any form, it arrives in NFC: the old hash verifies
         * one of the other forms, and is made again from the NFC one */
        assert_int_equal(login_fresh(legacy[i][0], PASS_NFC), 0);
        char *now = query("SELECT password_hash FROM account WHERE username = '%s'", legacy[i][0]);
        assert_string_not_equal(now, old);
        assert_int_equal(crypto_pwhash_str_verify(now, PASS_NFC, strlen(PASS_NFC)), 0);
        assert_int_equal(login_fresh(legacy[i][0], legacy[i][1]), 0);
        free(old);
        free(now);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_report_every_form),
        cmocka_unit_test(test_misspelt_status_did_you_mean),
        cmocka_unit_test(test_invalid_utf8_still_refused),
        cmocka_unit_test(test_unit_names_forgiven),
        cmocka_unit_test(test_ambiguous_unit_lists_both),
        cmocka_unit_test(test_misspelt_unit_did_you_mean),
        cmocka_unit_test(test_roles_forgiven),
        cmocka_unit_test(test_passphrase_any_form),
        cmocka_unit_test(test_legacy_hash_still_logs_in),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
