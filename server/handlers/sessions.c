/* Logging in and out, who am I, changing one's password.
 *
 * Login: recent failures for the username typed and for the address are
 * counted first (throttling works the same whether the account exists),
 * and a throttled caller is refused before anything is written; the
 * password is verified in the thread pool, against a dummy hash when
 * there is no such account, so neither the answer nor its timing tells an
 * unknown account from a wrong password. Every attempt that is not
 * throttled is recorded. The address is the real client's, from a PROXY
 * protocol header when the connection came through a trusted proxy. */
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "handlers.h"
#include "password_policy.h"
#include "pgvalue.h"
#include "request_helpers.h"


/* Replies with the account(s) in the rows of res as the given body. */
static Cchc__V1__Account *account_from_row(arena *a, const PGresult *res, int row)
{
    Cchc__V1__Account *acc = ARENA_NEW(a, Cchc__V1__Account, CCHC__V1__ACCOUNT__INIT);
    if (acc)
        pg_fill(a, &acc->base, res, row);
    return acc;
}

/* ---- login ------------------------------------------------------------------ */

/* What a login (or a password change) carries from the database through
 * the password check and back: the recorded attempt, the account and the
 * hash that was verified, so the final write can insist it is unchanged. */
typedef struct login_state {
    request *req;
    char attempt_id[24];
    char account_id[24]; /* "" when no such account */
    int disabled;
    char hash[160];      /* the stored hash that was verified */
    char token[64];
    char token_hash[65];
} login_state;

/* Freed with the request (request_set_state), however it ends. */
static void login_state_free(void *state)
{
    sodium_memzero(state, sizeof(login_state));
    free(state);
}

static void reply_busy(request *req)
{
    request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                 "server busy; try again shortly");
}

/* Columns of STMT_LOGIN_ATTEMPT_BEGIN's row. Throttled when there is no
 * attempt id: nothing was written. The rule (how many failures, for how
 * long) and the locking that makes it race-free are SQL's
 * (login_attempt_begin in sql/functions/040_accounts.sql), so that `cchc
 * user show` tells an admin exactly what login enforces. */
enum { BEGIN_ATTEMPT_ID, BEGIN_USER_BLOCKED_UNTIL, BEGIN_ADDRESS_BLOCKED_UNTIL };

static void on_session_created(request *req, PGresult *const *r, int n)
{
    (void)n;
    login_state *st = req->state;
    if (PQntuples(r[0]) == 0) {
        /* the password changed or the account was disabled meanwhile; the
         * attempt stays recorded as failed */
        request_fail(req, CCHC__V1__ERROR_CODE__UNAUTHENTICATED, "wrong username or password");
        return;
    }
    arena a = {0};
    Cchc__V1__LoginResponse body = CCHC__V1__LOGIN_RESPONSE__INIT;
    body.session_token = st->token;
    body.expires_at = pg_text(r[0], 0, 0);
    body.idle_timeout_seconds = req->ctx->session_idle_s;
    body.account = account_from_row(&a, r[2], 0);
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_LOGIN, &body);
}

/* The rehash's result comes first: the rest is a login's. */
static void on_session_created_after_rehash(request *req, PGresult *const *r, int n)
{
    on_session_created(req, r + 1, n - 1);
}

/* The session for a verified password. rehash, when not NULL, is a new
 * hash of the password's NFC form replacing st->hash (which was made from
 * another form) in the same batch; the session then insists on it. */
static void create_session(login_state *st, const char *rehash)
{
    request *req = st->req;
    const Cchc__V1__LoginRequest *in = req->msg->login;
    auth_token_new(st->token, st->token_hash);
    char ttl[16];
    snprintf(ttl, sizeof(ttl), "%d", req->ctx->session_ttl_s);
    const char *replace[] = {st->account_id, rehash, st->hash};
    const char *create[] = {st->token_hash, st->account_id, ttl, req->peer_ip, in->username,
                            rehash ? rehash : st->hash};
    const char *attempt[] = {st->attempt_id};
    const char *show[] = {in->username};
    const db_step steps[] = {
        {STMT_PASSWORD_REHASH, 3, replace},
        {STMT_SESSION_CREATE, 6, create},
        {STMT_ATTEMPT_SUCCEEDED, 1, attempt},
        {STMT_USER_SHOW, 1, show},
    };
    /* the state goes with the request: the token must live until the reply */
    if (rehash)
        request_query(req, steps, 4, on_session_created_after_rehash);
    else
        request_query(req, steps + 1, 3, on_session_created);
}

static void on_login_rehashed(void *ctx, int ok, const char *hash)
{
    login_state *st = ctx;
    /* a failed rehash leaves the old hash, which still verifies */
    create_session(st, ok ? hash : NULL);
}

static void on_login_verified(void *ctx, int ok, const char *hash)
{
    (void)hash;
    login_state *st = ctx;
    request *req = st->req;
    if (!ok || !*st->account_id || st->disabled) {
        request_fail(req, CCHC__V1__ERROR_CODE__UNAUTHENTICATED, "wrong username or password");
        return;
    }
    /* a hash made from the NFD or combining form before passwords were
     * normalised: made again from the NFC form, so the next login takes
     * one verification */
    if (ok == AUTH_VERIFIED_OTHER_FORM &&
        auth_hash_async(req->ctx->loop, req->msg->login->password, on_login_rehashed, st) == 0)
        return;
    create_session(st, NULL);
}

/* The start of a password check, after the lookup batch (the attempt
 * begun, or until when the username or the address is blocked; the
 * account): answers and returns NULL when the caller is throttled (saying
 * what was wrong too often, in Vietnamese and English, and until when) or
 * memory ran out, else the state for the check. */
static login_state *begin_password_check(request *req, PGresult *const *r, int failed_logins)
{
    const PGresult *begun = r[0];
    if (PQgetisnull(begun, 0, BEGIN_ATTEMPT_ID)) {
        /* an administrator can lift an account's block, not an address's */
        const char *user_until = pg_text(begun, 0, BEGIN_USER_BLOCKED_UNTIL);
        const char *address_until = pg_text(begun, 0, BEGIN_ADDRESS_BLOCKED_UNTIL);
        if (!PQgetisnull(begun, 0, BEGIN_USER_BLOCKED_UNTIL))
            request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                         failed_logins ? "too many failed logins; try again after %s, or ask an "
                                         "administrator to unblock the account (cchc user unlock)"
                                       : "too many wrong passwords; try again after %s, or ask an "
                                         "administrator to unblock the account (cchc user unlock)",
                         user_until);
        else
            request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED,
                         failed_logins
                             ? "too many failed logins from this address; try again after %s"
                             : "too many wrong passwords from this address; try again after %s",
                         address_until);
        return NULL;
    }
    login_state *st = calloc(1, sizeof(*st));
    if (!st) {
        reply_busy(req);
        return NULL;
    }
    st->req = req;
    request_set_state(req, st, login_state_free);
    snprintf(st->attempt_id, sizeof(st->attempt_id), "%s", pg_text(begun, 0, BEGIN_ATTEMPT_ID));
    return st;
}

static void on_login_lookup(request *req, PGresult *const *r, int n)
{
    (void)n;
    login_state *st = begin_password_check(req, r, 1);
    if (!st)
        return;
    const PGresult *acc = r[1];
    const char *stored = NULL;
    if (PQntuples(acc) > 0) {
        snprintf(st->account_id, sizeof(st->account_id), "%s", pg_text(acc, 0, 0));
        snprintf(st->hash, sizeof(st->hash), "%s", pg_text(acc, 0, PQfnumber(acc, "password_hash")));
        stored = st->hash;
        st->disabled = pg_bool(acc, 0, PQfnumber(acc, "disabled"));
    }
    if (auth_verify_async(req->ctx->loop, stored, req->msg->login->password,
                          on_login_verified, st) != 0) {
        reply_busy(req);
    }
}

void handle_login(request *req)
{
    const Cchc__V1__LoginRequest *in = req->msg->login;
    if (!auth_username_valid(in->username) || strlen(in->password) > PASSWORD_MAX_LENGTH ||
        !*in->password) {
        /* the same answer as a wrong password: nothing to learn here */
        request_fail(req, CCHC__V1__ERROR_CODE__UNAUTHENTICATED, "wrong username or password");
        return;
    }
    const char *who[] = {in->username, req->peer_ip};
    const char *account[] = {in->username};
    const db_step steps[] = {
        {STMT_LOGIN_ATTEMPT_BEGIN, 2, who},
        {STMT_LOGIN_ACCOUNT, 1, account},
    };
    request_query(req, steps, 2, on_login_lookup);
}

/* ---- logout, whoami ----------------------------------------------------------- */

static void on_logout(request *req, PGresult *const *r, int n)
{
    (void)r;
    (void)n;
    Cchc__V1__LogoutResponse body = CCHC__V1__LOGOUT_RESPONSE__INIT;
    request_reply_body(req, NULL, CCHC__V1__RESPONSE__BODY_LOGOUT, &body);
}

void handle_logout(request *req)
{
    const char *params[] = {req->auth.token_hash, req->auth.account_id, req->auth.username,
                            req->peer_ip};
    const db_step step = {STMT_SESSION_REVOKE, 4, params};
    request_write(req, &step, 1, on_logout);
}

static void on_whoami(request *req, PGresult *const *r, int n)
{
    (void)n;
    arena a = {0};
    Cchc__V1__WhoamiResponse body = CCHC__V1__WHOAMI_RESPONSE__INIT;
    body.account = account_from_row(&a, r[0], 0);
    body.session_expires_at = pg_text(r[0], 0, PQfnumber(r[0], "session_expires_at"));
    request_reply_body(req, &a, CCHC__V1__RESPONSE__BODY_WHOAMI, &body);
}

void handle_whoami(request *req)
{
    const char *params[] = {req->auth.token_hash};
    const db_step step = {STMT_WHOAMI, 1, params};
    request_query(req, &step, 1, on_whoami);
}

/* ---- password change ------------------------------------------------------------- */

/* The current password is checked like a login: throttled per account
 * and address before anything is written, then the attempt recorded, so a
 * stolen session cannot be used to guess the password. */

static void on_password_changed(request *req, PGresult *const *r, int n)
{
    (void)n;
    if (pg_int(r[0], 0, 0) == 0) {
        request_fail(req, CCHC__V1__ERROR_CODE__FAILED_PRECONDITION,
                     "the password or the account changed meanwhile: log in again");
        return;
    }
    Cchc__V1__PasswordChangeResponse body = CCHC__V1__PASSWORD_CHANGE_RESPONSE__INIT;
    request_reply_body(req, NULL, CCHC__V1__RESPONSE__BODY_PASSWORD_CHANGE, &body);
}

static void on_new_password_hashed(void *ctx, int ok, const char *hash)
{
    login_state *st = ctx;
    request *req = st->req;
    if (!ok) {
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "could not hash the password");
        return;
    }
    const char *change[] = {req->auth.account_id, hash, req->auth.username, req->peer_ip,
                            st->hash, req->auth.token_hash};
    const char *attempt[] = {st->attempt_id};
    const db_step steps[] = {
        {STMT_PASSWORD_CHANGE, 6, change},
        {STMT_ATTEMPT_SUCCEEDED, 1, attempt},
    };
    request_write(req, steps, 2, on_password_changed);
}

static void on_current_password_verified(void *ctx, int ok, const char *hash)
{
    (void)hash;
    login_state *st = ctx;
    request *req = st->req;
    if (!ok) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "the current password is wrong");
        return;
    }
    if (auth_hash_async(req->ctx->loop, req->msg->password_change->new_password,
                        on_new_password_hashed, st) != 0) {
        reply_busy(req);
    }
}

static void on_password_hash_loaded(request *req, PGresult *const *r, int n)
{
    (void)n;
    login_state *st = begin_password_check(req, r, 0);
    if (!st)
        return;
    const char *stored = NULL;
    if (PQntuples(r[1]) > 0) {
        snprintf(st->hash, sizeof(st->hash), "%s", pg_text(r[1], 0, 0));
        stored = st->hash;
    }
    if (auth_verify_async(req->ctx->loop, stored, req->msg->password_change->current_password,
                          on_current_password_verified, st) != 0) {
        reply_busy(req);
    }
}

void handle_password_change(request *req)
{
    const Cchc__V1__PasswordChangeRequest *in = req->msg->password_change;
    char why[200];
    if (strlen(in->current_password) > PASSWORD_MAX_LENGTH) {
        request_fail(req, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT,
                     "the current password is wrong");
        return;
    }
    if (password_policy_check(req->auth.username, in->new_password, why, sizeof(why)) != 0) {
        request_fail_field(req, "new_password", why);
        return;
    }
    const char *who[] = {req->auth.username, req->peer_ip};
    const char *account[] = {req->auth.account_id};
    const db_step steps[] = {
        {STMT_LOGIN_ATTEMPT_BEGIN, 2, who},
        {STMT_ACCOUNT_HASH, 1, account},
    };
    request_query(req, steps, 2, on_password_hash_loaded);
}
