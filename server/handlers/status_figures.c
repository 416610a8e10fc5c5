/* See status_figures.h. */
#include "status_figures.h"

#include "pgvalue.h"

int status_figures_found(const PGresult *res)
{
    int first;
    return pg_section(res, PQfnumber(res, "section"), "period", &first) > 0;
}

/* The first row of a section as one message, or NULL when it has none. */
static void *section_one(arena *a, const ProtobufCMessageDescriptor *desc, const PGresult *res,
                         const char *name)
{
    int first, count = pg_section(res, PQfnumber(res, "section"), name, &first);
    size_t n;
    void **one = pg_messages_range(a, desc, res, first, count > 0 ? 1 : 0, &n);
    return n ? one[0] : NULL;
}

Cchc__V1__StatusResponse *status_figures_response(arena *a, const PGresult *res,
                                                  const char *grouping, int all_tasks)
{
    Cchc__V1__StatusResponse *s =
        ARENA_NEW(a, Cchc__V1__StatusResponse, CCHC__V1__STATUS_RESPONSE__INIT);
    if (!s)
        return NULL;
    int col = PQfnumber(res, "section"), first = 0, count;
    s->period = section_one(a, &cchc__v1__period__descriptor, res, "period");
    s->total = section_one(a, &cchc__v1__status_group__descriptor, res, "total");
    /* the grouping is one the handler checked, never "period", "total" or "risk" */
    count = *grouping ? pg_section(res, col, grouping, &first) : 0;
    s->groups = (Cchc__V1__StatusGroup **)pg_messages_range(
        a, &cchc__v1__status_group__descriptor, res, first, count, &s->n_groups);
    count = pg_section(res, col, "risk", &first);
    s->at_risk = (Cchc__V1__CriterionRisk **)pg_messages_range(
        a, &cchc__v1__criterion_risk__descriptor, res, first, count, &s->n_at_risk);
    s->all_tasks = all_tasks;
    return s;
}
