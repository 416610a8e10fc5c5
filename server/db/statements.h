/* Every SQL statement the server runs, by name. They are prepared on each
 * pool connection when it comes up, so a request only sends parameters.
 * Keeping them in one table makes it easy to see all SQL the server can run
 * and guarantees none is built from input. */
#ifndef CCHCD_STATEMENTS_H
#define CCHCD_STATEMENTS_H

typedef enum statement_id {
    STMT_PING,
    /* request keys of retried writes (rpc/request_keys.c, docs/retry.md) */
    STMT_REQUEST_KEY_CLAIM,
    STMT_REQUEST_KEY_STORE,
    STMT_REQUEST_KEY_GET,
    STMT_REQUEST_KEY_STORE_MANY,
    /* plan browsing (handlers/plan.c) */
    STMT_PLAN_INFO,
    STMT_INDEX_SUMMARY,
    STMT_INDEX_RESULTS,
    STMT_CRITERIA,
    STMT_RESOLVE_UNITS,
    STMT_TASK_LIST,
    STMT_TASK,
    STMT_TASK_ITEMS,
    STMT_TASK_TARGETS,
    STMT_TASK_ASSIGNMENTS,
    STMT_TASK_LEADS,
    STMT_TASK_IMPLEMENTERS,
    STMT_TASK_IMPLEMENTER_UNITS,
    STMT_TASK_AMENDMENTS,
    STMT_PLAN_CHECK,
    STMT_PLAN_ASSIGN,
    STMT_INDEX_RESULT_CONTEXT,
    STMT_INDEX_RESULT_SET,
    /* units (handlers/units.c) */
    STMT_UNIT_LIST,
    STMT_UNIT_IMPORT,
    STMT_UNIT_CHANGE,
    STMT_UNIT_CHANGE_SET,
    STMT_UNIT_HISTORY,
    STMT_UNIT_GET,
    STMT_UNIT_PROBLEM,
    /* sessions and accounts (rpc/dispatch.c, handlers/sessions.c, handlers/users.c) */
    STMT_SESSION_CHECK,
    STMT_SESSION_CHECK_KEYED,
    STMT_LOGIN_ACCOUNT,
    STMT_LOGIN_ATTEMPT_BEGIN,
    STMT_ATTEMPT_SUCCEEDED,
    STMT_PASSWORD_REHASH,
    STMT_SESSION_CREATE,
    STMT_SESSION_REVOKE,
    STMT_WHOAMI,
    STMT_ACCOUNT_HASH,
    STMT_PASSWORD_CHANGE,
    STMT_USER_CONTEXT,
    STMT_USER_ADD,
    STMT_USER_LIST,
    STMT_USER_SHOW,
    STMT_USER_SET_ENABLED,
    STMT_USER_RESET_PASSWORD,
    STMT_USER_SET_ROLES,
    STMT_USER_UNLOCK,
    STMT_USER_MOVE,
    STMT_AUDIT_LIST,
    /* periods and reports (handlers/reports.c, periods.c, unit_plans.c) */
    STMT_REPORT_SUBMIT,
    STMT_REPORT_SUBMIT_KEYED,
    STMT_REPORT_SUBMIT_MANY,
    STMT_PERIOD_GET,
    STMT_UNIT_PERIOD,
    STMT_MY_TASKS,
    STMT_MY_TASKS_INHERITED,
    STMT_REPORT_LIST,
    STMT_REVIEW,
    STMT_REVIEWED,
    STMT_REPORT_GET,
    STMT_REPORT_REVISIONS,
    STMT_REPORT_REVIEWS,
    STMT_PERIOD_LIST,
    STMT_PERIOD_ACTION,
    STMT_PERIOD_OF_DOC,
    STMT_UNIT_PLAN_LIST,
    STMT_UNIT_PLAN_RECORD,
    STMT_UNIT_PLAN_COUNTS,
    /* citywide status (handlers/status.c) */
    STMT_STATUS_GROUPS,
    STMT_STATUS_FIGURES,
    STMT_TREND,
    STMT_MISSING,
    STMT_STATUS_TASK_UNITS,
    STMT_EXPORT,
    /* consolidated reports (handlers/consolidation.c, functions/095) */
    STMT_CONSOLIDATION_SCOPE,
    STMT_CONSOLIDATION_CURRENT,
    STMT_CONSOLIDATION_FIGURES,
    STMT_CONSOLIDATION_SOURCES,
    STMT_CONSOLIDATION_LOOKUP,
    STMT_CONSOLIDATION_SUBMIT,
    STMT_CONSOLIDATION_LIST,
    STMT_CONSOLIDATION_REVIEW,
    STMT_CONSOLIDATION_REVIEWED,
    STMT_CONSOLIDATION_DEADLINES,
    STMT_CONSOLIDATION_DEADLINES_OF,
    STMT_PUBLIC_SUMMARY_PERIOD,
    STMT_PUBLIC_SUMMARY_CRITERIA,
    STMT_PUBLIC_SUMMARY_ASSESSMENTS,
    STMT_BUNDLE_LISTS,
    /* the same with only what the HTML document prints (functions/098) */
    STMT_BUNDLE_DOCUMENT_LISTS,
    STMT_BUNDLE_DOCUMENT_TASKS,
    /* the city report per index and criterion (functions/096) */
    STMT_BUNDLE_CRITERIA,
    STMT_BUNDLE_CONSOLIDATIONS,
    /* one snapshot for a whole batch (handlers/report_bundle.c) */
    STMT_SNAPSHOT_QUIET,
    STMT_SNAPSHOT_BEGIN,
    STMT_SNAPSHOT_LOUD,
    STMT_COUNT
} statement_id;

typedef struct statement_def {
    const char *name;
    const char *sql;
} statement_def;

extern const statement_def cchc_statements[STMT_COUNT];

#endif
