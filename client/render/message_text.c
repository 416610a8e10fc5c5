/* See message_text.h. */
#include "message_text.h"

#include <stdio.h>
#include <string.h>

#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "msg_format.h"

/* How each argument of an id is shown, one letter per position:
 *   -  as sent                    r  a report's state
 *   p  a period's state           a  a period or review action
 *   A  a list of actions (", ")   u  a kind of unit change
 *   d  an ISO date (dd/mm/yyyy)   n  a decimal (the reader's decimal mark)
 * The ids are those of sql/functions/ and server/ (docs/error-messages.md). */
typedef struct {
    const char *id;
    const char *kinds;
} arg_kinds;

static const arg_kinds table[] = {
    /* sql/functions/050_reports.sql: a review of a report in the wrong state */
    {"report %s is %s and cannot be accepted", "-r"},
    {"report %s is %s and cannot be returned", "-r"},
    /* sql/functions/080_periods.sql: a period action its state forbids */
    {"period %s is %s and cannot %s; next actions allowed: %s", "-paA"},
    {"there is no lock action any more: approving a period locks it; period %s is %s, "
     "next actions allowed: %s",
     "-pA"},
    /* sql/functions/030_unit_history.sql, 085_unit_change_sets.sql: a change's kind */
    {"%s needs at least 2 units, got %s", "u-"},
    {"%s needs 1 unit, got %s", "u-"},
    {"%s: wrong number of successors (%s)", "u-"},
    {"%s: wrong number of units (%s)", "u-"},
    /* sql/functions/040_accounts.sql: an account whose unit has closed */
    {"unit %s (%s) no longer exists from %s and no unit carries its duties; ask an "
     "administrator to move this account: cchc user move %s --unit UNIT-CODE",
     "--d"},
    {"unit %s (%s) no longer exists from %s; its successor: %s; ask an administrator to move "
     "this account: cchc user move %s --unit %s",
     "--d"},
    /* sql/functions/085_unit_change_sets.sql: what a change does */
    {"move %s (%s) under %s from %s", "---d"},
    {"close %s (%s) from %s", "--d"},
    {"create %s (%s) from %s", "--d"},
    {"rename %s → %s from %s", "--d"},
    {"merge %s → %s from %s", "--d"},
    {"split %s → %s from %s", "--d"},
    /* sql/functions/020_plan_check.sql: the figures of plan check */
    {"%s %s: printed %s score %s, sum of children %s (difference %s)", "---nnn"},
    {"%s %s: printed maximum %s, sum of children %s", "--nn"},
    {"%s %s: %s score %s above maximum %s", "---nn"},
    {"task %s aims at year %s in a plan issued %s: \"%s\"", "--d"},
    {"%s %s: printed change %s, values %s -> %s", "--nnn"},
    {"%s %s: value change %s but rank change %s", "--n"},
};

static char kind_at(const char *id, size_t index)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].id, id) == 0)
            return index < strlen(table[i].kinds) ? table[i].kinds[index] : '-';
    return '-';
}

/* "3.2047" → "3,2047" under a comma; anything not a plain decimal as sent. */
static void decimal_shown(const char *arg, char *out, size_t size)
{
    size_t n = strspn(arg, "-0123456789.");
    snprintf(out, size, "%s", arg);
    if (arg[n] != '\0')
        return;
    for (char *p = out; *p; p++)
        if (*p == '.')
            *p = human_decimal_mark();
}

/* "reopen, approve" → each action's label, joined alike. */
static void action_list_shown(const char *arg, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = arg; *p && used + 1 < size;) {
        size_t n = strcspn(p, ",");
        char code[64];
        snprintf(code, sizeof(code), "%.*s", (int)(n < sizeof(code) ? n : sizeof(code) - 1), p);
        int w = snprintf(out + used, size - used, "%s%s", used ? ", " : "",
                         label_of(LABEL_ACTION, code));
        if (w < 0)
            break;
        used += (size_t)w;
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
}

int message_arg_shown(const char *id, size_t index, const char *arg, char *out, size_t size)
{
    if (!id || !arg || !*arg)
        return 0;
    switch (kind_at(id, index)) {
    case 'r': snprintf(out, size, "%s", label_of(LABEL_REPORT_STATE, arg)); return 1;
    case 'p': snprintf(out, size, "%s", label_of(LABEL_PERIOD_STATE, arg)); return 1;
    case 'a': snprintf(out, size, "%s", label_of(LABEL_ACTION, arg)); return 1;
    case 'A': action_list_shown(arg, out, size); return 1;
    case 'u': snprintf(out, size, "%s", label_of(LABEL_UNIT_CHANGE, arg)); return 1;
    case 'd': snprintf(out, size, "%s", human_date(arg)); return 1;
    case 'n': decimal_shown(arg, out, size); return 1;
    default: return 0;
    }
}

#define MAX_ARGS 16

void message_text(const char *id, char *const *args, size_t nargs, const char *fallback, char *out,
                  size_t size)
{
    if (!id || !*id) {
        snprintf(out, size, "%s", fallback ? fallback : "");
        return;
    }
    char shown[MAX_ARGS][160];
    const char *arg[MAX_ARGS];
    size_t n = nargs < MAX_ARGS ? nargs : MAX_ARGS;
    for (size_t i = 0; i < n; i++) {
        const char *a = args[i] ? args[i] : "";
        arg[i] = message_arg_shown(id, i, a, shown[i], sizeof(shown[i])) ? shown[i] : a;
    }
    msg_format(out, size, _(id), arg, n);
}
