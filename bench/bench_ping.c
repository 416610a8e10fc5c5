/* Load generator for cchcd: C connections, each keeping D ping requests in
 * flight (pipelined), for a fixed number of requests; reports throughput
 * and latency percentiles. With --db every ping runs a query through the
 * server's PostgreSQL pool, which measures the pool and pipeline mode; with
 * --token T every request is a whoami in that session instead (a session
 * check and a query, both in that account's fair share of the pool).
 *   bench_ping --server 127.0.0.1:7121 --connections 16 --depth 8 --requests 200000 [--db]
 *              [--token T]
 * Uses poll() and non-blocking sockets: one process, no threads, so the
 * numbers are the server's, not the generator's scheduling. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "bench_addr.h"
#include "protocol.h"
#include "wire.h"

typedef struct bench_conn {
    int fd;
    frame_reader reader;
    int in_flight;
    uint64_t next_id;
    uint64_t *sent_at; /* indexed by request id % depth ring */
    uint8_t *out;
    size_t out_len, out_off;
} bench_conn;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int check_db;
static const char *token; /* whoami in this session instead of ping */
static int depth = 8;
static long total_requests = 100000;
static long sent, received, errors;
static uint64_t *latencies;

static void queue_request(bench_conn *c, int hello)
{
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    Cchc__V1__HelloRequest h = CCHC__V1__HELLO_REQUEST__INIT;
    Cchc__V1__PingRequest p = CCHC__V1__PING_REQUEST__INIT;
    Cchc__V1__WhoamiRequest w = CCHC__V1__WHOAMI_REQUEST__INIT;
    req.request_id = ++c->next_id;
    if (hello) {
        h.protocol_version = CCHC_PROTOCOL_VERSION;
        req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
        req.hello = &h;
    } else if (token) {
        req.session_token = (char *)token;
        req.body_case = CCHC__V1__REQUEST__BODY_WHOAMI;
        req.whoami = &w;
    } else {
        p.check_database = check_db;
        req.body_case = CCHC__V1__REQUEST__BODY_PING;
        req.ping = &p;
    }
    uint8_t *frame;
    size_t len;
    if (wire_encode_frame(&req.base, CCHC_DEFAULT_MAX_FRAME, &frame, &len, NULL) != 0)
        abort();
    c->out = realloc(c->out, c->out_len + len);
    memcpy(c->out + c->out_len, frame, len);
    c->out_len += len;
    free(frame);
    c->sent_at[req.request_id % (uint64_t)(depth + 1)] = now_ns();
    c->in_flight++;
}

static int on_frame(void *ctx, const uint8_t *payload, size_t len)
{
    bench_conn *c = ctx;
    Cchc__V1__Response *resp = wire_decode_response(payload, len);
    if (!resp || resp->error) {
        errors++;
        if (resp && errors < 5)
            fprintf(stderr, "error: %s\n", resp->error->message);
    }
    if (resp) {
        uint64_t t = c->sent_at[resp->request_id % (uint64_t)(depth + 1)];
        if ((resp->body_case == CCHC__V1__RESPONSE__BODY_PING ||
             resp->body_case == CCHC__V1__RESPONSE__BODY_WHOAMI) &&
            received < total_requests)
            latencies[received++] = now_ns() - t;
        cchc__v1__response__free_unpacked(resp, NULL);
    }
    c->in_flight--;
    return 0;
}

static int count_frame(void *ctx, const uint8_t *payload, size_t len)
{
    Cchc__V1__Response *resp = wire_decode_response(payload, len);
    *(int *)ctx = resp && !resp->error ? 1 : -1;
    if (resp)
        cchc__v1__response__free_unpacked(resp, NULL);
    return 0;
}

/* Blocking hello before the measured run. */
static int say_hello(bench_conn *c)
{
    queue_request(c, 1);
    c->in_flight = 0;
    if (send(c->fd, c->out, c->out_len, MSG_NOSIGNAL) != (ssize_t)c->out_len)
        return -1;
    c->out_len = 0;
    int answered = 0;
    uint8_t buf[4096];
    while (!answered) {
        ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
        if (n <= 0)
            return -1;
        frame_reader_feed(&c->reader, buf, (size_t)n, count_frame, &answered, NULL);
    }
    if (answered < 0)
        fprintf(stderr, "hello refused\n");
    return answered > 0 ? 0 : -1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *server = "127.0.0.1:7121";
    int nconn = 16;
    static const struct option options[] = {
        {"server", required_argument, NULL, 's'}, {"connections", required_argument, NULL, 'c'},
        {"depth", required_argument, NULL, 'd'},  {"requests", required_argument, NULL, 'n'},
        {"db", no_argument, NULL, 'b'},           {"token", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 's': server = optarg; break;
        case 'c': nconn = atoi(optarg); break;
        case 'd': depth = atoi(optarg); break;
        case 'n': total_requests = atol(optarg); break;
        case 'b': check_db = 1; break;
        case 't': token = optarg; break;
        default:
            fprintf(stderr, "usage: bench_ping [--server H:P] [--connections N] [--depth D] "
                            "[--requests N] [--db] [--token SESSION]\n");
            return 2;
        }
    }
    if (nconn < 1 || depth < 1 || total_requests < 1)
        return 2;
    char err[256];
    struct addrinfo *ai = bench_resolve(server, err, sizeof(err));
    if (!ai) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    latencies = calloc((size_t)total_requests, sizeof(uint64_t));
    bench_conn *conns = calloc((size_t)nconn, sizeof(bench_conn));
    struct pollfd *pfds = calloc((size_t)nconn, sizeof(struct pollfd));
    for (int i = 0; i < nconn; i++) {
        bench_conn *c = &conns[i];
        c->fd = socket(ai->ai_family, SOCK_STREAM, 0);
        if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            perror("connect");
            return 1;
        }
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c->sent_at = calloc((size_t)depth + 1, sizeof(uint64_t));
        frame_reader_init(&c->reader, CCHC_DEFAULT_MAX_FRAME);
        if (say_hello(c) != 0)
            return 1;
    }
    freeaddrinfo(ai);
    uint64_t start = now_ns();
    while (received + errors < total_requests) {
        for (int i = 0; i < nconn; i++) {
            bench_conn *c = &conns[i];
            while (c->in_flight < depth && sent < total_requests) {
                queue_request(c, 0);
                sent++;
            }
            pfds[i].fd = c->fd;
            pfds[i].events = POLLIN | (c->out_off < c->out_len ? POLLOUT : 0);
        }
        if (poll(pfds, (nfds_t)nconn, 120000) <= 0) { /* a flood may hold it long */
            fprintf(stderr, "timed out waiting for the server\n");
            return 1;
        }
        for (int i = 0; i < nconn; i++) {
            bench_conn *c = &conns[i];
            if (pfds[i].revents & POLLOUT) {
                ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n > 0)
                    c->out_off += (size_t)n;
                if (c->out_off == c->out_len)
                    c->out_off = c->out_len = 0;
            }
            if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                uint8_t buf[65536];
                ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (n <= 0) {
                    fprintf(stderr, "server closed a connection\n");
                    return 1;
                }
                frame_reader_feed(&c->reader, buf, (size_t)n, on_frame, c, NULL);
            }
        }
    }
    double secs = (double)(now_ns() - start) / 1e9;
    qsort(latencies, (size_t)received, sizeof(uint64_t), cmp_u64);
    printf("requests      %ld (%s)\n", received,
           token ? "whoami: session check and a query" : check_db ? "ping via PostgreSQL" : "ping");
    printf("connections   %d, %d in flight each\n", nconn, depth);
    printf("errors        %ld\n", errors);
    printf("elapsed       %.3f s\n", secs);
    printf("throughput    %.0f requests/s\n", (double)received / secs);
    if (received > 0) {
        printf("latency p50   %.3f ms\n", (double)latencies[received / 2] / 1e6);
        printf("latency p99   %.3f ms\n", (double)latencies[received * 99 / 100] / 1e6);
        printf("latency max   %.3f ms\n", (double)latencies[received - 1] / 1e6);
    }
    return errors ? 1 : 0;
}
