/* What every cchc command shares: the resolved options, the outcome type
 * and the exit codes scripts can rely on. */
#ifndef CCHC_CLI_H
#define CCHC_CLI_H

#include <stddef.h>

#include "plat_printf.h"

/* Exit codes (documented in README and `cchc --help`). */
enum {
    EXIT_OK = 0,
    EXIT_SERVER_ERROR = 1, /* the server answered with an error */
    EXIT_USAGE = 2,        /* bad command line or input file */
    EXIT_UNREACHABLE = 3,  /* could not reach the server, or lost it */
    EXIT_PROTOCOL = 4,     /* incompatible or garbled answer */
    EXIT_OUTCOME_UNKNOWN = 5 /* a write may or may not have been applied (docs/retry.md) */
};

typedef struct cli_options {
    char server[300];   /* HOST:PORT, resolved from flag, env, config */
    const char *server_source; /* where server came from, for messages */
    int json;
    int timeout_ms;     /* how long to wait for the server (--timeout, CCHC_TIMEOUT) */
    int timeout_long_ms; /* the same for a request that reads a whole period
                            (client/net/request_timeout.h); 0 = timeout_ms */
    char token[128];    /* the stored session for this server, or "" */
    int quiet;          /* report no errors (background checks) */
    int quiet_notes;    /* --quiet: no reminder, no progress line, no notes;
                           errors are still reported */
    /* TLS (docs/security.md): */
    char ca[512];       /* CA file to trust (--ca, CCHC_CA, config), "" = system */
    const char *ca_source;
    char pin[128];      /* "sha256:HEX" of the server's certificate, or "" */
    int tls;            /* --tls: TLS even on loopback */
    int insecure_plaintext; /* --insecure-plaintext: never TLS */
} cli_options;

/* A failure ready to show: exit code plus one message for people. The
 * server's field details are appended as extra lines. */
typedef struct cli_error {
    int exit_code;
    char code_name[32]; /* server error code name, when from the server */
    char message[1024]; /* in the user's language */
    /* what --json adds for a server error: a JSON object text with the
     * message id, its arguments and the details, each with its field,
     * label, id, arguments and rendered message ("" otherwise) */
    char server_json[8192];
} cli_error;

void cli_error_set(cli_error *err, int exit_code, const char *fmt, ...)
    __attribute__((format(PLAT_PRINTF_FORMAT, 3, 4)));
/* Prints the error to stderr (or as JSON on stdout with --json); returns
 * its exit code. A server error's line starts with what kind of refusal it
 * is, in words (error_code_label), never the code. */
int cli_error_report(const cli_options *opts, const cli_error *err);

#endif
