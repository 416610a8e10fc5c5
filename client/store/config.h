/* Where the client finds its server: --server, then CCHC_SERVER, then the
 * per-user config file ($XDG_CONFIG_HOME/cchc/config, else
 * ~/.config/cchc/config, lines "server = HOST:PORT"), then the default
 * 127.0.0.1:7121. */
#ifndef CCHC_CONFIG_H
#define CCHC_CONFIG_H

#include "cli.h"

/* Fills opts->server and opts->server_source. flag may be NULL. */
int config_resolve_server(cli_options *opts, const char *flag, cli_error *err);
/* Path of the per-user config file (may not exist). */
int config_file_path(char *out, size_t size);

#endif
