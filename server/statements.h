/* Every SQL statement the server runs, by name. They are prepared on each
 * pool connection when it comes up, so a request only sends parameters.
 * Keeping them in one table makes it easy to see all SQL the server can run
 * and guarantees none is built from input. */
#ifndef CCHCD_STATEMENTS_H
#define CCHCD_STATEMENTS_H

typedef enum statement_id {
    STMT_PING,
    STMT_COUNT
} statement_id;

typedef struct statement {
    const char *name;
    const char *sql;
} statement_def;

extern const statement_def cchc_statements[STMT_COUNT];

#endif
