/* Prints the SQL text of cchcd's prepared statements, by name
 * (server/db/statements.c), so scripts/bench can give pgbench exactly the
 * statements cchcd runs and its baseline follows them when they change.
 *   cchc-bench-sql cchc_report_submit [NAME…]   one statement per line
 * Exit status 1 when a name is unknown (the bench must not compare
 * against a statement cchcd no longer sends). */
#include <stdio.h>
#include <string.h>

#include "statements.h"

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int found = 0;
        for (int s = 0; s < STMT_COUNT && !found; s++)
            if (cchc_statements[s].name && strcmp(cchc_statements[s].name, argv[i]) == 0) {
                puts(cchc_statements[s].sql);
                found = 1;
            }
        if (!found) {
            fprintf(stderr, "cchc-bench-sql: no statement named %s\n", argv[i]);
            rc = 1;
        }
    }
    return rc;
}
