/* See city_report.h. Linear lookups: a period has about a hundred tasks,
 * two hundred criterion rows and a consolidation per lead and task. */
#include "city_report.h"

#include <stdio.h>
#include <string.h>

const Cchc__V1__StatusGroup *city_report_task_figures(const Cchc__V1__ReportBundleResponse *b,
                                                      int task_id)
{
    char key[16];
    snprintf(key, sizeof(key), "%d", task_id);
    for (size_t i = 0; i < b->n_by_task; i++)
        if (strcmp(b->by_task[i]->key, key) == 0)
            return b->by_task[i];
    return NULL;
}

long city_report_first_criterion(const Cchc__V1__ReportBundleResponse *b, int task_id)
{
    for (size_t i = 0; i < b->n_criteria; i++)
        for (size_t k = 0; k < b->criteria[i]->n_task_ids; k++)
            if (b->criteria[i]->task_ids[k] == task_id)
                return (long)i;
    return -1;
}

const Cchc__V1__Consolidation *city_report_city(const Cchc__V1__ReportBundleResponse *b)
{
    for (size_t i = 0; i < b->n_consolidations; i++)
        if (strcmp(b->consolidations[i]->level, "city") == 0)
            return b->consolidations[i];
    return NULL;
}

const Cchc__V1__Consolidation *city_report_next_lead(const Cchc__V1__ReportBundleResponse *b,
                                                     int task_id, size_t *at)
{
    while (*at < b->n_consolidations) {
        const Cchc__V1__Consolidation *c = b->consolidations[(*at)++];
        if (c->task_id == task_id && strcmp(c->level, "lead") == 0)
            return c;
    }
    return NULL;
}

int city_report_has_text(const Cchc__V1__Consolidation *c)
{
    return c->revision > 0 && strcmp(c->state, "returned") != 0 &&
           strcmp(c->state, "missing") != 0 && strcmp(c->state, "draft") != 0;
}

const char *city_report_state_words(const char *state)
{
    return strcmp(state, "approved") == 0    ? "đã phê duyệt"
           : strcmp(state, "accepted") == 0  ? "đã chấp nhận"
           : strcmp(state, "returned") == 0  ? "bị trả lại, chờ gửi lại"
           : strcmp(state, "submitted") == 0 ? "đã gửi, chờ duyệt"
                                             : "chưa gửi";
}
