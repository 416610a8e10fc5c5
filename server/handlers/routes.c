/* The routing table: which handler serves which request type. The server
 * hands handlers_route to rpc/ (rpc_context.route), so the protocol layer
 * never includes a handler. hello is rpc's own (the hello rule). */
#include "handlers.h"

handler_fn handlers_route(Cchc__V1__Request__BodyCase body)
{
    switch (body) {
    case CCHC__V1__REQUEST__BODY_PING: return handle_ping;
    case CCHC__V1__REQUEST__BODY_HEALTH: return handle_health;
    case CCHC__V1__REQUEST__BODY_PLAN_OVERVIEW: return handle_plan_overview;
    case CCHC__V1__REQUEST__BODY_CRITERIA: return handle_criteria;
    case CCHC__V1__REQUEST__BODY_TASK_LIST: return handle_task_list;
    case CCHC__V1__REQUEST__BODY_TASK_GET: return handle_task_get;
    case CCHC__V1__REQUEST__BODY_PLAN_CHECK: return handle_plan_check;
    case CCHC__V1__REQUEST__BODY_INDEX_RESULT_SET: return handle_index_result_set;
    case CCHC__V1__REQUEST__BODY_PLAN_ASSIGN: return handle_plan_assign;
    case CCHC__V1__REQUEST__BODY_UNIT_LIST: return handle_unit_list;
    case CCHC__V1__REQUEST__BODY_UNIT_IMPORT: return handle_unit_import;
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE: return handle_unit_change;
    case CCHC__V1__REQUEST__BODY_UNIT_CHANGE_SET: return handle_unit_change_set;
    case CCHC__V1__REQUEST__BODY_UNIT_HISTORY: return handle_unit_history;
    case CCHC__V1__REQUEST__BODY_LOGIN: return handle_login;
    case CCHC__V1__REQUEST__BODY_LOGOUT: return handle_logout;
    case CCHC__V1__REQUEST__BODY_WHOAMI: return handle_whoami;
    case CCHC__V1__REQUEST__BODY_PASSWORD_CHANGE: return handle_password_change;
    case CCHC__V1__REQUEST__BODY_USER_ADD: return handle_user_add;
    case CCHC__V1__REQUEST__BODY_USER_LIST: return handle_user_list;
    case CCHC__V1__REQUEST__BODY_USER_SHOW: return handle_user_show;
    case CCHC__V1__REQUEST__BODY_USER_SET_ENABLED: return handle_user_set_enabled;
    case CCHC__V1__REQUEST__BODY_USER_RESET_PASSWORD: return handle_user_reset_password;
    case CCHC__V1__REQUEST__BODY_USER_SET_ROLES: return handle_user_set_roles;
    case CCHC__V1__REQUEST__BODY_USER_UNLOCK: return handle_user_unlock;
    case CCHC__V1__REQUEST__BODY_USER_MOVE: return handle_user_move;
    case CCHC__V1__REQUEST__BODY_AUDIT_LIST: return handle_audit_list;
    case CCHC__V1__REQUEST__BODY_REPORT_SUBMIT: return handle_report_submit;
    case CCHC__V1__REQUEST__BODY_MY_TASKS: return handle_my_tasks;
    case CCHC__V1__REQUEST__BODY_REPORT_LIST: return handle_report_list;
    case CCHC__V1__REQUEST__BODY_REVIEW: return handle_review;
    case CCHC__V1__REQUEST__BODY_REPORT_GET: return handle_report_get;
    case CCHC__V1__REQUEST__BODY_PERIOD_LIST: return handle_period_list;
    case CCHC__V1__REQUEST__BODY_PERIOD_ACTION: return handle_period_action;
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_LIST: return handle_unit_plan_list;
    case CCHC__V1__REQUEST__BODY_UNIT_PLAN_RECORD: return handle_unit_plan_record;
    case CCHC__V1__REQUEST__BODY_STATUS: return handle_status;
    case CCHC__V1__REQUEST__BODY_TREND: return handle_trend;
    case CCHC__V1__REQUEST__BODY_MISSING: return handle_missing;
    case CCHC__V1__REQUEST__BODY_STATUS_TASK: return handle_status_task;
    case CCHC__V1__REQUEST__BODY_EXPORT: return handle_export;
    case CCHC__V1__REQUEST__BODY_REPORT_BUNDLE: return handle_report_bundle;
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_TEMPLATE: return handle_consolidation_template;
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_SUBMIT: return handle_consolidation_submit;
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_LIST: return handle_consolidation_list;
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_REVIEW: return handle_consolidation_review;
    case CCHC__V1__REQUEST__BODY_CONSOLIDATION_DEADLINES: return handle_consolidation_deadlines;
    case CCHC__V1__REQUEST__BODY_PUBLIC_SUMMARY: return handle_public_summary;
    default: return NULL;
    }
}
