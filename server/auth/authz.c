/* See authz.h. The table says which roles may send a request type at
 * all. Scope within a type ("only my own unit's reports") is the data a
 * handler's SQL lets the identity reach, filtered by its unit, so no
 * request can name another unit's records into reach. */
#include "authz.h"

#include <stddef.h>

#define R(name) CCHC__V1__REQUEST__BODY_##name

static const authz_rule rules[] = {
    /* request                  who may send it */
    {R(HELLO),                  AUTHZ_PUBLIC},
    {R(PING),                   AUTHZ_PUBLIC},
    {R(HEALTH),                 AUTHZ_PUBLIC},  /* load balancers have no account */
    {R(LOGIN),                  AUTHZ_PUBLIC},
    {R(LOGOUT),                 AUTHZ_ANY_ROLE},
    {R(WHOAMI),                 AUTHZ_ANY_ROLE},
    {R(PASSWORD_CHANGE),        AUTHZ_ANY_ROLE},
    /* the plan and the units: everyone with an account reads them */
    {R(PLAN_OVERVIEW),          AUTHZ_ANY_ROLE},
    {R(CRITERIA),               AUTHZ_ANY_ROLE},
    {R(TASK_LIST),              AUTHZ_ANY_ROLE},
    {R(TASK_GET),               AUTHZ_ANY_ROLE},
    {R(PLAN_CHECK),             AUTHZ_ANY_ROLE},
    {R(UNIT_LIST),              AUTHZ_ANY_ROLE},
    {R(UNIT_HISTORY),           AUTHZ_ANY_ROLE},
    /* changing the plan's reference data and the organisation: Sở Nội vụ */
    {R(INDEX_RESULT_SET),       ROLE_ADMIN},
    {R(PLAN_ASSIGN),            ROLE_ADMIN},
    {R(UNIT_IMPORT),            ROLE_ADMIN},
    {R(UNIT_CHANGE),            ROLE_ADMIN},
    {R(UNIT_CHANGE_SET),        ROLE_ADMIN},
    /* accounts and the audit trail */
    {R(USER_ADD),               ROLE_ADMIN},
    {R(USER_LIST),              ROLE_ADMIN},
    {R(USER_SHOW),              ROLE_ADMIN},
    {R(USER_SET_ENABLED),       ROLE_ADMIN},
    {R(USER_RESET_PASSWORD),    ROLE_ADMIN},
    {R(USER_SET_ROLES),         ROLE_ADMIN},
    {R(USER_UNLOCK),            ROLE_ADMIN},
    {R(USER_MOVE),              ROLE_ADMIN},
    {R(AUDIT_LIST),             ROLE_ADMIN},
    /* reports: a reporter writes its own unit's, or those of a unit that
     * has closed and whose duties its unit carries today (a successor);
     * which unit that is, is the SQL's to check (may_report_for in
     * sql/functions/050_reports.sql, docs/review.md "Successors"), never
     * the request's word. Reviewers review what they may. */
    {R(REPORT_SUBMIT),          ROLE_REPORTER},
    {R(MY_TASKS),               AUTHZ_ANY_ROLE},
    {R(REPORT_GET),             AUTHZ_ANY_ROLE},
    {R(REPORT_LIST),            ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER},
    {R(REVIEW),                 ROLE_REVIEWER},
    {R(PERIOD_LIST),            AUTHZ_ANY_ROLE},
    {R(PERIOD_ACTION),          ROLE_ADMIN},
    /* each unit's own implementation plan: Sở Nội vụ records receipt */
    {R(UNIT_PLAN_LIST),         AUTHZ_ANY_ROLE},
    {R(UNIT_PLAN_RECORD),       ROLE_ADMIN},
    /* citywide status: lead agencies (their tasks), Sở Nội vụ, viewers */
    {R(STATUS),                 ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER},
    {R(TREND),                  ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER},
    {R(MISSING),                ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER},
    {R(STATUS_TASK),            ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER},
    {R(EXPORT),                 ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER},
    {R(REPORT_BUNDLE),          ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER},
    /* consolidated reports (docs/consolidation.md): a district's or a
     * lead agency's reporters and reviewers write their unit's, Sở Nội
     * vụ's administrators the city's; which unit and task, the SQL says
     * (consolidation_scope_problem). Review one level up: the lead agency's
     * reviewers review its districts', administrators the lead agencies'. */
    {R(CONSOLIDATION_TEMPLATE), ROLE_REPORTER | ROLE_REVIEWER | ROLE_ADMIN},
    {R(CONSOLIDATION_SUBMIT),   ROLE_REPORTER | ROLE_REVIEWER | ROLE_ADMIN},
    {R(CONSOLIDATION_LIST),     AUTHZ_ANY_ROLE},
    {R(CONSOLIDATION_REVIEW),   ROLE_REVIEWER | ROLE_ADMIN},
    {R(CONSOLIDATION_DEADLINES), ROLE_ADMIN},
    {R(PUBLIC_SUMMARY),         ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER},
};

const authz_rule *authz_rule_for(Cchc__V1__Request__BodyCase request)
{
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (rules[i].request == request)
            return &rules[i];
    return NULL;
}

int authz_allows(const authz_rule *rule, const auth_identity *who)
{
    return rule->roles == AUTHZ_PUBLIC || (who->authenticated && (who->roles & rule->roles));
}
