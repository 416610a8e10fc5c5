/* Spreadsheet text as clerks really produce it, end to end through the
 * real client: the same report submitted from CSV files in every encoding
 * and with every separator and line ending a spreadsheet writes (UTF-8
 * with and without BOM, Excel's "Unicode text" — UTF-16LE with BOM, tab
 * separated —, UTF-16BE with BOM, Windows-1258, Windows-1252 for text
 * without Vietnamese letters; comma, semicolon, tab; CRLF, LF, CR) and
 * progress written "75", "75%", "75 %", "75.00%", "75,00"… arrives with
 * identical stored values; a file that is none of these gets one message
 * and nothing is sent; dates typed 05/12/2099 reach the server as
 * 2099-12-05, impossible or month-first dates are refused; and the client
 * behaves the same under LANG=vi_VN.UTF-8 as under C (the progress
 * pre-check, the indicators' thousands rule, the HTML report's bars). */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

#define PERIOD "2023-6M"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
};

/* The unit's tasks for the period, handed out one per submission so each
 * starts without a report. */
static int tasks[64];
static size_t n_tasks, next_task;

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "spreadsheet_text", NULL);
    harness_import_communes(srv, "31117,Phường Tân An,Q-NINHKIEU\n");
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, PERIOD);
    fixture_as(&fx, REPORTER);
    const char *args[] = {"tasks", "--period", PERIOD, NULL};
    json_t *root = harness_cchc_json(srv, args);
    json_t *list = json_object_get(root, "tasks");
    for (size_t i = 0; i < json_array_size(list) && n_tasks < 64; i++)
        tasks[n_tasks++] = (int)jint(json_array_get(list, i), "task_id");
    json_decref(root);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

static int fresh_task(void)
{
    if (next_task == n_tasks)
        fail_msg("the unit owes only %zu tasks in %s", n_tasks, PERIOD);
    return tasks[next_task++];
}

/* An expression over the task's latest stored revision v ("v.results"),
 * as text ("" when there is no report), straight from the database. */
static char *stored(int task, const char *column)
{
    return harness_report_latest(&fx.db, PERIOD, "Q-NINHKIEU", task, column);
}

static void assert_stored(int task, const char *column, const char *expected)
{
    char *got = stored(task, column);
    if (strcmp(got, expected) != 0)
        fail_msg("task %d: %s is \"%s\", expected \"%s\"", task, column, got, expected);
    free(got);
}

/* ---- files as spreadsheets write them -------------------------------------------- */

static const char *const headers[] = {
    "Kỳ báo cáo", "Mã nhiệm vụ", "Nhiệm vụ", "Chỉ tiêu", "Trạng thái", "Tiến độ (%)",
    "Kết quả đạt được", "Khó khăn, vướng mắc", "Kiến nghị", "Giá trị chỉ số",
    "Tình trạng báo cáo", "Lý do trả lại", "Phiên bản gốc",
};
#define NCOLS 13

/* The text every encoding must deliver unchanged (NFC, as typed on
 * Windows): a separator, a quote and both marks of each kind inside. */
static const char results_vi[] = "Đã tiếp nhận 1.234 hồ sơ; Cần Thơ, \"một cửa\" ứng dụng";
static const char proposals_vi[] = "Đề nghị bổ sung máy quét";

/* Appends one field as a spreadsheet does: quoted only when it holds the
 * separator, a quote or a line break. */
static void put_field(char *out, size_t size, const char *text, char sep, int last, const char *eol)
{
    size_t used = strlen(out);
    int quote = strchr(text, sep) || strchr(text, '"') || strpbrk(text, "\r\n");
    if (quote) {
        used += (size_t)snprintf(out + used, size - used, "\"");
        for (const char *p = text; *p && used + 2 < size; p++) {
            if (*p == '"')
                out[used++] = '"';
            out[used++] = *p;
        }
        out[used] = '\0';
        used += (size_t)snprintf(out + used, size - used, "\"");
    } else {
        used += (size_t)snprintf(out + used, size - used, "%s", text);
    }
    if (last)
        snprintf(out + used, size - used, "%s", eol);
    else
        snprintf(out + used, size - used, "%c", sep);
}

/* A filled template of one row as UTF-8 text. */
static void sheet(char *out, size_t size, int task, const char *status, const char *progress,
                  const char *results, const char *proposals, char sep, const char *eol)
{
    char id[16];
    snprintf(id, sizeof(id), "%d", task);
    const char *row[NCOLS] = {PERIOD, id, "Nhiệm vụ: cải cách hành chính", "", status, progress,
                              results, "", proposals, "", "", "", ""};
    out[0] = '\0';
    for (int c = 0; c < NCOLS; c++)
        put_field(out, size, headers[c], sep, c == NCOLS - 1, eol);
    for (int c = 0; c < NCOLS; c++)
        put_field(out, size, row[c], sep, c == NCOLS - 1, eol);
}

/* Writes text converted to encoding (glibc iconv, as Excel converts on
 * saving) after the bytes of bom. */
static void write_encoded(const char *path, const char *text, const char *encoding,
                          const char *bom, size_t bom_len)
{
    iconv_t cd = iconv_open(encoding, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t cap = strlen(text) * 4 + 8;
    char *buf = malloc(cap);
    assert_non_null(buf);
    char *in = (char *)text, *o = buf;
    size_t in_left = strlen(text), out_left = cap;
    if (iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1)
        fail_msg("cannot write the test text in %s", encoding);
    iconv_close(cd);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bom, 1, bom_len, f), bom_len);
    assert_int_equal(fwrite(buf, 1, (size_t)(o - buf), f), (size_t)(o - buf));
    fclose(f);
    free(buf);
}

typedef struct variant {
    const char *name, *encoding, *bom;
    size_t bom_len;
    char sep;
    const char *eol, *progress;
    const char *notice; /* what stderr must name, or NULL for UTF-8 */
} variant;

static void test_every_encoding_and_separator(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    static const variant variants[] = {
        {"utf8", "UTF-8", "", 0, ',', "\n", "75", NULL},
        {"utf8-bom-semicolon", "UTF-8", "\xEF\xBB\xBF", 3, ';', "\r\n", "75%", NULL},
        {"excel-unicode-text", "UTF-16LE", "\xFF\xFE", 2, '\t', "\r\n", "75 %", "UTF-16LE"},
        {"utf16be", "UTF-16BE", "\xFE\xFF", 2, ',', "\n", "75.00%", "UTF-16BE"},
        {"windows-1258", "WINDOWS-1258", "", 0, ';', "\r\n", " 75 ", "Windows-1258"},
        {"windows-1258-comma", "WINDOWS-1258", "", 0, ',', "\n", "75,00", "Windows-1258"},
        {"old-mac-cr", "UTF-8", "\xEF\xBB\xBF", 3, ',', "\r", "75,0 %", NULL},
        {"utf8-tab-nbsp", "UTF-8", "", 0, '\t', "\n", "75\xC2\xA0%", NULL},
    };
    for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        const variant *v = &variants[i];
        int task = fresh_task();
        char text[8192], path[80];
        sheet(text, sizeof(text), task, "đang triển khai", v->progress, results_vi, proposals_vi,
              v->sep, v->eol);
        snprintf(path, sizeof(path), "bao-cao-%s.csv", v->name);
        write_encoded(path, text, v->encoding, v->bom, v->bom_len);
        const char *submit[] = {"submit", "--file", path, NULL};
        run_result r;
        harness_cchc(&r, srv, submit);
        if (r.exit_code != 0)
            fail_msg("%s: exit %d: %s", v->name, r.exit_code, r.err);
        if (v->notice && !strstr(r.err, v->notice))
            fail_msg("%s: stderr does not say the file was read as %s: %s", v->name, v->notice, r.err);
        if (v->notice)
            assert_non_null(strstr(r.err, "đã đọc tệp theo mã"));
        run_result_free(&r);
        /* identical stored values, byte for byte, whatever the file was */
        assert_stored(task, "v.status", "in_progress");
        assert_stored(task, "v.progress", "75.00");
        assert_stored(task, "v.results", results_vi);
        assert_stored(task, "v.proposals", proposals_vi);
        assert_stored(task, "v.results IS NFC NORMALIZED", "true");
    }

    /* Windows-1252: a file without Vietnamese letters, as a Western
     * Windows writes it (the header's Vietnamese letters approximated:
     * "Ma nhi?m v?") */
    int task = fresh_task();
    char text[8192];
    sheet(text, sizeof(text), task, "in_progress", "75,5", "Café crème, 1.234 dossiers",
          "Révision à Genève", ',', "\r\n");
    write_encoded("bao-cao-1252.csv", text, "WINDOWS-1252//TRANSLIT", "", 0);
    const char *submit[] = {"submit", "--file", "bao-cao-1252.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    if (r.exit_code != 0)
        fail_msg("windows-1252: exit %d: %s", r.exit_code, r.err);
    assert_non_null(strstr(r.err, "Windows-1252"));
    run_result_free(&r);
    assert_stored(task, "v.progress", "75.50");
    assert_stored(task, "v.results", "Café crème, 1.234 dossiers");
    assert_stored(task, "v.proposals", "Révision à Genève");
}

/* ---- files that cannot be read: one message, nothing sent ------------------------------ */

static void refused_whole(const char *path, int task, const char *seems)
{
    const char *submit[] = {"submit", "--file", path, NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    assert_int_equal(r.exit_code, 2);
    if (!strstr(r.err, seems))
        fail_msg("%s: the message does not say \"%s\": %s", path, seems, r.err);
    /* one message: how to save as CSV UTF-8 in Excel and LibreOffice, and
     * no list of errors by line */
    assert_non_null(strstr(r.err, "CSV UTF-8 (Comma delimited)"));
    assert_non_null(strstr(r.err, "Unicode (UTF-8)"));
    assert_null(strstr(r.err, "dòng "));
    assert_null(strstr(r.err, "cột "));
    run_result_free(&r);
    assert_stored(task, "v.status", ""); /* nothing was sent */
}

static void test_unreadable_file_one_message(void **state)
{
    (void)state;
    fixture_as(&fx, REPORTER);
    int task = fresh_task();
    char text[8192];
    sheet(text, sizeof(text), task, "đang triển khai", "50", results_vi, proposals_vi, '\t', "\r\n");
    write_encoded("bao-cao-utf16-no-bom.txt", text, "UTF-16LE", "", 0);
    refused_whole("bao-cao-utf16-no-bom.txt", task, "UTF-16");
    /* the legacy TCVN3 (ABC) encoding of .VnTime fonts */
    sheet(text, sizeof(text), task, "đang triển khai", "50", "đã tiếp nhận hồ sơ tại cơ quan",
          "", ',', "\r\n");
    write_encoded("bao-cao-tcvn3.csv", text, "TCVN5712-1", "", 0);
    refused_whole("bao-cao-tcvn3.csv", task, "TCVN3");
    /* a workbook renamed .csv goes to the .xlsx reader (report_file.c),
     * which refuses a broken one with its own single message */
    harness_write_file("bao-cao-zip.csv", "PK\x03\x04\x14\x00 not really a zip");
    const char *zip[] = {"submit", "--file", "bao-cao-zip.csv", NULL};
    run_result r;
    harness_cchc(&r, srv, zip);
    assert_int_equal(r.exit_code, 2);
    assert_null(strstr(r.err, "dòng "));
    run_result_free(&r);
    assert_stored(task, "v.status", "");
}

/* ---- dates as people type them ----------------------------------------------------- */

static void test_dates_typed_day_first(void **state)
{
    (void)state;
    fixture_as(&fx, -1);
    const char *extend[] = {"period", "extend", PERIOD, "--unit-deadline", "5/1/2099", NULL};
    harness_cchc_ok(srv, extend);
    const char *list[] = {"period", "list", "--year", "2023", NULL};
    json_t *root = harness_cchc_json(srv, list);
    json_t *periods = json_object_get(root, "periods");
    const char *deadline = NULL;
    for (size_t i = 0; i < json_array_size(periods); i++)
        if (strcmp(jstr(json_array_get(periods, i), "id"), PERIOD) == 0)
            deadline = jstr(json_array_get(periods, i), "unit_deadline");
    assert_non_null(deadline);
    assert_string_equal(deadline, "2099-01-05");
    json_decref(root);
    const char *iso[] = {"period", "extend", PERIOD, "--unit-deadline", "2099-01-06", NULL};
    harness_cchc_ok(srv, iso);

    run_result r;
    const char *impossible[] = {"period", "extend", PERIOD, "--unit-deadline", "31/02/2099", NULL};
    harness_cchc(&r, srv, impossible);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "không có thật"));
    run_result_free(&r);
    const char *month_first[] = {"period", "extend", PERIOD, "--unit-deadline", "12/31/2099", NULL};
    harness_cchc(&r, srv, month_first);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "có vẻ viết tháng trước ngày"));
    assert_non_null(strstr(r.err, "31/12/2099"));
    run_result_free(&r);
    root = harness_cchc_json(srv, list); /* neither changed anything */
    periods = json_object_get(root, "periods");
    for (size_t i = 0; i < json_array_size(periods); i++)
        if (strcmp(jstr(json_array_get(periods, i), "id"), PERIOD) == 0)
            assert_string_equal(jstr(json_array_get(periods, i), "unit_deadline"), "2099-01-06");
    json_decref(root);

    const char *as_of[] = {"units", "--as-of", "05/12/2026", NULL};
    json_t *units = harness_cchc_json(srv, as_of);
    json_decref(units);
}

/* ---- the same client under vi_VN.UTF-8 and under C ---------------------------------- */

static void use_locale(const char *name)
{
    if (name) {
        setenv("LANG", name, 1);
        setenv("LC_ALL", name, 1);
    } else {
        unsetenv("LANG");
        unsetenv("LC_ALL");
    }
}

/* Every bar of the HTML report's charts has the width its printed value
 * gives (value / max × the width of its frame, the outlined rect after
 * it); returns how many bars are wider than 0. */
static int check_bars(const char *html)
{
    int wide = 0, bars = 0;
    for (const char *p = strstr(html, "<svg"); p; p = strstr(p, "<svg")) {
        const char *end = strstr(p, "</svg>");
        assert_non_null(end);
        double value[16], max = 0;
        int width[16], track[16], n = 0;
        for (const char *q = strstr(p, "fill=\"#2f6f9f\""); q && q < end && n < 16;
             q = strstr(q + 1, "fill=\"#2f6f9f\"")) {
            const char *w = q;
            while (w > p && strncmp(w, "width=\"", 7) != 0)
                w--;
            width[n] = atoi(w + 7);
            const char *frame = strstr(q, "fill=\"none\"");
            assert_non_null(frame);
            while (frame > q && strncmp(frame, "width=\"", 7) != 0)
                frame--;
            track[n] = atoi(frame + 7);
            const char *text = strstr(q, "font-size=\"12\">");
            assert_non_null(text);
            text += strlen("font-size=\"12\">");
            /* the printed decimal (a decimal comma), read digit by digit
             * (no locale) */
            double v = 0, scale = 0;
            for (; (*text >= '0' && *text <= '9') || *text == ','; text++) {
                if (*text == ',')
                    scale = 1;
                else if (scale > 0)
                    v += (*text - '0') * (scale /= 10);
                else
                    v = v * 10 + (*text - '0');
            }
            value[n] = v;
            if (v > max)
                max = v;
            n++;
        }
        int percent = strstr(p, " %</text>") && strstr(p, " %</text>") < end;
        if (percent)
            max = 100;
        for (int i = 0; i < n; i++) {
            int expected = max > 0 ? (int)(value[i] / max * track[i] + 0.5) : 0;
            if (expected > track[i])
                expected = track[i];
            if (width[i] != expected)
                fail_msg("bar %d: width %d for %.2f of %.2f, expected %d", i, width[i], value[i], max,
                         expected);
            wide += width[i] > 0;
            bars++;
        }
        p = end;
    }
    assert_true(bars > 0);
    return wide;
}

static void test_same_under_vi_VN_and_C(void **state)
{
    (void)state;
    const char *locales[] = {"vi_VN.UTF-8", "C"};
    char *html[2] = {NULL, NULL};
    for (int l = 0; l < 2; l++) {
        use_locale(locales[l]);
        fixture_as(&fx, REPORTER);
        int task = fresh_task();
        char id[16];
        snprintf(id, sizeof(id), "%d", task);
        run_result r;
        /* 100.5 is refused by the client's pre-check, as by the server */
        const char *over[] = {"submit", "--task", id, "--period", PERIOD, "--status", "đang triển khai",
                              "--progress", "100.5", "--result", "Gần xong", NULL};
        harness_cchc(&r, srv, over);
        if (r.exit_code != 2 || !strstr(r.err, "phải từ 0 đến 100"))
            fail_msg("%s: 100.5 not refused by the client (exit %d): %s", locales[l], r.exit_code,
                     r.err);
        run_result_free(&r);
        /* 12.530 is twelve thousand five hundred thirty or 12.53: refused */
        const char *ambiguous[] = {"submit", "--task", id, "--period", PERIOD, "--status",
                                   "đang triển khai", "--progress", "50", "--result", "Một nửa",
                                   "--indicator", "so_ho_so=12.530", NULL};
        harness_cchc(&r, srv, ambiguous);
        assert_int_equal(r.exit_code, 2);
        if (!strstr(r.err, "12530 hay 12,53"))
            fail_msg("%s: 12.530 not refused as ambiguous: %s", locales[l], r.err);
        run_result_free(&r);
        assert_stored(task, "v.status", ""); /* neither was sent */
        /* written unambiguously, in either locale's habits */
        const char *good[] = {"submit", "--task", id, "--period", PERIOD, "--status",
                              "đang triển khai", "--progress", l ? "87.5%" : "87,5", "--result",
                              "Đã tiếp nhận", "--indicator", l ? "so_ho_so=12530" : "so_ho_so=12 530",
                              "--indicator", l ? "ty_le=99.5" : "ty_le=99,5", NULL};
        harness_cchc_ok(srv, good);
        assert_stored(task, "v.progress", "87.50");
        assert_stored(task, "v.indicators->>'so_ho_so'", "12530");
        assert_stored(task, "v.indicators->>'ty_le'", "99.5");
        /* the template shows them in the form the rule reads back as they are */
        const char *tmpl[] = {"template", "--period", PERIOD, "-o", "mau.csv", NULL};
        remove("mau.csv");
        harness_cchc_ok(srv, tmpl);
        char *written = harness_read_file("mau.csv");
        assert_non_null(strstr(written, "so_ho_so=12530"));
        assert_non_null(strstr(written, "ty_le=99,5"));
        free(written);

        /* the HTML report's bars have the widths of their values */
        fixture_as(&fx, -1);
        /* the consolidated report is the heaviest query: more time than the
         * default 10 s on a loaded machine */
        const char *export[] = {"--timeout", "60000", "export", "--period", PERIOD, "--format",
                                "html", "-o", "tong-hop.html", NULL};
        harness_cchc_ok(srv, export);
        html[l] = harness_read_file("tong-hop.html");
        if (check_bars(html[l]) == 0)
            fail_msg("%s: every bar of the HTML report has width 0", locales[l]);
    }
    use_locale(NULL);
    free(html[0]);
    free(html[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_encoding_and_separator),
        cmocka_unit_test(test_unreadable_file_one_message),
        cmocka_unit_test(test_dates_typed_day_first),
        cmocka_unit_test(test_same_under_vi_VN_and_C),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
