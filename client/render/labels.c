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
