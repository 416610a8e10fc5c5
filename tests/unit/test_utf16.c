/* Unit tests of the UTF-8 ↔ UTF-16 conversion (common/platform/utf16.c)
 * every Windows path, variable and console line crosses: Vietnamese
 * letters (precomposed and with combining marks), characters beyond the
 * BMP as surrogate pairs, every kind of invalid input refused rather than
 * replaced, and buffers that are exactly big enough or one too small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf16.h"

/* UTF-8 → UTF-16 → UTF-8 gives back the same bytes, with want units. */
static void round_trip(const char *text, const uint16_t *want, long want_units)
{
    uint16_t wide[64];
    char back[256];
    assert_int_equal(utf16_from_utf8(text, NULL, 0), want_units);
    assert_int_equal(utf16_from_utf8(text, wide, 64), want_units);
    assert_memory_equal(wide, want, (size_t)want_units * sizeof(uint16_t));
    assert_int_equal(wide[want_units], 0);
    assert_int_equal(utf16_to_utf8(wide, NULL, 0), (long)strlen(text));
    assert_int_equal(utf16_to_utf8(wide, back, sizeof(back)), (long)strlen(text));
    assert_string_equal(back, text);
}

static void test_vietnamese_and_beyond(void **state)
{
    (void)state;
    static const uint16_t empty[] = {0};
    round_trip("", empty, 0);
    /* "Cần Thơ": ầ U+1EA7 (three bytes), ơ U+01A1 (two) */
    static const uint16_t can_tho[] = {'C', 0x1EA7, 'n', ' ', 'T', 'h', 0x01A1};
    round_trip("C\xe1\xba\xa7n Th\xc6\xa1", can_tho, 7);
    /* "ế" decomposed: e + circumflex U+0302 + acute U+0301, kept as is */
    static const uint16_t decomposed[] = {'e', 0x0302, 0x0301};
    round_trip("e\xcc\x82\xcc\x81", decomposed, 3);
    /* a folder path with a Vietnamese user name */
    static const uint16_t path[] = {'C', ':', '\\', 'N', 'g', 'u', 'y', 0x1EC5, 'n'};
    round_trip("C:\\Nguy\xe1\xbb\x85n", path, 9);
    /* U+1F600 beyond the BMP: a surrogate pair */
    static const uint16_t emoji[] = {0xD83D, 0xDE00};
    round_trip("\xf0\x9f\x98\x80", emoji, 2);
    /* the last code point and the last of the BMP */
    static const uint16_t last[] = {0xDBFF, 0xDFFF, 0xFFFF};
    round_trip("\xf4\x8f\xbf\xbf\xef\xbf\xbf", last, 3);
}

static void test_invalid_utf8_refused(void **state)
{
    (void)state;
    uint16_t wide[16];
    static const char *const bad[] = {
        "\x80",                 /* a continuation byte alone */
        "\xc3",                 /* cut short */
        "a\xe1\xba",            /* cut short at the end */
        "\xc0\xaf",             /* overlong '/' (a classic path trick) */
        "\xe0\x80\xaf",         /* overlong, three bytes */
        "\xed\xa0\x80",         /* U+D800, a surrogate */
        "\xf4\x90\x80\x80",     /* past U+10FFFF */
        "\xff",                 /* never in UTF-8 */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(utf16_from_utf8(bad[i], NULL, 0), -1);
        assert_int_equal(utf16_from_utf8(bad[i], wide, 16), -1);
    }
}

static void test_lone_surrogates_refused(void **state)
{
    (void)state;
    char out[16];
    static const uint16_t high_alone[] = {'a', 0xD800, 'b', 0};
    static const uint16_t high_at_end[] = {0xDBFF, 0};
    static const uint16_t low_alone[] = {0xDC00, 'a', 0};
    assert_int_equal(utf16_to_utf8(high_alone, out, sizeof(out)), -1);
    assert_int_equal(utf16_to_utf8(high_at_end, out, sizeof(out)), -1);
    assert_int_equal(utf16_to_utf8(low_alone, NULL, 0), -1);
}

static void test_buffer_sizes(void **state)
{
    (void)state;
    /* "ơn": three units with the NUL, four bytes with the NUL */
    uint16_t wide[3];
    assert_int_equal(utf16_from_utf8("\xc6\xa1n", wide, 3), 2);
    assert_int_equal(utf16_from_utf8("\xc6\xa1n", wide, 2), -1);
    assert_int_equal(utf16_from_utf8("", wide, 0), -1);
    char narrow[4];
    assert_int_equal(utf16_to_utf8(wide, narrow, 4), 3);
    assert_string_equal(narrow, "\xc6\xa1n");
    assert_int_equal(utf16_to_utf8(wide, narrow, 3), -1);
    /* a surrogate pair never half written */
    static const uint16_t emoji[] = {0xD83D, 0xDE00, 0};
    char five[5], four[4];
    assert_int_equal(utf16_to_utf8(emoji, five, 5), 4);
    assert_int_equal(utf16_to_utf8(emoji, four, 4), -1);
    uint16_t two[2];
    assert_int_equal(utf16_from_utf8("\xf0\x9f\x98\x80", two, 2), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vietnamese_and_beyond),
        cmocka_unit_test(test_invalid_utf8_refused),
        cmocka_unit_test(test_lone_surrogates_refused),
        cmocka_unit_test(test_buffer_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
