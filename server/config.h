/* Where cchcd's settings come from, in the order later wins: built-in
 * defaults, the configuration file (--config FILE, env CCHC_CONFIG, else
 * the installed default path when it exists), the environment (CCHC_DB,
 * CCHC_LISTEN, CCHC_TLS_CERT, CCHC_TLS_KEY, CCHC_PROXY_FROM), then the
 * command-line flags. The file's keys are the long options without their
 * dashes, so a flag and a setting are one thing, checked by one switch.
 * Kept apart from main.c so that SIGHUP can build the same settings again
 * (server.c asks through server_config.reload). */
#ifndef CCHCD_CONFIG_H
#define CCHCD_CONFIG_H

#include <stdio.h>

#include "conf_file.h"
#include "server.h"

#ifndef CCHCD_DEFAULT_CONFIG
#define CCHCD_DEFAULT_CONFIG "/etc/cchc/cchcd.conf"
#endif

typedef struct cchcd_settings {
    server_config config;
    const char *proxy_from;     /* as given, parsed into config.proxy_from */
    int dry_run;                /* migrate --dry-run */
    const char *user, *unit, *full_name; /* create-admin */
    const char *config_path;    /* the file read; NULL when none */
    conf_file file;             /* its text: config's strings may point into it */
} cchcd_settings;

/* Builds the settings for the command argv[0] from argv's flags (argv[0] is
 * the command, e.g. "serve") and the sources above. Returns 0; 1 when the
 * answer was help (printed on stdout); 2 on a usage error (why says it,
 * without a "cchcd: " prefix). settings_free releases the file. */
int settings_load(cchcd_settings *s, int argc, char **argv, char *why, size_t why_size);
void settings_free(cchcd_settings *s);

void cchcd_usage(FILE *out);

#endif
