/* Writes whose database connection breaks (issue 10, docs/retry.md): cchcd
 * reaches PostgreSQL through a proxy in this process that can cut the
 * connection at a chosen point of a write. Cut after the write's commit
 * and before its answer, the write is answered OUTCOME_UNKNOWN and applied
 * once (a user add, a report submission); a retry with the same request
 * key gets the original answer and applies nothing; cchc retries by itself
 * and reports success once, or, when the database stays away, says the
 * outcome is unknown (exit 5) and keeps a submission in the outbox. A
 * retry while the first attempt's transaction is open waits for it and is
 * answered from the record. Cut before the write's sync, or with the
 * database down before the request, it is answered UNAVAILABLE and nothing
 * is written.
 *
 * The proxy listens on a Unix socket in a private folder (cchcd's conninfo
 * names it as host) and relays to the PostgreSQL of scripts/test. Armed
 * with a statement name, it watches what cchcd sends: "cut before" closes
 * the connection as soon as the statement's bytes arrive, without relaying
 * them; "cut after commit" relays them, holds back every answer from then
 * on, and closes the connection when PostgreSQL says ReadyForQuery, which
 * it sends only after the transaction has ended; "park" keeps the
 * statement from PostgreSQL until released, so its transaction stays open. */
#define _GNU_SOURCE /* memmem, accept4 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "harness.h"

/* ---- the proxy ----------------------------------------------------------- */

#define MAX_PAIRS 32
#define NEEDLE_TAIL 64

/* One connection of cchcd's pool: cchcd's side and PostgreSQL's side. */
typedef struct pair {
    int up;        /* to cchcd */
    int down;      /* to PostgreSQL */
    int holding;   /* the armed statement went through: answers are held back */
    uint8_t *parked; /* the armed statement and all after it, kept from PostgreSQL */
    size_t parked_len;
    char tail[NEEDLE_TAIL]; /* the end of what cchcd sent, for a statement cut across reads */
    size_t tail_len;
    uint8_t header[5];      /* PostgreSQL's message framing: type and length */
    size_t header_got;
    size_t body_left;
} pair;

static struct proxy {
    pthread_t thread;
    pthread_mutex_t lock;
    char dir[64];
    int listen_fd;
    int wake[2];
    /* shared with the test, under lock */
    int stop, refuse;
    char needle[64];
    int cut_before;
    int refuse_after_cut; /* the database goes away with the cut */
    int park;             /* keep the armed statement from PostgreSQL until released */
    int release;
    int cuts, closed_by_refusal, parked;
    pair pairs[MAX_PAIRS];
    int npairs;
} px = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int postgres_socket(void)
{
    const char *host = getenv("PGHOST"), *port = getenv("PGPORT");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/.s.PGSQL.%s", host, port ? port : "5432");
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static void pair_close(int i)
{
    free(px.pairs[i].parked);
    close(px.pairs[i].up);
    close(px.pairs[i].down);
    px.pairs[i] = px.pairs[--px.npairs];
}

/* True when what cchcd just sent runs the armed statement: a Bind message
 * ('B', length, the unnamed portal's "", the statement's name), not the
 * Parse that prepares it on a fresh connection. */
static int needle_in(pair *p, const uint8_t *data, size_t len)
{
    char pattern[80];
    size_t plen = (size_t)snprintf(pattern, sizeof(pattern), "%c%s%c", 0, px.needle, 0);
    int found = 0;
    if (px.needle[0]) {
        size_t total = p->tail_len + len;
        uint8_t *joined = malloc(total);
        memcpy(joined, p->tail, p->tail_len);
        memcpy(joined + p->tail_len, data, len);
        for (const uint8_t *at = joined; !found && at < joined + total;) {
            const uint8_t *m = memmem(at, (size_t)(joined + total - at), pattern, plen);
            if (!m)
                break;
            found = m - joined >= 5 && m[-5] == 'B';
            at = m + 1;
        }
        free(joined);
    }
    size_t keep = len < NEEDLE_TAIL ? len : NEEDLE_TAIL;
    if (p->tail_len + keep > NEEDLE_TAIL) {
        size_t drop = p->tail_len + keep - NEEDLE_TAIL;
        memmove(p->tail, p->tail + drop, p->tail_len - drop);
        p->tail_len -= drop;
    }
    memcpy(p->tail + p->tail_len, data + len - keep, keep);
    p->tail_len += keep;
    return found;
}

/* Follows PostgreSQL's messages; true when a ReadyForQuery was among them. */
static int ready_for_query_in(pair *p, const uint8_t *data, size_t len)
{
    int ready = 0;
    for (size_t i = 0; i < len;) {
        if (p->body_left > 0) {
            size_t n = len - i < p->body_left ? len - i : p->body_left;
            p->body_left -= n;
            i += n;
            continue;
        }
        p->header[p->header_got++] = data[i++];
        if (p->header_got < 5)
            continue;
        uint32_t mlen = (uint32_t)p->header[1] << 24 | (uint32_t)p->header[2] << 16 |
                        (uint32_t)p->header[3] << 8 | p->header[4];
        ready |= p->header[0] == 'Z';
        p->body_left = mlen - 4;
        p->header_got = 0;
    }
    return ready;
}

/* Relays one read; returns -1 when the pair is to be closed. */
static int relay(pair *p, int from_up)
{
    uint8_t buf[65536];
    ssize_t n = read(from_up ? p->up : p->down, buf, sizeof(buf));
    if (n <= 0)
        return -1;
    if (from_up) {
        if (needle_in(p, buf, (size_t)n)) {
            px.needle[0] = '\0';
            if (px.cut_before) {
                px.cuts++;
                return -1;
            }
            if (px.park) {
                px.park = 0;
                px.parked++;
                p->parked = malloc(1); /* parking starts: all that follows waits too */
            } else {
                p->holding = 1;
            }
        }
        if (p->parked) {
            p->parked = realloc(p->parked, p->parked_len + (size_t)n);
            memcpy(p->parked + p->parked_len, buf, (size_t)n);
            p->parked_len += (size_t)n;
            return 0;
        }
        return write_all(p->down, buf, (size_t)n);
    }
    int ready = ready_for_query_in(p, buf, (size_t)n);
    if (!p->holding)
        return write_all(p->up, buf, (size_t)n);
    if (ready) {
        px.cuts++;
        px.refuse |= px.refuse_after_cut;
        px.refuse_after_cut = 0;
        return -1;
    }
    return 0;
}

static void *proxy_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct pollfd fds[2 + 2 * MAX_PAIRS];
        pthread_mutex_lock(&px.lock);
        if (px.stop) {
            while (px.npairs > 0)
                pair_close(0);
            pthread_mutex_unlock(&px.lock);
            return NULL;
        }
        if (px.release) {
            px.release = 0;
            for (int i = 0; i < px.npairs; i++) {
                pair *p = &px.pairs[i];
                if (p->parked)
                    /* a failure shows as a missing answer */
                    (void)write_all(p->down, p->parked, p->parked_len);
                free(p->parked);
                p->parked = NULL;
                p->parked_len = 0;
            }
        }
        if (px.refuse)
            while (px.npairs > 0) {
                pair_close(0);
                px.closed_by_refusal++;
            }
        int n = 0;
        fds[n++] = (struct pollfd){.fd = px.wake[0], .events = POLLIN};
        fds[n++] = (struct pollfd){.fd = px.listen_fd, .events = POLLIN};
        for (int i = 0; i < px.npairs; i++) {
            fds[n++] = (struct pollfd){.fd = px.pairs[i].up, .events = POLLIN};
            fds[n++] = (struct pollfd){.fd = px.pairs[i].down, .events = POLLIN};
        }
        int npairs = px.npairs;
        pthread_mutex_unlock(&px.lock);
        if (poll(fds, (nfds_t)n, -1) < 0)
            continue;
        pthread_mutex_lock(&px.lock);
        if (fds[0].revents) {
            char b[16];
            if (read(px.wake[0], b, sizeof(b)) < 0)
                b[0] = 0;
        }
        /* pairs from the last poll, highest first: closing moves the last */
        for (int i = npairs - 1; i >= 0; i--) {
            for (int side = 0; side < 2 && i < px.npairs; side++) {
                if (!fds[2 + 2 * i + side].revents)
                    continue;
                if (relay(&px.pairs[i], side == 0) != 0) {
                    pair_close(i);
                    break;
                }
            }
        }
        if (fds[1].revents) {
            int up = accept4(px.listen_fd, NULL, NULL, SOCK_CLOEXEC);
            int down = up >= 0 && !px.refuse && px.npairs < MAX_PAIRS ? postgres_socket() : -1;
            if (down < 0) {
                if (up >= 0)
                    close(up);
            } else {
                px.pairs[px.npairs++] = (pair){.up = up, .down = down};
            }
        }
        pthread_mutex_unlock(&px.lock);
    }
}

static void proxy_wake(void)
{
    if (write(px.wake[1], "x", 1) != 1)
        fail_msg("cannot wake the proxy");
}

static void proxy_start(void)
{
    snprintf(px.dir, sizeof(px.dir), "/tmp/cchc-proxy.XXXXXX");
    if (!mkdtemp(px.dir) || pipe(px.wake) != 0)
        fail_msg("proxy: %s", strerror(errno));
    const char *port = getenv("PGPORT");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/.s.PGSQL.%s", px.dir, port ? port : "5432");
    px.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (px.listen_fd < 0 || bind(px.listen_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        listen(px.listen_fd, 16) != 0)
        fail_msg("proxy cannot listen on %s: %s", addr.sun_path, strerror(errno));
    if (pthread_create(&px.thread, NULL, proxy_main, NULL) != 0)
        fail_msg("cannot start the proxy thread");
}

static void proxy_stop(void)
{
    pthread_mutex_lock(&px.lock);
    px.stop = 1;
    pthread_mutex_unlock(&px.lock);
    proxy_wake();
    pthread_join(px.thread, NULL);
    close(px.listen_fd);
    close(px.wake[0]);
    close(px.wake[1]);
    char path[128];
    const char *port = getenv("PGPORT");
    snprintf(path, sizeof(path), "%s/.s.PGSQL.%s", px.dir, port ? port : "5432");
    unlink(path);
    rmdir(px.dir);
}

/* Arms the proxy for the next statement called name (its prepared name). */
static void proxy_arm(const char *name, int cut_before)
{
    pthread_mutex_lock(&px.lock);
    snprintf(px.needle, sizeof(px.needle), "%s", name);
    px.cut_before = cut_before;
    pthread_mutex_unlock(&px.lock);
}

/* The same, cutting after the commit, and then refusing every connection
 * (the database is down) until proxy_refuse(0). */
static void proxy_arm_then_refuse(const char *name)
{
    pthread_mutex_lock(&px.lock);
    snprintf(px.needle, sizeof(px.needle), "%s", name);
    px.cut_before = 0;
    px.refuse_after_cut = 1;
    pthread_mutex_unlock(&px.lock);
}

/* Arms the proxy to keep the next statement called name (and all after it
 * on that connection) from PostgreSQL until proxy_release: the write's
 * transaction stays open with its key inserted. */
static void proxy_arm_park(const char *name)
{
    pthread_mutex_lock(&px.lock);
    snprintf(px.needle, sizeof(px.needle), "%s", name);
    px.cut_before = 0;
    px.park = 1;
    pthread_mutex_unlock(&px.lock);
}

static int proxy_parked(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&px.lock);
    int parked = px.parked;
    pthread_mutex_unlock(&px.lock);
    return parked > 0;
}

static void proxy_release(void)
{
    pthread_mutex_lock(&px.lock);
    px.release = 1;
    px.parked = 0;
    pthread_mutex_unlock(&px.lock);
    proxy_wake();
}

static int proxy_cuts(void)
{
    pthread_mutex_lock(&px.lock);
    int cuts = px.cuts;
    pthread_mutex_unlock(&px.lock);
    return cuts;
}

/* Refuses (or again relays) every connection: the database is down. */
static int proxy_refuse(int refuse)
{
    pthread_mutex_lock(&px.lock);
    px.refuse = refuse;
    int open_pairs = px.npairs;
    pthread_mutex_unlock(&px.lock);
    proxy_wake();
    return open_pairs;
}

/* ---- the fixture ------------------------------------------------------------ */

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { DISTRICT_REPORTER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
};

static int setup(void **state)
{
    (void)state;
    proxy_start();
    fixture_start(&fx, "retry", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    /* from now on cchcd reaches PostgreSQL through the proxy */
    assert_int_equal(harness_server_stop(srv), 0);
    char conninfo[256];
    snprintf(conninfo, sizeof(conninfo), "host=%s port=%s dbname=%s", px.dir,
             getenv("PGPORT") ? getenv("PGPORT") : "5432", fx.db.name);
    const char *args[] = {"--db-retry-max", "200", NULL};
    harness_server_restart(srv, conninfo, args);
    fixture_as(&fx, -1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    int rc = fixture_stop(&fx);
    proxy_stop();
    return rc;
}

/* ---- helpers ------------------------------------------------------------------ */

/* Occurrences of needle in cchcd's log. */
static int log_count(const char *needle)
{
    return harness_log_count(srv, needle);
}

/* Connections of cchcd's pool that became ready, and that were lost. */
static int log_ready_count(void)
{
    char *log = harness_read_file(srv->log_path);
    int n = 0;
    for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
        size_t len = strlen(line);
        int ready_one = strstr(line, "database connection ") && len > 6 &&
                        strcmp(line + len - 6, " ready") == 0;
        n += strstr(line, "database ready (connection") != NULL || ready_one;
    }
    free(log);
    return n;
}

/* Every connection of cchcd's pool (4) is ready: each one lost was
 * connected again. */
static int pool_settled(void *arg)
{
    (void)arg;
    return log_ready_count() >= 4 + log_count(" lost: ");
}

static char admin_token[128];

/* A user add for username sent raw with request key, as the administrator. */
static Cchc__V1__Response *raw_user_add(int fd, uint64_t id, const char *key, const char *username,
                                        const char *full_name)
{
    char *roles[] = {"viewer"};
    Cchc__V1__UserAddRequest add = CCHC__V1__USER_ADD_REQUEST__INIT;
    add.username = (char *)username;
    add.full_name = (char *)full_name;
    add.unit = "Q-NINHKIEU";
    add.roles = roles;
    add.n_roles = 1;
    add.password = "Xem-bao-cao-Can-Tho-2023";
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = id;
    req.session_token = admin_token;
    req.request_key = (char *)key;
    req.body_case = CCHC__V1__REQUEST__BODY_USER_ADD;
    req.user_add = &add;
    raw_send_request(fd, &req);
    Cchc__V1__Response *r = raw_read_response(fd, 30000);
    if (!r)
        fail_msg("no answer to user add %s", username);
    return r;
}

static void expect_error(const Cchc__V1__Response *r, Cchc__V1__ErrorCode code)
{
    if (!r->error) {
        harness_print_log_tail(srv->log_path);
        fail_msg("expected error %d, got an answer", (int)code);
    }
    if (r->error->code != code)
        fail_msg("expected error %d, got %d: %s%s%s", (int)code, (int)r->error->code,
                 r->error->message, r->error->n_details ? " / " : "",
                 r->error->n_details ? r->error->details[0]->message : "");
}

/* The answer as stored with a request key: encoded with request id 0, hex. */
static char *response_hex(Cchc__V1__Response *r)
{
    uint64_t id = r->request_id;
    r->request_id = 0;
    size_t len = protobuf_c_message_get_packed_size(&r->base);
    uint8_t *bytes = malloc(len + 1);
    protobuf_c_message_pack(&r->base, bytes);
    char *hex = malloc(len * 2 + 1);
    sodium_bin2hex(hex, len * 2 + 1, bytes, len);
    free(bytes);
    r->request_id = id;
    return hex;
}

/* ---- tests ---------------------------------------------------------------------- */

/* Cut after the commit, before the answer: OUTCOME_UNKNOWN, applied once;
 * the retry with the same key gets the stored answer and applies nothing. */
static void test_raw_user_add_cut_after_commit(void **state)
{
    (void)state;
    harness_home_token(fx.home, admin_token, sizeof(admin_token));
    const char *key = "retry-user-add-0001";
    int cuts = proxy_cuts();
    proxy_arm("cchc_request_key_store", 0);
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    Cchc__V1__Response *r = raw_user_add(fd, 2, key, "retry.raw", "Người thử gửi lại");
    expect_error(r, CCHC__V1__ERROR_CODE__OUTCOME_UNKNOWN);
    assert_non_null(strstr(r->error->message, "request_key"));
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(proxy_cuts(), cuts + 1);
    /* it committed: the account, its audit row and the key with its answer */
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM account WHERE username = 'retry.raw'"), 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM audit_log WHERE target = 'retry.raw'"), 1);
    char *stored = harness_db_query(&fx.db, "SELECT encode(response, 'hex') FROM request_key "
                                            "WHERE key = 'retry-user-add-0001'");
    assert_non_null(stored);

    /* the retry: the original answer, byte for byte, and nothing new */
    r = raw_user_add(fd, 3, key, "retry.raw", "Người thử gửi lại");
    if (r->error)
        fail_msg("retry answered %s", r->error->message);
    assert_int_equal(r->request_id, 3);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_USER);
    assert_int_equal(r->user->n_accounts, 1);
    assert_string_equal(r->user->accounts[0]->username, "retry.raw");
    assert_string_equal(r->user->accounts[0]->full_name, "Người thử gửi lại");
    char *hex = response_hex(r);
    assert_string_equal(hex, stored);
    free(hex);
    free(stored);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM account WHERE username = 'retry.raw'"), 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM audit_log WHERE target = 'retry.raw'"), 1);
    assert_true(harness_log_contains(srv, "answered from its request key"));

    /* the same key with another request is a mistake, not a retry */
    r = raw_user_add(fd, 4, key, "retry.raw", "Tên khác");
    expect_error(r, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT);
    cchc__v1__response__free_unpacked(r, NULL);
    close(fd);
}

/* A report submission sent raw with an envelope key and a row key. */
static Cchc__V1__Response *raw_submit(int fd, uint64_t id, const char *token, const char *key,
                                      const char *row_key)
{
    Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT;
    Cchc__V1__ReportRow *rows[] = {&row};
    row.line = 1;
    row.task_id = 105;
    row.status = "in_progress";
    row.progress = "40";
    row.results = "Đã rà soát 57 thủ tục";
    row.idempotency_key = (char *)row_key;
    Cchc__V1__ReportSubmitRequest submit = CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    submit.period_id = "2023-6M";
    submit.rows = rows;
    submit.n_rows = 1;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = id;
    req.session_token = (char *)token;
    req.request_key = (char *)key;
    req.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req.report_submit = &submit;
    raw_send_request(fd, &req);
    Cchc__V1__Response *r = raw_read_response(fd, 30000);
    if (!r)
        fail_msg("no answer to the submission");
    return r;
}

/* The same for a report submission, whose rows carry their own keys: the
 * envelope key's retry gets the first answer (saved, not replayed), while a
 * retry without it (an older client) still finds the row's revision. */
static void test_raw_submit_cut_after_commit(void **state)
{
    (void)state;
    char token[128];
    harness_home_token(fx.homes[DISTRICT_REPORTER], token, sizeof(token));
    const char *key = "retry-submit-0001-abcdef", *row_key = "5f0c8e2a9b7d4c1e8f3a6b2d9c0e7f14";
    int cuts = proxy_cuts();
    proxy_arm("cchc_request_key_store", 0);
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    Cchc__V1__Response *r = raw_submit(fd, 2, token, key, row_key);
    expect_error(r, CCHC__V1__ERROR_CODE__OUTCOME_UNKNOWN);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(proxy_cuts(), cuts + 1);
    const char *revisions = "SELECT count(*) FROM report_revision v JOIN report x ON x.id = "
                            "v.report_id WHERE x.period_id = '2023-6M' AND x.task_id = 105 "
                            "AND x.unit_code = 'Q-NINHKIEU'";
    assert_int_equal(harness_db_count(&fx.db, "%s", revisions), 1);
    char *stored = harness_db_query(&fx.db, "SELECT encode(response, 'hex') FROM request_key "
                                            "WHERE key = 'retry-submit-0001-abcdef'");
    assert_non_null(stored);

    r = raw_submit(fd, 3, token, key, row_key);
    if (r->error)
        fail_msg("retry answered %s", r->error->message);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_REPORT_SUBMIT);
    assert_int_equal(r->report_submit->n_saved, 1);
    assert_false(r->report_submit->saved[0]->replayed); /* the first answer, as it was */
    char *hex = response_hex(r);
    assert_string_equal(hex, stored);
    free(hex);
    free(stored);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_db_count(&fx.db, "%s", revisions), 1);

    r = raw_submit(fd, 4, token, "", row_key);
    if (r->error)
        fail_msg("keyless retry answered %s", r->error->message);
    assert_int_equal(r->report_submit->n_saved, 1);
    assert_true(r->report_submit->saved[0]->replayed);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_db_count(&fx.db, "%s", revisions), 1);
    close(fd);
}

/* A retry while the first attempt's transaction is still open: its key
 * insert waits for that transaction, and once it commits, the retry is
 * rolled back by the key's unique violation and answered from the record. */
static void test_retry_during_first_attempt(void **state)
{
    (void)state;
    harness_home_token(fx.home, admin_token, sizeof(admin_token));
    harness_wait_for(pool_settled, NULL, 20000, "cchcd's four database connections to be ready");
    int answered = log_count("answered from its request key");
    const char *key = "retry-while-running-0001";
    proxy_arm_park("cchc_request_key_store");
    int first = raw_connect(srv), second = raw_connect(srv);
    raw_hello(first, 1);
    raw_hello(second, 1);
    char *roles[] = {"viewer"};
    Cchc__V1__UserAddRequest add = CCHC__V1__USER_ADD_REQUEST__INIT;
    add.username = "retry.twice";
    add.full_name = "Hai lần";
    add.unit = "Q-NINHKIEU";
    add.roles = roles;
    add.n_roles = 1;
    add.password = "Xem-bao-cao-Can-Tho-2023";
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 2;
    req.session_token = admin_token;
    req.request_key = (char *)key;
    req.body_case = CCHC__V1__REQUEST__BODY_USER_ADD;
    req.user_add = &add;
    raw_send_request(first, &req);
    harness_wait_for(proxy_parked, NULL, 20000, "the first attempt's answer to be stored");
    raw_send_request(second, &req);
    harness_wait_for(harness_someone_waits_for_lock, &fx.db, 20000, "the retry to wait for the first attempt");
    proxy_release();
    Cchc__V1__Response *r1 = raw_read_response(first, 30000), *r2 = raw_read_response(second, 30000);
    assert_non_null(r1);
    assert_non_null(r2);
    if (r1->error || r2->error)
        fail_msg("answered %s / %s", r1->error ? r1->error->message : "ok",
                 r2->error ? r2->error->message : "ok");
    char *hex1 = response_hex(r1), *hex2 = response_hex(r2);
    assert_string_equal(hex1, hex2);
    free(hex1);
    free(hex2);
    cchc__v1__response__free_unpacked(r1, NULL);
    cchc__v1__response__free_unpacked(r2, NULL);
    assert_int_equal(log_count("answered from its request key"), answered + 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM account WHERE username = 'retry.twice'"), 1);
    close(first);
    close(second);
}

/* The clerk's client meets the same cut: it retries with the same key by
 * itself and reports the submission once; one revision is saved. */
static void test_client_submit_retries_by_itself(void **state)
{
    (void)state;
    fixture_as(&fx, DISTRICT_REPORTER);
    int cuts = proxy_cuts();
    int answered = log_count("answered from its request key");
    proxy_arm("cchc_request_key_store", 0);
    const char *submit[] = {"submit", "--task", "102", "--period", "2023-6M", "--status",
                            "đang triển khai", "--progress", "30", "--result",
                            "Đã tiếp nhận 1.234 hồ sơ", NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    if (r.exit_code != 0)
        fail_msg("cchc submit exited %d: %s", r.exit_code, r.err);
    assert_int_equal(proxy_cuts(), cuts + 1);
    const char *first = strstr(r.out, "Đã gửi 1 báo cáo kỳ 2023-6M");
    assert_non_null(first);
    assert_null(strstr(first + 1, "Đã gửi"));
    assert_null(strstr(r.err, "hộp thư đi")); /* nothing left for the outbox */
    run_result_free(&r);
    assert_int_equal(log_count("answered from its request key"), answered + 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM report_revision v JOIN report x ON x.id = "
                              "v.report_id WHERE x.period_id = '2023-6M' AND x.task_id = 102 "
                              "AND x.unit_code = 'Q-NINHKIEU'"),
                     1);
    const char *outbox[] = {"--json", "outbox", NULL};
    harness_cchc(&r, srv, outbox);
    assert_non_null(strstr(r.out, "\"waiting\": 0"));
    run_result_free(&r);
    fixture_as(&fx, -1);
}

/* The database goes away right after the submission committed, so cchc
 * cannot learn the outcome: it says so (exit 5) and keeps the submission
 * in the outbox, whose resend is answered from the record: one revision. */
static void test_client_in_doubt_keeps_submission(void **state)
{
    (void)state;
    fixture_as(&fx, DISTRICT_REPORTER);
    harness_wait_for(pool_settled, NULL, 20000, "cchcd's four database connections to be ready");
    int cuts = proxy_cuts(), answered = log_count("answered from its request key");
    proxy_arm_then_refuse("cchc_request_key_store");
    const char *submit[] = {"submit", "--task", "107", "--period", "2023-6M", "--status",
                            "hoàn thành", "--progress", "100", "--result", "Đã công khai 100%",
                            NULL};
    run_result r;
    harness_cchc(&r, srv, submit);
    assert_int_equal(r.exit_code, 5);
    assert_non_null(strstr(r.err, "có thể đã được ghi, cũng có thể chưa"));
    assert_non_null(strstr(r.err, "hộp thư đi"));
    run_result_free(&r);
    assert_int_equal(proxy_cuts(), cuts + 1);
    const char *revisions = "SELECT count(*) FROM report_revision v JOIN report x ON x.id = "
                            "v.report_id WHERE x.period_id = '2023-6M' AND x.task_id = 107 "
                            "AND x.unit_code = 'Q-NINHKIEU'";
    assert_int_equal(harness_db_count(&fx.db, "%s", revisions), 1); /* it had committed */

    int ready = log_count("database ready") + 1;
    proxy_refuse(0);
    harness_wait_log_count(srv, "database ready", ready, 20000, "cchcd to reach the database again");
    const char *send[] = {"outbox", "send", NULL};
    json_t *sent = harness_cchc_json(srv, send);
    assert_int_equal(jint(sent, "sent"), 1);
    assert_int_equal(jint(sent, "waiting"), 0);
    json_decref(sent);
    assert_int_equal(log_count("answered from its request key"), answered + 1);
    assert_int_equal(harness_db_count(&fx.db, "%s", revisions), 1);
    fixture_as(&fx, -1);
}

/* An administrator's client too (the key is random, not the rows'). */
static void test_client_user_add_retries_by_itself(void **state)
{
    (void)state;
    int cuts = proxy_cuts();
    proxy_arm("cchc_request_key_store", 0);
    const char *add[] = {"user", "add", "retry.cli", "--unit", "Q-NINHKIEU", "--role", "viewer",
                         "--full-name", "Người thử", "--password-stdin", NULL};
    run_result r;
    harness_cchc_input(&r, srv, "Xem-bao-cao-Can-Tho-2023\n", add);
    if (r.exit_code != 0)
        fail_msg("cchc user add exited %d: %s", r.exit_code, r.err);
    assert_int_equal(proxy_cuts(), cuts + 1);
    assert_non_null(strstr(r.out, "retry.cli"));
    assert_null(strstr(r.err, "already exists"));
    run_result_free(&r);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM account WHERE username = 'retry.cli'"), 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM audit_log WHERE target = 'retry.cli'"), 1);
}

/* Cut before the write's sync left: it cannot have committed, so it is
 * UNAVAILABLE (safe to retry) and nothing is written. */
static void test_cut_before_sync_is_unavailable(void **state)
{
    (void)state;
    harness_home_token(fx.home, admin_token, sizeof(admin_token));
    int cuts = proxy_cuts();
    proxy_arm("cchc_request_key_claim", 1);
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    Cchc__V1__Response *r = raw_user_add(fd, 2, "retry-never-synced-01", "retry.never", "Chưa gửi");
    expect_error(r, CCHC__V1__ERROR_CODE__UNAVAILABLE);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(proxy_cuts(), cuts + 1);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM account WHERE username = 'retry.never'"), 0);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM request_key WHERE key = 'retry-never-synced-01'"),
                     0);
    /* and it is applied once sent again */
    r = raw_user_add(fd, 3, "retry-never-synced-01", "retry.never", "Chưa gửi");
    if (r->error)
        fail_msg("second attempt answered %s", r->error->message);
    cchc__v1__response__free_unpacked(r, NULL);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM account WHERE username = 'retry.never'"), 1);
    close(fd);
}

/* The database is down before the request: never sent, UNAVAILABLE,
 * nothing written; the client does not retry a write that is not in doubt. */
static void test_database_down_is_unavailable(void **state)
{
    (void)state;
    harness_home_token(fx.home, admin_token, sizeof(admin_token));
    /* with every connection ready, each one sees its loss */
    harness_wait_for(pool_settled, NULL, 20000, "cchcd's four database connections to be ready");
    int lost = log_count(" lost: ") + 4;
    assert_int_equal(proxy_refuse(1), 4);
    harness_wait_log_count(srv, " lost: ", lost, 20000, "cchcd to see every database connection lost");
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    Cchc__V1__Response *r = raw_user_add(fd, 2, "retry-database-down-1", "retry.down", "Không có CSDL");
    expect_error(r, CCHC__V1__ERROR_CODE__UNAVAILABLE);
    cchc__v1__response__free_unpacked(r, NULL);
    close(fd);
    const char *add[] = {"user", "add", "retry.down2", "--unit", "Q-NINHKIEU", "--role", "viewer",
                         "--password-stdin", NULL};
    run_result out;
    harness_cchc_input(&out, srv, "Xem-bao-cao-Can-Tho-2023\n", add);
    assert_int_equal(out.exit_code, 1);
    assert_non_null(strstr(out.err, "máy chủ chưa sẵn sàng"));
    run_result_free(&out);

    int ready = log_count("database ready") + 1;
    proxy_refuse(0);
    harness_wait_log_count(srv, "database ready", ready, 20000, "cchcd to reach the database again");
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM account WHERE username LIKE 'retry.down%%'"), 0);
    assert_int_equal(harness_db_count(&fx.db, "SELECT count(*) FROM request_key WHERE key = 'retry-database-down-1'"),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_user_add_cut_after_commit),
        cmocka_unit_test(test_raw_submit_cut_after_commit),
        cmocka_unit_test(test_retry_during_first_attempt),
        cmocka_unit_test(test_client_submit_retries_by_itself),
        cmocka_unit_test(test_client_user_add_retries_by_itself),
        cmocka_unit_test(test_client_in_doubt_keeps_submission),
        cmocka_unit_test(test_cut_before_sync_is_unavailable),
        cmocka_unit_test(test_database_down_is_unavailable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
