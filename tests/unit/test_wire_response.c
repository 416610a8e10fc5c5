/* Unit tests of the hand-written Response envelope (proto/src/wire_response.c):
 * its frames must be byte for byte what protobuf-c encodes, for every
 * shape of reply the server sends (a body, an empty body, an error with
 * details, a part with more set, a request id of every varint length, a
 * body case numbered above 15 whose tag takes two bytes), and obey the
 * same payload limit. A mismatch would be a reply old clients misread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "wire.h"
#include "wire_response.h"

/* Encodes r both ways and checks the frames are identical and decode. */
static void assert_same_frame(const Cchc__V1__Response *r)
{
    uint8_t *mine = NULL, *theirs = NULL;
    size_t mine_len = 0, theirs_len = 0, mine_payload = 0, theirs_payload = 0;
    assert_int_equal(wire_encode_frame(&r->base, 1u << 20, &theirs, &theirs_len, &theirs_payload), 0);
    assert_int_equal(wire_encode_response_frame(r, 1u << 20, &mine, &mine_len, &mine_payload), 0);
    assert_int_equal(mine_payload, theirs_payload);
    assert_int_equal(mine_len, theirs_len);
    assert_memory_equal(mine, theirs, theirs_len);
    Cchc__V1__Response *back = wire_decode_response(mine + FRAME_HEADER_SIZE, mine_len - FRAME_HEADER_SIZE);
    assert_non_null(back);
    assert_int_equal(back->request_id, r->request_id);
    assert_int_equal(back->body_case, r->body_case);
    assert_int_equal(!!back->more, !!r->more);
    assert_int_equal(back->error != NULL, r->error != NULL);
    cchc__v1__response__free_unpacked(back, NULL);
    free(mine);
    free(theirs);
}

static void test_ping_every_id_length(void **state)
{
    (void)state;
    Cchc__V1__PingResponse ping = CCHC__V1__PING_RESPONSE__INIT;
    ping.server_version = "0.1.0";
    ping.server_time_us = 1764547200123456;
    Cchc__V1__Response r = CCHC__V1__RESPONSE__INIT;
    r.body_case = CCHC__V1__RESPONSE__BODY_PING;
    r.ping = &ping;
    const uint64_t ids[] = {1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        r.request_id = ids[i];
        assert_same_frame(&r);
    }
}

static void test_empty_body_and_high_field_number(void **state)
{
    (void)state;
    Cchc__V1__LogoutResponse logout = CCHC__V1__LOGOUT_RESPONSE__INIT;
    Cchc__V1__Response r = CCHC__V1__RESPONSE__INIT;
    r.request_id = 7;
    r.body_case = CCHC__V1__RESPONSE__BODY_LOGOUT; /* field 41: a two-byte tag */
    r.logout = &logout;
    assert_same_frame(&r);
    Cchc__V1__HelloResponse hello = CCHC__V1__HELLO_RESPONSE__INIT;
    hello.protocol_version = 1;
    hello.server_name = "cchcd";
    hello.server_version = "Phiên bản thử";
    hello.max_frame_size = 1u << 20;
    r.body_case = CCHC__V1__RESPONSE__BODY_HELLO;
    r.hello = &hello;
    r.more = 1; /* as a streamed part: field 3 before the body */
    assert_same_frame(&r);
}

static void test_error_with_details(void **state)
{
    (void)state;
    char *args[] = {"report_submit", "9000", "8192"};
    char *field_args[] = {"3"};
    Cchc__V1__FieldError detail = CCHC__V1__FIELD_ERROR__INIT;
    detail.field = "rows[3].tiến_độ";
    detail.message = "must be between 0 and 100";
    detail.message_id = "must be between %s and %s";
    detail.args = field_args;
    detail.n_args = 1;
    Cchc__V1__FieldError *details[] = {&detail, &detail};
    Cchc__V1__Error err = CCHC__V1__ERROR__INIT;
    err.code = CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED;
    err.message = "request report_submit too large: 9000 bytes of at most 8192";
    err.message_id = "request %s too large: %s bytes of at most %s";
    err.args = args;
    err.n_args = 3;
    err.details = details;
    err.n_details = 2;
    Cchc__V1__Response r = CCHC__V1__RESPONSE__INIT;
    r.request_id = 300;
    r.error = &err;
    assert_same_frame(&r);
    r.request_id = 0; /* a frame that was no request: answered with id 0 */
    r.more = 1;
    assert_same_frame(&r);
}

static void test_limit_and_empty(void **state)
{
    (void)state;
    Cchc__V1__PingResponse ping = CCHC__V1__PING_RESPONSE__INIT;
    ping.server_version = "0.1.0";
    Cchc__V1__Response r = CCHC__V1__RESPONSE__INIT;
    r.request_id = 5;
    r.body_case = CCHC__V1__RESPONSE__BODY_PING;
    r.ping = &ping;
    uint8_t *out = (uint8_t *)"";
    size_t len = 1, payload = 0, whole = 0;
    assert_int_equal(wire_encode_frame(&r.base, 1u << 20, &out, &len, &whole), 0);
    free(out);
    /* one byte short of the payload: refused, with the size it needed */
    assert_int_equal(wire_encode_response_frame(&r, (uint32_t)whole - 1, &out, &len, &payload), -1);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_int_equal(payload, whole);
    assert_int_equal(wire_encode_response_frame(&r, (uint32_t)whole, &out, &len, NULL), 0);
    free(out);
    /* nothing set at all: an empty payload, which no frame may carry */
    Cchc__V1__Response empty = CCHC__V1__RESPONSE__INIT;
    assert_int_equal(wire_encode_response_frame(&empty, 1u << 20, &out, &len, &payload), -1);
    assert_int_equal(payload, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_every_id_length),
        cmocka_unit_test(test_empty_body_and_high_field_number),
        cmocka_unit_test(test_error_with_details),
        cmocka_unit_test(test_limit_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
