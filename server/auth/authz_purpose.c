/* See authz_purpose.h. Only request types some role lacks need words; the
 * table sits beside authz.c's and is read only when a request is refused. */
#include "authz_purpose.h"

#include <stddef.h>

#include "msg_format.h"

#define R(name) CCHC__V1__REQUEST__BODY_##name

static const struct {
    Cchc__V1__Request__BodyCase request;
    const char *purpose;
} purposes[] = {
    {R(INDEX_RESULT_SET), MSG_ID("record an index result")},
    {R(PLAN_ASSIGN), MSG_ID("amend a task's assignment")},
    {R(UNIT_IMPORT), MSG_ID("import units")},
    {R(UNIT_CHANGE), MSG_ID("record a change of units")},
    {R(UNIT_CHANGE_SET), MSG_ID("apply a set of unit changes")},
    {R(USER_ADD), MSG_ID("add an account")},
    {R(USER_LIST), MSG_ID("list accounts")},
    {R(USER_SHOW), MSG_ID("see an account")},
    {R(USER_SET_ENABLED), MSG_ID("enable or disable an account")},
    {R(USER_RESET_PASSWORD), MSG_ID("reset a password")},
    {R(USER_SET_ROLES), MSG_ID("change an account's roles")},
    {R(USER_UNLOCK), MSG_ID("unblock an account")},
    {R(USER_MOVE), MSG_ID("move an account to another unit")},
    {R(AUDIT_LIST), MSG_ID("read the audit log")},
    {R(REPORT_SUBMIT), MSG_ID("submit reports")},
    {R(REPORT_LIST), MSG_ID("list reports for review")},
    {R(REVIEW), MSG_ID("review reports")},
    {R(PERIOD_ACTION), MSG_ID("open, close, approve, reopen or extend a reporting period")},
    {R(UNIT_PLAN_RECORD), MSG_ID("record a unit's implementation plan")},
    {R(STATUS), MSG_ID("see the citywide status")},
    {R(TREND), MSG_ID("see the trend across periods")},
    {R(MISSING), MSG_ID("list missing reports")},
    {R(STATUS_TASK), MSG_ID("see a task's status across units")},
    {R(EXPORT), MSG_ID("export reports")},
    {R(REPORT_BUNDLE), MSG_ID("make the consolidated report")},
    {R(CONSOLIDATION_TEMPLATE), MSG_ID("prepare a consolidated report")},
    {R(CONSOLIDATION_SUBMIT), MSG_ID("submit a consolidated report")},
    {R(CONSOLIDATION_REVIEW), MSG_ID("review consolidated reports")},
    {R(CONSOLIDATION_DEADLINES), MSG_ID("set the consolidation deadlines of a period")},
    {R(PUBLIC_SUMMARY), MSG_ID("export the public summary")},
};

const char *authz_purpose(Cchc__V1__Request__BodyCase request)
{
    for (size_t i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++)
        if (purposes[i].request == request)
            return purposes[i].purpose;
    return MSG_ID("do this");
}
