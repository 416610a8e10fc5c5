/* Unit tests of how a server message's arguments are shown
 * (client/render/message_text.c, and client/net/server_error.c with it
 * as main sets it up): a code at a position the table names is shown by
 * its label ("cannot %s" → "đóng kỳ"), a date dd/mm/yyyy, a decimal with
 * the reader's mark; every other argument as sent; an empty id falls back
 * to the text as sent. In Vietnamese from the build tree's catalogue
 * (CCHC_LOCALEDIR, tests/CMakeLists.txt) and in English. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "human.h"
#include "lang.h"
#include "message_text.h"
#include "server_error.h"

#define PERIOD_ID "period %s is %s and cannot %s; next actions allowed: %s"

static void use(const char *lang)
{
    assert_int_equal(lang_select(lang), 0);
    human_use_english(lang_current() == LANG_EN);
}

static void test_codes_by_their_labels(void **state)
{
    (void)state;
    char *args[] = {"2025-Q1", "closed", "close", "reopen, approve"};
    char out[512];
    use("vi");
    message_text(PERIOD_ID, args, 4, "", out, sizeof(out));
    assert_string_equal(out, "kỳ 2025-Q1 đang ở trạng thái đã đóng, không thể đóng kỳ; "
                             "được phép: mở lại kỳ, phê duyệt");
    use("en");
    message_text(PERIOD_ID, args, 4, "", out, sizeof(out));
    assert_string_equal(out, "period 2025-Q1 is closed and cannot close the period; next actions "
                             "allowed: reopen the period, approve");
    /* a code the label table does not know: as sent, never blank */
    char *newer[] = {"2025-Q1", "archived", "close", "thaw"};
    message_text(PERIOD_ID, newer, 4, "", out, sizeof(out));
    assert_string_equal(out, "period 2025-Q1 is archived and cannot close the period; next actions "
                             "allowed: thaw");
}

static void test_dates_and_decimals(void **state)
{
    (void)state;
    char *args[] = {"PAR-INDEX", "2.4", "2022", "3.2047", "3.2407", "-0.0360"};
    const char *id = "%s %s: printed %s score %s, sum of children %s (difference %s)";
    char out[512];
    use("vi");
    message_text(id, args, 6, "", out, sizeof(out));
    /* the criterion's code keeps its point: only the figures are decimals */
    assert_string_equal(out, "PAR-INDEX 2.4: điểm năm 2022 in là 3,2047, tổng điểm tiêu chí con "
                             "3,2407 (chênh lệch -0,0360)");
    use("en");
    message_text(id, args, 6, "", out, sizeof(out));
    assert_string_equal(out, "PAR-INDEX 2.4: printed 2022 score 3.2047, sum of children 3.2407 "
                             "(difference -0.0360)");
    char *merge[] = {"A, B", "C", "2025-07-01"};
    message_text("merge %s → %s from %s", merge, 3, "", out, sizeof(out));
    assert_string_equal(out, "merge A, B → C from 01/07/2025");
    use("vi");
    message_text("merge %s → %s from %s", merge, 3, "", out, sizeof(out));
    assert_string_equal(out, "hợp nhất A, B → C từ ngày 01/07/2025");
}

static void test_without_id_the_text_as_sent(void **state)
{
    (void)state;
    char out[128];
    use("vi");
    message_text("", NULL, 0, "đơn vị X đã ngừng hoạt động", out, sizeof(out));
    assert_string_equal(out, "đơn vị X đã ngừng hoạt động");
    message_text(NULL, NULL, 0, NULL, out, sizeof(out));
    assert_string_equal(out, "");
    /* an id the table does not list: its arguments as sent */
    char *args[] = {"2025-07-01"};
    char shown[32] = "unchanged";
    assert_int_equal(message_arg_shown("no such id %s", 0, args[0], shown, sizeof(shown)), 0);
    assert_string_equal(shown, "unchanged");
}

/* The server's errors go the same way once main has set the table in
 * (client/main.c): the refusal of a bad frame, and a code in a sentence. */
static void test_server_errors(void **state)
{
    (void)state;
    server_error_set_arg_shown(message_arg_shown);
    char out[512];
    char *frame[] = {"4294967295", "8192"};
    use("vi");
    server_error_text("frame of %s bytes exceeds the limit of %s bytes before hello", frame, 2,
                      "English", out, sizeof(out));
    assert_string_equal(out, "khung dữ liệu 4294967295 byte vượt giới hạn 8192 byte trước lời "
                             "chào (hello)");
    char *report[] = {"17", "draft"};
    server_error_text("report %s is %s and cannot be accepted", report, 2, "English", out,
                      sizeof(out));
    assert_string_equal(out, "báo cáo 17 đang ở trạng thái bản nháp, không thể chấp nhận");
    use("en");
    server_error_text("report %s is %s and cannot be accepted", report, 2, "English", out,
                      sizeof(out));
    assert_string_equal(out, "report 17 is draft and cannot be accepted");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_by_their_labels),
        cmocka_unit_test(test_dates_and_decimals),
        cmocka_unit_test(test_without_id_the_text_as_sent),
        cmocka_unit_test(test_server_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
