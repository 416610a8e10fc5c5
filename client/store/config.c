/* See config.h. The file format is deliberately tiny (key = value, # for
 * comments) so a district office's IT person can edit it in Notepad. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "plat_file.h"
#include "plat_places.h"

int config_dir(char *out, size_t size)
{
    return plat_config_dir(out, size);
}

int config_path(const char *name, char *out, size_t size)
{
    if (config_dir(out, size) != 0)
        return -1;
    size_t used = strlen(out);
    return snprintf(out + used, size - used, "/%s", name) < (int)(size - used) ? 0 : -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Reads `key` from the config file into out; 1 found, 0 not, -1 bad file. */
static int config_lookup(const char *key, char *out, size_t size, cli_error *err)
{
    char path[512];
    if (config_path("config", path, sizeof(path)) != 0)
        return 0;
    FILE *f = plat_fopen(path, "r");
    if (!f)
        return 0;
    char line[1024];
    int lineno = 0, found = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            cli_error_set(err, EXIT_USAGE, _("%s line %d: expected 'key = value'"),
                          path, lineno);
            fclose(f);
            return -1;
        }
        *eq = '\0';
        if (strcmp(trim(s), key) == 0) {
            snprintf(out, size, "%s", trim(eq + 1));
            found = 1;
        }
    }
    fclose(f);
    return found;
}

int config_resolve_server(cli_options *opts, const char *flag, cli_error *err)
{
    const char *env = getenv("CCHC_SERVER");
    if (flag) {
        snprintf(opts->server, sizeof(opts->server), "%s", flag);
        opts->server_source = "--server";
        return 0;
    }
    if (env && *env) {
        snprintf(opts->server, sizeof(opts->server), "%s", env);
        opts->server_source = "CCHC_SERVER";
        return 0;
    }
    int found = config_lookup("server", opts->server, sizeof(opts->server), err);
    if (found < 0)
        return -1;
    if (found) {
        opts->server_source = _("config file");
        return 0;
    }
    snprintf(opts->server, sizeof(opts->server), "127.0.0.1:7121");
    opts->server_source = _("default");
    return 0;
}

/* One setting from a flag, the environment or the file, in that order. */
static int resolve_one(const char *flag, const char *env_name, const char *key, char *out,
                       size_t size, const char **source, cli_error *err)
{
    const char *env = getenv(env_name);
    if (flag) {
        snprintf(out, size, "%s", flag);
        *source = key[0] == 'c' ? "--ca" : "--pin";
        return 0;
    }
    if (env && *env) {
        snprintf(out, size, "%s", env);
        *source = env_name;
        return 0;
    }
    int found = config_lookup(key, out, size, err);
    if (found < 0)
        return -1;
    *source = found ? "config file" : NULL;
    if (!found)
        out[0] = '\0';
    return 0;
}

int config_resolve_tls(cli_options *opts, const char *ca_flag, const char *pin_flag,
                       cli_error *err)
{
    if (opts->insecure_plaintext) {
        if (ca_flag || pin_flag || opts->tls) {
            cli_error_set(err, EXIT_USAGE,
                          _("--insecure-plaintext excludes --tls, --ca and --pin"));
            return -1;
        }
        opts->ca[0] = opts->pin[0] = '\0';
        return 0;
    }
    const char *pin_source = NULL;
    if (resolve_one(ca_flag, "CCHC_CA", "ca", opts->ca, sizeof(opts->ca), &opts->ca_source,
                    err) != 0 ||
        resolve_one(pin_flag, "CCHC_PIN", "pin", opts->pin, sizeof(opts->pin), &pin_source,
                    err) != 0)
        return -1;
    return 0;
}
