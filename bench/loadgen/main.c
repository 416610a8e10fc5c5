/* cchc-loadgen: loads cchcd the way its clients do and says how it held up.
 * N connections, D requests in flight on each, a weighted mix of report
 * submissions (one report, or a district's 60-row template), status,
 * missing and pings, for a duration or a number of requests after a
 * warm-up that counts for nothing; prints throughput and latency
 * percentiles per kind, errors by code, as JSON and as a short summary.
 * scripts/bench runs it for the figures of docs/performance.md; the test
 * suite runs it for a few seconds to check it stays correct.
 *
 *   cchc-loadgen --server 127.0.0.1:7121 --connections 8 --depth 1
 *       --mix submit=1 --period 2023-6M --accounts FILE --duration 10
 *       --warmup 2 --json out.json
 *
 * Exit status: 0 when every request sent was answered and none was refused,
 * 1 otherwise (the JSON says what happened), 2 for a bad command line or a
 * preparation that failed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lg_run.h"
#include "wire.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: cchc-loadgen --server H:P [--server H:P …] [--connections N] [--depth D]\n"
            "         [--mix submit=W,batch=W,status=W,missing=W,ping=W,pingdb=W]\n"
            "         [--duration SECONDS | --requests N] [--warmup SECONDS]\n"
            "         [--period P …] [--account USER:PASSWORD … | --accounts FILE]\n"
            "         [--viewer USER:PASSWORD] [--status-period P] [--status-by BY]\n"
            "         [--batch-rows N] [--seed N] [--json FILE|-] [--label TEXT]\n"
            "         [--cpu NAME=PID …] [--cpu-tree NAME=PID …]\n"
            "  FILE of --accounts: one \"username password\" per line.\n"
            "  --cpu: CPU seconds of that process during the measured window, per\n"
            "  request in the JSON; --cpu-tree: with its children (a postmaster).\n");
}

static int parse_mix(const char *text, int *weights)
{
    memset(weights, 0, sizeof(int) * LG_KINDS);
    char *copy = strdup(text), *save = NULL;
    int ok = copy != NULL;
    for (char *item = copy ? strtok_r(copy, ",", &save) : NULL; item && ok;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (eq)
            *eq = '\0';
        int k = lg_kind_by_name(item);
        int w = eq ? atoi(eq + 1) : 1;
        if (k < 0 || w < 0)
            ok = 0;
        else
            weights[k] = w;
    }
    free(copy);
    return ok ? 0 : -1;
}

static lg_account split_account(char *text)
{
    lg_account a = {text, ""};
    char *colon = strchr(text, ':');
    if (colon) {
        *colon = '\0';
        a.password = colon + 1;
    }
    return a;
}

static int read_accounts(const char *path, lg_account **accounts, int *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char user[256], password[256];
        if (sscanf(line, "%255s %255s", user, password) != 2)
            continue;
        lg_account *grown = realloc(*accounts, (size_t)(*n + 1) * sizeof(lg_account));
        if (!grown)
            break;
        *accounts = grown;
        (*accounts)[(*n)++] = (lg_account){strdup(user), strdup(password)};
    }
    fclose(f);
    return 0;
}

static void free_accounts(lg_config *cfg)
{
    for (int a = 0; a < cfg->naccounts; a++) {
        free((char *)cfg->accounts[a].user);
        free((char *)cfg->accounts[a].password);
    }
    free(cfg->accounts);
    cfg->accounts = NULL;
    cfg->naccounts = 0;
}

static json_t *kind_json(lg_stats *s, double window_s)
{
    json_t *errors = json_object();
    for (int code = 0; code < 32; code++)
        if (s->errors_by_code[code])
            json_object_set_new(errors, wire_error_code_name((Cchc__V1__ErrorCode)code),
                                json_integer(s->errors_by_code[code]));
    double per_s = window_s > 0 ? (double)s->answered / window_s : 0;
    double rows_per_s = window_s > 0 ? (double)s->rows_saved / window_s : 0;
    return json_pack("{s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:f, s:f, s:{s:f, s:f, s:f, s:f, s:f}}",
                     "sent", (json_int_t)s->sent, "answered", (json_int_t)s->answered, "ok",
                     (json_int_t)s->ok, "errors", (json_int_t)s->errors, "errors_by_code", errors,
                     "rows_saved", (json_int_t)s->rows_saved, "rows_replayed",
                     (json_int_t)s->rows_replayed, "per_s", per_s, "rows_per_s", rows_per_s,
                     "latency_ms", "p50", lg_stats_quantile_ms(s, 0.50), "p90",
                     lg_stats_quantile_ms(s, 0.90), "p99", lg_stats_quantile_ms(s, 0.99), "max",
                     lg_stats_quantile_ms(s, 1.0), "mean", lg_stats_mean_ms(s));
}

int main(int argc, char **argv)
{
    lg_config cfg = {.connections = 8, .depth = 1, .duration_s = 10, .warmup_s = 1,
                     .batch_rows = 60, .drain_timeout_s = 60, .seed = 1};
    parse_mix("ping=1", cfg.weights);
    lg_cpu_probe probes[8];
    cfg.probes = probes;
    const char *json_path = NULL, *label = "";
    static const struct option options[] = {
        {"server", required_argument, NULL, 's'},        {"connections", required_argument, NULL, 'c'},
        {"depth", required_argument, NULL, 'd'},         {"mix", required_argument, NULL, 'm'},
        {"duration", required_argument, NULL, 't'},      {"requests", required_argument, NULL, 'n'},
        {"warmup", required_argument, NULL, 'w'},        {"period", required_argument, NULL, 'p'},
        {"account", required_argument, NULL, 'a'},       {"accounts", required_argument, NULL, 'A'},
        {"viewer", required_argument, NULL, 'v'},        {"status-period", required_argument, NULL, 'P'},
        {"status-by", required_argument, NULL, 'b'},     {"batch-rows", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 'S'},          {"json", required_argument, NULL, 'j'},
        {"label", required_argument, NULL, 'l'},         {"drain-timeout", required_argument, NULL, 'D'},
        {"cpu", required_argument, NULL, 'u'},           {"cpu-tree", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 's':
            if (cfg.nservers < 8)
                cfg.servers[cfg.nservers++] = optarg;
            break;
        case 'c': cfg.connections = atoi(optarg); break;
        case 'd': cfg.depth = atoi(optarg); break;
        case 'm':
            if (parse_mix(optarg, cfg.weights) != 0) {
                fprintf(stderr, "cchc-loadgen: bad --mix %s\n", optarg);
                return 2;
            }
            break;
        case 't': cfg.duration_s = atof(optarg); break;
        case 'n': cfg.requests = atol(optarg); cfg.duration_s = 0; break;
        case 'w': cfg.warmup_s = atof(optarg); break;
        case 'p':
            if (cfg.nperiods < 16)
                cfg.periods[cfg.nperiods++] = optarg;
            break;
        case 'a': {
            lg_account *grown = realloc(cfg.accounts, (size_t)(cfg.naccounts + 1) * sizeof(lg_account));
            if (!grown)
                return 2;
            cfg.accounts = grown;
            lg_account a = split_account(optarg);
            cfg.accounts[cfg.naccounts++] = (lg_account){strdup(a.user), strdup(a.password)};
            break;
        }
        case 'A':
            if (read_accounts(optarg, &cfg.accounts, &cfg.naccounts) != 0) {
                fprintf(stderr, "cchc-loadgen: cannot read %s\n", optarg);
                return 2;
            }
            break;
        case 'v': cfg.viewer = split_account(optarg); break;
        case 'P': cfg.status_period = optarg; break;
        case 'b': cfg.status_by = optarg; break;
        case 'r': cfg.batch_rows = atoi(optarg); break;
        case 'S': cfg.seed = strtoull(optarg, NULL, 10); break;
        case 'j': json_path = optarg; break;
        case 'l': label = optarg; break;
        case 'D': cfg.drain_timeout_s = atof(optarg); break;
        case 'u':
        case 'T': {
            char *eq = strchr(optarg, '=');
            if (!eq || cfg.nprobes >= 8) {
                usage();
                return 2;
            }
            *eq = '\0';
            probes[cfg.nprobes++] = (lg_cpu_probe){optarg, atol(eq + 1), opt == 'T', 0, 0};
            break;
        }
        default: usage(); return 2;
        }
    }
    if (cfg.nservers == 0)
        cfg.servers[cfg.nservers++] = "127.0.0.1:7121";
    if (!cfg.status_period && cfg.nperiods > 0)
        cfg.status_period = cfg.periods[0];
    if (cfg.connections < 1 || cfg.depth < 1 || cfg.batch_rows < 1 ||
        (cfg.duration_s <= 0 && cfg.requests < 1) || cfg.warmup_s < 0) {
        usage();
        return 2;
    }

    lg_result res;
    char err[512] = "";
    if (lg_run(&cfg, &res, err, sizeof(err)) != 0) {
        fprintf(stderr, "cchc-loadgen: %s\n", err);
        free_accounts(&cfg);
        return 2;
    }

    json_t *kinds = json_object(), *mix = json_object(), *servers = json_array();
    long sent = 0, answered = 0, errors = 0;
    for (int k = 0; k < LG_KINDS; k++) {
        if (cfg.weights[k] > 0)
            json_object_set_new(mix, lg_kind_name((lg_kind)k), json_integer(cfg.weights[k]));
        if (res.kinds[k].sent == 0)
            continue;
        sent += res.kinds[k].sent;
        answered += res.kinds[k].answered;
        errors += res.kinds[k].errors;
        json_object_set_new(kinds, lg_kind_name((lg_kind)k), kind_json(&res.kinds[k], res.window_s));
    }
    for (int i = 0; i < cfg.nservers; i++)
        json_array_append_new(servers, json_string(cfg.servers[i]));
    json_t *root = json_pack(
        "{s:s, s:{s:o, s:i, s:i, s:o, s:f, s:f, s:I, s:i, s:i}, s:f, s:{s:I, s:I, s:I, s:f},"
        " s:o, s:{s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
        "label", label, "config", "servers", servers, "connections", cfg.connections, "depth",
        cfg.depth, "mix", mix, "warmup_s", cfg.warmup_s, "duration_s", cfg.duration_s, "requests",
        (json_int_t)cfg.requests, "batch_rows", cfg.batch_rows, "accounts", cfg.naccounts,
        "window_s", res.window_s, "measured", "sent", (json_int_t)sent, "answered",
        (json_int_t)answered, "errors", (json_int_t)errors, "per_s",
        res.window_s > 0 ? (double)answered / res.window_s : 0.0, "kinds", kinds, "warmup", "sent",
        (json_int_t)res.warm_sent, "answered", (json_int_t)res.warm_answered, "errors",
        (json_int_t)res.warm_errors, "all", "sent", (json_int_t)res.sent_all, "answered",
        (json_int_t)res.answered_all, "errors", (json_int_t)res.errors_all, "rows_saved",
        (json_int_t)res.rows_saved_all, "unanswered", (json_int_t)res.unanswered,
        "connections_lost", (json_int_t)res.connections_lost);
    json_object_set_new(json_object_get(root, "config"), "reports_written",
                        json_integer(res.slots));
    json_t *cpu = json_object(), *per_request = json_object();
    for (int i = 0; i < cfg.nprobes; i++) {
        json_object_set_new(cpu, probes[i].name, json_real(probes[i].window_s));
        json_object_set_new(per_request, probes[i].name,
                            json_real(answered > 0 ? probes[i].window_s * 1e6 / (double)answered : 0));
    }
    json_object_set_new(root, "cpu_s", cpu);
    json_object_set_new(root, "cpu_us_per_request", per_request);

    FILE *summary = json_path && strcmp(json_path, "-") == 0 ? stderr : stdout;
    if (json_path) {
        FILE *f = strcmp(json_path, "-") == 0 ? stdout : fopen(json_path, "w");
        if (!f || json_dumpf(root, f, JSON_INDENT(2)) != 0) {
            fprintf(stderr, "cchc-loadgen: cannot write %s\n", json_path);
            return 2;
        }
        fputc('\n', f);
        if (f != stdout)
            fclose(f);
    }
    fprintf(summary, "%d connections, depth %d, %.2f s measured (warm-up %.1f s)%s%s\n",
            cfg.connections, cfg.depth, res.window_s, cfg.warmup_s, *label ? ": " : "", label);
    fprintf(summary, "%-8s %9s %10s %9s %9s %9s %9s %7s\n", "kind", "answered", "per s", "p50 ms",
            "p90 ms", "p99 ms", "max ms", "errors");
    json_t *k;
    const char *name;
    json_object_foreach(kinds, name, k)
    {
        json_t *lat = json_object_get(k, "latency_ms");
        fprintf(summary, "%-8s %9lld %10.0f %9.2f %9.2f %9.2f %9.2f %7lld\n", name,
                json_integer_value(json_object_get(k, "answered")),
                json_real_value(json_object_get(k, "per_s")),
                json_real_value(json_object_get(lat, "p50")),
                json_real_value(json_object_get(lat, "p90")),
                json_real_value(json_object_get(lat, "p99")),
                json_real_value(json_object_get(lat, "max")),
                json_integer_value(json_object_get(k, "errors")));
    }
    if (res.unanswered || res.connections_lost)
        fprintf(summary, "unanswered %ld, connections lost %ld\n", res.unanswered,
                res.connections_lost);
    int failed = res.unanswered > 0 || res.connections_lost > 0 || res.errors_all > 0 ||
                 res.answered_all != res.sent_all;
    json_decref(root);
    for (int k2 = 0; k2 < LG_KINDS; k2++)
        lg_stats_free(&res.kinds[k2]);
    free_accounts(&cfg);
    return failed ? 1 : 0;
}
