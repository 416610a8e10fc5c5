/* See admin_bootstrap.h. Synchronous libpq is right for a one-shot
 * command. The account and its audit row are written in one statement. */
#include "admin_bootstrap.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"
#include "msg_format.h"
#include "password_policy.h"
#include "text_fold.h"
#include "tty_password.h"

static const char *const create_sql =
    "WITH a AS ("
    "    INSERT INTO account (username, full_name, unit_code, roles, password_hash)"
    "    SELECT $1, normalize($2, NFC), unit_resolve($3), ARRAY['admin'], $4"
    "     WHERE unit_resolve($3) IS NOT NULL"
    "    RETURNING id, unit_code),"
    "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
    "      SELECT id, $1, 'cchcd create-admin', 'account.add', $1,"
    "             jsonb_build_object('unit', unit_code, 'roles', ARRAY['admin']) FROM a)"
    "SELECT unit_code FROM a";

int admin_bootstrap_run(const char *conninfo, const char *username, const char *unit,
                        const char *full_name)
{
    if (!auth_username_valid(username)) {
        fprintf(stderr, "cchcd: --user must be 3-64 characters of a-z, 0-9, '.', '_', '-'\n");
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "cchcd: libsodium failed to initialise\n");
        return 1;
    }
    char password[PASSWORD_MAX_LENGTH + 2], again[PASSWORD_MAX_LENGTH + 2], why[200];
    if (read_password("Mật khẩu (password): ", password, sizeof(password)) != 0) {
        fprintf(stderr, "cchcd: no password given (type it, or pipe it on standard input)\n");
        return 2;
    }
    if (isatty(STDIN_FILENO)) {
        if (read_password("Nhập lại (again): ", again, sizeof(again)) != 0 ||
            strcmp(password, again) != 0) {
            sodium_memzero(password, sizeof(password));
            fprintf(stderr, "cchcd: the two passwords differ\n");
            return 2;
        }
        sodium_memzero(again, sizeof(again));
    }
    if (password_policy_check(username, password, why, sizeof(why)) != 0) {
        sodium_memzero(password, sizeof(password));
        char shown[256];
        msg_format_encoded(shown, sizeof(shown), why);
        fprintf(stderr, "cchcd: %s\n", shown);
        return 2;
    }
    /* hashed in NFC, as every password the server receives (wire_nfc.h),
     * so the administrator logs in whatever form their keyboard types */
    char *nfc = text_nfc(password);
    sodium_memzero(password, sizeof(password));
    if (!nfc) {
        fprintf(stderr, "cchcd: the password is not valid UTF-8\n");
        return 2;
    }
    char hash[crypto_pwhash_STRBYTES];
    int hashed = crypto_pwhash_str(hash, nfc, strlen(nfc), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE);
    sodium_memzero(nfc, strlen(nfc));
    free(nfc);
    if (hashed != 0) {
        fprintf(stderr, "cchcd: out of memory hashing the password\n");
        return 1;
    }
    PGconn *db = PQconnectdb(conninfo);
    if (PQstatus(db) != CONNECTION_OK) {
        log_error("cannot connect to the database: %s", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    const char *params[] = {username, full_name, unit, hash};
    PGresult *res = PQexecParams(db, create_sql, 4, NULL, params, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "23505") == 0)
            fprintf(stderr, "cchcd: account '%s' already exists\n", username);
        else
            log_error("creating the account: %s", PQresultErrorMessage(res));
        rc = 1;
    } else if (PQntuples(res) == 0) {
        fprintf(stderr, "cchcd: unknown unit '%s' (a code such as SNV, or a unit's name)\n", unit);
        rc = 2;
    } else {
        log_info("created administrator %s in unit %s", username, PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    PQfinish(db);
    sodium_memzero(hash, sizeof(hash));
    return rc;
}
