/* cchcd's command line: `serve`, `migrate`, `version`. Options come from
 * flags first, then the environment (CCHC_DB, CCHC_LISTEN, CCHC_TLS_CERT,
 * CCHC_TLS_KEY, CCHC_PROXY_FROM), then defaults,
 * so a container can be configured by environment alone. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_bootstrap.h"
#include "auth.h"
#include "log.h"
#include "migrate.h"
#include "migrations.h"
#include "protocol.h"
#include "server.h"

static void usage(FILE *out)
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
            "\n"
            "Options for serve and migrate:\n"
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
       OPT_GROUP_WINDOW, OPT_GROUP_MAX, OPT_GROUP_INFLIGHT };

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *command = argv[1];
    if (strcmp(command, "-h") == 0 || strcmp(command, "--help") == 0 ||
        strcmp(command, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(command, "version") == 0 || strcmp(command, "--version") == 0) {
        printf("cchcd %s (protocol %u, schema version %d, functions %.12s)\n", CCHC_VERSION,
               CCHC_PROTOCOL_VERSION, migrations_latest_version(), cchc_functions_digest);
        return 0;
    }
    int serve = strcmp(command, "serve") == 0;
    int create_admin = strcmp(command, "create-admin") == 0;
    if (!serve && !create_admin && strcmp(command, "migrate") != 0) {
        fprintf(stderr, "cchcd: unknown command '%s'\n", command);
        usage(stderr);
        return 2;
    }

    server_config config;
    server_config_defaults(&config);
    if (getenv("CCHC_DB"))
        config.db = getenv("CCHC_DB");
    if (getenv("CCHC_LISTEN"))
        config.listen = getenv("CCHC_LISTEN");
    if (getenv("CCHC_TLS_CERT") && *getenv("CCHC_TLS_CERT"))
        config.tls_cert = getenv("CCHC_TLS_CERT");
    if (getenv("CCHC_TLS_KEY") && *getenv("CCHC_TLS_KEY"))
        config.tls_key = getenv("CCHC_TLS_KEY");
    const char *proxy_from = getenv("CCHC_PROXY_FROM");
    int dry_run = 0;
    const char *user = NULL, *unit = "SNV", *full_name = "";

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
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 2;
    int opt;
    unsigned long value;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_DB: config.db = optarg; break;
        case OPT_LISTEN: config.listen = optarg; break;
        case OPT_POOL:
            if (parse_uint(optarg, 64, &value) != 0 || value == 0) {
                fprintf(stderr, "cchcd: --db-pool takes a number from 1 to 64\n");
                return 2;
            }
            config.db_pool_size = (int)value;
            break;
        case OPT_FAIR_SHARE:
            if (parse_uint(optarg, 1024, &value) != 0) {
                fprintf(stderr, "cchcd: --db-fair-share takes a number from 0 (no limit) to 1024\n");
                return 2;
            }
            config.db_fair_share = (int)value;
            break;
        case OPT_RETRY:
            if (parse_uint(optarg, 600000, &value) != 0 || value < 10) {
                fprintf(stderr, "cchcd: --db-retry-max takes milliseconds from 10 to 600000\n");
                return 2;
            }
            config.db_backoff_max_ms = (unsigned)value;
            if (config.db_backoff_min_ms > config.db_backoff_max_ms)
                config.db_backoff_min_ms = config.db_backoff_max_ms;
            break;
        case OPT_FRAME:
            if (parse_uint(optarg, CCHC_ABSOLUTE_MAX_FRAME, &value) != 0 || value < 64) {
                fprintf(stderr, "cchcd: --max-frame takes bytes from 64 to %u\n",
                        CCHC_ABSOLUTE_MAX_FRAME);
                return 2;
            }
            config.max_frame = (uint32_t)value;
            break;
        case OPT_DRAIN:
            if (parse_uint(optarg, 3600000, &value) != 0) {
                fprintf(stderr, "cchcd: --drain-timeout takes milliseconds\n");
                return 2;
            }
            config.drain_timeout_ms = (int)value;
            break;
        case OPT_HELLO_TIMEOUT:
        case OPT_FRAME_TIMEOUT:
        case OPT_IDLE_TIMEOUT:
        case OPT_KEEPALIVE: {
            int *target = opt == OPT_HELLO_TIMEOUT   ? &config.hello_timeout_ms
                          : opt == OPT_FRAME_TIMEOUT ? &config.frame_timeout_ms
                          : opt == OPT_IDLE_TIMEOUT  ? &config.idle_timeout_ms
                                                     : &config.keepalive_s;
            if (parse_uint(optarg, 86400000, &value) != 0) {
                fprintf(stderr, "cchcd: --%s takes a number (0: none)\n",
                        opt == OPT_HELLO_TIMEOUT   ? "hello-timeout"
                        : opt == OPT_FRAME_TIMEOUT ? "frame-timeout"
                        : opt == OPT_IDLE_TIMEOUT  ? "idle-timeout"
                                                   : "tcp-keepalive");
                return 2;
            }
            *target = (int)value;
            break;
        }
        case OPT_MAX_CONN:
        case OPT_MAX_CONN_ADDR:
            if (parse_uint(optarg, 1000000, &value) != 0 || value < 1) {
                fprintf(stderr, "cchcd: --max-connections%s takes a number from 1 to 1000000\n",
                        opt == OPT_MAX_CONN ? "" : "-per-address");
                return 2;
            }
            if (opt == OPT_MAX_CONN)
                config.max_connections = (int)value;
            else
                config.max_connections_per_address = (int)value;
            break;
        case OPT_MAX_INFLIGHT:
            if (parse_uint(optarg, 100000, &value) != 0 || value < 1) {
                fprintf(stderr, "cchcd: --max-inflight takes a number from 1 to 100000\n");
                return 2;
            }
            config.max_inflight = (int)value;
            break;
        case OPT_MAX_REPLY_BACKLOG:
            if (parse_uint(optarg, 4096ul * 1024 * 1024, &value) != 0 ||
                (value > 0 && value < 4096)) {
                fprintf(stderr, "cchcd: --max-reply-backlog takes bytes from 4096 to "
                                "4294967296 (0: no cap)\n");
                return 2;
            }
            config.max_reply_backlog = (size_t)value;
            break;
        case OPT_LOG:
            if (log_level_parse(optarg, &config.log_level) != 0) {
                fprintf(stderr, "cchcd: --log-level is debug, info, warn or error\n");
                return 2;
            }
            break;
        case OPT_DRY: dry_run = 1; break;
        case OPT_TLS_CERT: config.tls_cert = optarg; break;
        case OPT_TLS_KEY: config.tls_key = optarg; break;
        case OPT_INSECURE: config.insecure_plaintext = 1; break;
        case OPT_PROXY_FROM:
            if (!*optarg) {
                fprintf(stderr, "cchcd: --proxy-from takes addresses or CIDR prefixes\n");
                return 2;
            }
            proxy_from = optarg;
            break;
        case OPT_USER: user = optarg; break;
        case OPT_UNIT: unit = optarg; break;
        case OPT_FULL_NAME: full_name = optarg; break;
        case OPT_TTL:
        case OPT_IDLE:
            if (parse_uint(optarg, 30u * 24 * 3600, &value) != 0 || value < 1) {
                fprintf(stderr, "cchcd: --session-ttl/--session-idle take seconds, 1 to 2592000\n");
                return 2;
            }
            if (opt == OPT_TTL)
                config.session_ttl_s = (int)value;
            else
                config.session_idle_s = (int)value;
            break;
        case OPT_DB_STATEMENT:
        case OPT_DB_LOCK:
        case OPT_DB_IDLE_TX:
        case OPT_DB_TCP_USER:
        case OPT_DB_DEADLINE:
            if (parse_uint(optarg, 24u * 3600 * 1000, &value) != 0 ||
                (opt == OPT_DB_DEADLINE && value > 0 && value < 100)) {
                fprintf(stderr, "cchcd: the --db-*-timeout and --db-query-deadline options take "
                                "milliseconds up to 86400000 (a deadline at least 100)\n");
                return 2;
            }
            if (opt == OPT_DB_STATEMENT)
                config.db_statement_timeout_ms = (unsigned)value;
            else if (opt == OPT_DB_LOCK)
                config.db_lock_timeout_ms = (unsigned)value;
            else if (opt == OPT_DB_IDLE_TX)
                config.db_idle_tx_timeout_ms = (unsigned)value;
            else if (opt == OPT_DB_TCP_USER)
                config.db_tcp_user_timeout_ms = (unsigned)value;
            else
                config.db_query_deadline_ms = (unsigned)value;
            break;
        case OPT_GROUP_WINDOW:
            if (parse_uint(optarg, 1000000, &value) != 0) {
                fprintf(stderr, "cchcd: --group-commit-window-us takes microseconds, 0 to 1000000\n");
                return 2;
            }
            config.group_commit_window_us = (unsigned)value;
            break;
        case OPT_GROUP_MAX:
            if (parse_uint(optarg, DB_GROUP_MAX_ITEMS, &value) != 0) {
                fprintf(stderr, "cchcd: --group-commit-max takes a number from 0 (off) to %d\n",
                        DB_GROUP_MAX_ITEMS);
                return 2;
            }
            config.group_commit_max = (int)value;
            break;
        case OPT_GROUP_INFLIGHT:
            if (parse_uint(optarg, 64, &value) != 0 || value == 0) {
                fprintf(stderr, "cchcd: --group-commit-inflight takes a number from 1 to 64\n");
                return 2;
            }
            config.group_commit_inflight = (int)value;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "cchcd: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!config.tls_cert != !config.tls_key) {
        fprintf(stderr, "cchcd: --tls-cert and --tls-key go together (env CCHC_TLS_CERT, "
                        "CCHC_TLS_KEY)\n");
        return 2;
    }
    char why[200];
    if (proxy_from && *proxy_from &&
        proxy_trust_parse(&config.proxy_from, proxy_from, why, sizeof(why)) != 0) {
        fprintf(stderr, "cchcd: --proxy-from (CCHC_PROXY_FROM): %s\n", why);
        return 2;
    }
    if (!config.db || !*config.db) {
        fprintf(stderr, "cchcd: no database given: use --db CONNINFO or set CCHC_DB\n");
        return 2;
    }
    if (create_admin) {
        if (!user) {
            fprintf(stderr, "cchcd create-admin: --user NAME is required\n");
            return 2;
        }
        return admin_bootstrap_run(config.db, user, unit, full_name);
    }
    if (!serve)
        return migrate_run(config.db, dry_run);
    if (auth_init() != 0) {
        fprintf(stderr, "cchcd: libsodium failed to initialise\n");
        return 1;
    }
    /* A peer that disconnects mid-write must cost an EPIPE, not the process. */
    signal(SIGPIPE, SIG_IGN);
    return server_run(&config);
}
