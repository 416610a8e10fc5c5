/* Unit tests of display width and clean cutting of UTF-8 text
 * (client/text_width.c, table.c): Vietnamese must line up in tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"
#include "text_width.h"
#include "utf8.h"

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width("abc"), 3);
    /* precomposed (NFC) Vietnamese: one column per letter */
    assert_int_equal(text_width("Sở Nội vụ"), 9);
    assert_int_equal(strlen("Sở Nội vụ"), 15);
    assert_int_equal(text_width("Ủy ban nhân dân thành phố Cần Thơ"), 33);
    /* decomposed: o + combining circumflex + combining dot below */
    assert_int_equal(text_width("o\xCC\x82\xCC\xA3"), 1);
    /* wide CJK */
    assert_int_equal(text_width("\xE4\xB8\xAD\xE6\x96\x87"), 4);
    /* invalid bytes count one column each */
    assert_int_equal(text_width("\xFF\xFE"), 2);
}

static void test_decode_rejects_bad_utf8(void **state)
{
    (void)state;
    unsigned cp;
    int ok;
    assert_int_equal(utf8_decode("\xC3\xA0", 2, &cp, &ok), 2);
    assert_int_equal(cp, 0xE0);
    assert_true(ok);
    assert_int_equal(utf8_decode("\xC0\x80", 2, &cp, &ok), 1); /* overlong */
    assert_int_equal(cp, 0xFFFD);
    assert_false(ok);
    assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp, &ok), 1); /* surrogate */
    assert_false(ok);
    assert_int_equal(utf8_decode("\xE1\xBB", 2, &cp, &ok), 1); /* truncated */
    assert_false(ok);
    assert_int_equal(utf8_decode("\xF4\x90\x80\x80", 4, &cp, &ok), 1); /* > U+10FFFF */
    assert_false(ok);
    assert_true(utf8_valid("Sở Nội vụ", strlen("Sở Nội vụ")));
    assert_true(utf8_valid("", 0));
    assert_false(utf8_valid("ab\xFF", 3));
    assert_false(utf8_valid("a\0b", 3)); /* NUL is refused */
    assert_false(utf8_valid("\xE1\xBB", 2));
}

static void test_fit_never_splits(void **state)
{
    (void)state;
    size_t cols;
    const char *s = "Cần Thơ";
    assert_int_equal(text_fit(s, 2, &cols), 4); /* "Cầ": 1 + 3 bytes */
    assert_int_equal(cols, 2);
    assert_int_equal(text_fit(s, 100, &cols), strlen(s));
    assert_int_equal(cols, 7);
    /* decomposed letter is kept whole with its marks */
    const char *d = "ao\xCC\x82\xCC\xA3x";
    assert_int_equal(text_fit(d, 2, &cols), 6);
    assert_int_equal(cols, 2);
    /* a wide character that does not fit is left out entirely */
    assert_int_equal(text_fit("a\xE4\xB8\xAD", 2, &cols), 1);
    assert_int_equal(cols, 1);
}

static void test_table_alignment(void **state)
{
    (void)state;
    const char *headers[] = {"Mã", "Đơn vị"};
    table *t = table_new(2, headers, NULL);
    const char *r1[] = {"SNV", "Sở Nội vụ"};
    const char *r2[] = {"VP", "Văn phòng UBND thành phố"};
    table_add_row(t, r1);
    table_add_row(t, r2);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    table_print(t, out, 1);
    fclose(out);
    table_free(t);
    /* the second column starts at the same display column on every line */
    char *line = strtok(buf, "\n");
    int lines = 0;
    while (line) {
        char *second = strstr(line, "  ");
        assert_non_null(second);
        *second = '\0';
        size_t first_cols = text_width(line);
        size_t spaces = strspn(second + 1, " ") + 1;
        assert_int_equal(first_cols + spaces, 5); /* "SNV" widest (3) + 2 */
        line = strtok(NULL, "\n");
        lines++;
    }
    assert_int_equal(lines, 4);
    free(buf);
}

static void test_table_truncates_cleanly(void **state)
{
    (void)state;
    int max[] = {6};
    table *t = table_new(1, NULL, max);
    const char *r[] = {"Ủy ban nhân dân"};
    table_add_row(t, r);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    table_print(t, out, 0);
    fclose(out);
    table_free(t);
    assert_string_equal(buf, "Ủy ba…\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_decode_rejects_bad_utf8),
        cmocka_unit_test(test_fit_never_splits),
        cmocka_unit_test(test_table_alignment),
        cmocka_unit_test(test_table_truncates_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
