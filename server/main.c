/* cchcd's command line: `serve`, `migrate`, `create-admin`, `version`,
 * `check-health`. Settings come from flags first, then the environment
 * (CCHC_DB, CCHC_LISTEN, CCHC_TLS_CERT, CCHC_TLS_KEY, CCHC_PROXY_FROM),
 * then the configuration file, then defaults (config.c), so a container
 * can be configured by environment alone and a Debian service by
 * /etc/cchc/cchcd.conf. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_bootstrap.h"
#include "auth.h"
#include "check_health.h"
#include "config.h"
#include "log.h"
#include "migrate.h"
#include "migrations.h"
#include "protocol.h"
#include "server.h"

/* The command's flags, kept for SIGHUP: a reload builds the settings from
 * the same sources again, so a flag still beats the file. */
static int command_argc;
static char **command_argv;
static cchcd_settings reloaded;
static int have_reloaded;

/* server_config.reload: the latest reload's settings stay alive (their
 * strings point into its file) until the next reload or the exit. */
static int reload_settings(void *arg, server_config *out, char *why, size_t why_size)
{
    (void)arg;
    cchcd_settings next;
    int loaded = settings_load(&next, command_argc, command_argv, why, why_size);
    if (loaded != 0) {
        settings_free(&next);
        return -1;
    }
    if (have_reloaded)
        settings_free(&reloaded);
    reloaded = next;
    have_reloaded = 1;
    *out = reloaded.config;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cchcd_usage(stderr);
        return 2;
    }
    const char *command = argv[1];
    if (strcmp(command, "-h") == 0 || strcmp(command, "--help") == 0 ||
        strcmp(command, "help") == 0) {
        cchcd_usage(stdout);
        return 0;
    }
    if (strcmp(command, "version") == 0 || strcmp(command, "--version") == 0) {
        printf("cchcd %s (protocol %u, schema version %d, functions %.12s)\n", CCHC_VERSION,
               CCHC_PROTOCOL_VERSION, migrations_latest_version(), cchc_functions_digest);
        return 0;
    }
    if (strcmp(command, "check-health") == 0)
        return check_health_main(argc - 1, argv + 1);
    int serve = strcmp(command, "serve") == 0;
    int create_admin = strcmp(command, "create-admin") == 0;
    if (!serve && !create_admin && strcmp(command, "migrate") != 0) {
        fprintf(stderr, "cchcd: unknown command '%s'\n", command);
        cchcd_usage(stderr);
        return 2;
    }

    static cchcd_settings settings;
    char why[600];
    command_argc = argc - 1;
    command_argv = argv + 1;
    int loaded = settings_load(&settings, command_argc, command_argv, why, sizeof(why));
    if (loaded != 0) {
        settings_free(&settings);
        if (loaded == 1)
            return 0;
        fprintf(stderr, "cchcd: %s\n", why);
        return 2;
    }
    server_config config = settings.config;
    const char *user = settings.user, *unit = settings.unit, *full_name = settings.full_name;
    int code;
    if (create_admin) {
        if (!user) {
            fprintf(stderr, "cchcd create-admin: --user NAME is required\n");
            code = 2;
        } else {
            code = admin_bootstrap_run(config.db, user, unit, full_name);
        }
    } else if (!serve) {
        code = migrate_run(config.db, settings.dry_run);
    } else if (auth_init() != 0) {
        fprintf(stderr, "cchcd: libsodium failed to initialise\n");
        code = 1;
    } else {
        /* A peer that disconnects mid-write must cost an EPIPE, not the process. */
        signal(SIGPIPE, SIG_IGN);
        config.reload = reload_settings;
        config.config_path = settings.config_path;
        code = server_run(&config);
    }
    if (have_reloaded)
        settings_free(&reloaded);
    settings_free(&settings);
    return code;
}
