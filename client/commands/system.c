/* `cchc ping` and `cchc version`: the first things a new user runs, and
 * what an operator runs to tell "server down" from "database down". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "connection.h"
#include "human.h"
#include "i18n.h"
#include "output.h"
#include "plat_time.h"
#include "protocol.h"

static double now_ms(void)
{
    return (double)plat_monotonic_us() / 1e3;
}

int cmd_ping(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"count", required_argument, NULL, 'c'},
        {"no-db", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int count = 1, check_db = 1, opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            count = atoi(optarg);
            if (count < 1 || count > 100000) {
                fprintf(stderr, _("cchc ping: --count takes a number from 1 to 100000\n"));
                return EXIT_USAGE;
            }
            break;
        case 'n': check_db = 0; break;
        case 'h':
            printf(_("usage: cchc ping [--count N] [--no-db]\n"
                     "Measures the round trip to the server and checks its database.\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    cli_error err;
    connection conn;
    if (connection_open(&conn, opts, &err) != 0)
        return cli_error_report(opts, &err);

    double min = 0, max = 0, total = 0;
    char db_version[64] = "";
    long long db_us = 0;
    for (int i = 0; i < count; i++) {
        Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
        ping.check_database = check_db;
        Cchc__V1__Request request = CCHC__V1__REQUEST__INIT;
        request.body_case = CCHC__V1__REQUEST__BODY_PING;
        request.ping = &ping;
        Cchc__V1__Response *response = NULL;
        double start = now_ms();
        if (connection_call(&conn, &request, &response, &err) != 0) {
            connection_close(&conn);
            return cli_error_report(opts, &err);
        }
        double rtt = now_ms() - start;
        if (response->body_case != CCHC__V1__RESPONSE__BODY_PING) {
            cchc__v1__response__free_unpacked(response, NULL);
            connection_close(&conn);
            cli_error_set(&err, EXIT_PROTOCOL, _("the server answered ping with something else"));
            return cli_error_report(opts, &err);
        }
        snprintf(db_version, sizeof(db_version), "%s", response->ping->database_version);
        db_us = (long long)response->ping->database_latency_us;
        cchc__v1__response__free_unpacked(response, NULL);
        total += rtt;
        if (i == 0 || rtt < min)
            min = rtt;
        if (i == 0 || rtt > max)
            max = rtt;
    }
    double avg = total / count;
    if (opts->json) {
        json_t *obj = json_object();
        json_object_set_new(obj, "server", json_string(opts->server));
        json_object_set_new(obj, "server_version", json_string(conn.server_version));
        json_object_set_new(obj, "protocol", json_integer(CCHC_PROTOCOL_VERSION));
        json_object_set_new(obj, "count", json_integer(count));
        json_object_set_new(obj, "round_trip_ms", json_real(avg));
        json_object_set_new(obj, "round_trip_min_ms", json_real(min));
        json_object_set_new(obj, "round_trip_max_ms", json_real(max));
        if (check_db) {
            json_object_set_new(obj, "database_version", json_string(db_version));
            json_object_set_new(obj, "database_ms", json_real((double)db_us / 1e3));
        }
        output_json(obj);
    } else {
        char version[96], rtt[96], db[128];
        snprintf(version, sizeof(version), "cchcd %s", conn.server_version);
        if (count == 1)
            snprintf(rtt, sizeof(rtt), "%s ms", human_milliseconds(avg));
        else
            snprintf(rtt, sizeof(rtt), _("%s ms average (min %s, max %s, %d pings)"),
                     human_milliseconds(avg), human_milliseconds(min), human_milliseconds(max),
                     count);
        snprintf(db, sizeof(db), _("PostgreSQL %s, query %s ms"), db_version,
                 human_milliseconds((double)db_us / 1e3));
        const char *labels[] = {_("server"), _("version"), _("round trip"),
                                check_db ? _("database") : NULL, NULL};
        const char *values[] = {opts->server, version, rtt, db, NULL};
        output_pairs(labels, values);
    }
    connection_close(&conn);
    return EXIT_OK;
}

int cmd_version(const cli_options *opts, int argc, char **argv)
{
    if (argv && cli_help(argc, argv, _("usage: cchc version\nShows the client's version and protocol.\n")))
        return EXIT_OK;
    if (opts->json) {
        json_t *obj = json_pack("{s:s, s:i}", "client_version", CCHC_VERSION,
                                "protocol", CCHC_PROTOCOL_VERSION);
        output_json(obj);
    } else {
        printf(_("cchc %s (protocol %u)\n"), CCHC_VERSION, CCHC_PROTOCOL_VERSION);
    }
    return EXIT_OK;
}
