/* TLS on the wire (issue 11, part 1): cchcd speaks TLS with the
 * certificate it is given and cchc verifies it. Login and a submission go
 * end to end over TLS; a certificate for another host, an expired one and
 * one from an unknown CA are refused with a clear message and exit 4, as
 * are a pin mismatch, a plaintext client at a TLS server and a TLS client
 * at a plaintext server; a plaintext listener off loopback refuses to
 * start; SIGHUP puts a new certificate in place for new connections and a
 * bad one leaves the old in place; the CA and pin may come from the config
 * file; a large answer in parts is the same over TLS. Certificates come from
 * scripts/lib/certs.sh (harness_certs: CCHC_TEST_CERTS from scripts/test,
 * else made by the harness). This test gives cchcd its certificates itself
 * and sets CCHC_CA for cchc, so the harness adds neither; its plaintext
 * servers are started plaintext explicitly, whatever CCHC_TEST_TLS says. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <ctype.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
};

static const char *cert(const char *name)
{
    return harness_cert(name);
}

/* "sha256:hex" of a certificate, as the openssl command line sees it. */
static void fingerprint(const char *path, char *out, size_t size)
{
    const char *argv[] = {"/usr/bin/openssl", "x509", "-in", path, "-noout", "-fingerprint",
                          "-sha256", NULL};
    run_result r;
    harness_run(&r, NULL, argv);
    const char *eq = strchr(r.out, '=');
    if (r.exit_code != 0 || !eq)
        fail_msg("openssl x509 -fingerprint %s: %s", path, r.err);
    size_t used = (size_t)snprintf(out, size, "sha256:");
    for (const char *p = eq + 1; *p && *p != '\n' && used + 1 < size; p++)
        if (*p != ':')
            out[used++] = (char)tolower((unsigned char)*p);
    out[used] = '\0';
    run_result_free(&r);
}

static void start_tls_server(test_server *s, const char *cert_path)
{
    const char *args[] = {"--tls-cert", cert_path, "--tls-key", cert("server.key"), NULL};
    harness_server_start(s, fx.db.conninfo, args);
}

static int setup(void **state)
{
    (void)state;
    /* every cchc this test runs trusts the test CA, so it speaks TLS */
    setenv("CCHC_CA", cert("ca.crt"), 1);
    const char *args[] = {"--tls-cert", cert("server.crt"), "--tls-key", cert("server.key"),
                          NULL};
    fixture_start(&fx, "tls", args);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* Runs cchc against s with args; returns the exit code, stderr in err. */
static int cchc_err(const test_server *s, const char *const *args, char *err, size_t size)
{
    run_result r;
    harness_cchc(&r, s, args);
    snprintf(err, size, "%s", r.err);
    int code = r.exit_code;
    run_result_free(&r);
    return code;
}

/* The fixture logged in over TLS already; a reporter submits, and the
 * revision is in the database. */
static void test_login_and_submit_over_tls(void **state)
{
    (void)state;
    assert_true(harness_log_contains(srv, "TLS)")); /* "listening on … (…, TLS)" */
    fixture_as(&fx, REPORTER);
    const char *submit[] = {"submit", "--task", "102", "--period", "2023-6M", "--status",
                            "đang triển khai", "--progress", "30", "--result",
                            "Đã tiếp nhận 1.234 hồ sơ qua TLS", NULL};
    harness_cchc_ok(srv, submit);
    char *n = harness_db_query(&fx.db,
                               "SELECT count(*) FROM report_revision v JOIN report x ON x.id = "
                               "v.report_id WHERE x.period_id = '2023-6M' AND x.task_id = 102 "
                               "AND v.results = 'Đã tiếp nhận 1.234 hồ sơ qua TLS'");
    assert_string_equal(n, "1");
    free(n);
    fixture_as(&fx, -1);
}

/* A large answer sent in parts (a small --max-frame makes many frames,
 * each its own TLS records, through the write backlog) arrives over TLS
 * exactly as over plaintext. */
static void test_large_answer_same_as_plaintext(void **state)
{
    (void)state;
    const char *tls_args[] = {"--tls-cert", cert("server.crt"), "--tls-key",
                              cert("server.key"), "--max-frame", "2048", NULL};
    const char *plain_args[] = {"--max-frame", "2048", NULL};
    test_server tls_srv, plain_srv;
    harness_server_start(&tls_srv, fx.db.conninfo, tls_args);
    harness_server_start_plaintext(&plain_srv, fx.db.conninfo, plain_args);
    const char *missing[] = {"--json", "missing", "--period", "2023-6M", NULL};
    run_result over_tls, over_plain;
    /* a session is kept per server address: log in to each */
    assert_int_equal(harness_login(&tls_srv, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD), 0);
    harness_cchc(&over_tls, &tls_srv, missing);
    unsetenv("CCHC_CA"); /* plaintext to the plaintext server */
    assert_int_equal(harness_login(&plain_srv, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD), 0);
    harness_cchc(&over_plain, &plain_srv, missing);
    setenv("CCHC_CA", cert("ca.crt"), 1);
    if (over_tls.exit_code != 0 || over_plain.exit_code != 0)
        fail_msg("missing: TLS exit %d (%s), plaintext exit %d (%s)", over_tls.exit_code,
                 over_tls.err, over_plain.exit_code, over_plain.err);
    assert_true(strlen(over_tls.out) > 20000); /* many frames of 2 KiB */
    assert_string_equal(over_tls.out, over_plain.out);
    run_result_free(&over_tls);
    run_result_free(&over_plain);
    assert_int_equal(harness_server_stop(&tls_srv), 0);
    assert_int_equal(harness_server_stop(&plain_srv), 0);
}

/* openssl s_client negotiates TLS 1.3 by default and still gets TLS 1.2. */
static void test_protocol_versions(void **state)
{
    (void)state;
    char connect[64];
    snprintf(connect, sizeof(connect), "127.0.0.1:%d", srv->port);
    const char *v13[] = {"/usr/bin/openssl", "s_client", "-connect", connect, "-CAfile",
                         cert("ca.crt"), NULL};
    run_result r;
    harness_run(&r, "", v13);
    assert_non_null(strstr(r.out, "New, TLSv1.3"));
    assert_non_null(strstr(r.out, "Verify return code: 0 (ok)"));
    run_result_free(&r);
    const char *v12[] = {"/usr/bin/openssl", "s_client", "-connect", connect, "-CAfile",
                         cert("ca.crt"), "-tls1_2", NULL};
    harness_run(&r, "", v12);
    assert_non_null(strstr(r.out, "New, TLSv1.2"));
    run_result_free(&r);
}

/* Certificates cchc must refuse: each a clear sentence, exit 4, and one
 * line in cchcd's log. */
static void test_bad_certificates_refused(void **state)
{
    (void)state;
    static const struct {
        const char *file, *says;
    } cases[] = {
        {"wronghost.crt", "có thể đã kết nối nhầm máy"},
        {"expired.crt", "đã hết hạn"},
        {"untrusted.crt", "không được tin cậy"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        test_server bad;
        start_tls_server(&bad, cert(cases[i].file));
        const char *ping[] = {"ping", NULL};
        char err[2048];
        int code = cchc_err(&bad, ping, err, sizeof(err));
        if (code != 4 || !strstr(err, cases[i].says))
            fail_msg("%s: cchc exited %d: %s", cases[i].file, code, err);
        harness_wait_log(&bad, "closed: TLS handshake failed", 10000);
        assert_int_equal(harness_server_stop(&bad), 0);
    }
}

static void test_pin(void **state)
{
    (void)state;
    char pin[80], err[2048];
    fingerprint(cert("server.crt"), pin, sizeof(pin));
    const char *ok[] = {"--pin", pin, "ping", NULL};
    assert_int_equal(cchc_err(srv, ok, err, sizeof(err)), 0);
    char other[80];
    fingerprint(cert("server2.crt"), other, sizeof(other));
    const char *wrong[] = {"--pin", other, "ping", NULL};
    assert_int_equal(cchc_err(srv, wrong, err, sizeof(err)), 4);
    assert_non_null(strstr(err, "không khớp --pin"));
    assert_non_null(strstr(err, pin)); /* shows what the server presented */
    const char *garbled[] = {"--pin", "sha256:12ab", "ping", NULL};
    assert_int_equal(cchc_err(srv, garbled, err, sizeof(err)), 2);
}

/* The CA and the pin may come from the config file instead of flags. */
static void test_ca_and_pin_from_config(void **state)
{
    (void)state;
    char home[64], dir[128], path[160], text[1024], pin[80], err[2048];
    harness_new_home(home, sizeof(home));
    snprintf(dir, sizeof(dir), "%s/cchc", home);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    harness_use_home(home);
    unsetenv("CCHC_CA");
    const char *ping[] = {"ping", NULL};
    /* without a CA, the system store does not know the test CA */
    assert_int_equal(cchc_err(srv, (const char *[]){"--tls", "ping", NULL}, err, sizeof(err)), 4);
    assert_non_null(strstr(err, "không được tin cậy"));
    snprintf(text, sizeof(text), "ca = %s\n", cert("ca.crt"));
    harness_write_file(path, text);
    assert_int_equal(cchc_err(srv, ping, err, sizeof(err)), 0);
    fingerprint(cert("server2.crt"), pin, sizeof(pin));
    snprintf(text, sizeof(text), "ca = %s\npin = %s\n", cert("ca.crt"), pin);
    harness_write_file(path, text);
    assert_int_equal(cchc_err(srv, ping, err, sizeof(err)), 4);
    assert_non_null(strstr(err, "không khớp --pin"));
    fingerprint(cert("server.crt"), pin, sizeof(pin));
    snprintf(text, sizeof(text), "ca = %s\npin = %s\n", cert("ca.crt"), pin);
    harness_write_file(path, text);
    assert_int_equal(cchc_err(srv, ping, err, sizeof(err)), 0);
    setenv("CCHC_CA", cert("ca.crt"), 1);
    fixture_as(&fx, -1);
    harness_remove_home(home);
}

static void test_plaintext_and_tls_mismatch(void **state)
{
    (void)state;
    char err[2048];
    /* plaintext client, TLS server */
    const char *plain[] = {"--insecure-plaintext", "ping", NULL};
    assert_int_equal(cchc_err(srv, plain, err, sizeof(err)), 4);
    assert_non_null(strstr(err, "yêu cầu TLS"));
    harness_wait_log(srv, "TLS handshake failed: the client does not speak TLS", 10000);
    /* TLS client (CCHC_CA is set), plaintext server */
    test_server plain_srv;
    harness_server_start_plaintext(&plain_srv, fx.db.conninfo, NULL);
    const char *ping[] = {"ping", NULL};
    assert_int_equal(cchc_err(&plain_srv, ping, err, sizeof(err)), 4);
    assert_non_null(strstr(err, "không nói TLS"));
    assert_int_equal(harness_server_stop(&plain_srv), 0);
    /* contradictory options */
    const char *both[] = {"--tls", "--insecure-plaintext", "ping", NULL};
    assert_int_equal(cchc_err(srv, both, err, sizeof(err)), 2);
}

/* A plaintext listener on an address other than loopback does not start. */
static void test_plaintext_listener_off_loopback_refused(void **state)
{
    (void)state;
    const char *argv[] = {CCHCD_BIN, "serve", "--db", fx.db.conninfo, "--listen", "0.0.0.0:0",
                          NULL};
    run_result r;
    harness_run(&r, NULL, argv);
    assert_int_not_equal(r.exit_code, 0);
    if (!strstr(r.err, "refusing plaintext on a non-loopback address") &&
        !strstr(r.out, "refusing plaintext on a non-loopback address"))
        fail_msg("no clear refusal: %s%s", r.out, r.err);
    assert_null(strstr(r.out, "listening on"));
    assert_null(strstr(r.err, "listening on"));
    run_result_free(&r);
}

/* SIGHUP: new connections see the new certificate; a broken one is not
 * taken and the last good one stays. */
static void test_sighup_reload(void **state)
{
    (void)state;
    char dir[] = "/tmp/cchc-live-cert.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char live[128];
    snprintf(live, sizeof(live), "%s/live.crt", dir);
    char *first = harness_read_file(cert("server.crt"));
    char *second = harness_read_file(cert("server2.crt"));
    harness_write_file(live, first);
    char fp1[80], fp2[80], err[2048], needle[400];
    fingerprint(cert("server.crt"), fp1, sizeof(fp1));
    fingerprint(cert("server2.crt"), fp2, sizeof(fp2));

    test_server s;
    start_tls_server(&s, live);
    const char *pin1[] = {"--pin", fp1, "ping", NULL};
    const char *pin2[] = {"--pin", fp2, "ping", NULL};
    assert_int_equal(cchc_err(&s, pin1, err, sizeof(err)), 0);

    harness_write_file(live, second);
    kill(s.pid, SIGHUP);
    snprintf(needle, sizeof(needle), "TLS certificate reloaded from %s (%s)", live, fp2);
    harness_wait_log(&s, needle, 10000);
    assert_int_equal(cchc_err(&s, pin2, err, sizeof(err)), 0);
    assert_int_equal(cchc_err(&s, pin1, err, sizeof(err)), 4);
    assert_non_null(strstr(err, fp2));

    harness_write_file(live, "not a certificate\n");
    kill(s.pid, SIGHUP);
    harness_wait_log(&s, "TLS reload failed", 10000);
    assert_int_equal(cchc_err(&s, pin2, err, sizeof(err)), 0);

    assert_int_equal(harness_server_stop(&s), 0);
    free(first);
    free(second);
    unlink(live);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_and_submit_over_tls),
        cmocka_unit_test(test_large_answer_same_as_plaintext),
        cmocka_unit_test(test_protocol_versions),
        cmocka_unit_test(test_bad_certificates_refused),
        cmocka_unit_test(test_pin),
        cmocka_unit_test(test_ca_and_pin_from_config),
        cmocka_unit_test(test_plaintext_and_tls_mismatch),
        cmocka_unit_test(test_plaintext_listener_off_loopback_refused),
        cmocka_unit_test(test_sighup_reload),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
