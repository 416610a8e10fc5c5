/* See config.h. One switch checks every option, whether it came from a
 * flag or from the file, so both say the same about a bad value. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "protocol.h"

void cchcd_usage(FILE *out)
{
    fprintf(out,
            "usage: cchcd COMMAND [OPTIONS]\n"
            "\n"
            "Commands:\n"
            "  serve      run the server\n"
            "  migrate    apply the database migrations and SQL functions built into\n"
            "             this binary (functions again whenever they changed)\n"
            "  create-admin --user NAME [--unit SNV] [--full-name TEXT]\n"
            "             create the first administrator; the password is read from\n"
            "             the terminal (no echo) or from standard input\n"
            "  version    print the version\n"
            "  check-health [HOST:PORT] [--tls] [--ca FILE] [--tls-name NAME]\n"
            "             ask a running cchcd whether it is healthy (exit 0) or not (2),\n"
            "             for load balancers and monitoring; see check-health --help\n"
            "\n"
            "Options for serve and migrate:\n"
            "  --config FILE         settings file (env CCHC_CONFIG; default\n"
            "                        " CCHCD_DEFAULT_CONFIG " when it exists): one\n"
            "                        `option = value` a line, the long options below\n"
            "                        without their dashes; the environment and flags\n"
            "                        override it, SIGHUP reads it again\n"
            "  --db CONNINFO         PostgreSQL connection string (env CCHC_DB),\n"
            "                        e.g. \"host=/run/postgresql dbname=cchc\"\n"
            "Options for serve:\n"
            "  --listen HOST:PORT    address to listen on (env CCHC_LISTEN,\n"
            "                        default 127.0.0.1:%d; use 0.0.0.0:%d for all)\n"
            "  --tls-cert FILE       TLS certificate chain, PEM (env CCHC_TLS_CERT);\n"
            "                        reloaded with the key on SIGHUP\n"
            "  --tls-key FILE        its private key, PEM (env CCHC_TLS_KEY)\n"
            "  --insecure-plaintext  allow a plaintext listener on an address that is\n"
            "                        not loopback (only behind a TLS proxy)\n"
            "  --proxy-from LIST     load balancers whose connections start with a\n"
            "                        PROXY protocol v2 header naming the real client\n"
            "                        (HAProxy send-proxy-v2): addresses or CIDR\n"
            "                        prefixes, comma-separated, e.g. 10.0.0.2,fd00::/64\n"
            "                        (env CCHC_PROXY_FROM); others may not send one\n"
            "  --db-pool N           database connections (default 4)\n"
            "  --db-fair-share N     queries of one account, and of one connection, in\n"
            "                        the database at once (default 4; 0: no limit)\n"
            "  --db-retry-max MS     longest wait between reconnects (default 5000)\n"
            "  --db-statement-timeout MS  one SQL statement at most (default 30000)\n"
            "  --db-lock-timeout MS       one wait for a row or table lock at most\n"
            "                             (default 5000)\n"
            "  --db-idle-tx-timeout MS    a transaction left idle at most (default 60000)\n"
            "  --db-tcp-user-timeout MS   unacknowledged data to a TCP database host\n"
            "                             at most before the connection is dropped\n"
            "                             (default 10000)\n"
            "  --db-query-deadline MS     a connection with queries in flight and no\n"
            "                             answer for this long is reconnected, its\n"
            "                             requests failed (default: statement timeout\n"
            "                             + 5000, none without one). 0: no limit\n"
            "  --group-commit-max N  report submissions sharing one transaction and\n"
            "                        commit, at most (default 64; 0: each alone)\n"
            "  --group-commit-inflight N  such transactions in the database at once;\n"
            "                        submissions arriving meanwhile wait and go\n"
            "                        together in the next (default 2)\n"
            "  --group-commit-overlap-us US  a second such transaction starts only\n"
            "                        once the latest has run this long (default\n"
            "                        5000; 0: at once)\n"
            "  --group-commit-window-us US  how long a submission waits for company\n"
            "                        when none of those is in flight (default 0)\n"
            "  --max-frame BYTES     largest request accepted (default %u)\n"
            "  --drain-timeout MS    longest graceful shutdown (default 10000)\n"
            "  --max-connections N   clients connected at once (default 900)\n"
            "  --hello-timeout MS    a connection says hello (TLS handshake included)\n"
            "                        within this or is closed (default 10000; 0: none)\n"
            "  --frame-timeout MS    a started request arrives whole within this\n"
            "                        (default 30000; 0: none)\n"
            "  --idle-timeout MS     a connection with nothing to do this long is\n"
            "                        closed (default 300000; 0: none)\n"
            "  --tcp-keepalive S     TCP keepalive delay (default 60; 0: off)\n"
            "  --max-connections-per-address N\n"
            "                        of those, from one address (default 64)\n"
            "  --max-inflight N      requests of one connection in flight at once; reading\n"
            "                        pauses inside a read when reached (default 32)\n"
            "  --max-reply-backlog BYTES\n"
            "                        replies queued for a client that does not read them;\n"
            "                        past this it is closed (default 33554432; 0: no cap)\n"
            "  --log-level LEVEL     debug, info, warn or error (default info)\n"
            "  --session-ttl SECONDS   a login lasts at most this long (default 43200)\n"
            "  --session-idle SECONDS  and ends after this long unused (default 1800)\n"
            "Options for migrate:\n"
            "  --dry-run             list pending migrations and the function files\n"
            "                        that would be (re-)applied, apply nothing\n"
            "\n"
            "  -h, --help            this text\n",
            CCHC_DEFAULT_PORT, CCHC_DEFAULT_PORT, CCHC_DEFAULT_MAX_FRAME);
}

static int parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    if (!text || !*text || *text == '-')
        return -1;
    unsigned long value = strtoul(text, &end, 10);
    if (*end != '\0' || value > max)
        return -1;
    *out = value;
    return 0;
}

enum { OPT_DB = 1000, OPT_LISTEN, OPT_POOL, OPT_RETRY, OPT_FRAME, OPT_DRAIN,
       OPT_LOG, OPT_DRY, OPT_USER, OPT_UNIT, OPT_FULL_NAME, OPT_TTL, OPT_IDLE,
       OPT_TLS_CERT, OPT_TLS_KEY, OPT_INSECURE,
       OPT_DB_STATEMENT, OPT_DB_LOCK, OPT_DB_IDLE_TX, OPT_DB_TCP_USER, OPT_DB_DEADLINE,
       OPT_MAX_CONN, OPT_MAX_CONN_ADDR, OPT_HELLO_TIMEOUT, OPT_FRAME_TIMEOUT, OPT_IDLE_TIMEOUT,
       OPT_KEEPALIVE, OPT_MAX_INFLIGHT, OPT_MAX_REPLY_BACKLOG, OPT_FAIR_SHARE, OPT_PROXY_FROM,
       OPT_GROUP_WINDOW, OPT_GROUP_MAX, OPT_GROUP_INFLIGHT, OPT_GROUP_OVERLAP, OPT_CONFIG };

static const struct option options[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"db-pool", required_argument, NULL, OPT_POOL},
    {"db-fair-share", required_argument, NULL, OPT_FAIR_SHARE},
    {"db-retry-max", required_argument, NULL, OPT_RETRY},
    {"max-frame", required_argument, NULL, OPT_FRAME},
    {"drain-timeout", required_argument, NULL, OPT_DRAIN},
    {"max-connections", required_argument, NULL, OPT_MAX_CONN},
    {"max-connections-per-address", required_argument, NULL, OPT_MAX_CONN_ADDR},
    {"hello-timeout", required_argument, NULL, OPT_HELLO_TIMEOUT},
    {"frame-timeout", required_argument, NULL, OPT_FRAME_TIMEOUT},
    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
    {"tcp-keepalive", required_argument, NULL, OPT_KEEPALIVE},
    {"max-inflight", required_argument, NULL, OPT_MAX_INFLIGHT},
    {"max-reply-backlog", required_argument, NULL, OPT_MAX_REPLY_BACKLOG},
    {"log-level", required_argument, NULL, OPT_LOG},
    {"dry-run", no_argument, NULL, OPT_DRY},
    {"user", required_argument, NULL, OPT_USER},
    {"unit", required_argument, NULL, OPT_UNIT},
    {"full-name", required_argument, NULL, OPT_FULL_NAME},
    {"session-ttl", required_argument, NULL, OPT_TTL},
    {"session-idle", required_argument, NULL, OPT_IDLE},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"insecure-plaintext", no_argument, NULL, OPT_INSECURE},
    {"proxy-from", required_argument, NULL, OPT_PROXY_FROM},
    {"db-statement-timeout", required_argument, NULL, OPT_DB_STATEMENT},
    {"db-lock-timeout", required_argument, NULL, OPT_DB_LOCK},
    {"db-idle-tx-timeout", required_argument, NULL, OPT_DB_IDLE_TX},
    {"db-tcp-user-timeout", required_argument, NULL, OPT_DB_TCP_USER},
    {"db-query-deadline", required_argument, NULL, OPT_DB_DEADLINE},
    {"group-commit-window-us", required_argument, NULL, OPT_GROUP_WINDOW},
    {"group-commit-max", required_argument, NULL, OPT_GROUP_MAX},
    {"group-commit-inflight", required_argument, NULL, OPT_GROUP_INFLIGHT},
    {"group-commit-overlap-us", required_argument, NULL, OPT_GROUP_OVERLAP},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Options that make sense only on the command line, never in the file. */
static int flag_only(int opt)
{
    return opt == 'h' || opt == OPT_CONFIG || opt == OPT_DRY || opt == OPT_USER ||
           opt == OPT_UNIT || opt == OPT_FULL_NAME;
}

/* Applies one option; arg is NULL for a flag without a value. 0 or -1
 * with why. */
static int apply_option(cchcd_settings *s, int opt, const char *arg, char *why, size_t why_size)
{
    unsigned long value;
    switch (opt) {
        case OPT_DB: s->config.db = arg; break;
    case OPT_LISTEN: s->config.listen = arg; break;
    case OPT_POOL:
        if (parse_uint(arg, 64, &value) != 0 || value == 0) {
            snprintf(why, why_size, "--db-pool takes a number from 1 to 64");
            return -1;
        }
        s->config.db_pool_size = (int)value;
        break;
    case OPT_FAIR_SHARE:
        if (parse_uint(arg, 1024, &value) != 0) {
            snprintf(why, why_size, "--db-fair-share takes a number from 0 (no limit) to 1024");
            return -1;
        }
        s->config.db_fair_share = (int)value;
        break;
    case OPT_RETRY:
        if (parse_uint(arg, 600000, &value) != 0 || value < 10) {
            snprintf(why, why_size, "--db-retry-max takes milliseconds from 10 to 600000");
            return -1;
        }
        s->config.db_backoff_max_ms = (unsigned)value;
        if (s->config.db_backoff_min_ms > s->config.db_backoff_max_ms)
            s->config.db_backoff_min_ms = s->config.db_backoff_max_ms;
        break;
    case OPT_FRAME:
        if (parse_uint(arg, CCHC_ABSOLUTE_MAX_FRAME, &value) != 0 || value < 64) {
            snprintf(why, why_size, "--max-frame takes bytes from 64 to %u",
                    CCHC_ABSOLUTE_MAX_FRAME);
            return -1;
        }
        s->config.max_frame = (uint32_t)value;
        break;
    case OPT_DRAIN:
        if (parse_uint(arg, 3600000, &value) != 0) {
            snprintf(why, why_size, "--drain-timeout takes milliseconds");
            return -1;
        }
        s->config.drain_timeout_ms = (int)value;
        break;
    case OPT_HELLO_TIMEOUT:
    case OPT_FRAME_TIMEOUT:
    case OPT_IDLE_TIMEOUT:
    case OPT_KEEPALIVE: {
        int *target = opt == OPT_HELLO_TIMEOUT   ? &s->config.hello_timeout_ms
                      : opt == OPT_FRAME_TIMEOUT ? &s->config.frame_timeout_ms
                      : opt == OPT_IDLE_TIMEOUT  ? &s->config.idle_timeout_ms
                                                 : &s->config.keepalive_s;
        if (parse_uint(arg, 86400000, &value) != 0) {
            snprintf(why, why_size, "--%s takes a number (0: none)",
                    opt == OPT_HELLO_TIMEOUT   ? "hello-timeout"
                    : opt == OPT_FRAME_TIMEOUT ? "frame-timeout"
                    : opt == OPT_IDLE_TIMEOUT  ? "idle-timeout"
                                               : "tcp-keepalive");
            return -1;
        }
        *target = (int)value;
        break;
    }
    case OPT_MAX_CONN:
    case OPT_MAX_CONN_ADDR:
        if (parse_uint(arg, 1000000, &value) != 0 || value < 1) {
            snprintf(why, why_size, "--max-connections%s takes a number from 1 to 1000000",
                    opt == OPT_MAX_CONN ? "" : "-per-address");
            return -1;
        }
        if (opt == OPT_MAX_CONN)
            s->config.max_connections = (int)value;
        else
            s->config.max_connections_per_address = (int)value;
        break;
    case OPT_MAX_INFLIGHT:
        if (parse_uint(arg, 100000, &value) != 0 || value < 1) {
            snprintf(why, why_size, "--max-inflight takes a number from 1 to 100000");
            return -1;
        }
        s->config.max_inflight = (int)value;
        break;
    case OPT_MAX_REPLY_BACKLOG:
        if (parse_uint(arg, 4096ul * 1024 * 1024, &value) != 0 ||
            (value > 0 && value < 4096)) {
            snprintf(why, why_size, "--max-reply-backlog takes bytes from 4096 to "
                            "4294967296 (0: no cap)");
            return -1;
        }
        s->config.max_reply_backlog = (size_t)value;
        break;
    case OPT_LOG:
        if (log_level_parse(arg, &s->config.log_level) != 0) {
            snprintf(why, why_size, "--log-level is debug, info, warn or error");
            return -1;
        }
        break;
    case OPT_DRY: s->dry_run = 1; break;
    case OPT_TLS_CERT: s->config.tls_cert = arg; break;
    case OPT_TLS_KEY: s->config.tls_key = arg; break;
    case OPT_INSECURE:
        /* a flag alone, or a switch in the file */
        if (arg && conf_switch(arg) < 0) {
            snprintf(why, why_size, "insecure-plaintext is yes or no");
            return -1;
        }
        s->config.insecure_plaintext = arg ? conf_switch(arg) : 1;
        break;
    case OPT_PROXY_FROM:
        if (!*arg) {
            snprintf(why, why_size, "--proxy-from takes addresses or CIDR prefixes");
            return -1;
        }
        s->proxy_from = arg;
        break;
    case OPT_USER: s->user = arg; break;
    case OPT_UNIT: s->unit = arg; break;
    case OPT_FULL_NAME: s->full_name = arg; break;
    case OPT_TTL:
    case OPT_IDLE:
        if (parse_uint(arg, 30u * 24 * 3600, &value) != 0 || value < 1) {
            snprintf(why, why_size, "--session-ttl/--session-idle take seconds, 1 to 2592000");
            return -1;
        }
        if (opt == OPT_TTL)
            s->config.session_ttl_s = (int)value;
        else
            s->config.session_idle_s = (int)value;
        break;
    case OPT_DB_STATEMENT:
    case OPT_DB_LOCK:
    case OPT_DB_IDLE_TX:
    case OPT_DB_TCP_USER:
    case OPT_DB_DEADLINE:
        if (parse_uint(arg, 24u * 3600 * 1000, &value) != 0 ||
            (opt == OPT_DB_DEADLINE && value > 0 && value < 100)) {
            snprintf(why, why_size, "the --db-*-timeout and --db-query-deadline options take "
                            "milliseconds up to 86400000 (a deadline at least 100)");
            return -1;
        }
        if (opt == OPT_DB_STATEMENT)
            s->config.db_statement_timeout_ms = (unsigned)value;
        else if (opt == OPT_DB_LOCK)
            s->config.db_lock_timeout_ms = (unsigned)value;
        else if (opt == OPT_DB_IDLE_TX)
            s->config.db_idle_tx_timeout_ms = (unsigned)value;
        else if (opt == OPT_DB_TCP_USER)
            s->config.db_tcp_user_timeout_ms = (unsigned)value;
        else
            s->config.db_query_deadline_ms = (unsigned)value;
        break;
    case OPT_GROUP_WINDOW:
        if (parse_uint(arg, 1000000, &value) != 0) {
            snprintf(why, why_size, "--group-commit-window-us takes microseconds, 0 to 1000000");
            return -1;
        }
        s->config.group_commit_window_us = (unsigned)value;
        break;
    case OPT_GROUP_MAX:
        if (parse_uint(arg, DB_GROUP_MAX_ITEMS, &value) != 0) {
            snprintf(why, why_size, "--group-commit-max takes a number from 0 (off) to %d",
                    DB_GROUP_MAX_ITEMS);
            return -1;
        }
        s->config.group_commit_max = (int)value;
        break;
    case OPT_GROUP_INFLIGHT:
        if (parse_uint(arg, 64, &value) != 0 || value == 0) {
            snprintf(why, why_size, "--group-commit-inflight takes a number from 1 to 64");
            return -1;
        }
        s->config.group_commit_inflight = (int)value;
        break;
    case OPT_GROUP_OVERLAP:
        if (parse_uint(arg, 1000000, &value) != 0) {
            snprintf(why, why_size, "--group-commit-overlap-us takes a number from 0 to 1000000");
            return -1;
        }
        s->config.group_commit_overlap_us = (unsigned)value;
        break;
    default: break;
    }
    return 0;
}

static const struct option *option_named(const char *name)
{
    for (const struct option *o = options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

/* --config FILE or --config=FILE among the flags, else CCHC_CONFIG, else
 * the default path when a file is there. *explicit says whether the
 * operator named it (then it must exist). */
static const char *config_path(int argc, char **argv, int *explicit)
{
    *explicit = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--config=", 9) == 0)
            return argv[i] + 9;
    }
    const char *env = getenv("CCHC_CONFIG");
    if (env && *env)
        return env;
    *explicit = 0;
    return access(CCHCD_DEFAULT_CONFIG, F_OK) == 0 ? CCHCD_DEFAULT_CONFIG : NULL;
}

static int apply_file(cchcd_settings *s, char *why, size_t why_size)
{
    for (int i = 0; i < s->file.count; i++) {
        const conf_entry *e = &s->file.entries[i];
        const struct option *o = option_named(e->key);
        char message[300];
        if (!o || flag_only(o->val)) {
            snprintf(why, why_size, "%s: line %d: unknown setting '%s' (the settings are the "
                     "long options of 'cchcd serve --help' without their dashes)",
                     s->config_path, e->line, e->key);
            return -1;
        }
        if (o->has_arg == required_argument && *e->value == '\0' &&
            o->val != OPT_PROXY_FROM) {
            snprintf(why, why_size, "%s: line %d: %s has no value", s->config_path, e->line, e->key);
            return -1;
        }
        /* an empty proxy-from means "no balancer" */
        if (o->val == OPT_PROXY_FROM && *e->value == '\0') {
            s->proxy_from = NULL;
            continue;
        }
        if (apply_option(s, o->val, e->value, message, sizeof(message)) != 0) {
            snprintf(why, why_size, "%s: line %d: %s", s->config_path, e->line, message);
            return -1;
        }
    }
    return 0;
}

static void apply_environment(cchcd_settings *s)
{
    if (getenv("CCHC_DB"))
        s->config.db = getenv("CCHC_DB");
    if (getenv("CCHC_LISTEN"))
        s->config.listen = getenv("CCHC_LISTEN");
    if (getenv("CCHC_TLS_CERT") && *getenv("CCHC_TLS_CERT"))
        s->config.tls_cert = getenv("CCHC_TLS_CERT");
    if (getenv("CCHC_TLS_KEY") && *getenv("CCHC_TLS_KEY"))
        s->config.tls_key = getenv("CCHC_TLS_KEY");
    if (getenv("CCHC_PROXY_FROM"))
        s->proxy_from = getenv("CCHC_PROXY_FROM");
}

int settings_load(cchcd_settings *s, int argc, char **argv, char *why, size_t why_size)
{
    memset(s, 0, sizeof(*s));
    server_config_defaults(&s->config);
    s->unit = "SNV";
    s->full_name = "";
    int explicit;
    const char *path = config_path(argc, argv, &explicit);
    if (path && *path) {
        s->config_path = path;
        if (conf_read(&s->file, path, why, why_size) != 0)
            return 2;
        if (apply_file(s, why, why_size) != 0)
            return 2;
    }
    apply_environment(s);

    /* argv[0] is the command: getopt starts after it; optind 0 makes glibc
     * start afresh, as a reload parses the same flags again */
    optind = 0;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (opt == 'h') {
            cchcd_usage(stdout);
            return 1;
        }
        if (opt == '?' || opt == ':') {
            snprintf(why, why_size, "unknown option or missing value: '%s'", argv[optind - 1]);
            return 2;
        }
        if (opt == OPT_CONFIG)
            continue;
        if (apply_option(s, opt, optarg, why, why_size) != 0)
            return 2;
    }
    if (optind < argc) {
        snprintf(why, why_size, "unexpected argument '%s'", argv[optind]);
        return 2;
    }
    if (!s->config.tls_cert != !s->config.tls_key) {
        snprintf(why, why_size, "--tls-cert and --tls-key go together (env CCHC_TLS_CERT, "
                                "CCHC_TLS_KEY)");
        return 2;
    }
    char proxy_why[200];
    if (s->proxy_from && *s->proxy_from &&
        proxy_trust_parse(&s->config.proxy_from, s->proxy_from, proxy_why, sizeof(proxy_why)) != 0) {
        snprintf(why, why_size, "--proxy-from (CCHC_PROXY_FROM): %s", proxy_why);
        return 2;
    }
    if (!s->config.db || !*s->config.db) {
        snprintf(why, why_size, "no database given: use --db CONNINFO, set CCHC_DB or "
                                "put db = CONNINFO in %s", s->config_path ? s->config_path
                                                                         : CCHCD_DEFAULT_CONFIG);
        return 2;
    }
    return 0;
}

void settings_free(cchcd_settings *s)
{
    conf_file_free(&s->file);
}
