/* See report_xlsx_write.h. */
#include "report_xlsx_write.h"

#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "i18n.h"
#include "plat_file.h"
#include "plat_locale.h"
#include "report_csv.h"
#include "report_xlsx.h"

/* How each template column looks; columns not listed (added later) are
 * locked, visible and plain. */
typedef enum { LOOK_LOCKED, LOOK_CLERK, LOOK_HIDDEN } look;

static const struct column_look {
    int column;
    double width;
    look look;
} looks[] = {
    {REPORT_COL_PERIOD, 10, LOOK_HIDDEN},
    {REPORT_COL_TASK, 8, LOOK_HIDDEN},
    {REPORT_COL_TASK_TEXT, 60, LOOK_LOCKED},
    {REPORT_COL_TARGETS, 36, LOOK_LOCKED},
    {REPORT_COL_STATUS, 18, LOOK_CLERK},
    {REPORT_COL_PROGRESS, 11, LOOK_CLERK},
    {REPORT_COL_RESULTS, 50, LOOK_CLERK},
    {REPORT_COL_DIFFICULTIES, 36, LOOK_CLERK},
    {REPORT_COL_PROPOSALS, 36, LOOK_CLERK},
    {REPORT_COL_INDICATORS, 30, LOOK_CLERK},
    {REPORT_COL_REPORT_STATE, 16, LOOK_LOCKED},
    {REPORT_COL_RETURN_REASON, 36, LOOK_LOCKED},
    {REPORT_COL_BASE_REVISION, 8, LOOK_HIDDEN},
    {REPORT_COL_UNIT, 12, LOOK_HIDDEN},
    {REPORT_COL_CARRIED_FROM, 16, LOOK_CLERK}, /* cleared by the clerk to confirm a row */
};

static const struct column_look *look_of(int column)
{
    static const struct column_look plain = {-1, 16, LOOK_LOCKED};
    for (size_t i = 0; i < sizeof(looks) / sizeof(looks[0]); i++)
        if (looks[i].column == column)
            return &looks[i];
    return &plain;
}

static const char *state_label(const char *state)
{
    static const struct { const char *code, *label; } labels[] = {
        {"missing", "chưa báo cáo"}, {"draft", "bản nháp"}, {"submitted", "đã gửi"},
        {"returned", "bị trả lại"}, {"accepted", "đã chấp nhận"}, {"approved", "đã phê duyệt"},
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].code, state) == 0)
            return labels[i].label;
    return state;
}

/* The server's decimal text ("75.5", "100") as a number, without strtod
 * (whose decimal point is the locale's); -1 when it is not one. */
static int decimal_value(const char *s, double *out)
{
    double value = 0, scale = 1;
    int digits = 0, point = 0;
    for (; *s; s++) {
        if (*s == '.' && !point) {
            point = 1;
        } else if (*s >= '0' && *s <= '9' && digits < 15) {
            digits++;
            if (point)
                value += (*s - '0') * (scale /= 10);
            else
                value = value * 10 + (*s - '0');
        } else {
            return -1;
        }
    }
    if (!digits)
        return -1;
    *out = value;
    return 0;
}

typedef struct formats {
    lxw_format *header, *locked, *clerk, *title, *text;
} formats;

static void make_formats(lxw_workbook *wb, formats *f)
{
    f->header = workbook_add_format(wb);
    format_set_bold(f->header);
    format_set_text_wrap(f->header);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(f->header, 0xDDEBF7);
    format_set_border(f->header, LXW_BORDER_THIN);
    f->locked = workbook_add_format(wb); /* the task's: grey, read-only */
    format_set_text_wrap(f->locked);
    format_set_align(f->locked, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(f->locked, 0xF2F2F2);
    format_set_border(f->locked, LXW_BORDER_THIN);
    f->clerk = workbook_add_format(wb); /* the clerk's: white, open */
    format_set_text_wrap(f->clerk);
    format_set_align(f->clerk, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f->clerk, LXW_BORDER_THIN);
    format_set_unlocked(f->clerk);
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    f->text = workbook_add_format(wb);
    format_set_text_wrap(f->text);
    format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
}

static void write_report_sheet(lxw_worksheet *ws, const Cchc__V1__MyTasksResponse *tasks,
                               const formats *f)
{
    for (int c = 0; c < REPORT_COL_COUNT; c++) {
        const struct column_look *l = look_of(c);
        lxw_row_col_options hidden = {.hidden = l->look == LOOK_HIDDEN};
        worksheet_set_column_opt(ws, (lxw_col_t)c, (lxw_col_t)c, l->width,
                                 l->look == LOOK_CLERK ? f->clerk : NULL, &hidden);
        worksheet_write_string(ws, 0, (lxw_col_t)c, report_column_header(c), f->header);
    }
    report_template_cells cells;
    for (size_t i = 0; i < tasks->n_tasks; i++) {
        lxw_row_t row = (lxw_row_t)(i + 1);
        report_template_cells_of(tasks, i, &cells);
        for (int c = 0; c < REPORT_COL_COUNT; c++) {
            const struct column_look *l = look_of(c);
            lxw_format *format = l->look == LOOK_CLERK ? f->clerk : f->locked;
            const char *text = c == REPORT_COL_REPORT_STATE ? state_label(cells.fields[c])
                                                             : cells.fields[c];
            double number;
            int numeric = c == REPORT_COL_TASK || c == REPORT_COL_BASE_REVISION ||
                          c == REPORT_COL_PROGRESS;
            if (numeric && decimal_value(text, &number) == 0)
                worksheet_write_number(ws, row, (lxw_col_t)c, number, format);
            else if (*text)
                worksheet_write_string(ws, row, (lxw_col_t)c, text, format);
            else
                worksheet_write_blank(ws, row, (lxw_col_t)c, format);
        }
        report_template_cells_release(&cells);
    }
    lxw_row_t last = (lxw_row_t)(tasks->n_tasks ? tasks->n_tasks : 1);
    const char *statuses[] = {report_status_label("not_started"),
                              report_status_label("in_progress"),
                              report_status_label("completed"), report_status_label("behind"),
                              NULL};
    lxw_data_validation status = {
        .validate = LXW_VALIDATION_TYPE_LIST,
        .value_list = (char **)statuses,
        .input_title = "Trạng thái",
        .input_message = "Chọn một trong bốn trạng thái trong danh sách.",
        .error_title = "Trạng thái không hợp lệ",
        .error_message = "Chọn: chưa triển khai, đang triển khai, hoàn thành hoặc chậm tiến độ.",
    };
    worksheet_data_validation_range(ws, 1, REPORT_COL_STATUS, last, REPORT_COL_STATUS, &status);
    lxw_data_validation progress = {
        .validate = LXW_VALIDATION_TYPE_DECIMAL,
        .criteria = LXW_VALIDATION_CRITERIA_BETWEEN,
        .minimum_number = 0,
        .maximum_number = 100,
        .input_title = "Tiến độ (%)",
        .input_message = "Số từ 0 đến 100, ví dụ 75 hoặc 75,5.",
        .error_title = "Tiến độ không hợp lệ",
        .error_message = "Tiến độ phải là số từ 0 đến 100.",
    };
    worksheet_data_validation_range(ws, 1, REPORT_COL_PROGRESS, last, REPORT_COL_PROGRESS,
                                    &progress);
    worksheet_freeze_panes(ws, 1, 0);
    lxw_protection protection = {.format_columns = 1, .format_rows = 1};
    worksheet_protect(ws, NULL, &protection);
}

static void write_instructions(lxw_worksheet *ws, const Cchc__V1__MyTasksResponse *tasks,
                               const formats *f)
{
    char heading[600];
    snprintf(heading, sizeof(heading), "Kỳ báo cáo %s — %s (mã đơn vị %s), hạn gửi %s.",
             tasks->period ? tasks->period->id : "", tasks->unit_name, tasks->unit_code,
             tasks->deadline);
    const char *lines[] = {
        heading,
        "",
        "Trang «Báo cáo» có một dòng cho mỗi nhiệm vụ đơn vị phải báo cáo. Chỉ điền các ô nền "
        "trắng; các ô nền xám (nhiệm vụ, chỉ tiêu, tình trạng báo cáo, lý do trả lại) bị khóa. "
        "Các cột ẩn (kỳ báo cáo, mã nhiệm vụ, phiên bản gốc, mã đơn vị) cho máy chủ biết mỗi "
        "dòng là báo cáo nào: đừng xóa hay sửa chúng. Có thể đổi độ rộng cột và chiều cao dòng.",
        "Trạng thái: chọn trong danh sách một trong bốn giá trị: chưa triển khai, đang triển "
        "khai, hoàn thành, chậm tiến độ. Dòng để trống Trạng thái không được gửi.",
        "Tiến độ (%): số từ 0 đến 100, tối đa hai chữ số thập phân (ví dụ 75 hoặc 75,5; gõ 75% "
        "cũng được). Hoàn thành thì tiến độ là 100; chưa triển khai thì là 0.",
        "Kết quả đạt được: bắt buộc khi đang triển khai hoặc hoàn thành.",
        "Khó khăn, vướng mắc: bắt buộc khi chưa triển khai hoặc chậm tiến độ.",
        "Kiến nghị: không bắt buộc.",
        "Giá trị chỉ số: mỗi chỉ số viết tên=giá trị, các chỉ số cách nhau bằng dấu chấm phẩy, "
        "ví dụ so_ho_so=120; ty_le_dung_han=98,5. Tên có dấu chấm phẩy, dấu bằng hoặc dấu "
        "nháy thì đặt trong dấu nháy kép: \"Số hồ sơ; trực tuyến\"=12. Để trống ô thì giữ "
        "nguyên các chỉ số đã báo cáo; ghi một dấu - để xóa hết. Tối đa 64 chỉ số mỗi dòng.",
        REPORT_XLSX_INDICATOR_RULE,
        "Mang sang từ kỳ: kỳ 6 tháng, 9 tháng và năm là số liệu cộng dồn, nên mẫu điền sẵn báo "
        "cáo gần nhất của đơn vị trong năm (ví dụ \"2026-Q1, lần 2\"). Sửa những gì đã thay "
        "đổi; dòng không sửa gì thì không được gửi, trừ khi bạn xóa trắng ô này (xác nhận số "
        "liệu vẫn đúng) hoặc gửi với --confirm-carried.",
        "",
        "Lưu tệp dưới dạng Excel (.xlsx) hoặc CSV UTF-8 rồi gửi bằng lệnh: cchc submit --file "
        "<tên tệp>. Tệp Excel 97-2003 (.xls) không đọc được. Mọi lỗi được liệt kê theo dòng và "
        "cột trước khi gửi; khi có lỗi, không báo cáo nào được gửi.",
    };
    worksheet_set_column(ws, 0, 0, 110, f->text);
    worksheet_write_string(ws, 0, 0, "Hướng dẫn điền báo cáo", f->title);
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        if (*lines[i])
            worksheet_write_string(ws, (lxw_row_t)(i + 1), 0, lines[i], f->text);
}

int report_xlsx_write(const char *path, const Cchc__V1__MyTasksResponse *tasks, char *error,
                      size_t error_size)
{
    /* libxlsxwriter prints numbers with the C library's "%G": under a
     * Vietnamese LC_NUMERIC that would write "75,5" into the XML */
    plat_c_numeric *c_numeric = plat_c_numeric_begin();
    /* a UTF-8 path: the Windows build's libxlsxwriter opens it with
     * _wfopen (scripts/lib/windows-deps.sh) */
    lxw_workbook *wb = workbook_new(path);
    lxw_error rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (wb) {
        formats f;
        make_formats(wb, &f);
        lxw_worksheet *report = workbook_add_worksheet(wb, REPORT_XLSX_SHEET);
        lxw_worksheet *help = workbook_add_worksheet(wb, "Hướng dẫn");
        if (report && help) {
            write_report_sheet(report, tasks, &f);
            write_instructions(help, tasks, &f);
            worksheet_activate(report);
        }
        rc = workbook_close(wb);
    }
    plat_c_numeric_end(c_numeric);
    if (rc != LXW_NO_ERROR) {
        snprintf(error, error_size, _("cannot write %s: %s"), path, lxw_strerror(rc));
        return -1;
    }
    return 0;
}
