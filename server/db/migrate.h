/* `cchcd migrate`: brings a database to the schema this binary embeds. */
#ifndef CCHCD_MIGRATE_H
#define CCHCD_MIGRATE_H

/* Returns 0 on success; prints progress and errors to stderr. */
int migrate_run(const char *conninfo, int dry_run);

#endif
