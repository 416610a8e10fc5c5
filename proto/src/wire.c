/* Frame encoding and payload decoding around protobuf-c's generated code. */
#include "wire.h"

#include <stdlib.h>

#include "frame.h"

int wire_encode_frame(const ProtobufCMessage *msg, uint32_t max_payload,
                      uint8_t **out, size_t *out_len, size_t *payload_len)
{
    size_t size = protobuf_c_message_get_packed_size(msg);
    if (payload_len)
        *payload_len = size;
    *out = NULL;
    *out_len = 0;
    if (size == 0 || size > max_payload)
        return -1;
    uint8_t *buf = malloc(FRAME_HEADER_SIZE + size);
    if (!buf)
        return -1;
    frame_put_header(buf, (uint32_t)size);
    protobuf_c_message_pack(msg, buf + FRAME_HEADER_SIZE);
    *out = buf;
    *out_len = FRAME_HEADER_SIZE + size;
    return 0;
}

Cchc__V1__Request *wire_decode_request(const uint8_t *payload, size_t len)
{
    return wire_decode_request_in(payload, len, NULL);
}

Cchc__V1__Request *wire_decode_request_in(const uint8_t *payload, size_t len,
                                          ProtobufCAllocator *allocator)
{
    return cchc__v1__request__unpack(allocator, len, payload);
}

Cchc__V1__Response *wire_decode_response(const uint8_t *payload, size_t len)
{
    return cchc__v1__response__unpack(NULL, len, payload);
}

const char *wire_error_code_name(Cchc__V1__ErrorCode code)
{
    switch (code) {
    case CCHC__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED: return "unspecified";
    case CCHC__V1__ERROR_CODE__INVALID_ARGUMENT: return "invalid_argument";
    case CCHC__V1__ERROR_CODE__NOT_FOUND: return "not_found";
    case CCHC__V1__ERROR_CODE__ALREADY_EXISTS: return "already_exists";
    case CCHC__V1__ERROR_CODE__PERMISSION_DENIED: return "permission_denied";
    case CCHC__V1__ERROR_CODE__UNAUTHENTICATED: return "unauthenticated";
    case CCHC__V1__ERROR_CODE__FAILED_PRECONDITION: return "failed_precondition";
    case CCHC__V1__ERROR_CODE__UNAVAILABLE: return "unavailable";
    case CCHC__V1__ERROR_CODE__INTERNAL: return "internal";
    case CCHC__V1__ERROR_CODE__VERSION_MISMATCH: return "version_mismatch";
    case CCHC__V1__ERROR_CODE__MALFORMED: return "malformed";
    case CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE: return "frame_too_large";
    case CCHC__V1__ERROR_CODE__UNSUPPORTED: return "unsupported";
    case CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED: return "resource_exhausted";
    case CCHC__V1__ERROR_CODE__CONFLICT: return "conflict";
    case CCHC__V1__ERROR_CODE__OUTCOME_UNKNOWN: return "outcome_unknown";
    case CCHC__V1__ERROR_CODE__ABORTED: return "aborted";
    default: break;
    }
    return "unknown";
}

const char *wire_request_name(Cchc__V1__Request__BodyCase body)
{
    switch (body) {
    case CCHC__V1__REQUEST__BODY_HELLO: return "hello";
    case CCHC__V1__REQUEST__BODY_PING: return "ping";
    case CCHC__V1__REQUEST__BODY_PLAN_OVERVIEW: return "plan_overview";
    case CCHC__V1__REQUEST__BODY_CRITERIA: return "criteria";
    case CCHC__V1__REQUEST__BODY_TASK_LIST: return "task_list";
    case CCHC__V1__REQUEST__BODY_TASK_GET: return "task_get";
    case CCHC__V1__REQUEST__BODY_PLAN_CHECK: return "plan_check";
    case CCHC__V1__REQUEST__BODY_INDEX_RESULT_SET: return "index_result_set";
    case CCHC__V1__REQUEST__BODY_PLAN_ASSIGN: return "plan_assign";
    case CCHC__V1__REQUEST__BODY_UNIT_LIST: return "unit_list";
    case CCHC__V1__REQUEST__BODY_UNIT_IMPORT: return "unit_import";
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE: return "unit_change";
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE_SET: return "unit_change_set";
    case CCHC__V1__REQUEST__BODY_UNIT_HISTORY: return "unit_history";
    case CCHC__V1__REQUEST__BODY_LOGIN: return "login";
    case CCHC__V1__REQUEST__BODY_LOGOUT: return "logout";
    case CCHC__V1__REQUEST__BODY_WHOAMI: return "whoami";
    case CCHC__V1__REQUEST__BODY_PASSWORD_CHANGE: return "password_change";
    case CCHC__V1__REQUEST__BODY_USER_ADD: return "user_add";
    case CCHC__V1__REQUEST__BODY_USER_LIST: return "user_list";
    case CCHC__V1__REQUEST__BODY_USER_SHOW: return "user_show";
    case CCHC__V1__REQUEST__BODY_USER_SET_ENABLED: return "user_set_enabled";
    case CCHC__V1__REQUEST__BODY_USER_RESET_PASSWORD: return "user_reset_password";
    case CCHC__V1__REQUEST__BODY_USER_SET_ROLES: return "user_set_roles";
    case CCHC__V1__REQUEST__BODY_USER_UNLOCK: return "user_unlock";
    case CCHC__V1__REQUEST__BODY_USER_MOVE: return "user_move";
    case CCHC__V1__REQUEST__BODY_AUDIT_LIST: return "audit_list";
    case CCHC__V1__REQUEST__BODY_REPORT_SUBMIT: return "report_submit";
    case CCHC__V1__REQUEST__BODY_MY_TASKS: return "my_tasks";
    case CCHC__V1__REQUEST__BODY_REPORT_LIST: return "report_list";
    case CCHC__V1__REQUEST__BODY_REVIEW: return "review";
    case CCHC__V1__REQUEST__BODY_REPORT_GET: return "report_get";
    case CCHC__V1__REQUEST__BODY_PERIOD_LIST: return "period_list";
    case CCHC__V1__REQUEST__BODY_PERIOD_ACTION: return "period_action";
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_LIST: return "unit_plan_list";
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_RECORD: return "unit_plan_record";
    case CCHC__V1__REQUEST__BODY_STATUS: return "status";
    case CCHC__V1__REQUEST__BODY_TREND: return "trend";
    case CCHC__V1__REQUEST__BODY_MISSING: return "missing";
    case CCHC__V1__REQUEST__BODY_STATUS_TASK: return "status_task";
    case CCHC__V1__REQUEST__BODY_EXPORT: return "export";
    case CCHC__V1__REQUEST__BODY_REPORT_BUNDLE: return "report_bundle";
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_TEMPLATE: return "consolidation_template";
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_SUBMIT: return "consolidation_submit";
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_LIST: return "consolidation_list";
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_REVIEW: return "consolidation_review";
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_DEADLINES: return "consolidation_deadlines";
    case CCHC__V1__REQUEST__BODY_PUBLIC_SUMMARY: return "public_summary";
    case CCHC__V1__REQUEST__BODY_HEALTH: return "health";
    default: break;
    }
    return "none";
}
