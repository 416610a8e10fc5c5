/* See statements.h. Names are prefixed so they never collide with anything
 * an operator prepares by hand on the same database. */
#include "statements.h"

const statement_def cchc_statements[STMT_COUNT] = {
    [STMT_PING] = {"cchc_ping", "SELECT current_setting('server_version')"},
};
