/* See labels.h. Labels are English message ids marked with N_() and
 * translated where they are looked up, so the Vietnamese lives in
 * po/vi.po with every other message. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "labels.h"

#include "i18n.h"

typedef struct {
    label_kind kind;
    const char *code;
    const char *label;
} label_entry;

static const label_entry labels[] = {
    {LABEL_REPORT_STATE, "missing", N_("missing")},
    {LABEL_REPORT_STATE, "draft", N_("draft")},
    {LABEL_REPORT_STATE, "submitted", N_("submitted")},
    {LABEL_REPORT_STATE, "returned", N_("returned")},
    {LABEL_REPORT_STATE, "accepted", N_("accepted")},
    {LABEL_REPORT_STATE, "approved", N_("approved")},

    /* TRANSLATORS: a reporting period not open yet */
    {LABEL_PERIOD_STATE, "planned", N_("planned")},
    /* TRANSLATORS: a reporting period taking reports */
    {LABEL_PERIOD_STATE, "open", N_("open")},
    /* TRANSLATORS: a reporting period past its deadline, reports now late */
    {LABEL_PERIOD_STATE, "closed", N_("closed")},
    /* TRANSLATORS: a reporting period whose figures are frozen */
    {LABEL_PERIOD_STATE, "approved", N_("approved")},
    {LABEL_PERIOD_STATE, "locked", N_("locked")},

    {LABEL_ROLE, "reporter", N_("reporter")},
    {LABEL_ROLE, "reviewer", N_("reviewer")},
    {LABEL_ROLE, "admin", N_("admin")},
    {LABEL_ROLE, "viewer", N_("viewer")},

    {LABEL_CADENCE, "continuous", N_("continuous")},
    {LABEL_CADENCE, "periodic", N_("periodic")},

    {LABEL_TASK_STATUS, "not_started", N_("not started")},
    {LABEL_TASK_STATUS, "in_progress", N_("in progress")},
    {LABEL_TASK_STATUS, "completed", N_("completed")},
    {LABEL_TASK_STATUS, "behind", N_("behind schedule")},

    {LABEL_ACTION, "submit", N_("submit")},
    {LABEL_ACTION, "accept", N_("accept")},
    {LABEL_ACTION, "return", N_("return")},
    {LABEL_ACTION, "approve", N_("approve")},
    {LABEL_ACTION, "open", N_("open the period")},
    {LABEL_ACTION, "close", N_("close the period")},
    {LABEL_ACTION, "reopen", N_("reopen the period")},
    {LABEL_ACTION, "lock", N_("lock the period")},
    {LABEL_ACTION, "extend", N_("extend the deadline")},

    {LABEL_UNIT_KIND, "city", N_("city")},
    {LABEL_UNIT_KIND, "department", N_("department")},
    {LABEL_UNIT_KIND, "district", N_("district")},
    {LABEL_UNIT_KIND, "commune", N_("commune")},
    {LABEL_UNIT_KIND, "other", N_("other")},

    /* TRANSLATORS: a review by the task's lead agency */
    {LABEL_REVIEW_LEVEL, "lead", N_("lead agency")},
    /* TRANSLATORS: a review by the district over its communes' reports */
    {LABEL_REVIEW_LEVEL, "district", N_("district level")},
    /* TRANSLATORS: the acceptance an administrator's approval of the period made */
    {LABEL_REVIEW_LEVEL, "admin", N_("period approval")},

    /* TRANSLATORS: a unit change: the unit ends, no successor */
    {LABEL_UNIT_CHANGE, "close", N_("close")},
    {LABEL_UNIT_CHANGE, "rename", N_("rename")},
    {LABEL_UNIT_CHANGE, "merge", N_("merge")},
    {LABEL_UNIT_CHANGE, "split", N_("split")},
    /* TRANSLATORS: a unit change: the unit moves under another parent unit */
    {LABEL_UNIT_CHANGE, "move", N_("move")},
    {LABEL_UNIT_CHANGE, "create", N_("create")},

    /* what the audit log records (audit_write in sql/functions/, the
     * INSERT INTO audit_log of server/db/statements.c) */
    {LABEL_AUDIT_ACTION, "session.login", N_("log in")},
    {LABEL_AUDIT_ACTION, "session.logout", N_("log out")},
    {LABEL_AUDIT_ACTION, "account.add", N_("add an account")},
    {LABEL_AUDIT_ACTION, "account.password_change", N_("change own password")},
    {LABEL_AUDIT_ACTION, "account.disable", N_("disable an account")},
    {LABEL_AUDIT_ACTION, "account.enable", N_("enable an account")},
    {LABEL_AUDIT_ACTION, "account.reset_password", N_("reset a password")},
    {LABEL_AUDIT_ACTION, "account.unlock", N_("unlock an account")},
    {LABEL_AUDIT_ACTION, "account.move", N_("move an account to another unit")},
    {LABEL_AUDIT_ACTION, "account.roles", N_("change an account's roles")},
    {LABEL_AUDIT_ACTION, "plan.index_result", N_("record an index result")},
    {LABEL_AUDIT_ACTION, "plan.assign", N_("change a task's assignment")},
    {LABEL_AUDIT_ACTION, "unit_plan.record", N_("record a unit's plan")},
    {LABEL_AUDIT_ACTION, "units.import", N_("import communes")},
    {LABEL_AUDIT_ACTION, "units.apply", N_("apply a file of unit changes")},
    {LABEL_AUDIT_ACTION, "units.close", N_("close a unit")},
    {LABEL_AUDIT_ACTION, "units.rename", N_("rename a unit")},
    {LABEL_AUDIT_ACTION, "units.merge", N_("merge units")},
    {LABEL_AUDIT_ACTION, "units.split", N_("split a unit")},
    {LABEL_AUDIT_ACTION, "units.move", N_("move a unit")},
    {LABEL_AUDIT_ACTION, "units.create", N_("create a unit")},
    {LABEL_AUDIT_ACTION, "report.draft", N_("save a draft report")},
    {LABEL_AUDIT_ACTION, "report.submit", N_("submit reports")},
    {LABEL_AUDIT_ACTION, "report.accept", N_("accept reports")},
    {LABEL_AUDIT_ACTION, "report.return", N_("return reports")},
    {LABEL_AUDIT_ACTION, "period.open", N_("open a period")},
    {LABEL_AUDIT_ACTION, "period.close", N_("close a period")},
    {LABEL_AUDIT_ACTION, "period.approve", N_("approve a period")},
    {LABEL_AUDIT_ACTION, "period.reopen", N_("reopen a period")},
    {LABEL_AUDIT_ACTION, "period.extend", N_("extend a deadline")},

    /* plan check (sql/functions/020_plan_check.sql) */
    {LABEL_SEVERITY, "error", N_("error")},
    {LABEL_SEVERITY, "warning", N_("warning")},
    {LABEL_SEVERITY, "info", N_("info")},
    {LABEL_FINDING, "group_score_sum", N_("group score differs from its children's sum")},
    {LABEL_FINDING, "group_max_sum", N_("group maximum differs from its children's sum")},
    {LABEL_FINDING, "score_above_max", N_("score above the maximum")},
    {LABEL_FINDING, "numbering_slip", N_("numbering slip")},
    {LABEL_FINDING, "criterion_order", N_("criteria out of order")},
    {LABEL_FINDING, "task_text_copied", N_("task text copied from the row above")},
    {LABEL_FINDING, "task_text_repeated", N_("task text repeated")},
    {LABEL_FINDING, "stale_target_year", N_("target year before the plan")},
    {LABEL_FINDING, "rank_change_mismatch", N_("rank change does not match the ranks")},
    {LABEL_FINDING, "value_change_mismatch", N_("value change does not match the values")},
    {LABEL_FINDING, "direction_mismatch", N_("value and rank move in opposite directions")},
    {LABEL_FINDING, "rank_universe_mismatch", N_("ranked among a different number of provinces")},
    {LABEL_FINDING, "note_in_task_column", N_("note in the task column")},
    {LABEL_FINDING, "criterion_without_task", N_("criterion without a task")},
    {LABEL_FINDING, "fragment_not_in_text", N_("fragment not in the task text")},
    {LABEL_FINDING, "assignment_text", N_("assignment text mismatch")},

    /* TRANSLATORS: a unit split between successors: this one took a part */
    {LABEL_SUCCESSION_PART, "part", N_("part of the unit")},
    /* TRANSLATORS: a unit split between successors: this one took what was left */
    {LABEL_SUCCESSION_PART, "rest", N_("the rest of the unit")},
};

const char *label_of(label_kind kind, const char *code)
{
    if (!code)
        return "";
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (labels[i].kind == kind && strcmp(labels[i].code, code) == 0)
            return _(labels[i].label);
    return code;
}

void label_list(label_kind kind, char *const *codes, size_t n, char *out, size_t size)
{
    size_t used = 0;
    if (size)
        out[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", label_of(kind, codes[i]));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
