/* See report_indicators.h. */
#include "report_indicators.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal_text.h"
#include "i18n.h"
#include "lang.h"

static const char *const SPACES = " \t\r\n";

/* strndup, which Windows' C runtime lacks. */
static char *copy_n(const char *text, size_t n)
{
    size_t len = strnlen(text, n);
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    return copy;
}

void indicator_list_free(indicator_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->names[i]);
        free(list->values[i]);
    }
    free(list->names);
    free(list->values);
    memset(list, 0, sizeof(*list));
}

static int list_add(indicator_list *list, const char *name, size_t name_len, const char *value)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        char **names = realloc(list->names, cap * sizeof(*names));
        if (!names)
            return -1;
        list->names = names;
        char **values = realloc(list->values, cap * sizeof(*values));
        if (!values)
            return -1;
        list->values = values;
        list->cap = cap;
    }
    char *n = copy_n(name, name_len), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    list->names[list->n] = n;
    list->values[list->n++] = v;
    return 0;
}

/* ---- values ----------------------------------------------------------------------- */

/* By the rule of the template's instructions (DECIMAL_TEXT_RULE_VI), the
 * numeric(16,4) the server keeps (validate_decimal(value, 12, 4)). */
int indicator_value_parse(const char *text, char *out, size_t size, char *why, size_t why_size)
{
    decimal_parse d;
    if (decimal_text_quantity(text, 12, 4, &d) != DECIMAL_TEXT_OK) {
        char shown[400];
        msg_render(d.why, shown, sizeof(shown));
        snprintf(why, why_size, _("indicator value %s"), shown);
        return -1;
    }
    if (strlen(d.value) >= size) {
        snprintf(why, why_size, _("indicator value \"%s\" is too long"), d.value);
        return -1;
    }
    memcpy(out, d.value, strlen(d.value) + 1);
    return 0;
}

/* The template writes a fraction of exactly three digits with a fourth 0
 * ("0,1250"): three digits after a separator alone read as thousands. The
 * value sent is the one the server has ("0.125"), so an untouched cell is
 * unchanged. */
static void undo_fourth_zero(char *value)
{
    char *dot = strchr(value, '.');
    if (dot && strlen(dot + 1) == 4 && dot[4] == '0')
        dot[4] = '\0';
}

/* ---- reading a cell --------------------------------------------------------------- */

/* A JSON-quoted name starting at *p: its text, *p past the closing quote.
 * NULL when the quotes are not closed or the escape is bad. */
static char *quoted_name(const char **p)
{
    const char *s = *p + 1;
    while (*s && *s != '"')
        s += (*s == '\\' && s[1]) ? 2 : 1;
    if (*s != '"')
        return NULL;
    json_t *str = json_loadb(*p, (size_t)(s + 1 - *p), JSON_DECODE_ANY, NULL);
    char *name = json_is_string(str) ? strdup(json_string_value(str)) : NULL;
    json_decref(str);
    *p = s + 1;
    return name;
}

static int parse_json_cell(const char *cell, indicator_list *out, char *why, size_t why_size)
{
    json_error_t error;
    json_t *obj = json_loads(cell, JSON_REJECT_DUPLICATES, &error);
    if (!json_is_object(obj)) {
        snprintf(why, why_size, _("the indicator cell is not a valid JSON object: %s"),
                 error.text);
        json_decref(obj);
        return 1;
    }
    const char *name;
    json_t *value;
    int rc = 0;
    json_object_foreach(obj, name, value)
    {
        char text[64], parsed[64];
        if (json_is_string(value)) {
            snprintf(text, sizeof(text), "%s", json_string_value(value));
        } else if (json_is_integer(value)) {
            snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(value));
        } else {
            snprintf(why, why_size,
                     _("indicator \"%s\": write the value in double quotes, like \"12,5\""),
                     name);
            rc = 1;
            break;
        }
        if (indicator_value_parse(text, parsed, sizeof(parsed), why, why_size) != 0) {
            rc = 1;
            break;
        }
        undo_fourth_zero(parsed);
        if (list_add(out, name, strlen(name), parsed) != 0) {
            rc = -1;
            break;
        }
    }
    json_decref(obj);
    return rc;
}

int indicators_parse_cell(const char *cell, indicator_list *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof(*out));
    const char *p = cell + strspn(cell, SPACES);
    size_t len = strlen(p);
    while (len && strchr(SPACES, p[len - 1]))
        len--;
    if (len == 0)
        return 0;
    if (len == 1 && *p == '-') {
        out->clear = 1;
        return 0;
    }
    if (*p == '{') {
        int rc = parse_json_cell(p, out, why, why_size);
        if (rc != 0)
            indicator_list_free(out);
        return rc;
    }
    while (*p) {
        p += strspn(p, SPACES);
        if (*p == ';') {
            p++;
            continue;
        }
        if (!*p)
            break;
        /* the name: JSON-quoted, or everything up to '=' */
        char *name = NULL;
        if (*p == '"') {
            if (!(name = quoted_name(&p))) {
                snprintf(why, why_size,
                         _("an indicator name in double quotes is not closed: %.40s"), p);
                goto refused;
            }
            p += strspn(p, " \t");
        } else {
            size_t n = strcspn(p, "=;\n");
            size_t end = n;
            while (end && strchr(SPACES, p[end - 1]))
                end--;
            if (!(name = copy_n(p, end)))
                goto out_of_memory;
            p += n;
        }
        if (*p != '=') {
            snprintf(why, why_size,
                     _("indicator \"%s\" lacks \"=value\"; write name=value; name=value"),
                     name);
            free(name);
            goto refused;
        }
        p++;
        size_t n = strcspn(p, ";\n");
        char value[96], parsed[64];
        snprintf(value, sizeof(value), "%.*s", (int)(n < sizeof(value) - 1 ? n : sizeof(value) - 1), p);
        p += n;
        char vwhy[240];
        if (indicator_value_parse(value, parsed, sizeof(parsed), vwhy, sizeof(vwhy)) != 0) {
            snprintf(why, why_size, _("indicator \"%.64s\": %s"), name, vwhy);
            free(name);
            goto refused;
        }
        undo_fourth_zero(parsed);
        int added = list_add(out, name, strlen(name), parsed);
        free(name);
        if (added != 0)
            goto out_of_memory;
    }
    return 0;
refused:
    indicator_list_free(out);
    return 1;
out_of_memory:
    indicator_list_free(out);
    return -1;
}

/* ---- writing a cell --------------------------------------------------------------- */

/* Whether a name must be quoted to read back as itself. */
static int needs_quotes(const char *name)
{
    size_t len = strlen(name);
    return len == 0 || strpbrk(name, ";=\"\n\r\\") != NULL || strchr(SPACES, name[0]) ||
           strchr(SPACES, name[len - 1]) || name[0] == '{' || strcmp(name, "-") == 0;
}

/* Appends to a growing string; -1 when memory ran out. */
static int append(char **buf, size_t *used, size_t *cap, const char *s, size_t n)
{
    if (*used + n + 1 > *cap) {
        size_t want = (*used + n + 1) * 2;
        char *grown = realloc(*buf, want);
        if (!grown)
            return -1;
        *buf = grown;
        *cap = want;
    }
    memcpy(*buf + *used, s, n);
    *used += n;
    (*buf)[*used] = '\0';
    return 0;
}

/* "12.53" → "12,53"; a fraction of three digits gets a fourth 0 so that it
 * cannot read as thousands ("0.125" → "0,1250"): decimal_text_sheet_form. */
static void value_for_cell(const char *value, char *out, size_t size)
{
    decimal_text_sheet_form(value, out, size);
}

char *indicators_cell_of_json(const char *json_text)
{
    if (!json_text || !*json_text)
        return strdup("");
    json_t *obj = json_loads(json_text, 0, NULL);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return strdup(json_text);
    }
    char *buf = NULL;
    size_t used = 0, cap = 0;
    int failed = append(&buf, &used, &cap, "", 0);
    const char *name;
    json_t *value;
    json_object_foreach(obj, name, value)
    {
        char text[64] = "", cell_value[72];
        if (json_is_string(value))
            snprintf(text, sizeof(text), "%s", json_string_value(value));
        else if (json_is_integer(value))
            snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(value));
        value_for_cell(text, cell_value, sizeof(cell_value));
        char *quoted = NULL;
        if (needs_quotes(name)) {
            json_t *str = json_string(name);
            quoted = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
            json_decref(str);
            if (!quoted) {
                failed = 1;
                break;
            }
        }
        const char *shown = quoted ? quoted : name;
        failed |= (used ? append(&buf, &used, &cap, "; ", 2) : 0) ||
                  append(&buf, &used, &cap, shown, strlen(shown)) ||
                  append(&buf, &used, &cap, "=", 1) ||
                  append(&buf, &used, &cap, cell_value, strlen(cell_value));
        free(quoted);
        if (failed)
            break;
    }
    json_decref(obj);
    if (failed) {
        free(buf);
        return NULL;
    }
    return buf;
}

int indicators_same(const indicator_list *a, const indicator_list *b)
{
    if (a->n != b->n || a->clear != b->clear)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        size_t k = 0;
        while (k < b->n && strcmp(a->names[i], b->names[k]) != 0)
            k++;
        if (k == b->n || strcmp(a->values[i], b->values[k]) != 0)
            return 0;
    }
    return 1;
}

char *indicators_cell_add(char *cell, const char *arg)
{
    size_t used = strlen(cell), cap = used + 1;
    const char *eq = strrchr(arg, '=');
    int failed = 0;
    if (used)
        failed = append(&cell, &used, &cap, "; ", 2);
    if (!eq || *arg == '"') {
        failed = failed || append(&cell, &used, &cap, arg, strlen(arg));
    } else {
        size_t start = strspn(arg, SPACES), end = (size_t)(eq - arg);
        while (end > start && strchr(SPACES, arg[end - 1]))
            end--;
        char *name = copy_n(arg + start, end - start);
        char *quoted = NULL;
        if (name && needs_quotes(name)) {
            json_t *str = json_string(name);
            quoted = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
            json_decref(str);
            failed = failed || !quoted;
        }
        const char *shown = quoted ? quoted : name;
        failed = failed || !name || append(&cell, &used, &cap, shown, strlen(shown)) ||
                 append(&cell, &used, &cap, eq, strlen(eq));
        free(name);
        free(quoted);
    }
    if (failed) {
        free(cell);
        return NULL;
    }
    return cell;
}
