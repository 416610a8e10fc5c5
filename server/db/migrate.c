/* Applies the embedded migrations in version order, each in its own
 * transaction together with its row in schema_migrations, under an advisory
 * lock so two cchcd starting at once (docker-compose restarts) cannot both
 * apply the same file. A migration already applied is never run again, and
 * its recorded checksum must match the embedded file: a migration edited
 * after release is refused rather than silently diverging.
 *
 * Synchronous libpq is right here: this is a one-shot command, not the
 * server loop. Migration files are the project's own SQL, run as a whole
 * with PQexec; the bookkeeping row is written with parameters. */
#include "migrate.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "migrations.h"

/* Arbitrary constant: the advisory-lock key that serialises migrations. */
#define MIGRATE_LOCK_KEY "7121012023"

int migrations_latest_version(void)
{
    return cchc_migration_count ? cchc_migrations[cchc_migration_count - 1].version : 0;
}

static int exec_ok(PGconn *db, const char *sql, const char *what)
{
    PGresult *res = PQexec(db, sql);
    ExecStatusType st = PQresultStatus(res);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        log_error("%s: %s", what, PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/* Looks up a migration's recorded checksum; returns 1 found, 0 not, -1 error. */
static int applied_checksum(PGconn *db, int have_table, int version,
                            char *sum, size_t sum_size)
{
    if (!have_table)
        return 0;
    char vbuf[16];
    snprintf(vbuf, sizeof(vbuf), "%d", version);
    const char *params[1] = {vbuf};
    PGresult *res = PQexecParams(db,
                                 "SELECT checksum FROM schema_migrations WHERE version = $1",
                                 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_error("reading schema_migrations: %s", PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    int found = PQntuples(res) > 0;
    if (found)
        snprintf(sum, sum_size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return found;
}

static int table_exists(PGconn *db)
{
    PGresult *res = PQexec(db, "SELECT to_regclass('schema_migrations') IS NOT NULL");
    int exists = PQresultStatus(res) == PGRES_TUPLES_OK &&
                 strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return exists;
}

static int apply_one(PGconn *db, const migration *m)
{
    if (!exec_ok(db, "BEGIN", "begin"))
        return -1;
    PGresult *res = PQexec(db, m->sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        log_error("migration %s failed: %s", m->name, PQresultErrorMessage(res));
        PQclear(res);
        exec_ok(db, "ROLLBACK", "rollback");
        return -1;
    }
    PQclear(res);
    char vbuf[16];
    snprintf(vbuf, sizeof(vbuf), "%d", m->version);
    const char *params[3] = {vbuf, m->name, m->sha256};
    res = PQexecParams(db,
                       "INSERT INTO schema_migrations (version, name, checksum) "
                       "VALUES ($1, $2, $3)",
                       3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        log_error("recording migration %s: %s", m->name, PQresultErrorMessage(res));
        PQclear(res);
        exec_ok(db, "ROLLBACK", "rollback");
        return -1;
    }
    PQclear(res);
    return exec_ok(db, "COMMIT", "commit") ? 0 : -1;
}

int migrate_run(const char *conninfo, int dry_run)
{
    PGconn *db = PQconnectdb(conninfo);
    if (PQstatus(db) != CONNECTION_OK) {
        log_error("cannot connect to the database: %s", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    int rc = 1, applied = 0;
    if (!exec_ok(db, "SET client_min_messages = warning", "settings") ||
        !exec_ok(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "lock"))
        goto out;
    for (int i = 0; i < cchc_migration_count; i++) {
        const migration *m = &cchc_migrations[i];
        char sum[80] = "";
        int found = applied_checksum(db, table_exists(db), m->version, sum, sizeof(sum));
        if (found < 0)
            goto out;
        if (found) {
            if (strcmp(sum, m->sha256) != 0) {
                log_error("migration %s was changed after it was applied "
                          "(recorded sha256 %s, now %s); add a new migration "
                          "instead of editing a released one",
                          m->name, sum, m->sha256);
                goto out;
            }
            continue;
        }
        if (dry_run) {
            log_info("would apply %s", m->name);
            applied++;
            continue;
        }
        if (apply_one(db, m) != 0)
            goto out;
        log_info("applied %s", m->name);
        applied++;
    }
    log_info("%s %d migration(s); schema at version %d", dry_run ? "pending" : "applied",
             applied, migrations_latest_version());
    rc = 0;
out:
    PQfinish(db); /* also releases the advisory lock */
    return rc;
}
