/* See request_kind.h. A request type added to the protocol is a read until
 * it is listed here; a new write must be listed (tests/e2e/test_retry.c
 * exercises the mechanism, not each entry). */
#include "request_kind.h"

#include <string.h>

int request_kind_is_write(Cchc__V1__Request__BodyCase body)
{
    switch (body) {
    case CCHC__V1__REQUEST__BODY_INDEX_RESULT_SET:
    case CCHC__V1__REQUEST__BODY_PLAN_ASSIGN:
    case CCHC__V1__REQUEST__BODY_UNIT_IMPORT:
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE:
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE_SET:
    case CCHC__V1__REQUEST__BODY_LOGOUT:
    case CCHC__V1__REQUEST__BODY_PASSWORD_CHANGE:
    case CCHC__V1__REQUEST__BODY_USER_ADD:
    case CCHC__V1__REQUEST__BODY_USER_SET_ENABLED:
    case CCHC__V1__REQUEST__BODY_USER_RESET_PASSWORD:
    case CCHC__V1__REQUEST__BODY_USER_SET_ROLES:
    case CCHC__V1__REQUEST__BODY_USER_UNLOCK:
    case CCHC__V1__REQUEST__BODY_USER_MOVE:
    case CCHC__V1__REQUEST__BODY_REPORT_SUBMIT:
    case CCHC__V1__REQUEST__BODY_REVIEW:
    case CCHC__V1__REQUEST__BODY_PERIOD_ACTION:
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_RECORD:
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_SUBMIT:
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_REVIEW:
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_DEADLINES:
        return 1;
    default:
        return 0;
    }
}

int request_key_valid(const char *key)
{
    size_t n = strlen(key);
    if (n < REQUEST_KEY_MIN || n > REQUEST_KEY_MAX)
        return 0;
    return strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}
