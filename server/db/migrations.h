/* The SQL compiled into cchcd (see cmake/embed_migrations.cmake): the
 * migrations of sql/ in version order, and the function files of
 * sql/functions/ in the order they are applied. */
#ifndef CCHCD_MIGRATIONS_H
#define CCHCD_MIGRATIONS_H

typedef struct migration {
    int version;
    const char *name;   /* file name without .sql, e.g. "0001_schema_migrations" */
    const char *sha256; /* of the file's bytes */
    const char *sql;
} migration;

extern const migration cchc_migrations[];
extern const int cchc_migration_count;

/* One file of sql/functions/: functions and views, all CREATE OR REPLACE,
 * re-applied by `cchcd migrate` when its checksum changes. */
typedef struct sql_function_file {
    const char *name;   /* file name without .sql, e.g. "030_unit_history" */
    const char *sha256; /* of the file's bytes */
    const char *sql;
} sql_function_file;

/* In name order, which is the order they are applied in. */
extern const sql_function_file cchc_function_files[];
extern const int cchc_function_file_count;
/* SHA-256 of the lines "<name> <sha256>\n" of every function file in name
 * order: what schema_functions must hold for this binary to serve. */
extern const char cchc_functions_digest[];

/* Version the running binary expects the database to be at. */
int migrations_latest_version(void);

#endif
