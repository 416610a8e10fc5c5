/* A small driver for measuring report submissions (issue 15, group
 * commit): the accounts USER0..USER{A-1} log in once each (cchcd throttles
 * logins per address), then C connections, each a thread with a blocking
 * socket using the session of account C mod A, send single-row submissions one
 * after another (depth 1, as a clerk's cchc does) for SECONDS after a
 * warm-up, each row a change of the connection's own report (its own task,
 * based on the revision the last answer named), keyed like cchc's. Prints
 * one JSON line: submissions per second, p50/p99/max latency, errors.
 * bench/group_commit.sh runs it against cchcd with several settings; the
 * suite's load generator (bench/, issue 15 deliver 4) is the general tool.
 *   bench_submit --server H:P --user bench --password P [--accounts 5]
 *                [--connections 8] [--seconds 10] [--warmup 2] [--period 2023-6M]
 *                [--run TAG] */
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hostport.h"
#include "protocol.h"
#include "wire.h"

/* the tasks every district owes in every period */
static const int tasks[] = {101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
                            112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,
                            123, 124, 125, 126, 127, 128, 129, 130, 131};
#define NTASKS (int)(sizeof(tasks) / sizeof(tasks[0]))
#define MAX_SAMPLES 200000

static const char *host = "127.0.0.1", *port = "7121", *user = "bench", *password = "",
                  *period = "2023-6M", *run = "r";
static int naccounts = 5, seconds = 10, warmup = 2;
static double t_start, t_measure, t_end;

typedef struct worker {
    pthread_t thread;
    int index;
    double *latencies; /* ms, of submissions answered inside the measured window */
    int n;
    long total, errors;
    char failure[200];
} worker;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_all(int fd, const uint8_t *bytes, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, bytes, len, MSG_NOSIGNAL);
        if (n <= 0)
            return -1;
        bytes += n;
        len -= (size_t)n;
    }
    return 0;
}

static int recv_all(int fd, uint8_t *bytes, size_t len)
{
    while (len > 0) {
        ssize_t n = recv(fd, bytes, len, 0);
        if (n <= 0)
            return -1;
        bytes += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Sends req and reads its answer (NULL on a broken connection). */
static Cchc__V1__Response *call(int fd, Cchc__V1__Request *req)
{
    uint8_t *frame;
    size_t len;
    if (wire_encode_frame(&req->base, CCHC_DEFAULT_MAX_FRAME, &frame, &len, NULL) != 0)
        return NULL;
    int rc = send_all(fd, frame, len);
    free(frame);
    uint8_t header[4];
    if (rc != 0 || recv_all(fd, header, 4) != 0)
        return NULL;
    size_t n = (size_t)header[0] << 24 | (size_t)header[1] << 16 | (size_t)header[2] << 8 |
               header[3];
    uint8_t *payload = malloc(n ? n : 1);
    Cchc__V1__Response *r = NULL;
    if (payload && recv_all(fd, payload, n) == 0)
        r = wire_decode_response(payload, n);
    free(payload);
    return r;
}

static int connect_to(void)
{
    struct addrinfo hints = {0}, *res;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    int fd = socket(res->ai_family, res->ai_socktype, 0);
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* A connection that has said hello, or -1. */
static int open_connection(void)
{
    int fd = connect_to();
    if (fd < 0)
        return -1;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    hello.client_name = "bench_submit";
    req.request_id = 1;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    Cchc__V1__Response *r = call(fd, &req);
    int ok = r && !r->error;
    if (r)
        cchc__v1__response__free_unpacked(r, NULL);
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Logs account in once (cchcd throttles logins per address): its token,
 * shared by the account's connections as a clerk's cchc shares its
 * session. 0 or -1. */
static int login_account(int account, char *token, size_t size)
{
    int fd = open_connection();
    if (fd < 0)
        return -1;
    char username[64];
    snprintf(username, sizeof(username), "%s%d", user, account);
    Cchc__V1__LoginRequest login = CCHC__V1__LOGIN_REQUEST__INIT;
    login.username = username;
    login.password = (char *)password;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 2;
    req.body_case = CCHC__V1__REQUEST__BODY_LOGIN;
    req.login = &login;
    Cchc__V1__Response *r = call(fd, &req);
    int ok = r && !r->error && r->body_case == CCHC__V1__RESPONSE__BODY_LOGIN;
    if (ok)
        snprintf(token, size, "%s", r->login->session_token);
    else
        fprintf(stderr, "bench_submit: login %s refused: %s\n", username,
                r && r->error ? r->error->message : "no answer");
    if (r)
        cchc__v1__response__free_unpacked(r, NULL);
    close(fd);
    return ok ? 0 : -1;
}

static char (*tokens)[128];

static void *work(void *arg)
{
    worker *w = arg;
    int fd = open_connection();
    if (fd < 0) {
        snprintf(w->failure, sizeof(w->failure), "cannot connect");
        return NULL;
    }
    const char *token = tokens[w->index % naccounts];
    Cchc__V1__Request req;
    Cchc__V1__Response *r;

    /* the connection's own report: its account's unit, a task of its own */
    int task = tasks[(w->index / naccounts) % NTASKS], base = -1;
    char results[96], row_key[64], request_key[64], progress[8];
    Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT;
    Cchc__V1__ReportRow *rows[] = {&row};
    Cchc__V1__ReportSubmitRequest submit = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    submit.period_id = (char *)period;
    submit.rows = rows;
    submit.n_rows = 1;
    row.line = 2;
    row.task_id = task;
    row.status = "in_progress";
    row.progress = progress;
    row.results = results;
    row.idempotency_key = row_key;
    for (long k = 0;; k++) {
        double sent = now_s();
        if (sent >= t_end)
            break;
        snprintf(results, sizeof(results), "bench %s c%d k%ld", run, w->index, k);
        snprintf(row_key, sizeof(row_key), "bench-row-%s-%d-%ld", run, w->index, k);
        snprintf(request_key, sizeof(request_key), "b-%s-%d-%ld-request-key", run, w->index, k);
        snprintf(progress, sizeof(progress), "%ld", k % 100);
        row.base_revision = base < 0 ? 0 : base;
        req = (Cchc__V1__Request)CCHC__V1__REQUEST__INIT;
        req.request_id = (uint64_t)k + 3;
        req.session_token = (char *)token;
        req.request_key = request_key;
        req.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
        req.report_submit = &submit;
        r = call(fd, &req);
        double done = now_s();
        if (!r) {
            snprintf(w->failure, sizeof(w->failure), "connection broke");
            break;
        }
        w->total++;
        if (r->error || r->body_case != CCHC__V1__RESPONSE__BODY_REPORT_SUBMIT ||
            r->report_submit->n_saved != 1) {
            w->errors++;
            if (w->errors == 1)
                fprintf(stderr, "bench_submit: connection %d: %s %s\n", w->index,
                        r->error ? r->error->message : "unexpected answer",
                        r->error && r->error->n_details ? r->error->details[0]->message : "");
            if (base < 0)
                base = 0;
        } else {
            base = r->report_submit->saved[0]->revision;
        }
        cchc__v1__response__free_unpacked(r, NULL);
        if (sent >= t_measure && w->n < MAX_SAMPLES)
            w->latencies[w->n++] = (done - sent) * 1000.0;
    }
    close(fd);
    return NULL;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *server = "127.0.0.1:7121";
    int nconn = 8;
    static const struct option options[] = {
        {"server", required_argument, NULL, 's'},  {"user", required_argument, NULL, 'u'},
        {"password", required_argument, NULL, 'p'}, {"accounts", required_argument, NULL, 'a'},
        {"connections", required_argument, NULL, 'c'}, {"seconds", required_argument, NULL, 'd'},
        {"warmup", required_argument, NULL, 'w'},  {"period", required_argument, NULL, 'P'},
        {"run", required_argument, NULL, 'r'},     {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 's': server = optarg; break;
        case 'u': user = optarg; break;
        case 'p': password = optarg; break;
        case 'a': naccounts = atoi(optarg); break;
        case 'c': nconn = atoi(optarg); break;
        case 'd': seconds = atoi(optarg); break;
        case 'w': warmup = atoi(optarg); break;
        case 'P': period = optarg; break;
        case 'r': run = optarg; break;
        default: return 2;
        }
    }
    static hostport hp;
    char err[256];
    if (hostport_parse(server, CCHC_DEFAULT_PORT_STR, &hp, err, sizeof(err)) != 0 ||
        nconn < 1 || naccounts < 1 || seconds < 1) {
        fprintf(stderr, "bench_submit: bad arguments\n");
        return 2;
    }
    host = hp.host[0] ? hp.host : "127.0.0.1";
    port = hp.port;
    tokens = calloc((size_t)naccounts, sizeof(*tokens));
    for (int a = 0; a < naccounts; a++)
        if (login_account(a, tokens[a], sizeof(tokens[a])) != 0)
            return 1;
    worker *workers = calloc((size_t)nconn, sizeof(*workers));
    t_start = now_s() + 0.2;
    t_measure = t_start + warmup;
    t_end = t_measure + seconds;
    for (int i = 0; i < nconn; i++) {
        workers[i].index = i;
        workers[i].latencies = malloc(MAX_SAMPLES * sizeof(double));
        pthread_create(&workers[i].thread, NULL, work, &workers[i]);
    }
    double *all = malloc((size_t)nconn * MAX_SAMPLES * sizeof(double));
    long n = 0, total = 0, errors = 0;
    for (int i = 0; i < nconn; i++) {
        pthread_join(workers[i].thread, NULL);
        if (workers[i].failure[0])
            fprintf(stderr, "bench_submit: connection %d: %s\n", i, workers[i].failure);
        memcpy(all + n, workers[i].latencies, (size_t)workers[i].n * sizeof(double));
        n += workers[i].n;
        total += workers[i].total;
        errors += workers[i].errors;
        free(workers[i].latencies);
    }
    qsort(all, (size_t)n, sizeof(double), compare);
    printf("{\"connections\": %d, \"accounts\": %d, \"seconds\": %d, \"submissions\": %ld, "
           "\"per_s\": %.1f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f, "
           "\"total_sent\": %ld, \"errors\": %ld}\n",
           nconn, naccounts, seconds, n, (double)n / seconds, n ? all[n / 2] : 0.0,
           n ? all[(size_t)((double)n * 0.99)] : 0.0, n ? all[n - 1] : 0.0, total, errors);
    free(all);
    free(workers);
    return 0;
}
