/* Where the client finds its server: --server, then CCHC_SERVER, then the
 * per-user config file ($XDG_CONFIG_HOME/cchc/config, else
 * ~/.config/cchc/config, lines "server = HOST:PORT"), then the default
 * 127.0.0.1:7121. That folder also holds the session, the outbox and the
 * due reminder's cache: config_path names each of them. */
#ifndef CCHC_CONFIG_H
#define CCHC_CONFIG_H

#include "cli.h"

/* Fills opts->server and opts->server_source. flag may be NULL. */
int config_resolve_server(cli_options *opts, const char *flag, cli_error *err);
/* Fills opts->ca (--ca, then CCHC_CA, then "ca = FILE") and opts->pin
 * (--pin, then CCHC_PIN, then "pin = sha256:HEX"); flags may be NULL.
 * With opts->insecure_plaintext set, a CA or pin flag is a usage error and
 * configured ones are ignored. */
int config_resolve_tls(cli_options *opts, const char *ca_flag, const char *pin_flag,
                       cli_error *err);
/* The per-user folder: $XDG_CONFIG_HOME/cchc, else ~/.config/cchc (may
 * not exist). Returns 0, or -1 when neither variable is set or out is too
 * small. */
int config_dir(char *out, size_t size);
/* The path of the file or folder `name` in it (may not exist); 0 or -1. */
int config_path(const char *name, char *out, size_t size);

#endif
