/* Unit tests of the PROXY protocol v2 header parser (server/net/proxy_header.c):
 * the header cchcd reads from a trusted load balancer before anything else.
 * What it accepts (IPv4, IPv6, LOCAL, TLVs skipped) must come out the same
 * however the bytes are cut, and what it refuses (bad signature, version,
 * command, family, oversize, malformed TLVs) must be refused before the
 * connection reads further. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proxy_header.h"

static const uint8_t sig[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

/* Writes the fixed part: version/command byte, family/transport byte and
 * the length of what follows. Returns 16. */
static size_t fixed(uint8_t *out, uint8_t ver_cmd, uint8_t fam, uint16_t len)
{
    memcpy(out, sig, sizeof(sig));
    out[12] = ver_cmd;
    out[13] = fam;
    out[14] = (uint8_t)(len >> 8);
    out[15] = (uint8_t)len;
    return 16;
}

/* A PROXY header for TCP over IPv4 from src:sport to 192.0.2.1:7121,
 * followed by tlv_len bytes of TLVs. Returns its length. */
static size_t header_v4(uint8_t *out, const uint8_t src[4], uint16_t sport, const uint8_t *tlvs,
                        size_t tlv_len)
{
    size_t n = fixed(out, 0x21, 0x11, (uint16_t)(12 + tlv_len));
    static const uint8_t dst[4] = {192, 0, 2, 1};
    memcpy(out + n, src, 4);
    memcpy(out + n + 4, dst, 4);
    out[n + 8] = (uint8_t)(sport >> 8);
    out[n + 9] = (uint8_t)sport;
    out[n + 10] = 7121 >> 8;
    out[n + 11] = 7121 & 0xFF;
    n += 12;
    if (tlv_len)
        memcpy(out + n, tlvs, tlv_len);
    return n + tlv_len;
}

/* The same over IPv6. */
static size_t header_v6(uint8_t *out, const uint8_t src[16], uint16_t sport, const uint8_t *tlvs,
                        size_t tlv_len)
{
    size_t n = fixed(out, 0x21, 0x21, (uint16_t)(36 + tlv_len));
    memcpy(out + n, src, 16);
    memset(out + n + 16, 0, 16);
    out[n + 31] = 1; /* ::1 */
    out[n + 32] = (uint8_t)(sport >> 8);
    out[n + 33] = (uint8_t)sport;
    out[n + 34] = 7121 >> 8;
    out[n + 35] = 7121 & 0xFF;
    n += 36;
    if (tlv_len)
        memcpy(out + n, tlvs, tlv_len);
    return n + tlv_len;
}

static const uint8_t client_v4[4] = {203, 0, 113, 9};
static const uint8_t client_v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
/* ALPN "h2", then a NOOP of 5 bytes, then an empty authority */
static const uint8_t some_tlvs[] = {0x01, 0x00, 0x02, 'h', '2', 0x04, 0x00, 0x05,
                                    0,    0,    0,    0,   0,   0x02, 0x00, 0x00};

/* Feeds the whole of data at once. */
static proxy_status feed_all(proxy_header *p, const uint8_t *data, size_t len, size_t *consumed,
                             proxy_source *out)
{
    proxy_header_init(p);
    return proxy_header_feed(p, data, len, consumed, out);
}

static void expect_done(const uint8_t *data, size_t header_len, size_t trailing, const char *ip,
                        uint16_t port)
{
    proxy_header p;
    proxy_source src;
    size_t used = 99;
    assert_int_equal(feed_all(&p, data, header_len + trailing, &used, &src), PROXY_DONE);
    assert_int_equal(used, header_len);
    assert_int_equal(src.local, 0);
    assert_string_equal(src.ip, ip);
    assert_int_equal(src.port, port);
    assert_string_equal(proxy_header_error(&p), "");
}

static void expect_invalid(const uint8_t *data, size_t len, const char *why)
{
    proxy_header p;
    proxy_source src;
    size_t used;
    assert_int_equal(feed_all(&p, data, len, &used, &src), PROXY_INVALID);
    assert_non_null(strstr(proxy_header_error(&p), why));
    /* and it stays so */
    assert_int_equal(proxy_header_feed(&p, data, len, &used, &src), PROXY_INVALID);
}

static void test_ipv4(void **state)
{
    (void)state;
    uint8_t buf[128];
    size_t n = header_v4(buf, client_v4, 5123, NULL, 0);
    assert_int_equal(n, 28);
    memcpy(buf + n, "\0\0\0\x05hello", 9); /* the client's first frame follows */
    expect_done(buf, n, 9, "203.0.113.9", 5123);
    expect_done(buf, n, 0, "203.0.113.9", 5123);
}

static void test_ipv6(void **state)
{
    (void)state;
    uint8_t buf[128];
    size_t n = header_v6(buf, client_v6, 65535, NULL, 0);
    assert_int_equal(n, 52);
    buf[n] = 0x16; /* a TLS ClientHello follows */
    expect_done(buf, n, 1, "2001:db8::7", 65535);
    /* an IPv4 client the proxy saw on an IPv6 socket is the IPv4 address */
    uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 198, 51, 100, 7};
    n = header_v6(buf, mapped, 80, NULL, 0);
    expect_done(buf, n, 0, "198.51.100.7", 80);
}

static void test_local(void **state)
{
    (void)state;
    uint8_t buf[512];
    proxy_header p;
    proxy_source src;
    size_t used;
    /* a health check: LOCAL, no addresses */
    size_t n = fixed(buf, 0x20, 0x00, 0);
    buf[n] = 0;
    assert_int_equal(feed_all(&p, buf, n + 1, &used, &src), PROXY_DONE);
    assert_int_equal(used, 16);
    assert_int_equal(src.local, 1);
    assert_string_equal(src.ip, "");
    /* LOCAL with an address block (and garbage for TLVs): skipped whole */
    n = header_v4(buf, client_v4, 1, (const uint8_t *)"\xFF\xFF", 2);
    buf[12] = 0x20;
    assert_int_equal(feed_all(&p, buf, n, &used, &src), PROXY_DONE);
    assert_int_equal(used, n);
    assert_int_equal(src.local, 1);
    /* LOCAL over AF_UNIX: 216 bytes of paths, skipped */
    n = fixed(buf, 0x20, 0x31, 216);
    memset(buf + n, 'x', 216);
    assert_int_equal(feed_all(&p, buf, n + 216, &used, &src), PROXY_DONE);
    assert_int_equal(used, 16 + 216);
    assert_int_equal(src.local, 1);
}

static void test_tlvs_skipped(void **state)
{
    (void)state;
    uint8_t buf[2048];
    size_t n = header_v4(buf, client_v4, 5123, some_tlvs, sizeof(some_tlvs));
    expect_done(buf, n, 0, "203.0.113.9", 5123);
    n = header_v6(buf, client_v6, 5123, some_tlvs, sizeof(some_tlvs));
    memcpy(buf + n, "rest", 4);
    expect_done(buf, n, 4, "2001:db8::7", 5123);
    /* the largest TLV block accepted: one TLV of 1021 bytes */
    uint8_t big[PROXY_HEADER_MAX_TLVS];
    memset(big, 'a', sizeof(big));
    big[0] = 0xE0;
    big[1] = (PROXY_HEADER_MAX_TLVS - 3) >> 8;
    big[2] = (PROXY_HEADER_MAX_TLVS - 3) & 0xFF;
    n = header_v4(buf, client_v4, 5123, big, sizeof(big));
    expect_done(buf, n, 0, "203.0.113.9", 5123);
}

static void test_bad_tlvs(void **state)
{
    (void)state;
    uint8_t buf[256];
    /* a TLV announcing more bytes than the header has */
    const uint8_t past[] = {0x01, 0x00, 0x05, 'h', '2'};
    size_t n = header_v4(buf, client_v4, 1, past, sizeof(past));
    expect_invalid(buf, n, "runs past the end");
    /* the header ends after a TLV's type, or its type and half its length */
    const uint8_t cut1[] = {0x01, 0x00, 0x00, 0x04};
    n = header_v4(buf, client_v4, 1, cut1, sizeof(cut1));
    expect_invalid(buf, n, "inside a TLV");
    const uint8_t cut2[] = {0x04, 0x00};
    n = header_v4(buf, client_v4, 1, cut2, sizeof(cut2));
    expect_invalid(buf, n, "inside a TLV");
}

/* Every way of cutting a header (with TLVs and the client's bytes after
 * it) in two, and one byte at a time, gives the same result as at once. */
static void check_every_split(const uint8_t *data, size_t header_len, size_t total,
                              const char *ip, uint16_t port)
{
    for (size_t cut = 0; cut <= total; cut++) {
        proxy_header p;
        proxy_source src;
        size_t used;
        proxy_header_init(&p);
        proxy_status st = proxy_header_feed(&p, data, cut, &used, &src);
        size_t taken;
        if (cut < header_len) {
            assert_int_equal(st, PROXY_NEED_MORE);
            assert_int_equal(used, cut);
            assert_int_equal(proxy_header_feed(&p, data + cut, total - cut, &used, &src),
                             PROXY_DONE);
            taken = cut + used;
        } else {
            assert_int_equal(st, PROXY_DONE);
            taken = used;
        }
        assert_int_equal(taken, header_len);
        assert_string_equal(src.ip, ip);
        assert_int_equal(src.port, port);
    }
    proxy_header p;
    proxy_source src;
    size_t used;
    proxy_header_init(&p);
    for (size_t i = 0; i < header_len; i++) {
        proxy_status st = proxy_header_feed(&p, data + i, 1, &used, &src);
        assert_int_equal(st, i + 1 < header_len ? PROXY_NEED_MORE : PROXY_DONE);
        assert_int_equal(used, 1);
    }
    assert_string_equal(src.ip, ip);
}

static void test_every_split_point(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t n = header_v6(buf, client_v6, 4242, some_tlvs, sizeof(some_tlvs));
    memcpy(buf + n, "\0\0\0\x02hi", 6);
    check_every_split(buf, n, n + 6, "2001:db8::7", 4242);
    n = header_v4(buf, client_v4, 5123, NULL, 0);
    memcpy(buf + n, "\x16\x03\x01", 3);
    check_every_split(buf, n, n + 3, "203.0.113.9", 5123);
}

static void test_bad_signature(void **state)
{
    (void)state;
    proxy_header p;
    proxy_source src;
    size_t used;
    /* the first byte of anything else is enough: a frame, TLS, PROXY v1 */
    const uint8_t frame[] = {0x00, 0x00, 0x00, 0x10};
    assert_int_equal(feed_all(&p, frame, 1, &used, &src), PROXY_INVALID);
    assert_non_null(strstr(proxy_header_error(&p), "signature"));
    const uint8_t tls[] = {0x16, 0x03, 0x01};
    expect_invalid(tls, sizeof(tls), "signature");
    const char *v1 = "PROXY TCP4 203.0.113.9 192.0.2.1 5123 7121\r\n";
    expect_invalid((const uint8_t *)v1, strlen(v1), "signature");
    /* a mismatch in the last byte of the signature */
    uint8_t buf[64];
    size_t n = header_v4(buf, client_v4, 1, NULL, 0);
    buf[11] = 0x0B;
    expect_invalid(buf, n, "signature");
    /* the right signature so far is not yet wrong */
    assert_int_equal(feed_all(&p, sig, 11, &used, &src), PROXY_NEED_MORE);
}

static void test_bad_version_and_command(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = header_v4(buf, client_v4, 1, NULL, 0);
    buf[12] = 0x11; /* version 1 in the binary form */
    expect_invalid(buf, n, "version 2");
    buf[12] = 0x31;
    expect_invalid(buf, n, "version 2");
    buf[12] = 0x22; /* command 2 */
    expect_invalid(buf, n, "command");
    buf[12] = 0x2F;
    expect_invalid(buf, n, "command");
    /* refused as soon as the fixed part is in, before the addresses */
    proxy_header p;
    proxy_source src;
    size_t used;
    assert_int_equal(feed_all(&p, buf, 16, &used, &src), PROXY_INVALID);
}

static void test_wrong_family(void **state)
{
    (void)state;
    uint8_t buf[300];
    size_t n = header_v4(buf, client_v4, 1, NULL, 0);
    const uint8_t refused[] = {
        0x00, /* UNSPEC with PROXY: no client address to use */
        0x12, /* UDP over IPv4 */
        0x10, /* IPv4, transport unspecified */
        0x22, /* UDP over IPv6 */
        0x31, /* AF_UNIX stream */
        0x41, /* family 4 */
        0x13, /* transport 3 */
    };
    for (size_t i = 0; i < sizeof(refused); i++) {
        buf[13] = refused[i];
        expect_invalid(buf, n, refused[i] == 0x41 || refused[i] == 0x13 ? "unknown" : "TCP");
    }
    /* LOCAL with an unknown family or transport is malformed too */
    buf[12] = 0x20;
    buf[13] = 0x51;
    expect_invalid(buf, n, "unknown");
    /* an IPv6 family with an IPv4-sized block */
    n = header_v4(buf, client_v4, 1, NULL, 0);
    buf[13] = 0x21;
    expect_invalid(buf, n, "shorter");
}

static void test_oversize(void **state)
{
    (void)state;
    uint8_t buf[64];
    proxy_header p;
    proxy_source src;
    size_t used;
    /* one byte of TLVs over the cap, refused from the fixed part alone */
    fixed(buf, 0x21, 0x11, 12 + PROXY_HEADER_MAX_TLVS + 1);
    assert_int_equal(feed_all(&p, buf, 16, &used, &src), PROXY_INVALID);
    assert_non_null(strstr(proxy_header_error(&p), "longer"));
    fixed(buf, 0x21, 0x21, 0xFFFF);
    expect_invalid(buf, 16, "longer");
    fixed(buf, 0x20, 0x00, PROXY_HEADER_MAX_ADDRESSES + PROXY_HEADER_MAX_TLVS + 1);
    expect_invalid(buf, 16, "longer");
    /* exactly at the cap: waits for the rest */
    fixed(buf, 0x20, 0x00, PROXY_HEADER_MAX_ADDRESSES + PROXY_HEADER_MAX_TLVS);
    assert_int_equal(feed_all(&p, buf, 16, &used, &src), PROXY_NEED_MORE);
}

static void test_truncated(void **state)
{
    (void)state;
    uint8_t buf[64];
    proxy_header p;
    proxy_source src;
    size_t used;
    /* an address block shorter than IPv4's */
    fixed(buf, 0x21, 0x11, 11);
    expect_invalid(buf, 16 + 11, "shorter");
    /* a header cut short never completes: more is awaited (the hello
     * deadline ends the wait) */
    size_t n = header_v4(buf, client_v4, 1, NULL, 0);
    for (size_t cut = 0; cut < n; cut++) {
        assert_int_equal(feed_all(&p, buf, cut, &used, &src), PROXY_NEED_MORE);
        assert_int_equal(used, cut);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_local),
        cmocka_unit_test(test_tlvs_skipped),
        cmocka_unit_test(test_bad_tlvs),
        cmocka_unit_test(test_every_split_point),
        cmocka_unit_test(test_bad_signature),
        cmocka_unit_test(test_bad_version_and_command),
        cmocka_unit_test(test_wrong_family),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
