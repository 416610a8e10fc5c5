/* Account administration for Sở Nội vụ (authz.c admits admins only) and
 * the audit trail. Every change writes its audit row in the same statement
 * (see statements.c), and every answer is the account as it now is. An
 * admin cannot disable or demote themselves, so the city never loses its
 * last administrator by a slip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "handlers.h"
#include "password_policy.h"
#include "pgvalue.h"
#include "request_helpers.h"

#define AUDIT_DEFAULT_LIMIT 100
#define AUDIT_MAX_LIMIT 5000

/* Replies UserResponse with every row of res, or NOT_FOUND when none. */
static void reply_accounts(request *req, const PGresult *res, const char *username)
{
    if (username && PQntuples(res) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "no account \"%s\"", username);
        return;
    }
    request_reply_rows(req, CCHC__V1__RESPONSE__BODY_USER, res);
}

/* Most user requests end here: one statement, answer its rows. */
static void on_account_rows(request *req, PGresult *const *r, int n)
{
    const char *username = NULL;
    switch (req->msg->body_case) {
    case CCHC__V1__REQUEST__BODY_USER_SHOW: username = req->msg->user_show->username; break;
    case CCHC__V1__REQUEST__BODY_USER_SET_ENABLED:
        username = req->msg->user_set_enabled->username;
        break;
    case CCHC__V1__REQUEST__BODY_USER_RESET_PASSWORD:
        username = req->msg->user_reset_password->username;
        break;
    case CCHC__V1__REQUEST__BODY_USER_SET_ROLES: username = req->msg->user_set_roles->username; break;
    case CCHC__V1__REQUEST__BODY_USER_UNLOCK: username = req->msg->user_unlock->username; break;
    case CCHC__V1__REQUEST__BODY_USER_MOVE: username = req->msg->user_move->username; break;
    default: break;
    }
    reply_accounts(req, r[n - 1], username);
}

/* Runs an account change and reads the account back in the same batch. */
static void change_then_show(request *req, statement_id change, const char *const *params,
                             int nparams)
{
    const char *show[] = {params[0]}; /* every change's first parameter is the username */
    const db_step steps[] = {
        {change, nparams, params},
        {STMT_USER_SHOW, 1, show},
    };
    request_write(req, steps, 2, on_account_rows);
}

/* Joins validated role names with commas for the SQL; -1 when one is
 * unknown or none is given (the request was answered). */
static int roles_param(request *req, char **roles, size_t n, char *out, size_t size,
                       unsigned *mask)
{
    out[0] = '\0';
    *mask = 0;
    if (n == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "an account needs at least one role: reporter, reviewer, admin, viewer");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned bit;
        if (auth_roles_parse(roles[i], &bit) != 0 || !*roles[i] || strchr(roles[i], ',')) {
            request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                         "unknown role \"%s\"; use reporter, reviewer, admin or viewer",
                         roles[i]);
            return -1;
        }
        if (*mask & bit)
            continue;
        *mask |= bit;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", used ? "," : "", roles[i]);
    }
    return 0;
}

static int check_username(request *req, const char *username)
{
    if (auth_username_valid(username))
        return 0;
    request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                 "a username is 3-64 of a-z, 0-9, dot, underscore, hyphen, starting with a "
                 "letter or digit");
    return -1;
}

/* ---- user add --------------------------------------------------------------------- */

typedef struct user_add_state {
    request *req;
    char roles[64];
} user_add_state;

static void on_user_added(request *req, PGresult *const *r, int n)
{
    (void)n;
    const Cchc__V1__UserAddRequest *in = req->msg->user_add;
    if (pg_bool(r[0], 0, 0)) {
        request_fail(req, CCHC__V1__ERROR_CODE__ALREADY_EXISTS,
                     "account \"%s\" already exists", in->username);
        return;
    }
    if (PQgetisnull(r[0], 0, 1)) {
        /* unit_resolve_problem's words: ambiguous, or the closest names */
        request_fail_sql(req, CCHC__V1__ERROR_CODE__NOT_FOUND, pg_text(r[0], 0, 2));
        return;
    }
    reply_accounts(req, r[2], in->username);
}

static void on_user_password_hashed(void *ctx, int ok, const char *hash)
{
    user_add_state *st = ctx;
    request *req = st->req;
    if (!ok) {
        free(st);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "could not hash the password");
        return;
    }
    const Cchc__V1__UserAddRequest *in = req->msg->user_add;
    const char *context[] = {in->username, in->unit};
    const char *add[] = {in->username, in->full_name, in->unit, st->roles, hash,
                         req->auth.account_id, req->auth.username, req->peer_ip};
    const char *show[] = {in->username};
    const db_step steps[] = {
        {STMT_USER_CONTEXT, 2, context},
        {STMT_USER_ADD, 8, add},
        {STMT_USER_SHOW, 1, show},
    };
    request_write(req, steps, 3, on_user_added);
    free(st); /* after the pool copied the parameters */
}

void handle_user_add(request *req)
{
    const Cchc__V1__UserAddRequest *in = req->msg->user_add;
    char why[200];
    if (check_username(req, in->username) != 0 ||
        request_check_text(req, "full_name", in->full_name, 200) != 0 ||
        request_check_text(req, "unit", in->unit, 300) != 0)
        return;
    if (!*in->unit) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "an account belongs to one unit: --unit");
        return;
    }
    user_add_state *st = calloc(1, sizeof(*st));
    if (!st) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    unsigned mask;
    if (roles_param(req, in->roles, in->n_roles, st->roles, sizeof(st->roles), &mask) != 0) {
        free(st);
        return;
    }
    if (password_policy_check(in->username, in->password, why, sizeof(why)) != 0) {
        free(st);
        request_fail_field(req, "password", why);
        return;
    }
    st->req = req;
    if (auth_hash_async(req->ctx->loop, in->password, on_user_password_hashed, st) != 0) {
        free(st);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server busy; try again shortly");
    }
}

/* ---- list, show ------------------------------------------------------------------------ */

void handle_user_list(request *req)
{
    const Cchc__V1__UserListRequest *in = req->msg->user_list;
    if (request_check_text(req, "unit", in->unit, 300) != 0 ||
        request_check_text(req, "role", in->role, 16) != 0)
        return;
    const char *params[] = {in->unit, in->role};
    const db_step step = {STMT_USER_LIST, 2, params};
    request_query(req, &step, 1, on_account_rows);
}

void handle_user_show(request *req)
{
    const Cchc__V1__UserShowRequest *in = req->msg->user_show;
    if (check_username(req, in->username) != 0)
        return;
    const char *params[] = {in->username};
    const db_step step = {STMT_USER_SHOW, 1, params};
    request_query(req, &step, 1, on_account_rows);
}

/* ---- enable, disable, roles ---------------------------------------------------------------- */

/* disabling: the account is being disabled, else losing the admin role */
static int refuse_self(request *req, const char *username, int disabling)
{
    if (strcmp(username, req->auth.username) != 0)
        return 0;
    request_fail(req, CCHC__V1__ERROR_CODE__FAILED_PRECONDITION,
                 disabling ? "you cannot disable your own account; ask another administrator"
                           : "you cannot take the admin role from your own account; ask another "
                             "administrator");
    return -1;
}

void handle_user_set_enabled(request *req)
{
    const Cchc__V1__UserSetEnabledRequest *in = req->msg->user_set_enabled;
    if (check_username(req, in->username) != 0 ||
        (!in->enabled && refuse_self(req, in->username, 1) != 0))
        return;
    const char *params[] = {in->username, in->enabled ? "t" : "f", req->auth.account_id,
                            req->auth.username, req->peer_ip};
    change_then_show(req, STMT_USER_SET_ENABLED, params, 5);
}

void handle_user_set_roles(request *req)
{
    const Cchc__V1__UserSetRolesRequest *in = req->msg->user_set_roles;
    char roles[64];
    unsigned mask;
    if (check_username(req, in->username) != 0 ||
        roles_param(req, in->roles, in->n_roles, roles, sizeof(roles), &mask) != 0)
        return;
    if (!(mask & ROLE_ADMIN) && refuse_self(req, in->username, 0) != 0)
        return;
    const char *params[] = {in->username, roles, req->auth.account_id, req->auth.username,
                            req->peer_ip};
    change_then_show(req, STMT_USER_SET_ROLES, params, 5);
}

/* ---- unlock ------------------------------------------------------------------------------- */

/* Lifts a lockout by failed logins: they stay recorded, but no longer
 * count (account.failures_cleared_at). An admin may unlock themselves:
 * that cannot lock anyone out. */
void handle_user_unlock(request *req)
{
    const Cchc__V1__UserUnlockRequest *in = req->msg->user_unlock;
    if (check_username(req, in->username) != 0)
        return;
    const char *params[] = {in->username, req->auth.account_id, req->auth.username, req->peer_ip};
    change_then_show(req, STMT_USER_UNLOCK, params, 4);
}

/* ---- move ---------------------------------------------------------------------------------- */

/* Moves an account to a unit that exists today: after a reorganisation,
 * the accounts of a closed unit go to its successor. The move answers
 * whether the unit was found (the account, if any, is read back). */
static void on_user_moved(request *req, PGresult *const *r, int n)
{
    const Cchc__V1__UserMoveRequest *in = req->msg->user_move;
    if (PQntuples(r[0]) == 1 && PQgetisnull(r[0], 0, 0)) {
        request_fail(req, CCHC__V1__ERROR_CODE__NOT_FOUND,
                     "no unit \"%s\" exists today; see 'cchc units'",
                     in->unit);
        return;
    }
    on_account_rows(req, r, n);
}

void handle_user_move(request *req)
{
    const Cchc__V1__UserMoveRequest *in = req->msg->user_move;
    if (check_username(req, in->username) != 0 ||
        request_check_text(req, "unit", in->unit, 300) != 0)
        return;
    if (!*in->unit) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "name the unit to move to: --unit CODE");
        return;
    }
    const char *params[] = {in->username, in->unit, req->auth.account_id, req->auth.username,
                            req->peer_ip};
    const char *show[] = {in->username};
    const db_step steps[] = {
        {STMT_USER_MOVE, 5, params},
        {STMT_USER_SHOW, 1, show},
    };
    request_write(req, steps, 2, on_user_moved);
}

/* ---- reset password ------------------------------------------------------------------------ */

static void on_reset_hashed(void *ctx, int ok, const char *hash)
{
    request *req = ctx;
    if (!ok) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "could not hash the password");
        return;
    }
    const Cchc__V1__UserResetPasswordRequest *in = req->msg->user_reset_password;
    const char *params[] = {in->username, hash, req->auth.account_id, req->auth.username,
                            req->peer_ip};
    change_then_show(req, STMT_USER_RESET_PASSWORD, params, 5);
}

void handle_user_reset_password(request *req)
{
    const Cchc__V1__UserResetPasswordRequest *in = req->msg->user_reset_password;
    char why[200];
    if (check_username(req, in->username) != 0)
        return;
    if (password_policy_check(in->username, in->new_password, why, sizeof(why)) != 0) {
        request_fail_field(req, "new_password", why);
        return;
    }
    if (auth_hash_async(req->ctx->loop, in->new_password, on_reset_hashed, req) != 0)
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server busy; try again shortly");
}

/* ---- audit ----------------------------------------------------------------------------------- */

static void on_audit_list(request *req, PGresult *const *r, int n)
{
    (void)n;
    request_reply_rows(req, CCHC__V1__RESPONSE__BODY_AUDIT_LIST, r[0]);
}

void handle_audit_list(request *req)
{
    const Cchc__V1__AuditListRequest *in = req->msg->audit_list;
    if (request_check_text(req, "username", in->username, 64) != 0 ||
        request_check_text(req, "action", in->action, 64) != 0 ||
        request_check_date(req, "since", in->since) != 0 ||
        request_check_date(req, "until", in->until) != 0)
        return;
    if (in->limit < 0 || in->limit > AUDIT_MAX_LIMIT) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "the limit is 1 to %s",
                     REQUEST_NUM(AUDIT_MAX_LIMIT));
        return;
    }
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", in->limit ? in->limit : AUDIT_DEFAULT_LIMIT);
    const char *params[] = {in->username, in->action, in->since, in->until, limit};
    const db_step step = {STMT_AUDIT_LIST, 5, params};
    request_query(req, &step, 1, on_audit_list);
}
