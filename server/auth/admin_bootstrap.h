/* `cchcd create-admin`: the first administrator, made directly in the
 * database before any account exists to make it through the protocol. */
#ifndef CCHCD_ADMIN_BOOTSTRAP_H
#define CCHCD_ADMIN_BOOTSTRAP_H

/* Reads the password (terminal without echo, else a line of stdin), checks
 * it, and creates the account in unit (code, name or alias). Returns the
 * process exit code. */
int admin_bootstrap_run(const char *conninfo, const char *username, const char *unit,
                        const char *full_name);

#endif
