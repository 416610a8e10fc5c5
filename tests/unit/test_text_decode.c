/* Unit tests of reading a spreadsheet's text file in whatever encoding it
 * was saved (client/formats/text_decode.c) and of csv_read on top of it:
 * the same Vietnamese sheet in UTF-8 with and without BOM, UTF-16 LE/BE
 * with BOM, Windows-1258 and (without Vietnamese letters) Windows-1252
 * reads to the same UTF-8 fields, named in the notice; legacy TCVN3 and
 * VNI, UTF-16 without BOM, spreadsheets and binary get one message that
 * names them and says how to save CSV UTF-8; separators comma, semicolon
 * and tab, line endings CRLF, LF and CR. The 8-bit and UTF-16 files are
 * made with glibc's iconv from the UTF-8 text, as Excel would write them. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <locale.h>
#include <cmocka.h>

#include "csv_read.h"
#include "report_indicators.h"
#include "text_decode.h"
#include "unit_changes.h"
#include "lang.h"

static const char sheet_utf8[] =
    "Mã nhiệm vụ,Trạng thái,Tiến độ (%),Kết quả đạt được\r\n"
    "101,đang triển khai,\"75,5\",\"Đã tiếp nhận hồ sơ; Cần Thơ, ứng dụng\"\r\n"
    "102,chậm tiến độ,30,\"Khó khăn: thiếu máy\"\r\n";

/* text (UTF-8) in encoding `to`, with prefix bytes before it (a BOM). */
static char *encode(const char *text, const char *to, const char *prefix, size_t prefix_len,
                    size_t *len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t cap = strlen(text) * 4 + prefix_len + 8;
    char *buf = malloc(cap);
    assert_non_null(buf);
    memcpy(buf, prefix, prefix_len);
    char *in = (char *)text, *out = buf + prefix_len;
    size_t in_left = strlen(text), out_left = cap - prefix_len;
    assert_true(iconv(cd, &in, &in_left, &out, &out_left) != (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(out - buf);
    return buf;
}

static void decodes_to(const char *data, size_t len, const char *expected, const char *encoding,
                       int converted)
{
    text_decoded d;
    assert_int_equal(text_decode(data, len, &d), 0);
    if (!d.data)
        fail_msg("unreadable: %s", d.unreadable);
    assert_string_equal(d.data, expected);
    assert_string_equal(d.encoding, encoding);
    assert_int_equal(d.converted, converted);
    if (converted)
        assert_non_null(strstr(d.notice, "đã đọc tệp theo mã"));
    text_decoded_free(&d);
}

static void test_every_encoding_reads_the_same(void **state)
{
    (void)state;
    size_t len;
    decodes_to(sheet_utf8, strlen(sheet_utf8), sheet_utf8, "UTF-8", 0);
    char *data = encode(sheet_utf8, "UTF-8", "\xEF\xBB\xBF", 3, &len);
    decodes_to(data, len, sheet_utf8, "UTF-8", 0);
    free(data);
    data = encode(sheet_utf8, "UTF-16LE", "\xFF\xFE", 2, &len);
    decodes_to(data, len, sheet_utf8, "UTF-16LE", 1);
    free(data);
    data = encode(sheet_utf8, "UTF-16BE", "\xFE\xFF", 2, &len);
    decodes_to(data, len, sheet_utf8, "UTF-16BE", 1);
    free(data);
    data = encode(sheet_utf8, "WINDOWS-1258", "", 0, &len);
    decodes_to(data, len, sheet_utf8, "WINDOWS-1258", 1);
    text_decoded d;
    assert_int_equal(text_decode(data, len, &d), 0);
    assert_non_null(strstr(d.notice, "Windows-1258"));
    text_decoded_free(&d);
    free(data);
    /* Western text without Vietnamese letters, as Excel writes it on a
     * Western Windows */
    const char *plain = "Ma,Note\r\n101,Café crème à Genève\r\n";
    data = encode(plain, "WINDOWS-1252", "", 0, &len);
    decodes_to(data, len, plain, "WINDOWS-1252", 1);
    free(data);
    /* the Vietnamese letters 1252 has (ì after a consonant, ý) are not
     * taken for 1258's tone marks or ư */
    const char *shared = "Lý do,Tình hình,ô tô\n";
    data = encode(shared, "WINDOWS-1252", "", 0, &len);
    decodes_to(data, len, shared, "WINDOWS-1252", 1);
    free(data);
}

/* A 1258 file with only a few Vietnamese words is still recognised; one
 * whose letters 1258 and 1252 share ("hoàn thành": à is 0xE0 in both)
 * reads the same either way. */
static void test_1258_by_evidence(void **state)
{
    (void)state;
    const char *texts[] = {"101,hoàn thành,100,Xong\n", "101,đang triển khai,50,x\n",
                           "Mã nhiệm vụ\n", "Đà Nẵng\n", "ưu tiên số một\n",
                           "Tình hình\n"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        size_t len;
        char *data = encode(texts[i], "WINDOWS-1258", "", 0, &len);
        text_decoded d;
        assert_int_equal(text_decode(data, len, &d), 0);
        if (!d.data || (i > 0 && strcmp(d.encoding, "WINDOWS-1258") != 0))
            fail_msg("\"%s\" read as %s %s", texts[i], d.encoding ? d.encoding : "-", d.unreadable);
        assert_string_equal(d.data, texts[i]);
        text_decoded_free(&d);
        free(data);
    }
}

static void unreadable_as(const char *data, size_t len, const char *in_message)
{
    text_decoded d;
    assert_int_equal(text_decode(data, len, &d), 0);
    assert_null(d.data);
    if (!strstr(d.unreadable, in_message))
        fail_msg("\"%s\" lacks \"%s\"", d.unreadable, in_message);
    /* and always how to save CSV UTF-8, in Excel and in LibreOffice */
    assert_non_null(strstr(d.unreadable, "CSV UTF-8 (Comma delimited)"));
    assert_non_null(strstr(d.unreadable, "Unicode (UTF-8)"));
    text_decoded_free(&d);
}

static void test_what_cannot_be_read(void **state)
{
    (void)state;
    size_t len;
    /* UTF-16 without a BOM (as a program, not Excel, may write it) */
    char *data = encode(sheet_utf8, "UTF-16LE", "", 0, &len);
    unreadable_as(data, len, "UTF-16 LE không có BOM");
    free(data);
    data = encode(sheet_utf8, "UTF-16BE", "", 0, &len);
    unreadable_as(data, len, "UTF-16 BE");
    free(data);
    /* TCVN3 (ABC): glibc's TCVN5712-1 puts lowercase letters where TCVN3 does */
    data = encode("101,đang triển khai,50,ứng dụng phần mềm tại cơ quan\n", "TCVN5712-1", "", 0, &len);
    unreadable_as(data, len, "TCVN3");
    free(data);
    /* VNI: base letters followed by the VNI diacritic bytes
     * ("Thaønh phoá Caàn Thô, ñang trieån khai") */
    const char vni[] = "Tha\xF8nh pho\xE1 Ca\xE0n Th\xF4, \xF1" "ang trie\xE5n khai\n";
    unreadable_as(vni, strlen(vni), "VNI");
    unreadable_as("PK\x03\x04\x14\0\0\0", 8, ".xlsx");
    unreadable_as("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, ".xls");
    unreadable_as("%PDF-1.7\n", 9, "PDF");
    unreadable_as("\x01\x02\0\x7F\0\0\x10\0\x01\x02\x03", 11, "nhị phân");
    unreadable_as("\xFF\xFE\0\xD8" "a\0", 6, "UTF-16"); /* a lone surrogate */
    unreadable_as("\x81\x8D\x8F\x90\x9D\n", 6, "không nhận ra");
    /* a NUL after a UTF-8 BOM (fuzz/regressions/csv/damaged-utf8-after-bom-round-trip.bin):
     * fields would end at it silently */
    unreadable_as("\xEF\xBB\xBF" "a,b\0c\n", 9, "nhị phân");
}

static void read_sheet(const char *text, size_t len, const char *case_name)
{
    csv_records r;
    assert_int_equal(csv_read(text, len, &r), 0);
    if (r.unreadable[0] || r.error[0])
        fail_msg("%s: %s%s", case_name, r.unreadable, r.error);
    if (r.n != 3)
        fail_msg("%s: %zu records", case_name, r.n);
    assert_int_equal(r.records[1].nfields, 4);
    assert_string_equal(csv_field(&r.records[0], 2), "Tiến độ (%)");
    assert_string_equal(csv_field(&r.records[1], 1), "đang triển khai");
    assert_string_equal(csv_field(&r.records[1], 2), "75,5");
    assert_string_equal(csv_field(&r.records[1], 3), "Đã tiếp nhận hồ sơ; Cần Thơ, ứng dụng");
    assert_string_equal(csv_field(&r.records[2], 3), "Khó khăn: thiếu máy");
    assert_int_equal(r.records[2].line, 3);
    csv_records_free(&r);
}

/* text with every "," separator outside quotes replaced by sep and every
 * CRLF by eol */
static char *reshape(const char *text, char sep, const char *eol)
{
    char *out = calloc(strlen(text) * 2 + 1, 1);
    size_t used = 0;
    int quoted = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (*p == ',' && !quoted) {
            out[used++] = sep;
        } else if (p[0] == '\r' && p[1] == '\n') {
            used += (size_t)sprintf(out + used, "%s", eol);
            p++;
        } else {
            out[used++] = *p;
        }
    }
    return out;
}

static void test_separators_and_line_ends(void **state)
{
    (void)state;
    const char seps[] = {',', ';', '\t'};
    const char *eols[] = {"\r\n", "\n", "\r"};
    for (size_t s = 0; s < 3; s++)
        for (size_t e = 0; e < 3; e++) {
            char *text = reshape(sheet_utf8, seps[s], eols[e]);
            char name[40];
            snprintf(name, sizeof(name), "sep %d eol %zu", seps[s], e);
            read_sheet(text, strlen(text), name);
            /* and the same as Excel's "Unicode text" (UTF-16LE, BOM) */
            size_t len;
            char *wide = encode(text, "UTF-16LE", "\xFF\xFE", 2, &len);
            read_sheet(wide, len, name);
            free(wide);
            free(text);
        }
    /* a tab-separated header with an unquoted comma in a column name */
    const char *tabbed = "Mã\tKhó khăn, vướng mắc\tKiến nghị\n1\ta, b\tc\n";
    csv_records r;
    assert_int_equal(csv_read(tabbed, strlen(tabbed), &r), 0);
    assert_int_equal(r.records[0].nfields, 3);
    assert_string_equal(csv_field(&r.records[1], 1), "a, b");
    csv_records_free(&r);
    /* ';' as Excel writes it in a Vietnamese locale, a comma inside a name */
    const char *semi = "Mã;Khó khăn, vướng mắc;Kiến nghị\n1;a, b;c\n";
    assert_int_equal(csv_read(semi, strlen(semi), &r), 0);
    assert_int_equal(r.records[0].nfields, 3);
    csv_records_free(&r);
}

/* A UTF-8 file with a damaged byte stays UTF-8 (the readers name the
 * line) instead of turning every Vietnamese letter into 1252 mojibake. */
static void test_damaged_utf8_stays_utf8(void **state)
{
    (void)state;
    const char damaged[] = "mã,tên\n31117,Phường Tân An\n31126,Ph\xFF\xFEng\n";
    decodes_to(damaged, strlen(damaged), damaged, "UTF-8", 0);
    const char bom[] = "\xEF\xBB\xBF" "abc\xFF\n";
    decodes_to(bom, strlen(bom), "abc\xFF\n", "UTF-8", 0);
}

static void test_csv_read_says_unreadable(void **state)
{
    (void)state;
    csv_records r;
    size_t len;
    char *data = encode(sheet_utf8, "UTF-16LE", "", 0, &len);
    assert_int_equal(csv_read(data, len, &r), 0);
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(r.unreadable, "UTF-16"));
    csv_records_free(&r);
    free(data);
    data = encode(sheet_utf8, "WINDOWS-1258", "", 0, &len);
    assert_int_equal(csv_read(data, len, &r), 0);
    assert_int_equal(r.n, 3);
    assert_non_null(strstr(r.notice, "Windows-1258"));
    assert_string_equal(csv_field(&r.records[1], 1), "đang triển khai");
    csv_records_free(&r);
    free(data);
}

/* A change set's dates as a spreadsheet shows them (day first) reach the
 * server as YYYY-MM-DD; an impossible one names its line. */
static void test_change_set_dates(void **state)
{
    (void)state;
    const char *csv = "effective_date,action,subject_codes,result_code\n"
                      "01/07/2025,close,X1,\n2025-07-02,close,X2,\n";
    char why[1600] = "";
    json_t *changes = unit_changes_parse(csv, strlen(csv), why, sizeof(why));
    if (!changes)
        fail_msg("%s", why);
    assert_string_equal(json_string_value(json_object_get(json_array_get(changes, 0), "effective_on")),
                        "2025-07-01");
    assert_string_equal(json_string_value(json_object_get(json_array_get(changes, 1), "effective_on")),
                        "2025-07-02");
    json_decref(changes);
    const char *bad = "effective_date,action,subject_codes,result_code\n31/06/2025,close,X1,\n";
    assert_null(unit_changes_parse(bad, strlen(bad), why, sizeof(why)));
    assert_non_null(strstr(why, "dòng 2"));
    assert_non_null(strstr(why, "không có thật"));
    const char *json = "[{\"op\": \"close\", \"effective_on\": \"5/7/2025\", \"from\": [\"X\"]}]";
    changes = unit_changes_parse(json, strlen(json), why, sizeof(why));
    assert_non_null(changes);
    assert_string_equal(json_string_value(json_object_get(json_array_get(changes, 0), "effective_on")),
                        "2025-07-05");
    json_decref(changes);
}

/* Indicators shown in the template read back as they were stored: a
 * value with three decimals gets a fourth 0 instead of being ambiguous
 * (report_indicators.c writes cells with decimal_text_sheet_form and reads
 * them with decimal_text_quantity). */
static void test_indicators_in_the_template(void **state)
{
    (void)state;
    char *cell = indicators_cell_of_json("{\"so_ho_so\": \"12530\", \"ty_le\": \"1.234\", \"tb\": \"99.5\"}");
    assert_non_null(cell);
    assert_non_null(strstr(cell, "so_ho_so=12530"));
    assert_non_null(strstr(cell, "ty_le=1,2340"));
    assert_non_null(strstr(cell, "tb=99,5"));
    indicator_list list;
    char why[400];
    assert_int_equal(indicators_parse_cell(cell, &list, why, sizeof(why)), 0);
    assert_int_equal(list.n, 3);
    for (size_t i = 0; i < list.n; i++)
        if (strcmp(list.names[i], "ty_le") == 0)
            assert_string_equal(list.values[i], "1.234");
    indicator_list_free(&list);
    free(cell);
    /* the ambiguous value is refused with both readings, never 12.53 */
    assert_int_equal(indicators_parse_cell("so_ho_so=12.530", &list, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "12530 hay 12,53"));
    indicator_list_free(&list);
}

int main(void)
{
    /* the messages checked are the Vietnamese ones, as a clerk reads them
     * (the build tree's catalogue: CCHC_LOCALEDIR, tests/CMakeLists.txt) */
    setlocale(LC_ALL, "");
    lang_select(NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_encoding_reads_the_same),
        cmocka_unit_test(test_1258_by_evidence),
        cmocka_unit_test(test_what_cannot_be_read),
        cmocka_unit_test(test_separators_and_line_ends),
        cmocka_unit_test(test_damaged_utf8_stays_utf8),
        cmocka_unit_test(test_csv_read_says_unreadable),
        cmocka_unit_test(test_change_set_dates),
        cmocka_unit_test(test_indicators_in_the_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
