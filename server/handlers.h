/* Request handlers, one function per request type. Each takes ownership of
 * the request and finishes it with request_reply or request_fail. */
#ifndef CCHCD_HANDLERS_H
#define CCHCD_HANDLERS_H

#include "request.h"

void handle_hello(request *req);
void handle_ping(request *req);

/* handlers_plan.c */
void handle_plan_overview(request *req);
void handle_criteria(request *req);
void handle_task_list(request *req);
void handle_task_get(request *req);
void handle_plan_check(request *req);
void handle_index_result_set(request *req);

/* handlers_units.c */
void handle_unit_list(request *req);
void handle_unit_import(request *req);
void handle_unit_change(request *req);

/* handlers_auth.c */
void handle_login(request *req);
void handle_logout(request *req);
void handle_whoami(request *req);
void handle_password_change(request *req);

/* handlers_users.c */
void handle_user_add(request *req);
void handle_user_list(request *req);
void handle_user_show(request *req);
void handle_user_set_enabled(request *req);
void handle_user_reset_password(request *req);
void handle_user_set_roles(request *req);
void handle_audit_list(request *req);

/* handlers_reports.c */
void handle_report_submit(request *req);
void handle_my_tasks(request *req);
void handle_report_list(request *req);
void handle_review(request *req);
void handle_report_get(request *req);
void handle_period_list(request *req);
void handle_period_action(request *req);
void handle_unit_plan_list(request *req);
void handle_unit_plan_record(request *req);

/* handlers_status.c */
void handle_status(request *req);
void handle_trend(request *req);
void handle_missing(request *req);
void handle_status_task(request *req);
void handle_export(request *req);

#endif
