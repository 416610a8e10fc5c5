/* Request handlers, one function per request type, one file per request
 * family. Each takes ownership of the request and finishes it with
 * request_reply_body, request_fail or a helper of request_helpers.h.
 * Handlers reach the database, the loop and the configuration only
 * through the request (request.h); they never see a connection. */
#ifndef CCHCD_HANDLERS_H
#define CCHCD_HANDLERS_H

#include "request.h"

/* routes.c: the handler for a request type (NULL when none; hello is rpc's) */
handler_fn handlers_route(Cchc__V1__Request__BodyCase body);

/* system.c */
void handle_ping(request *req);
void handle_health(request *req);

/* plan.c */
void handle_plan_overview(request *req);
void handle_criteria(request *req);
void handle_task_list(request *req);
void handle_task_get(request *req);
void handle_plan_check(request *req);
void handle_index_result_set(request *req);
void handle_plan_assign(request *req);

/* units.c */
void handle_unit_list(request *req);
void handle_unit_import(request *req);
void handle_unit_change(request *req);
void handle_unit_change_set(request *req);
void handle_unit_history(request *req);

/* sessions.c */
void handle_login(request *req);
void handle_logout(request *req);
void handle_whoami(request *req);
void handle_password_change(request *req);

/* users.c */
void handle_user_add(request *req);
void handle_user_list(request *req);
void handle_user_show(request *req);
void handle_user_set_enabled(request *req);
void handle_user_unlock(request *req);
void handle_user_move(request *req);
void handle_user_reset_password(request *req);
void handle_user_set_roles(request *req);
void handle_audit_list(request *req);

/* reports.c */
void handle_report_submit(request *req);
void handle_my_tasks(request *req);
void handle_report_list(request *req);
void handle_review(request *req);
void handle_report_get(request *req);

/* periods.c */
void handle_period_list(request *req);
void handle_period_action(request *req);

/* unit_plans.c */
void handle_unit_plan_list(request *req);
void handle_unit_plan_record(request *req);

/* status.c */
void handle_status(request *req);
void handle_trend(request *req);
void handle_missing(request *req);
void handle_status_task(request *req);
void handle_export(request *req);
/* consolidated reports of districts, lead agencies and Sở Nội vụ (consolidation.c) */
void handle_consolidation_template(request *req);
void handle_consolidation_submit(request *req);
void handle_consolidation_list(request *req);
void handle_consolidation_review(request *req);
void handle_consolidation_deadlines(request *req);
void handle_public_summary(request *req);
/* the consolidated report in one snapshot (report_bundle.c) */
void handle_report_bundle(request *req);

#endif
