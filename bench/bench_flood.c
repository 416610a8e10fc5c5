/* A client that floods cchcd, for bench/fairness.sh: C connections in one
 * session each send N database requests (`missing` for a period, or
 * `task_list`) in one go and never read an answer, then stay connected
 * until killed. This is issue 11's "8 connections sending 200 missing
 * requests each without reading"; what it does to everyone else is what
 * the fair database queue bounds (docs/security.md, "Fair service").
 *   bench_flood --server H:P --token SESSION [--connections 8] [--requests 200]
 *               [--type missing|task_list] [--period 2023-6M] */
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_addr.h"
#include "protocol.h"
#include "wire.h"

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

static int send_request(int fd, Cchc__V1__Request *req)
{
    uint8_t *frame;
    size_t len;
    if (wire_encode_frame(&req->base, CCHC_DEFAULT_MAX_FRAME, &frame, &len, NULL) != 0)
        return -1;
    int rc = send_all(fd, frame, len);
    free(frame);
    return rc;
}

int main(int argc, char **argv)
{
    const char *server = "127.0.0.1:7121", *token = NULL, *type = "missing", *period = "2023-6M";
    int nconn = 8, requests = 200;
    static const struct option options[] = {
        {"server", required_argument, NULL, 's'},   {"token", required_argument, NULL, 't'},
        {"connections", required_argument, NULL, 'c'}, {"requests", required_argument, NULL, 'n'},
        {"type", required_argument, NULL, 'y'},     {"period", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 's': server = optarg; break;
        case 't': token = optarg; break;
        case 'c': nconn = atoi(optarg); break;
        case 'n': requests = atoi(optarg); break;
        case 'y': type = optarg; break;
        case 'p': period = optarg; break;
        default:
            fprintf(stderr, "usage: bench_flood --server H:P --token SESSION [--connections N] "
                            "[--requests N] [--type missing|task_list] [--period P]\n");
            return 2;
        }
    }
    int task_list = strcmp(type, "task_list") == 0;
    if (!token || nconn < 1 || requests < 1 || (!task_list && strcmp(type, "missing") != 0)) {
        fprintf(stderr, "bench_flood: --token is required; --type is missing or task_list\n");
        return 2;
    }
    char err[256];
    struct addrinfo *ai = bench_resolve(server, err, sizeof(err));
    if (!ai) {
        fprintf(stderr, "bench_flood: %s\n", err);
        return 2;
    }
    int *fds = calloc((size_t)nconn, sizeof(int));
    for (int c = 0; c < nconn; c++) {
        fds[c] = socket(ai->ai_family, SOCK_STREAM, 0);
        if (fds[c] < 0 || connect(fds[c], ai->ai_addr, ai->ai_addrlen) != 0) {
            perror("bench_flood: connect");
            return 1;
        }
        Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
        hello.protocol_version = CCHC_PROTOCOL_VERSION;
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = 1;
        req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
        req.hello = &hello;
        if (send_request(fds[c], &req) != 0)
            return 1;
    }
    freeaddrinfo(ai);
    Cchc__V1__MissingRequest missing = CCHC__V1__MISSING_REQUEST__INIT;
    missing.period_id = (char *)period;
    Cchc__V1__TaskListRequest tasks = CCHC__V1__TASK_LIST_REQUEST__INIT;
    for (int i = 0; i < requests; i++)
        for (int c = 0; c < nconn; c++) {
            Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
            req.request_id = (uint64_t)(2 + i);
            req.session_token = (char *)token;
            if (task_list) {
                req.body_case = CCHC__V1__REQUEST__BODY_TASK_LIST;
                req.task_list = &tasks;
            } else {
                req.body_case = CCHC__V1__REQUEST__BODY_MISSING;
                req.missing = &missing;
            }
            if (send_request(fds[c], &req) != 0) {
                fprintf(stderr, "bench_flood: the server closed a connection\n");
                return 1;
            }
        }
    fprintf(stderr, "bench_flood: %d x %d %s requests sent; not reading\n", nconn, requests, type);
    for (;;)
        pause(); /* until killed: leaving would drop what is still queued */
}
