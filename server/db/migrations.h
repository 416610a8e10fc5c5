/* The SQL migrations compiled into cchcd (see cmake/embed_migrations.cmake),
 * in version order. */
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

/* Version the running binary expects the database to be at. */
int migrations_latest_version(void);

#endif
