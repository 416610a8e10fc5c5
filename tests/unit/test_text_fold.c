/* Unit tests of common/text_fold.c: the NFC form both programs store, the
 * matching key behind status, role and unit names typed in any case, normal
 * form or without diacritics, and the edit distance behind "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text_fold.h"

/* "đang triển khai" in NFC and in NFD (what macOS and some input methods
 * type): ể is U+1EC3 composed, e + U+0302 + U+0309 decomposed. */
#define DANG_NFC "\xc4\x91" "ang tri\xe1\xbb\x83n khai"
#define DANG_NFD "\xc4\x91" "ang trie\xcc\x82\xcc\x89n khai"
/* "ệ" as Unikey's combining mode and Windows-1258 type it: ê + dot below */
#define E_DOT_NFC "\xe1\xbb\x87"
#define E_DOT_NFD "e\xcc\xa3\xcc\x82"
#define E_DOT_VI "\xc3\xaa\xcc\xa3"

static void expect_key(const char *text, const char *key)
{
    char *k = text_fold_key(text);
    assert_non_null(k);
    assert_string_equal(k, key);
    free(k);
}

static void test_nfc(void **state)
{
    (void)state;
    char *nfc = text_nfc(DANG_NFD);
    assert_non_null(nfc);
    assert_string_equal(nfc, DANG_NFC);
    free(nfc);
    assert_true(text_is_nfc(DANG_NFC));
    assert_false(text_is_nfc(DANG_NFD));
    assert_true(text_is_nfc("plain ascii"));
    char *nfd = text_nfd(DANG_NFC);
    assert_string_equal(nfd, DANG_NFD);
    free(nfd);
    /* invalid UTF-8 is refused, never repaired */
    assert_null(text_nfc("bad \xc3 byte"));
    assert_null(text_fold_key("bad \xff"));
}

static void test_vi_combining(void **state)
{
    (void)state;
    char *vi = text_vi_combining("Vi" E_DOT_NFC "t");
    assert_string_equal(vi, "Vi" E_DOT_VI "t");
    free(vi);
    vi = text_vi_combining("Vi" E_DOT_NFD "t");
    assert_string_equal(vi, "Vi" E_DOT_VI "t");
    free(vi);
    /* đ and ơ keep their shape; the tone moves out */
    vi = text_vi_combining("\xc4\x91\xe1\xbb\x9d"); /* đờ */
    assert_string_equal(vi, "\xc4\x91\xc6\xa1\xcc\x80");
    free(vi);
    vi = text_vi_combining("abc");
    assert_string_equal(vi, "abc");
    free(vi);
}

static void test_fold_keys(void **state)
{
    (void)state;
    expect_key(DANG_NFC, "dang trien khai");
    expect_key(DANG_NFD, "dang trien khai");
    expect_key("\xc4\x90" "ANG TRI\xe1\xbb\x82N KHAI", "dang trien khai"); /* ĐANG TRIỂN KHAI */
    expect_key("\xc4\x90" "ang tri\xe1\xbb\x83n khai", "dang trien khai"); /* Đang triển khai */
    expect_key("dang trien khai", "dang trien khai");
    expect_key("  dang \t trien\xc2\xa0 khai ", "dang trien khai");
    expect_key("ho\xc3\xa0n th\xc3\xa0nh.", "hoan thanh");  /* hoàn thành. */
    expect_key("ho\xc3\xa0n th\xc3\xa0nh ,;", "hoan thanh");
    expect_key("QU\xe1\xba\xac" "N B\xc3\x8cNH TH\xe1\xbb\xa6Y", "quan binh thuy"); /* QUẬN BÌNH THỦY */
    expect_key("In_Progress", "in_progress");
    expect_key("", "");
    expect_key(" . ", "");
    assert_true(text_fold_equal("Ch\xe1\xba\xadm ti\xe1\xba\xbfn \xc4\x91\xe1\xbb\x99", "cham tien do"));
    assert_false(text_fold_equal("hoan thanh", "hoan tanh"));
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(text_edit_distance("", ""), 0);
    assert_int_equal(text_edit_distance("abc", ""), 3);
    assert_int_equal(text_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(text_edit_distance("hoan thanh", "hoan tanh"), 1);
    assert_int_equal(text_edit_distance("reveiwer", "reviewer"), 1); /* a swap */
    /* counted in characters, not bytes */
    assert_int_equal(text_edit_distance("\xc4\x91" "a", "da"), 1);
    assert_int_equal(text_edit_distance("\xff", "a"), SIZE_MAX);
}

static void test_closest(void **state)
{
    (void)state;
    const char *statuses[] = {"ch\xc6\xb0" "a tri\xe1\xbb\x83n khai", DANG_NFC,
                              "ho\xc3\xa0n th\xc3\xa0nh", "ch\xe1\xba\xadm ti\xe1\xba\xbfn \xc4\x91\xe1\xbb\x99"};
    size_t out[4];
    size_t n = text_closest("hoan tanh", statuses, 4, 3, out, 4);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 2);
    n = text_closest("dang trien kai", statuses, 4, 5, out, 4);
    assert_true(n >= 2);
    assert_int_equal(out[0], 1); /* one edit */
    assert_int_equal(out[1], 0); /* "chua trien khai": more */
    n = text_closest("dang trien kai", statuses, 4, 100, out, 2);
    assert_int_equal(n, 2);
    assert_int_equal(text_closest("zzzzzzzz", statuses, 4, 2, out, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nfc),           cmocka_unit_test(test_vi_combining),
        cmocka_unit_test(test_fold_keys),     cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_closest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
