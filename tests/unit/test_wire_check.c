/* Unit tests of the wire checks (proto/src/wire_check.c) and the UTF-8
 * cutting helpers they and the error replies rely on (common/utf8.c): the
 * envelope read without the body, a NUL or invalid byte found on the wire
 * at its field path (nested, repeated, oneof), the decoded-size estimate,
 * malformed and truncated bytes, and cutting text at a character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"
#include "wire_check.h"

/* Packs req; the caller frees. */
static uint8_t *pack(Cchc__V1__Request *req, size_t *len)
{
    *len = cchc__v1__request__get_packed_size(req);
    uint8_t *buf = malloc(*len ? *len : 1);
    cchc__v1__request__pack(req, buf);
    return buf;
}

/* Replaces the byte at offset at of the first occurrence of marker. */
static void patch(uint8_t *buf, size_t len, const char *marker, size_t at, uint8_t with)
{
    size_t m = strlen(marker);
    for (size_t i = 0; i + m <= len; i++)
        if (memcmp(buf + i, marker, m) == 0) {
            buf[i + at] = with;
            return;
        }
    fail_msg("marker %s not found", marker);
}

static void submit_with_rows(Cchc__V1__Request *req, Cchc__V1__ReportSubmitRequest *body,
                             Cchc__V1__ReportRow *rows, Cchc__V1__ReportRow **ptrs, size_t n)
{
    *body = (Cchc__V1__ReportSubmitRequest)CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    for (size_t i = 0; i < n; i++) {
        rows[i] = (Cchc__V1__ReportRow)CCHC__V1__REPORT_ROW__INIT;
        rows[i].results = "Đã xong";
        ptrs[i] = &rows[i];
    }
    body->period_id = "2023-6M";
    body->n_rows = n;
    body->rows = ptrs;
    *req = (Cchc__V1__Request)CCHC__V1__REQUEST__INIT;
    req->request_id = 77;
    req->session_token = "tok";
    req->request_key = "key-0123456789abcdef";
    req->body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req->report_submit = body;
}

static void test_envelope_without_body(void **state)
{
    (void)state;
    Cchc__V1__Request req;
    Cchc__V1__ReportSubmitRequest body;
    Cchc__V1__ReportRow rows[3], *ptrs[3];
    submit_with_rows(&req, &body, rows, ptrs, 3);
    size_t len;
    uint8_t *buf = pack(&req, &len);
    wire_envelope env;
    assert_int_equal(wire_scan_envelope(buf, len, &env), WIRE_CHECK_OK);
    assert_int_equal(env.request_id, 77);
    assert_int_equal(env.session_token_len, 3);
    assert_memory_equal(env.session_token, "tok", 3);
    assert_int_equal(env.request_key_len, strlen("key-0123456789abcdef"));
    assert_int_equal(env.body_case, CCHC__V1__REQUEST__BODY_REPORT_SUBMIT);
    assert_int_equal(env.body_len, cchc__v1__report_submit_request__get_packed_size(&body));

    Cchc__V1__Request *shallow = wire_decode_envelope(&env);
    assert_non_null(shallow);
    assert_int_equal(shallow->request_id, 77);
    assert_string_equal(shallow->session_token, "tok");
    assert_string_equal(shallow->request_key, "key-0123456789abcdef");
    assert_int_equal(shallow->body_case, CCHC__V1__REQUEST__BODY_REPORT_SUBMIT);
    assert_int_equal(shallow->report_submit->n_rows, 0); /* the body was not decoded */
    cchc__v1__request__free_unpacked(shallow, NULL);

    /* every truncation of the bytes is malformed or a shorter valid prefix,
     * never a read past the end (ASan watches) */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *part = malloc(cut ? cut : 1);
        memcpy(part, buf, cut);
        wire_check_status s = wire_scan_envelope(part, cut, &env);
        assert_true(s == WIRE_CHECK_OK || s == WIRE_CHECK_MALFORMED);
        wire_text_report report;
        s = wire_check_text(&cchc__v1__request__descriptor, part, cut, 1, &report);
        assert_true(s == WIRE_CHECK_OK || s == WIRE_CHECK_MALFORMED);
        free(part);
    }
    free(buf);
}

static void test_unknown_and_wrong_types(void **state)
{
    (void)state;
    wire_envelope env;
    /* id 9, unknown field 500 holding one byte: no body */
    const uint8_t unknown[] = {0x08, 0x09, 0xA2, 0x1F, 0x01, 0x00};
    assert_int_equal(wire_scan_envelope(unknown, sizeof(unknown), &env), WIRE_CHECK_OK);
    assert_int_equal(env.request_id, 9);
    assert_int_equal(env.body_case, CCHC__V1__REQUEST__BODY__NOT_SET);
    /* the ping field as a varint */
    const uint8_t wrong[] = {0x08, 0x0A, 0x58, 0x01};
    assert_int_equal(wire_scan_envelope(wrong, sizeof(wrong), &env), WIRE_CHECK_MALFORMED);
    /* a group, a field number 0, a length past the end, a varint of 11 bytes */
    const uint8_t group[] = {0x0B, 0x0C};
    const uint8_t zero[] = {0x00, 0x01};
    const uint8_t past[] = {0x12, 0x05, 'a'};
    const uint8_t long_varint[] = {0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    assert_int_equal(wire_scan_envelope(group, sizeof(group), &env), WIRE_CHECK_MALFORMED);
    assert_int_equal(wire_scan_envelope(zero, sizeof(zero), &env), WIRE_CHECK_MALFORMED);
    assert_int_equal(wire_scan_envelope(past, sizeof(past), &env), WIRE_CHECK_MALFORMED);
    assert_int_equal(wire_scan_envelope(long_varint, sizeof(long_varint), &env), WIRE_CHECK_MALFORMED);
}

static void test_nul_and_invalid_bytes_found_by_path(void **state)
{
    (void)state;
    Cchc__V1__Request req;
    Cchc__V1__ReportSubmitRequest body;
    Cchc__V1__ReportRow rows[3], *ptrs[3];
    Cchc__V1__Indicator ind = CCHC__V1__INDICATOR__INIT, *inds[] = {&ind};
    submit_with_rows(&req, &body, rows, ptrs, 3);
    ind.name = "ty_le";
    ind.value = "99~5";
    rows[2].n_indicators = 1;
    rows[2].indicators = inds;
    size_t len;
    uint8_t *buf = pack(&req, &len);
    wire_text_report report;
    assert_int_equal(wire_check_text(&cchc__v1__request__descriptor, buf, len, 1, &report), WIRE_CHECK_OK);
    assert_true(report.decoded_estimate > len);

    const uint8_t bad[] = {0x00, 0xC3, 0x80, 0xFF};
    for (size_t b = 0; b < sizeof(bad); b++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, buf, len);
        patch(copy, len, "99~5", 2, bad[b]);
        /* a NUL, a lead byte followed by '5', a stray continuation, 0xFF */
        assert_int_equal(wire_check_text(&cchc__v1__request__descriptor, copy, len, 1, &report),
                         WIRE_CHECK_BAD_TEXT);
        assert_string_equal(report.path, "report_submit.rows[2].indicators[0].value");
        /* not looked at when only the top level is */
        assert_int_equal(wire_check_text(&cchc__v1__request__descriptor, copy, len, 0, &report),
                         WIRE_CHECK_OK);
        free(copy);
    }
    /* the envelope's own strings are seen at the top level */
    req.session_token = "t~k";
    free(buf);
    buf = pack(&req, &len);
    patch(buf, len, "t~k", 1, 0x00);
    assert_int_equal(wire_check_text(&cchc__v1__request__descriptor, buf, len, 0, &report),
                     WIRE_CHECK_BAD_TEXT);
    assert_string_equal(report.path, "session_token");
    free(buf);
}

static void test_estimate_grows_with_rows(void **state)
{
    (void)state;
    /* 100,000 empty rows: 200 KB on the wire, megabytes decoded */
    enum { N = 100000 };
    size_t len = 2 * N;
    uint8_t *body = malloc(len);
    for (size_t i = 0; i < N; i++)
        body[2 * i] = 0x1A, body[2 * i + 1] = 0x00;
    wire_text_report report;
    assert_int_equal(wire_check_text(&cchc__v1__report_submit_request__descriptor, body, len, 1, &report),
                     WIRE_CHECK_OK);
    assert_true(report.decoded_estimate >= (size_t)N * sizeof(Cchc__V1__ReportRow));
    free(body);
}

static void test_utf8_cutting(void **state)
{
    (void)state;
    const char *viet = "Tiếng Việt"; /* ế and ệ are 3 bytes each */
    size_t n = strlen(viet);
    assert_int_equal(utf8_boundary(viet, n), n);
    assert_int_equal(utf8_boundary(viet, 4), 2); /* inside ế: back to "Ti" */
    for (size_t cut = 0; cut <= n; cut++) {
        size_t keep = utf8_boundary(viet, cut);
        assert_true(keep <= cut && cut - keep < 4);
        assert_true(utf8_valid(viet, keep));
    }
    char emoji[] = "ok \xF0\x9F\x98"; /* a 4-byte character cut after 3 */
    assert_int_equal(utf8_scrub(emoji), 3);
    assert_string_equal(emoji, "ok ");
    char middle[] = "a\xFF" "b\xC0\xAF" "c";
    utf8_scrub(middle);
    assert_string_equal(middle, "a?b??c");
    assert_true(utf8_valid(middle, strlen(middle)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_envelope_without_body),
        cmocka_unit_test(test_unknown_and_wrong_types),
        cmocka_unit_test(test_nul_and_invalid_bytes_found_by_path),
        cmocka_unit_test(test_estimate_grows_with_rows),
        cmocka_unit_test(test_utf8_cutting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
