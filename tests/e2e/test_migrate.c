/* `cchcd migrate` with SQL functions in their own layer (sql/functions/):
 * a fresh database gets every function file applied and recorded; a
 * database migrated by the code of commit d5511d5 (functions inside the
 * migrations) upgrades to exactly the state of a fresh one; a changed file
 * is re-applied together with every file after it, and nothing before it;
 * a second run changes nothing; and the server refuses to serve on
 * functions other than those it was built with.
 *
 * The old layout is reproduced the way the old migrator did it: each file
 * of that commit (tests/data/sql-d5511d5/, plus the unchanged 0001 and 0003
 * from sql/, checked against the recorded SHA256SUMS) run in a transaction
 * with its schema_migrations row. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"

#ifndef CCHC_SOURCE_DIR
#error "CCHC_SOURCE_DIR (the source tree, for sql/ and tests/data/) must be defined"
#endif

#define OLD_DIR CCHC_SOURCE_DIR "/tests/data/sql-d5511d5"
#define BYTEA_OID 17

/* ---- helpers ----------------------------------------------------------- */

static void run_migrate(run_result *r, const test_db *db, int dry_run)
{
    const char *argv[] = {CCHCD_BIN, "migrate", "--db", db->conninfo,
                          dry_run ? "--dry-run" : NULL, NULL};
    harness_run(r, NULL, argv);
}

/* Runs migrate and fails the test unless it succeeds; returns its log. */
static char *migrate_ok(const test_db *db)
{
    run_result r;
    run_migrate(&r, db, 0);
    if (r.exit_code != 0)
        fail_msg("cchcd migrate failed (%d): %s", r.exit_code, r.err);
    char *log = strdup(r.err);
    run_result_free(&r);
    return log;
}

static PGconn *connect_db(const test_db *db)
{
    PGconn *conn = PQconnectdb(db->conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
        fail_msg("cannot connect to %s: %s", db->name, PQerrorMessage(conn));
    return conn;
}

/* One parameterised query on db; the first column of the first row,
 * malloc'd ("" when no row). */
static char *query_param(const test_db *db, const char *sql, const char *param)
{
    PGconn *conn = connect_db(db);
    const char *params[1] = {param};
    PGresult *res = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(res));
    char *value = strdup(PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    PQfinish(conn);
    return value;
}

static int query_int(const test_db *db, const char *sql)
{
    char *value = harness_db_query(db, sql);
    assert_non_null(value);
    int n = atoi(value);
    free(value);
    return n;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
    }
    fclose(f);
    assert_non_null(buf);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* SHA-256 of bytes, computed by PostgreSQL (hex). */
static void sha256_hex(PGconn *conn, const char *bytes, size_t len, char out[65])
{
    const char *values[1] = {bytes};
    int lengths[1] = {(int)len}, formats[1] = {1};
    Oid types[1] = {BYTEA_OID};
    PGresult *res = PQexecParams(conn, "SELECT encode(sha256($1), 'hex')", 1, types, values,
                                 lengths, formats, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("sha256: %s", PQresultErrorMessage(res));
    snprintf(out, 65, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
}

static void exec_ok(PGconn *conn, const char *sql, const char *what)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
        fail_msg("%s: %s", what, PQresultErrorMessage(res));
    PQclear(res);
}

/* The files of sql/functions/, sorted (the order migrate applies them in). */
static int function_files(char names[][64], int max)
{
    DIR *dir = opendir(CCHC_SOURCE_DIR "/sql/functions");
    assert_non_null(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && len < 64 && strcmp(e->d_name + len - 4, ".sql") == 0 && n < max) {
            memcpy(names[n], e->d_name, len - 4);
            names[n][len - 4] = '\0';
            n++;
        }
    }
    closedir(dir);
    qsort(names, (size_t)n, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
    return n;
}

/* Brings db to the layout of commit d5511d5 exactly as that commit's
 * migrator did: per file, in version order, BEGIN, the file, its
 * schema_migrations row (version, name, SHA-256 of the bytes), COMMIT. */
static void apply_old_layout(const test_db *db)
{
    size_t len;
    char *sums = read_file(OLD_DIR "/SHA256SUMS", &len);
    PGconn *conn = connect_db(db);
    exec_ok(conn, "SET client_min_messages = warning", "settings");
    int files = 0;
    for (char *line = strtok(sums, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char want[65], file[96];
        if (sscanf(line, "%64s %95s", want, file) != 2)
            fail_msg("bad SHA256SUMS line: %s", line);
        /* 0001 and 0003 did not change and are read from sql/ itself */
        char path[512];
        int unchanged = strncmp(file, "0001_", 5) == 0 || strncmp(file, "0003_", 5) == 0;
        snprintf(path, sizeof(path), "%s/%s", unchanged ? CCHC_SOURCE_DIR "/sql" : OLD_DIR, file);
        size_t flen;
        char *sql = read_file(path, &flen);
        char got[65];
        sha256_hex(conn, sql, flen, got);
        if (strcmp(got, want) != 0)
            fail_msg("%s is not the file of d5511d5 (sha256 %s, recorded %s)", path, got, want);

        char version[8], name[96];
        snprintf(version, sizeof(version), "%d", atoi(file));
        snprintf(name, sizeof(name), "%.*s", (int)(strlen(file) - 4), file);
        exec_ok(conn, "BEGIN", "begin");
        exec_ok(conn, sql, file);
        const char *params[3] = {version, name, got};
        PGresult *res = PQexecParams(conn,
                                     "INSERT INTO schema_migrations (version, name, checksum) "
                                     "VALUES ($1, $2, $3)",
                                     3, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            fail_msg("recording %s: %s", file, PQresultErrorMessage(res));
        PQclear(res);
        exec_ok(conn, "COMMIT", "commit");
        free(sql);
        files++;
    }
    PQfinish(conn);
    free(sums);
    assert_int_equal(files, 9);
}

/* Every function and view of the public schema: its definition as
 * PostgreSQL prints it back, and its comment. */
static const char *const DEFINITIONS_SQL =
    "SELECT string_agg(d, chr(10) ORDER BY d COLLATE \"C\") FROM ("
    " SELECT 'function ' || p.oid::regprocedure::text || chr(10) || pg_get_functiondef(p.oid)"
    "        || 'comment: ' || coalesce(obj_description(p.oid, 'pg_proc'), '') AS d"
    "   FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace"
    " UNION ALL"
    " SELECT 'view ' || c.relname || chr(10) || pg_get_viewdef(c.oid)"
    "        || 'comment: ' || coalesce(obj_description(c.oid, 'pg_class'), '')"
    "   FROM pg_class c WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace) x";

/* Everything else of the schema: columns (type, null, default, identity,
 * generation, comment), constraints, indexes and table comments. */
static const char *const TABLES_SQL =
    "SELECT string_agg(d, chr(10) ORDER BY d COLLATE \"C\") FROM ("
    " SELECT 'column ' || c.relname || '.' || a.attname || ' #' || a.attnum || ' '"
    "        || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END"
    "        || ' identity:' || a.attidentity::text || ' generated:' || a.attgenerated::text"
    "        || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')"
    "        || coalesce(' comment: ' || col_description(c.oid, a.attnum), '') AS d"
    "   FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    "   LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum"
    "  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')"
    " UNION ALL"
    " SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)"
    "   FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
    " UNION ALL"
    " SELECT 'index ' || pg_get_indexdef(i.indexrelid)"
    "   FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
    "  WHERE c.relnamespace = 'public'::regnamespace"
    " UNION ALL"
    " SELECT 'table ' || c.relname || ' comment: ' || coalesce(obj_description(c.oid, 'pg_class'), '')"
    "   FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r') x";

/* The bookkeeping of both layers and a fingerprint of the plan's data. */
static const char *const RECORDS_SQL =
    "SELECT (SELECT string_agg(version || ' ' || name || ' ' || checksum, chr(10) ORDER BY version)"
    "          FROM schema_migrations) || chr(10) ||"
    "       (SELECT string_agg(name || ' ' || checksum, chr(10) ORDER BY name COLLATE \"C\")"
    "          FROM schema_functions) || chr(10) ||"
    "       (SELECT md5(string_agg(t::text, chr(10) ORDER BY t.id)) FROM task t) ||"
    "       (SELECT md5(string_agg(u::text, chr(10) ORDER BY u.code COLLATE \"C\")) FROM org_unit u)";

/* Fails with the first difference when two long texts differ. */
static void assert_same_text(const char *a, const char *b, const char *what)
{
    assert_non_null(a);
    assert_non_null(b);
    if (strcmp(a, b) == 0)
        return;
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    size_t from = i > 120 ? i - 120 : 0;
    fail_msg("%s differ at byte %zu:\n--- fresh ---\n%.240s\n--- other ---\n%.240s", what, i,
             a + from, b + from);
}

/* Polls `cchc ping` until it exits with want (up to ~15 s). */
static int ping_until(const test_server *srv, int want)
{
    run_result r;
    const char *args[] = {"ping", NULL};
    for (int i = 0; i < 150; i++) {
        harness_cchc(&r, srv, args);
        int code = r.exit_code;
        run_result_free(&r);
        if (code == want)
            return 1;
        harness_sleep_ms(100);
    }
    return 0;
}

static int log_has(const char *path, const char *a, const char *b)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[2048];
    int found = 0;
    while (!found && fgets(line, sizeof(line), f))
        found = strstr(line, a) != NULL && strstr(line, b) != NULL;
    fclose(f);
    return found;
}

/* ---- tests ------------------------------------------------------------- */

/* (1) A fresh database: every function file applied, in order, recorded
 * with the SHA-256 of its bytes, and every function and view it declares
 * exists. */
static void test_fresh_database_records_functions(void **state)
{
    (void)state;
    char names[64][64];
    int n = function_files(names, 64);
    assert_true(n >= 2);

    test_db db;
    harness_db_create(&db, "mfresh");
    run_result r;
    run_migrate(&r, &db, 1); /* dry run: lists every file, applies nothing */
    assert_int_equal(r.exit_code, 0);
    char want[160];
    for (int i = 0; i < n; i++) {
        snprintf(want, sizeof(want), "would apply functions/%.63s (new)", names[i]);
        assert_non_null(strstr(r.err, want));
    }
    run_result_free(&r);
    char *none = harness_db_query(&db, "SELECT to_regclass('schema_functions') IS NULL");
    assert_string_equal(none, "t"); /* the dry run created nothing... */
    free(none);
    char *tables = harness_db_query(&db, "SELECT count(*) FROM pg_class "
                                         "WHERE relnamespace = 'public'::regnamespace");
    assert_string_equal(tables, "0"); /* ...at all */
    free(tables);

    char *log = migrate_ok(&db);
    const char *prev = log;
    for (int i = 0; i < n; i++) { /* applied, and in name order */
        snprintf(want, sizeof(want), "applied functions/%.63s (new)", names[i]);
        const char *at = strstr(log, want);
        assert_non_null(at);
        assert_true(at >= prev);
        prev = at;
    }
    free(log);
    assert_int_equal(query_int(&db, "SELECT count(*) FROM schema_functions"), n);

    PGconn *conn = connect_db(&db);
    int objects = 0;
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/sql/functions/%.63s.sql", CCHC_SOURCE_DIR, names[i]);
        size_t len;
        char *sql = read_file(path, &len);
        char sum[65];
        sha256_hex(conn, sql, len, sum);
        char *recorded = query_param(&db, "SELECT checksum FROM schema_functions WHERE name = $1",
                                     names[i]);
        assert_string_equal(recorded, sum);
        free(recorded);
        /* each CREATE OR REPLACE FUNCTION/VIEW name of the file exists */
        for (char *line = strtok(sql, "\n"); line; line = strtok(NULL, "\n")) {
            int view = strncmp(line, "CREATE OR REPLACE VIEW ", 23) == 0;
            int fn = strncmp(line, "CREATE OR REPLACE FUNCTION ", 27) == 0;
            if (!view && !fn)
                continue;
            char object[96];
            snprintf(object, sizeof(object), "%s", line + (view ? 23 : 27));
            object[strcspn(object, " (")] = '\0';
            char *count = query_param(
                &db,
                view ? "SELECT count(*) FROM pg_class WHERE relkind = 'v' AND relname = $1"
                     : "SELECT count(*) FROM pg_proc WHERE proname = $1",
                object);
            if (strcmp(count, "1") != 0)
                fail_msg("%s of %s: %s found", object, names[i], count);
            free(count);
            objects++;
        }
        free(sql);
    }
    PQfinish(conn);
    assert_true(objects >= 30);
    /* and nothing else: the migrations hold no function or view any more */
    assert_int_equal(query_int(&db, "SELECT (SELECT count(*) FROM pg_proc WHERE pronamespace = "
                                    "'public'::regnamespace) + (SELECT count(*) FROM pg_class "
                                    "WHERE relkind = 'v' AND relnamespace = 'public'::regnamespace)"),
                     objects);
    harness_db_drop(&db);
}

/* (2) A database in the layout of d5511d5 upgrades to the state of a
 * fresh database: same functions and views, same tables, same records. */
static void test_upgrade_from_d5511d5(void **state)
{
    (void)state;
    test_db old, fresh;
    harness_db_create(&old, "mold");
    apply_old_layout(&old);
    /* it really is the old layout: version 9, functions inside, no layer */
    assert_int_equal(query_int(&old, "SELECT max(version) FROM schema_migrations"), 9);
    assert_true(query_int(&old, "SELECT count(*) FROM pg_proc "
                                "WHERE proname IN ('submit_reports', 'status_groups')") == 2);
    char *layer = harness_db_query(&old, "SELECT to_regclass('schema_functions') IS NULL");
    assert_string_equal(layer, "t");
    free(layer);
    char *old_sum = harness_db_query(&old, "SELECT checksum FROM schema_migrations WHERE version = 5");

    run_result r;
    run_migrate(&r, &old, 1);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "would record the new checksum of 0005_unit_history"));
    assert_non_null(strstr(r.err, "would apply 0010_schema_functions"));
    assert_non_null(strstr(r.err, "would apply functions/030_unit_history"));
    assert_null(strstr(r.err, "would apply 0005")); /* never run again */
    run_result_free(&r);
    char *still = harness_db_query(&old, "SELECT checksum FROM schema_migrations WHERE version = 5");
    assert_string_equal(still, old_sum); /* the dry run changed nothing */
    free(still);

    char *log = migrate_ok(&old);
    assert_non_null(strstr(log, "recorded the new checksum of 0002_plan_schema"));
    assert_non_null(strstr(log, "recorded the new checksum of 0009_status"));
    assert_non_null(strstr(log, "applied 0010_schema_functions"));
    assert_null(strstr(log, "applied 0003")); /* the data is not loaded twice */
    free(log);

    harness_db_create(&fresh, "mnew");
    free(migrate_ok(&fresh));

    char *a = harness_db_query(&fresh, DEFINITIONS_SQL), *b = harness_db_query(&old, DEFINITIONS_SQL);
    /* not two empty texts: the rules are there */
    assert_non_null(strstr(a, "function submit_reports(jsonb)"));
    assert_non_null(strstr(a, "view plan_inconsistency"));
    assert_same_text(a, b, "functions and views");
    free(a);
    free(b);
    a = harness_db_query(&fresh, TABLES_SQL);
    b = harness_db_query(&old, TABLES_SQL);
    assert_non_null(strstr(a, "column report_revision.idempotency_key"));
    assert_non_null(strstr(a, "index CREATE INDEX report_revision_submitted_idx"));
    assert_same_text(a, b, "tables, constraints and indexes");
    free(a);
    free(b);
    a = harness_db_query(&fresh, RECORDS_SQL);
    b = harness_db_query(&old, RECORDS_SQL);
    assert_non_null(strstr(a, "10 0010_schema_functions "));
    assert_null(strstr(b, old_sum)); /* the superseded checksum is gone */
    assert_same_text(a, b, "schema_migrations, schema_functions and plan data");
    free(a);
    free(b);
    free(old_sum);

    run_migrate(&r, &old, 0); /* upgraded: nothing left to do */
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "applied 0 migration(s)"));
    assert_non_null(strstr(r.err, "function file(s) up to date"));
    run_result_free(&r);
    harness_db_drop(&old);
    harness_db_drop(&fresh);
}

/* (3) A changed function file is applied again, and every file after it;
 * files before it are not. Meanwhile the server refuses to serve on the
 * stale functions, and comes up once migrate has run. */
static void test_changed_file_reapplied(void **state)
{
    (void)state;
    test_db db;
    harness_db_create(&db, "mchg");
    free(migrate_ok(&db));
    char *before = harness_db_query(&db, DEFINITIONS_SQL);

    /* Stale rules in the database: a function of 050 (the "changed" file),
     * one of 070 (after it) and one of 030 (before it) replaced by hand;
     * only 050's checksum says so, as after a new cchcd with a fixed 050. */
    free(harness_db_query(&db, "CREATE OR REPLACE FUNCTION today_in_vietnam() RETURNS date "
                               "LANGUAGE sql STABLE AS $$ SELECT date '2000-01-01' $$"));
    free(harness_db_query(&db, "CREATE OR REPLACE FUNCTION period_leads(pid text) "
                               "RETURNS TABLE (task_id int, unit_code text) "
                               "LANGUAGE sql STABLE AS $$ SELECT 0, 'STALE' $$"));
    free(harness_db_query(&db, "CREATE OR REPLACE FUNCTION unit_resolve(q text) RETURNS text "
                               "LANGUAGE sql STABLE AS $$ SELECT 'STALE' $$"));
    free(harness_db_query(&db, "UPDATE schema_functions SET checksum = 'x' WHERE name = '050_reports'"));

    test_server srv;
    const char *extra[] = {"--db-retry-max", "200", NULL};
    harness_server_start(&srv, db.conninfo, extra);
    run_result r;
    const char *ping[] = {"ping", NULL};
    harness_cchc(&r, &srv, ping);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "máy chủ chưa sẵn sàng"));
    run_result_free(&r);

    run_migrate(&r, &db, 1);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "would apply functions/050_reports (changed)"));
    assert_non_null(strstr(r.err, "would apply functions/070_status (after a changed file)"));
    assert_null(strstr(r.err, "would apply functions/030_unit_history"));
    run_result_free(&r);
    char *sum = harness_db_query(&db, "SELECT checksum FROM schema_functions WHERE name = '050_reports'");
    assert_string_equal(sum, "x"); /* the dry run changed nothing */
    free(sum);

    char *log = migrate_ok(&db);
    assert_non_null(strstr(log, "applied 0 migration(s)"));
    assert_non_null(strstr(log, "applied functions/050_reports (changed)"));
    assert_non_null(strstr(log, "applied functions/060_unit_plans (after a changed file)"));
    assert_non_null(strstr(log, "applied functions/070_status (after a changed file)"));
    assert_null(strstr(log, "applied functions/010_"));
    assert_null(strstr(log, "applied functions/030_"));
    assert_null(strstr(log, "applied functions/040_"));
    free(log);

    char *today = harness_db_query(&db, "SELECT today_in_vietnam() <> date '2000-01-01'");
    assert_string_equal(today, "t"); /* the changed file's rule is back */
    free(today);
    char *leads = harness_db_query(&db, "SELECT count(*) FROM pg_proc WHERE proname = 'period_leads' "
                                        "AND prosrc LIKE '%STALE%'");
    assert_string_equal(leads, "0"); /* so is the later file's */
    free(leads);
    char *resolve = harness_db_query(&db, "SELECT unit_resolve('SNV')");
    assert_string_equal(resolve, "STALE"); /* the earlier file was not run */
    free(resolve);
    sum = harness_db_query(&db, "SELECT count(*) FROM schema_functions "
                                "WHERE name = '050_reports' AND checksum = 'x'");
    assert_string_equal(sum, "0");
    free(sum);

    /* the server was refused by the functions check and comes up now */
    assert_true(ping_until(&srv, 0));
    assert_true(log_has(srv.log_path, "SQL functions", "cchcd migrate"));

    /* marking the first file changed re-applies everything: fresh state */
    free(harness_db_query(&db, "UPDATE schema_functions SET checksum = 'z' WHERE name = '010_unit_classes'"));
    log = migrate_ok(&db);
    assert_non_null(strstr(log, "applied functions/030_unit_history (after a changed file)"));
    free(log);
    char *after = harness_db_query(&db, DEFINITIONS_SQL);
    assert_same_text(before, after, "functions and views");
    free(before);
    free(after);
    assert_int_equal(harness_server_stop(&srv), 0);
    harness_db_drop(&db);
}

/* (3b) An older cchcd (a rollback, an old replica restarting during a
 * rolling deploy) never rolls a newer database's rules back: a function
 * file it does not carry, or a schema version above its own, makes migrate
 * refuse and change nothing. */
static void test_older_binary_refuses_newer_database(void **state)
{
    (void)state;
    test_db db;
    harness_db_create(&db, "mold");
    free(migrate_ok(&db));
    /* a newer cchcd's fix to 050 and its new file 095 */
    free(harness_db_query(&db, "UPDATE schema_functions SET checksum = 'newer' WHERE name = '050_reports'"));
    free(harness_db_query(&db, "INSERT INTO schema_functions (name, checksum) VALUES ('095_newer', 'y')"));
    run_result r;
    run_migrate(&r, &db, 0);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "functions/095_newer, which this cchcd does not carry"));
    run_result_free(&r);
    char *kept = harness_db_query(&db, "SELECT count(*) FROM schema_functions "
                                       "WHERE (name, checksum) IN (('050_reports', 'newer'), ('095_newer', 'y'))");
    assert_string_equal(kept, "2"); /* nothing was re-applied or forgotten */
    free(kept);

    /* a schema version above the binary's */
    free(harness_db_query(&db, "DELETE FROM schema_functions WHERE name = '095_newer'"));
    free(harness_db_query(&db, "INSERT INTO schema_migrations (version, name, checksum) "
                               "VALUES (999, '0999_newer', 'z')"));
    run_migrate(&r, &db, 0);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "newer than this cchcd"));
    run_result_free(&r);
    kept = harness_db_query(&db, "SELECT checksum FROM schema_functions WHERE name = '050_reports'");
    assert_string_equal(kept, "newer");
    free(kept);
    harness_db_drop(&db);
}

/* (4) migrate on an up-to-date database changes nothing: no migration, no
 * function re-created (their catalog rows keep their transaction ids), the
 * records keep their times. */
static void test_migrate_twice_is_noop(void **state)
{
    (void)state;
    test_db db;
    harness_db_create(&db, "mtwice");
    free(migrate_ok(&db));
    static const char *const snapshot =
        "SELECT (SELECT string_agg(p.oid || ':' || p.xmin, ',' ORDER BY p.oid) FROM pg_proc p "
        "         WHERE p.pronamespace = 'public'::regnamespace) || ' ' ||"
        "       (SELECT string_agg(c.oid || ':' || c.xmin, ',' ORDER BY c.oid) FROM pg_rewrite c"
        "          JOIN pg_class v ON v.oid = c.ev_class AND v.relkind = 'v'"
        "         WHERE v.relnamespace = 'public'::regnamespace) || ' ' ||"
        "       (SELECT string_agg(name || applied_at, ',' ORDER BY name) FROM schema_functions) || ' ' ||"
        "       (SELECT string_agg(version || applied_at::text, ',' ORDER BY version) FROM schema_migrations)";
    char *first = harness_db_query(&db, snapshot);
    assert_non_null(first);

    char *log = migrate_ok(&db);
    assert_non_null(strstr(log, "applied 0 migration(s)"));
    assert_non_null(strstr(log, "function file(s) up to date"));
    assert_null(strstr(log, "applied functions/"));
    free(log);
    char *second = harness_db_query(&db, snapshot);
    assert_string_equal(first, second);
    free(first);
    free(second);
    harness_db_drop(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_database_records_functions),
        cmocka_unit_test(test_upgrade_from_d5511d5),
        cmocka_unit_test(test_changed_file_reapplied),
        cmocka_unit_test(test_older_binary_refuses_newer_database),
        cmocka_unit_test(test_migrate_twice_is_noop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
