/* End-to-end tests of cchcd behind a load balancer (issue 11, deliver 4):
 * `--proxy-from` peers start each connection with a PROXY protocol v2
 * header naming the real client, whose address the throttle, the audit
 * trail, the logs and the per-address cap then use; anyone else's header
 * is only bytes; and the login throttle is decided before anything is
 * written, race-free.
 *
 * Loopback addresses stand for hosts (Linux routes all of 127/8 to lo): the
 * "load balancer" is 127.0.0.2 (trusted), a stranger is 127.0.0.3, and the
 * real cchc runs directly from 127.0.0.1. The header comes in clear
 * before TLS, as HAProxy sends it: a proxied connection sends it, then
 * makes the TLS handshake when the server speaks TLS (raw_start_tls) and
 * speaks through the harness's raw functions; bytes the header parser
 * must refuse stay in clear, under TLS, where they would arrive. The last
 * test checks the same with the real cchc over TLS through a small relay
 * standing for HAProxy. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "protocol.h"
#include "wire.h"

#define PROXY_HOST "127.0.0.2"
#define STRANGER_HOST "127.0.0.3"
#define PER_ADDRESS 4 /* --max-connections-per-address */

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, VIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"ubnd.lanhdao", "Lanh-dao-UBND-TP-2023", "VP-UBND", "viewer"},
};

static int setup(void **state)
{
    (void)state;
    static char hello_timeout[16], per_address[16];
    snprintf(hello_timeout, sizeof(hello_timeout), "%d", harness_scaled_ms(3000));
    snprintf(per_address, sizeof(per_address), "%d", PER_ADDRESS);
    /* the list as an operator would write it: a network, the balancer, v6 */
    const char *args[] = {"--proxy-from", "10.20.0.0/16, " PROXY_HOST ",fd00::/8",
                          "--max-connections-per-address", per_address,
                          "--hello-timeout", hello_timeout, NULL};
    fixture_start(&fx, "proxy", args);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- speaking through the "load balancer" ------------------------------------ */

/* The local port of fd, to find its log lines. */
static int local_port(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    return ntohs(a.sin_port);
}

/* Writes a PROXY v2 header into out as HAProxy's send-proxy-v2 does: the
 * PROXY command for client:port (IPv4 or IPv6) to 127.0.0.1:7121, with an
 * ALPN TLV; LOCAL (a health check) when client is NULL. Returns its length. */
static size_t proxy_header(uint8_t *out, const char *client, uint16_t port)
{
    static const uint8_t sig[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                    0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    static const uint8_t alpn[] = {0x01, 0x00, 0x04, 'c', 'c', 'h', 'c'};
    memcpy(out, sig, sizeof(sig));
    if (!client) {
        out[12] = 0x20;
        out[13] = 0x00;
        out[14] = out[15] = 0;
        return 16;
    }
    size_t n = 16;
    int v6 = strchr(client, ':') != NULL;
    out[12] = 0x21;
    out[13] = v6 ? 0x21 : 0x11;
    size_t alen = v6 ? 16 : 4;
    assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, client, out + n), 1);
    memset(out + n + alen, 0, alen); /* the destination: 127.0.0.1 or ::1 */
    out[n + 2 * alen - 1] = 1;
    if (!v6)
        out[n + alen] = 127;
    n += 2 * alen;
    out[n++] = (uint8_t)(port >> 8);
    out[n++] = (uint8_t)port;
    out[n++] = 7121 >> 8;
    out[n++] = 7121 & 0xFF;
    memcpy(out + n, alpn, sizeof(alpn));
    n += sizeof(alpn);
    out[14] = (uint8_t)((n - 16) >> 8);
    out[15] = (uint8_t)(n - 16);
    return n;
}

/* A connection through the trusted proxy for client:port (NULL: LOCAL):
 * the header in clear, then TLS when srv speaks it, hello done. */
static int proxied(const char *client, uint16_t port)
{
    int fd = raw_connect_plain_from(srv, PROXY_HOST);
    uint8_t header[64];
    raw_send(fd, header, proxy_header(header, client, port));
    raw_start_tls(fd, srv);
    raw_hello(fd, 1);
    return fd;
}

/* The error code of a login's answer (0: logged in); fails on no answer. */
static int read_login(int fd, char *message, size_t size)
{
    Cchc__V1__Response *resp = raw_read_response(fd, 20000);
    assert_non_null(resp);
    int code = resp->error ? (int)resp->error->code : 0;
    if (message)
        snprintf(message, size, "%s", resp->error ? resp->error->message : "");
    cchc__v1__response__free_unpacked(resp, NULL);
    return code;
}

static int login(int fd, uint64_t id, const char *username, const char *password)
{
    raw_send_login(fd, id, username, password);
    return read_login(fd, NULL, 0);
}

/* A count from the database as a number. */
static long count(const char *sql)
{
    char *text = harness_db_query(&fx.db, sql);
    assert_non_null(text);
    long n = atol(text);
    free(text);
    return n;
}

static long attempts_from(const char *address)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM login_attempt WHERE address = '%s'",
             address);
    return count(sql);
}

/* ---- the real address ------------------------------------------------------ */

/* A client behind the proxy is known by its own address: in the log line
 * (with the proxy's), in its login attempt, its session and the audit
 * trail. The header may arrive in pieces, and the client's first frame
 * may come in the same write as the header. */
static void test_real_address_is_used(void **state)
{
    (void)state;
    int fd = raw_connect_plain_from(srv, PROXY_HOST);
    uint8_t header[64];
    size_t n = proxy_header(header, "203.0.113.9", 5123);
    /* a slow proxy, on purpose: the header in three pieces */
    raw_send(fd, header, 5);
    harness_sleep_ms(30);
    raw_send(fd, header + 5, 14);
    harness_sleep_ms(30);
    raw_send(fd, header + 19, n - 19);
    raw_start_tls(fd, srv);
    raw_hello(fd, 1);
    char line[128];
    snprintf(line, sizeof(line), "connected from 203.0.113.9:5123 via proxy " PROXY_HOST ":%d",
             local_port(fd));
    harness_wait_log(srv, line, 5000);
    assert_int_equal(login(fd, 2, people[REPORTER].username, people[REPORTER].password), 0);
    close(fd);
    assert_int_equal(count("SELECT count(*) FROM login_attempt WHERE address = '203.0.113.9'"
                           " AND username = 'nk.baocao' AND succeeded"),
                     1);
    assert_int_equal(count("SELECT count(*) FROM session WHERE client_address = '203.0.113.9'"),
                     1);
    assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'session.login'"
                           " AND address = '203.0.113.9' AND username = 'nk.baocao'"),
                     1);

    /* the header and what follows in one write (the hello in plaintext,
     * TLS's ClientHello over TLS): what follows the header is read */
    Cchc__V1__HelloRequest hello = CCHC__V1__HELLO_REQUEST__INIT;
    hello.protocol_version = CCHC_PROTOCOL_VERSION;
    hello.client_name = "test";
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 1;
    req.body_case = CCHC__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    uint8_t *frame;
    size_t frame_len;
    assert_int_equal(wire_encode_frame(&req.base, CCHC_ABSOLUTE_MAX_FRAME, &frame, &frame_len, NULL),
                     0);
    uint8_t both[256];
    n = proxy_header(both, "2001:db8::7", 40000);
    assert_true(n + frame_len <= sizeof(both));
    memcpy(both + n, frame, frame_len);
    free(frame);
    fd = raw_connect_plain_from(srv, PROXY_HOST);
    if (srv->tls) {
        /* held back by MSG_MORE until the ClientHello joins it in one segment */
        assert_int_equal(send(fd, both, n, MSG_MORE | MSG_NOSIGNAL), (ssize_t)n);
        raw_start_tls(fd, srv);
        raw_send(fd, both + n, frame_len);
    } else {
        raw_send(fd, both, n + frame_len);
    }
    Cchc__V1__Response *resp = raw_read_response(fd, 5000);
    assert_non_null(resp);
    assert_null(resp->error);
    assert_int_equal(resp->body_case, CCHC__V1__RESPONSE__BODY_HELLO);
    cchc__v1__response__free_unpacked(resp, NULL);
    assert_int_equal(login(fd, 2, "khach.ipv6", "Sai-mat-khau-2023"),
                     CCHC__V1__ERROR_CODE__UNAUTHENTICATED);
    close(fd);
    snprintf(line, sizeof(line), "connected from [2001:db8::7]:40000 via proxy " PROXY_HOST);
    assert_true(harness_log_contains(srv, line));
    assert_int_equal(attempts_from("2001:db8::7"), 1);
}

/* LOCAL (the balancer's own health check) keeps the proxy's address. */
static void test_local_keeps_the_proxy_address(void **state)
{
    (void)state;
    long before = attempts_from(PROXY_HOST);
    int fd = proxied(NULL, 0);
    char line[128];
    snprintf(line, sizeof(line), "connected from " PROXY_HOST ":%d (PROXY LOCAL", local_port(fd));
    harness_wait_log(srv, line, 5000);
    assert_int_equal(login(fd, 2, "khach.local", "Sai-mat-khau-2023"),
                     CCHC__V1__ERROR_CODE__UNAUTHENTICATED);
    close(fd);
    assert_int_equal(attempts_from(PROXY_HOST), before + 1);
}

/* ---- who may send a header ------------------------------------------------- */

/* A connection from the trusted proxy must start with a valid header:
 * anything else (a client's frame, a broken header, nothing in time) is
 * closed with one log line, before a frame is read. The bytes go in
 * clear over TLS too: the header is read before any TLS. */
static void test_trusted_peer_must_send_a_header(void **state)
{
    (void)state;
    /* a client's frame straight away */
    int fd = raw_connect_plain_from(srv, PROXY_HOST);
    int port = local_port(fd);
    raw_send_ping(fd, 1, 0);
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
    char line[160];
    snprintf(line, sizeof(line),
             "(" PROXY_HOST ":%d) closed: invalid PROXY protocol header from a trusted proxy: "
             "no PROXY protocol v2 signature", port);
    harness_wait_log(srv, line, 5000);

    /* a header for UDP */
    fd = raw_connect_plain_from(srv, PROXY_HOST);
    port = local_port(fd);
    uint8_t header[64];
    size_t n = proxy_header(header, "203.0.113.9", 1);
    header[13] = 0x12;
    raw_send(fd, header, n);
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
    snprintf(line, sizeof(line), "(" PROXY_HOST ":%d) closed: invalid PROXY protocol header", port);
    harness_wait_log(srv, line, 5000);

    /* half a header, then nothing: the hello deadline ends the wait */
    fd = raw_connect_plain_from(srv, PROXY_HOST);
    port = local_port(fd);
    raw_send(fd, header, 10);
    assert_true(raw_wait_closed(fd, 15000));
    close(fd);
    snprintf(line, sizeof(line), "(" PROXY_HOST ":%d) closed: no PROXY protocol header within", port);
    harness_wait_log(srv, line, 5000);
    harness_assert_serves(srv);
}

/* Anyone else's header is only bytes: in plaintext a frame far too large,
 * over TLS a handshake that is not one; closed either way, and the
 * address it claims is used nowhere. */
static void test_untrusted_peer_cannot_claim_an_address(void **state)
{
    (void)state;
    int fd = raw_connect_plain_from(srv, STRANGER_HOST);
    int port = local_port(fd);
    uint8_t header[64];
    size_t n = proxy_header(header, "203.0.113.66", 5123);
    raw_send(fd, header, n); /* in clear: where a trusted proxy's header comes */
    if (!srv->tls) {
        Cchc__V1__Response *resp = raw_read_response(fd, 5000);
        if (resp) { /* the answer to the "frame" the signature's bytes announce */
            assert_non_null(resp->error);
            assert_int_equal(resp->error->code, CCHC__V1__ERROR_CODE__FRAME_TOO_LARGE);
            cchc__v1__response__free_unpacked(resp, NULL);
        }
    }
    assert_true(raw_wait_closed(fd, 5000));
    close(fd);
    char line[160];
    if (srv->tls)
        snprintf(line, sizeof(line),
                 "(" STRANGER_HOST ":%d) closed: TLS handshake failed: "
                 "the client does not speak TLS", port);
    else
        snprintf(line, sizeof(line), "frame of 218762506 bytes exceeds the limit");
    harness_wait_log(srv, line, 5000);
    assert_false(harness_log_contains(srv, "203.0.113.66"));
    assert_int_equal(attempts_from("203.0.113.66"), 0);
    assert_int_equal(attempts_from(STRANGER_HOST), 0);
    /* the same stranger without a header is an ordinary client */
    fd = raw_connect_plain_from(srv, STRANGER_HOST);
    raw_start_tls(fd, srv);
    raw_hello(fd, 1);
    assert_int_equal(login(fd, 2, "khach.la", "Sai-mat-khau-2023"),
                     CCHC__V1__ERROR_CODE__UNAUTHENTICATED);
    close(fd);
    assert_int_equal(attempts_from(STRANGER_HOST), 1);
}

/* ---- throttling by the real address ---------------------------------------- */

/* Sends n wrong logins at once on fd (distinct usernames, so only the
 * address counts) and adds up the answers. */
static void wave(int fd, int first, int n, int *wrong, int *refused)
{
    for (int i = 0; i < n; i++) {
        char user[32];
        snprintf(user, sizeof(user), "khach.%02d", first + i);
        raw_send_login(fd, (uint64_t)(100 + first + i), user, "Sai-mat-khau-2023");
    }
    for (int i = 0; i < n; i++) {
        char message[512];
        int code = read_login(fd, message, sizeof(message));
        if (code == CCHC__V1__ERROR_CODE__UNAUTHENTICATED) {
            ++*wrong;
        } else {
            assert_int_equal(code, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED);
            assert_non_null(strstr(message, "too many failed logins from this address"));
            ++*refused;
        }
    }
}

/* 50 failures from one client behind the proxy block that client, not
 * the others behind the same proxy, nor the proxy's own address; the
 * refused attempts write nothing, and a wave of logins at once cannot
 * pass the 50th failure. */
static void test_address_block_is_per_real_client(void **state)
{
    (void)state;
    int fd = proxied("203.0.113.77", 6000);
    int wrong = 0, refused = 0;
    for (int w = 0; w < 4; w++)
        wave(fd, w * 10, 10, &wrong, &refused); /* at most 10 password checks at once */
    assert_int_equal(wrong, 40);
    /* 15 at once across the 50th: exactly 10 pass */
    wave(fd, 40, 15, &wrong, &refused);
    assert_int_equal(wrong, 50);
    assert_int_equal(refused, 5);
    assert_int_equal(attempts_from("203.0.113.77"), 50);
    /* blocked: even the right password, and nothing is written */
    char message[512];
    raw_send_login(fd, 200, people[REPORTER].username, people[REPORTER].password);
    assert_int_equal(read_login(fd, message, sizeof(message)),
                     CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED);
    assert_non_null(strstr(message, "try again after 20"));
    for (int i = 0; i < 5; i++)
        assert_int_equal(login(fd, (uint64_t)(201 + i), "khach.moi", "Sai-mat-khau-2023"),
                         CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED);
    close(fd);
    assert_int_equal(attempts_from("203.0.113.77"), 50);
    assert_int_equal(count("SELECT count(*) FROM login_attempt WHERE username = 'khach.moi'"), 0);

    /* another client through the same proxy logs in */
    fd = proxied("198.51.100.7", 6001);
    assert_int_equal(login(fd, 2, people[REPORTER].username, people[REPORTER].password), 0);
    close(fd);
    /* and so does a client connected directly (cchc, from 127.0.0.1) */
    fixture_as(&fx, REPORTER);
    assert_int_equal(harness_login(srv, people[REPORTER].username, people[REPORTER].password), 0);
    fixture_as(&fx, -1);
}

/* N wrong logins for one username at once, each through its own
 * connection from its own client: exactly 5 are checked and recorded, the
 * rest refused without a row. A password change by the blocked account
 * (from its own session) is refused and writes nothing either. */
static void test_parallel_logins_never_pass_five(void **state)
{
    (void)state;
    enum { N = 20 };
    const char *user = people[VIEWER].username;
    int fds[N];
    for (int i = 0; i < N; i++) {
        char client[32];
        snprintf(client, sizeof(client), "192.0.2.%d", 100 + i);
        fds[i] = proxied(client, (uint16_t)(7000 + i));
    }
    for (int i = 0; i < N; i++)
        raw_send_login(fds[i], 2, user, "Sai-mat-khau-2023");
    int wrong = 0, refused = 0;
    for (int i = 0; i < N; i++) {
        int code = read_login(fds[i], NULL, 0);
        wrong += code == CCHC__V1__ERROR_CODE__UNAUTHENTICATED;
        refused += code == CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED;
        close(fds[i]);
    }
    assert_int_equal(wrong, 5);
    assert_int_equal(refused, N - 5);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM login_attempt WHERE username = '%s' AND NOT succeeded", user);
    assert_int_equal(count(sql), 5);

    /* its session still works, but guessing the current password is refused
     * before anything is written */
    fixture_as(&fx, VIEWER);
    const char *passwd[] = {"passwd", "--password-stdin", NULL};
    run_result r;
    harness_cchc_input(&r, srv, "Doan-thu-mat-khau\nMat-khau-moi-hon-2024\n", passwd);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "máy chủ bận hoặc vượt giới hạn"));
    run_result_free(&r);
    fixture_as(&fx, -1);
    assert_int_equal(count(sql), 5);
    /* what `cchc user show` says is what login enforces */
    const char *show[] = {"user", "show", user, NULL};
    json_t *root = harness_cchc_json(srv, show);
    json_t *acc = json_array_get(json_object_get(root, "accounts"), 0);
    assert_non_null(acc);
    assert_int_equal(jint(acc, "failed_logins"), 5);
    const char *until = json_string_value(json_object_get(acc, "blocked_until"));
    assert_non_null(until);
    snprintf(sql, sizeof(sql),
             "SELECT '%s'::timestamptz = date_trunc('second', min(at)) + interval '15 minutes'"
             "  FROM login_attempt WHERE username = '%s' AND NOT succeeded", until, user);
    char *same = harness_db_query(&fx.db, sql);
    assert_string_equal(same, "t"); /* 15 minutes after the first of the five */
    free(same);
    json_decref(root);
    const char *unlock[] = {"user", "unlock", user, NULL};
    harness_cchc_ok(srv, unlock);
}

/* ---- the per-address cap --------------------------------------------------- */

/* The cap counts the real client: more connections than the cap come
 * through the proxy's one address, but one client past the cap is
 * refused. */
static void test_cap_counts_the_real_address(void **state)
{
    (void)state;
    int fds[PER_ADDRESS + 2];
    for (int i = 0; i < PER_ADDRESS; i++)
        fds[i] = proxied("203.0.113.50", (uint16_t)(8000 + i));
    fds[PER_ADDRESS] = proxied("203.0.113.51", 8100); /* the proxy's 5th and 6th */
    fds[PER_ADDRESS + 1] = proxied("203.0.113.51", 8101);
    int over = raw_connect_plain_from(srv, PROXY_HOST);
    uint8_t header[64];
    raw_send(over, header, proxy_header(header, "203.0.113.50", 8200));
    assert_true(raw_wait_closed(over, 5000));
    close(over);
    char line[160];
    snprintf(line, sizeof(line),
             "(203.0.113.50:8200) closed: refused: %d connections open from 203.0.113.50, "
             "the limit is %d (--max-connections-per-address)",
             PER_ADDRESS, PER_ADDRESS);
    harness_wait_log(srv, line, 5000);
    /* those admitted are served */
    for (int i = 0; i < PER_ADDRESS + 2; i++) {
        raw_send_ping(fds[i], 2, 0);
        Cchc__V1__Response *resp = raw_read_response(fds[i], 5000);
        assert_non_null(resp);
        assert_null(resp->error);
        cchc__v1__response__free_unpacked(resp, NULL);
        close(fds[i]);
    }
}

/* ---- a real client through a relay, over TLS --------------------------------- */

/* Copies what one side sends to the other until both have finished. */
static void relay_bytes(int a, int b)
{
    int open_a = 1, open_b = 1;
    char buf[16384];
    while (open_a || open_b) {
        struct pollfd p[2] = {{.fd = open_a ? a : -1, .events = POLLIN},
                              {.fd = open_b ? b : -1, .events = POLLIN}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            return;
        for (int i = 0; i < 2; i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int from = i ? b : a, to = i ? a : b;
            ssize_t n = read(from, buf, sizeof(buf));
            if (n <= 0) {
                shutdown(to, SHUT_WR);
                if (i)
                    open_b = 0;
                else
                    open_a = 0;
                continue;
            }
            for (ssize_t off = 0; off < n;) {
                ssize_t w = send(to, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
                if (w <= 0)
                    return;
                off += w;
            }
        }
    }
}

/* A minimal load balancer in a child process, as HAProxy with
 * send-proxy-v2 behaves: listens on 127.0.0.1 (the name in the test
 * certificate), connects to target_port from PROXY_HOST, sends a header
 * naming client (with the connecting port), then relays both ways.
 * Returns its pid; *port is where it listens. */
static pid_t relay_start(int target_port, const char *client, int *port)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    assert_int_equal(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(lfd, 16), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
    *port = ntohs(addr.sin_port);
    uint8_t header[64];
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid > 0) {
        close(lfd);
        return pid;
    }
    signal(SIGCHLD, SIG_IGN); /* each connection's relay is reaped by the kernel */
    for (;;) {
        struct sockaddr_in peer;
        socklen_t peer_len = sizeof(peer);
        int in = accept(lfd, (struct sockaddr *)&peer, &peer_len);
        if (in < 0)
            continue;
        if (fork() != 0) {
            close(in);
            continue;
        }
        close(lfd);
        int out = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in from = {.sin_family = AF_INET}, to = addr;
        inet_pton(AF_INET, PROXY_HOST, &from.sin_addr);
        to.sin_port = htons((uint16_t)target_port);
        if (bind(out, (struct sockaddr *)&from, sizeof(from)) != 0 ||
            connect(out, (struct sockaddr *)&to, sizeof(to)) != 0)
            _exit(1);
        size_t n = proxy_header(header, client, ntohs(peer.sin_port));
        if (send(out, header, n, MSG_NOSIGNAL) != (ssize_t)n)
            _exit(1);
        relay_bytes(in, out);
        _exit(0);
    }
}

static const char *cert(const char *certs, const char *name)
{
    static char paths[4][600];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof(paths[0]), "%s/%s", certs, name);
    return p;
}

/* The real cchc, over TLS, through a balancer that sends the header as
 * HAProxy does: the header comes before the TLS handshake, and the
 * session is the real client's. */
static void test_real_client_through_a_balancer_over_tls(void **state)
{
    (void)state;
    char certs[512], own[64] = "";
    const char *given = getenv("CCHC_TEST_CERTS");
    if (given && *given) {
        snprintf(certs, sizeof(certs), "%s", given);
    } else {
        snprintf(own, sizeof(own), "/tmp/cchc-certs.XXXXXX");
        assert_non_null(mkdtemp(own));
        snprintf(certs, sizeof(certs), "%s", own);
        const char *make[] = {"/bin/bash", CCHC_SOURCE_DIR "/scripts/lib/certs.sh", certs, NULL};
        run_result r;
        harness_run(&r, NULL, make);
        if (r.exit_code != 0)
            fail_msg("scripts/lib/certs.sh failed: %s", r.err);
        run_result_free(&r);
    }
    test_server tls;
    const char *args[] = {"--tls-cert", cert(certs, "server.crt"), "--tls-key",
                          cert(certs, "server.key"), "--proxy-from", PROXY_HOST, NULL};
    harness_server_start(&tls, fx.db.conninfo, args);
    int port;
    pid_t relay = relay_start(tls.port, "203.0.113.200", &port);
    test_server via = tls;
    snprintf(via.addr, sizeof(via.addr), "127.0.0.1:%d", port);

    char home[64];
    harness_new_home(home, sizeof(home));
    harness_use_home(home);
    setenv("CCHC_CA", cert(certs, "ca.crt"), 1); /* so cchc speaks TLS */
    int code = harness_login(&via, people[REPORTER].username, people[REPORTER].password);
    unsetenv("CCHC_CA");
    kill(relay, SIGKILL);
    waitpid(relay, NULL, 0);
    harness_remove_home(home);
    fixture_as(&fx, -1);
    assert_int_equal(code, 0);
    assert_true(harness_log_contains(&tls, "connected from 203.0.113.200:"));
    assert_true(harness_log_contains(&tls, " via proxy " PROXY_HOST ":"));
    assert_int_equal(count("SELECT count(*) FROM session WHERE client_address = '203.0.113.200'"),
                     1);
    assert_int_equal(harness_server_stop(&tls), 0);
    if (own[0]) {
        const char *rm[] = {"/bin/rm", "-rf", own, NULL};
        run_result r;
        harness_run(&r, NULL, rm);
        run_result_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_address_is_used),
        cmocka_unit_test(test_local_keeps_the_proxy_address),
        cmocka_unit_test(test_trusted_peer_must_send_a_header),
        cmocka_unit_test(test_untrusted_peer_cannot_claim_an_address),
        cmocka_unit_test(test_address_block_is_per_real_client),
        cmocka_unit_test(test_parallel_logins_never_pass_five),
        cmocka_unit_test(test_cap_counts_the_real_address),
        cmocka_unit_test(test_real_client_through_a_balancer_over_tls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
