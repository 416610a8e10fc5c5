/* `cchcd migrate` in two layers, under one advisory lock so two cchcd
 * starting at once (docker-compose restarts) cannot both apply the same SQL.
 *
 * 1. The migrations (sql/NNNN_name.sql: tables and data) in version order,
 *    each in its own transaction together with its row in schema_migrations.
 *    A migration already applied is never run again, and its recorded
 *    checksum must match the embedded file: a migration edited after
 *    release is refused rather than silently diverging. The one exception
 *    is the table of superseded checksums below.
 * 2. The function files (sql/functions/NNN_name.sql: functions and views,
 *    all CREATE OR REPLACE) in name order, recorded in schema_functions.
 *    A file is applied again when its checksum differs from the recorded
 *    one, and so is every file after it (see functions_run for why); all
 *    of them in one transaction.
 *
 * Synchronous libpq is right here: this is a one-shot command, not the
 * server loop. SQL files are the project's own, run as a whole with PQexec;
 * the bookkeeping rows are written with parameters. */
#include "migrate.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "migrations.h"

/* Arbitrary constant: the advisory-lock key that serialises migrations. */
#define MIGRATE_LOCK_KEY "7121012023"

/* Issue 9 moved every function and view out of the migrations into
 * sql/functions/ and rewrote the migrations that held them to keep only
 * their tables. A database migrated before that recorded these checksums
 * for them (the files as released up to 5ca87a8 and unchanged at d5511d5, kept in
 * tests/data/sql-d5511d5/). Their tables are the same, so these checksums
 * are accepted once, for exactly these versions, and the record is updated
 * to the file as it is now; the function layer then re-creates every
 * function and view from sql/functions/. */
static const struct {
    int version;
    const char *sha256;
} superseded[] = {
    {2, "c74f470b2cfb318bb1943ce0cdccbce142046d341dbd21b7d0712da96efc7d03"},
    {4, "b57621296dbefa350d834659d20934a366cb8b0854a8bb09ecd59818989254ca"},
    {5, "07eed48e5de506711331e8b8eae32da78a73299f7a2c81f622cef9f1672835a9"},
    {6, "293468f60c8f930c078c8aa3a951a769adfe9a331821d3dbbeae695b7460e2f7"},
    {7, "f1f8c383b63ee53714d6e4c566fb3d04e4cf753893039348bab3a3b0a902aeb9"},
    {8, "e72b00e7f0e5b8dbddb0db137a099e2670d0597c8fad75da06473e76e6b3389f"},
    {9, "6a966dd239e75e2bde572cdc43104fb4fb246dc73bdaa5c06927bf5dfcf254a2"},
};

/* Recorded function files no longer carried that one run forgets; more
 * wait for the next run. */
#define STALE_MAX 64
/* How long re-applying functions waits for a lock held by live queries. */
#define FUNCTIONS_LOCK_TIMEOUT "5s"

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

/* Runs a parameterised statement that returns no rows; 1 on success. */
static int params_ok(PGconn *db, const char *sql, int n, const char *const *params,
                     const char *what)
{
    PGresult *res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        log_error("%s: %s", what, PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/* Runs a whole SQL file; 1 on success. label names it in errors. */
static int run_file(PGconn *db, const char *sql, const char *label)
{
    PGresult *res = PQexec(db, sql);
    ExecStatusType st = PQresultStatus(res);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
    if (!ok) {
        const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
        log_error("%s failed: %s%s%s", label, PQresultErrorMessage(res), hint ? "hint: " : "",
                  hint ? hint : "");
    }
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

/* The table names are constants of this file, never input. */
static int table_exists(PGconn *db, const char *table)
{
    const char *params[1] = {table};
    PGresult *res = PQexecParams(db, "SELECT to_regclass($1) IS NOT NULL", 1, NULL, params,
                                 NULL, NULL, 0);
    int exists = PQresultStatus(res) == PGRES_TUPLES_OK &&
                 strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return exists;
}

static int is_superseded(int version, const char *sum)
{
    for (size_t i = 0; i < sizeof(superseded) / sizeof(superseded[0]); i++)
        if (superseded[i].version == version && strcmp(superseded[i].sha256, sum) == 0)
            return 1;
    return 0;
}

static int apply_one(PGconn *db, const migration *m)
{
    if (!exec_ok(db, "BEGIN", "begin"))
        return -1;
    char label[160];
    snprintf(label, sizeof(label), "migration %s", m->name);
    if (!run_file(db, m->sql, label)) {
        exec_ok(db, "ROLLBACK", "rollback");
        return -1;
    }
    char vbuf[16];
    snprintf(vbuf, sizeof(vbuf), "%d", m->version);
    const char *params[3] = {vbuf, m->name, m->sha256};
    if (!params_ok(db,
                   "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                   3, params, "recording the migration")) {
        exec_ok(db, "ROLLBACK", "rollback");
        return -1;
    }
    return exec_ok(db, "COMMIT", "commit") ? 0 : -1;
}

/* Records the current checksum of a migration whose superseded checksum
 * was found (one statement, so its own transaction). */
static int record_new_checksum(PGconn *db, const migration *m)
{
    char vbuf[16];
    snprintf(vbuf, sizeof(vbuf), "%d", m->version);
    const char *params[3] = {vbuf, m->name, m->sha256};
    return params_ok(db,
                     "UPDATE schema_migrations SET name = $2, checksum = $3 WHERE version = $1",
                     3, params, "updating the recorded checksum")
               ? 0
               : -1;
}

/* The highest version schema_migrations records (0 when none), or -1. */
static int newest_recorded_version(PGconn *db)
{
    if (!table_exists(db, "schema_migrations"))
        return 0;
    PGresult *res = PQexec(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    int version = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        version = atoi(PQgetvalue(res, 0, 0));
    else
        log_error("reading schema_migrations: %s", PQresultErrorMessage(res));
    PQclear(res);
    return version;
}

/* Applies the migrations; sets *pending to how many were (or, in a dry
 * run, would be) applied. Returns 0 on success. */
static int migrations_run(PGconn *db, int dry_run, int *pending)
{
    *pending = 0;
    int recorded_version = newest_recorded_version(db);
    if (recorded_version < 0)
        return -1;
    if (recorded_version > migrations_latest_version()) {
        /* an older binary (a rollback, or an old replica restarting during
         * a rolling deploy) must not re-apply its older rules over a newer
         * database's */
        log_error("the database is at schema version %d, newer than this cchcd (%d): "
                  "a newer cchcd migrated it; nothing was changed. Run the newer cchcd",
                  recorded_version, migrations_latest_version());
        return -1;
    }
    for (int i = 0; i < cchc_migration_count; i++) {
        const migration *m = &cchc_migrations[i];
        char sum[80] = "";
        int found = applied_checksum(db, table_exists(db, "schema_migrations"), m->version, sum,
                                     sizeof(sum));
        if (found < 0)
            return -1;
        if (found && strcmp(sum, m->sha256) == 0)
            continue;
        if (found && is_superseded(m->version, sum)) {
            if (dry_run) {
                log_info("would record the new checksum of %s (its functions and views "
                         "moved to sql/functions/)", m->name);
                continue;
            }
            if (record_new_checksum(db, m) != 0)
                return -1;
            log_info("recorded the new checksum of %s (its functions and views moved to "
                     "sql/functions/)", m->name);
            continue;
        }
        if (found) {
            log_error("migration %s was changed after it was applied "
                      "(recorded sha256 %s, now %s); add a new migration "
                      "instead of editing a released one",
                      m->name, sum, m->sha256);
            return -1;
        }
        (*pending)++;
        if (dry_run) {
            log_info("would apply %s", m->name);
            continue;
        }
        if (apply_one(db, m) != 0)
            return -1;
        log_info("applied %s", m->name);
    }
    log_info("%s %d migration(s); schema at version %d", dry_run ? "pending" : "applied",
             *pending, migrations_latest_version());
    return 0;
}

/* recorded[i]: the checksum schema_functions holds for function file i
 * (NULL when none). *stale: the result holding the names of recorded files
 * this binary does not carry (NULL when there is no table yet), in rows
 * stale_rows[0..*nstale-1]. Returns 0, or -1 on error. */
static int read_recorded(PGconn *db, char **recorded, PGresult **stale, int *stale_rows,
                         int *nstale)
{
    *stale = NULL;
    *nstale = 0;
    if (!table_exists(db, "schema_functions"))
        return 0; /* before migration 0010: nothing recorded yet */
    PGresult *res = PQexec(db, "SELECT name, checksum FROM schema_functions");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_error("reading schema_functions: %s", PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        const char *name = PQgetvalue(res, r, 0);
        int known = 0;
        for (int i = 0; i < cchc_function_file_count && !known; i++) {
            if (strcmp(cchc_function_files[i].name, name) == 0) {
                free(recorded[i]);
                recorded[i] = strdup(PQgetvalue(res, r, 1));
                known = 1;
            }
        }
        if (!known && *nstale < STALE_MAX)
            stale_rows[(*nstale)++] = r;
    }
    *stale = res;
    return 0;
}

static const char *reapply_reason(const char *recorded, const char *sha256, int migrated)
{
    if (!recorded)
        return "new";
    if (strcmp(recorded, sha256) != 0)
        return "changed";
    return migrated ? "after migrations" : "after a changed file";
}

/* Applies the function files from the first new or changed one to the
 * last, in one transaction:
 *  - every file after a changed one too, because later files may depend
 *    on earlier ones (a view on a view, a view on a function) and a
 *    changed file may DROP ... CASCADE what it redefines: re-running the
 *    rest re-creates whatever the cascade took, and CREATE OR REPLACE of
 *    an unchanged definition is harmless;
 *  - every file when this run applied a migration, so every SQL function
 *    and view is checked again against the tables as they now are (and
 *    re-created if a migration dropped one);
 *  - one transaction, so the layer is never left half re-applied.
 * migrated: a migration was (or in a dry run, would be) applied. */
static int functions_run(PGconn *db, int dry_run, int migrated)
{
    int n = cchc_function_file_count, rc = -1, first = n, nstale = 0;
    int stale_rows[STALE_MAX];
    PGresult *stale = NULL;
    char **recorded = calloc((size_t)(n > 0 ? n : 1), sizeof(char *));
    if (!recorded) {
        log_error("out of memory");
        return -1;
    }
    if (read_recorded(db, recorded, &stale, stale_rows, &nstale) != 0)
        goto out;
    if (nstale > 0) {
        /* A release that retires a function file removes its record in a
         * migration (docs/migrations.md), so a recorded file this binary
         * does not know means a newer cchcd applied it: replacing its rules
         * with ours would roll them back. */
        for (int s = 0; s < nstale; s++)
            log_error("the database records functions/%s, which this cchcd does not carry: "
                      "a newer cchcd applied it; nothing was changed. Run the newer cchcd",
                      PQgetvalue(stale, stale_rows[s], 0));
        goto out;
    }
    for (int i = 0; i < n && first == n; i++)
        if (migrated || !recorded[i] || strcmp(recorded[i], cchc_function_files[i].sha256) != 0)
            first = i;
    if (first == n) {
        log_info("%d function file(s) up to date", n);
        rc = 0;
        goto out;
    }
    if (dry_run) {
        for (int i = first; i < n; i++)
            log_info("would apply functions/%s (%s)", cchc_function_files[i].name,
                     reapply_reason(recorded[i], cchc_function_files[i].sha256, migrated));
        log_info("pending %d function file(s)", n - first);
        rc = 0;
        goto out;
    }
    /* CREATE OR REPLACE VIEW takes an exclusive lock on the view until
     * COMMIT: under live traffic, wait a few seconds at most for readers
     * rather than queue every server query behind us */
    if (!exec_ok(db, "BEGIN", "begin") ||
        !exec_ok(db, "SET LOCAL lock_timeout = '" FUNCTIONS_LOCK_TIMEOUT "'", "lock timeout"))
        goto out;
    for (int i = first; i < n; i++) {
        const sql_function_file *f = &cchc_function_files[i];
        const char *params[2] = {f->name, f->sha256};
        char label[160];
        snprintf(label, sizeof(label), "functions/%s", f->name);
        if (!run_file(db, f->sql, label) ||
            !params_ok(db,
                       "INSERT INTO schema_functions (name, checksum) VALUES ($1, $2) "
                       "ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, "
                       "applied_at = now()",
                       2, params, "recording the function file")) {
            log_error("nothing of sql/functions/ was changed; a view whose columns change "
                      "or a function whose arguments or result change must be dropped "
                      "first (see docs/migrations.md); on a lock timeout, long queries "
                      "held a view: run cchcd migrate again");
            exec_ok(db, "ROLLBACK", "rollback");
            goto out;
        }
    }
    if (!exec_ok(db, "COMMIT", "commit"))
        goto out;
    for (int i = first; i < n; i++)
        log_info("applied functions/%s (%s)", cchc_function_files[i].name,
                 reapply_reason(recorded[i], cchc_function_files[i].sha256, migrated));
    log_info("applied %d function file(s)", n - first);
    rc = 0;
out:
    for (int i = 0; i < n; i++)
        free(recorded[i]);
    free(recorded);
    PQclear(stale);
    return rc;
}

int migrate_run(const char *conninfo, int dry_run)
{
    PGconn *db = PQconnectdb(conninfo);
    if (PQstatus(db) != CONNECTION_OK) {
        log_error("cannot connect to the database: %s", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    int rc = 1, pending = 0;
    if (!exec_ok(db, "SET client_min_messages = warning", "settings") ||
        !exec_ok(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "lock"))
        goto out;
    if (migrations_run(db, dry_run, &pending) != 0 ||
        functions_run(db, dry_run, pending > 0) != 0)
        goto out;
    rc = 0;
out:
    PQfinish(db); /* also releases the advisory lock */
    return rc;
}
