/* See unit_changes.h. The CSV is mapped column by name, so a file with its
 * columns in another order, or extra ones (result_gso_code, date_basis),
 * reads the same; lists inside a field are separated by ';'. */
#include "unit_changes.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csv_read.h"
#include "date_text.h"
#include "i18n.h"
#include "lang.h"
#include "plat_printf.h"
#include "utf8.h"

static json_t *fail(char *why, size_t size, const char *fmt, ...) __attribute__((format(PLAT_PRINTF_FORMAT, 3, 4)));

static json_t *fail(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return NULL;
}

/* "A;B; C" as ["A", "B", "C"]; empty items left out. */
static json_t *split_list(const char *s)
{
    json_t *out = json_array();
    const char *p = s;
    while (out && *p) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n > 0)
            json_array_append_new(out, json_stringn(p, n));
        if (!end)
            break;
        p = end + 1;
    }
    return out;
}

enum { C_DATE, C_ACTION, C_SUBJECTS, C_RESULT, C_NAME, C_KIND, C_PARENT, C_SOURCE, C_PARTIAL, C_NOTE, C_N };
static const char *const column_names[C_N] = {"effective_date", "action", "subject_codes", "result_code",
                                              "result_name", "result_kind", "parent_after", "source_id",
                                              "partial_subjects", "note"};

static json_t *csv_change(const csv_record *r, const int *col)
{
    const char *v[C_N];
    for (int c = 0; c < C_N; c++)
        v[c] = col[c] >= 0 ? csv_field(r, (size_t)col[c]) : "";
    const char *op = v[C_ACTION];
    json_t *from = split_list(v[C_SUBJECTS]), *to = json_array();
    json_t *codes = split_list(v[C_RESULT]), *names = split_list(v[C_NAME]);
    if (strcmp(op, "move") == 0) {
        const char *code = json_array_size(codes) ? json_string_value(json_array_get(codes, 0))
                                                  : json_string_value(json_array_get(from, 0));
        json_array_append_new(to, json_pack("{s:s, s:s}", "code", code ? code : "", "parent", v[C_PARENT]));
    } else if (strcmp(op, "close") != 0) {
        for (size_t i = 0; i < json_array_size(codes); i++) {
            json_t *u = json_pack("{s:O}", "code", json_array_get(codes, i));
            json_t *name = json_array_get(names, i);
            if (name)
                json_object_set(u, "name", name);
            if (*v[C_KIND])
                json_object_set_new(u, "kind", json_string(v[C_KIND]));
            if (*v[C_PARENT])
                json_object_set_new(u, "parent", json_string(v[C_PARENT]));
            json_array_append_new(to, u);
        }
    }
    json_decref(codes);
    json_decref(names);
    return json_pack("{s:i, s:s, s:s, s:o, s:o, s:s, s:o, s:s}", "line", r->line, "op", op, "effective_on",
                     v[C_DATE], "from", from, "to", to, "legal_basis", v[C_SOURCE], "partial",
                     split_list(v[C_PARTIAL]), "note", v[C_NOTE]);
}

static json_t *parse_csv(const char *data, size_t len, char *why, size_t why_size)
{
    csv_records records;
    if (csv_read(data, len, &records) != 0)
        return fail(why, why_size, _("out of memory"));
    json_t *out = NULL;
    if (records.unreadable[0]) {
        fail(why, why_size, "%s", records.unreadable);
        goto done;
    }
    if (records.error[0]) {
        fail(why, why_size, _("line %d: malformed CSV file: %s"), records.error_line, records.error);
        goto done;
    }
    if (records.n < 2) {
        fail(why, why_size, _("no change lines"));
        goto done;
    }
    int col[C_N];
    const csv_record *header = &records.records[0];
    for (int c = 0; c < C_N; c++) {
        col[c] = -1;
        for (size_t f = 0; f < header->nfields && f < CSV_MAX_FIELDS; f++)
            if (strcmp(csv_field(header, f), column_names[c]) == 0)
                col[c] = (int)f;
    }
    for (int c = 0; c < C_SOURCE; c++)
        if (col[c] < 0 && c != C_KIND && c != C_NAME && c != C_PARENT) {
            fail(why, why_size, _("line %d: column %s is missing (see sql/units/README.md)"),
                 header->line, column_names[c]);
            goto done;
        }
    out = json_array();
    for (size_t i = 1; i < records.n && out; i++) {
        const csv_record *r = &records.records[i];
        for (size_t f = 0; f < r->nfields && f < CSV_MAX_FIELDS; f++)
            if (!utf8_valid(csv_field(r, f), strlen(csv_field(r, f)))) {
                json_decref(out);
                out = fail(why, why_size, _("line %d: not UTF-8; save the file as CSV UTF-8"),
                           r->line);
                goto done;
            }
        char iso[11], date_why[240];
        if (date_text_iso(csv_field(r, (size_t)col[C_DATE]), iso, date_why, sizeof(date_why)) != 0) {
            json_decref(out);
            char shown[240];
            msg_render(date_why, shown, sizeof(shown));
            out = fail(why, why_size, _("line %d, column effective_date: %s"), r->line, shown);
            goto done;
        }
        json_t *change = csv_change(r, col);
        json_object_set_new(change, "effective_on", json_string(iso));
        json_array_append_new(out, change);
    }
done:
    csv_records_free(&records);
    return out;
}

/* A JSON change as given, with its position as the line when it has none. */
static json_t *parse_json(const char *data, size_t len, char *why, size_t why_size)
{
    json_error_t err;
    json_t *root = json_loadb(data, len, 0, &err);
    if (!root)
        return fail(why, why_size, _("line %d: malformed JSON: %s"), err.line, err.text);
    json_t *list = json_is_array(root) ? root : json_object_get(root, "changes");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        json_decref(root);
        return fail(why, why_size, _("a list \"changes\" is needed"));
    }
    json_t *out = json_array();
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *c = json_array_get(list, i);
        if (!json_is_object(c)) {
            json_decref(out);
            json_decref(root);
            return fail(why, why_size, _("change %zu is not an object"), i + 1);
        }
        json_t *copy = json_deep_copy(c);
        if (!json_object_get(copy, "line"))
            json_object_set_new(copy, "line", json_integer((json_int_t)i + 1));
        const char *date = json_string_value(json_object_get(copy, "effective_on"));
        char iso[11], date_why[240];
        if (date && date_text_iso(date, iso, date_why, sizeof(date_why)) != 0) {
            json_decref(copy);
            json_decref(out);
            json_decref(root);
            char shown[240];
            msg_render(date_why, shown, sizeof(shown));
            return fail(why, why_size, _("change %zu, effective_on: %s"), i + 1, shown);
        }
        if (date)
            json_object_set_new(copy, "effective_on", json_string(iso));
        json_array_append_new(out, copy);
    }
    json_decref(root);
    return out;
}

json_t *unit_changes_parse(const char *data, size_t len, char *why, size_t why_size)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
        i++;
    if (i < len && (data[i] == '{' || data[i] == '['))
        return parse_json(data + i, len - i, why, why_size);
    return parse_csv(data, len, why, why_size);
}
