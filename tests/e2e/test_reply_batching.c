/* Replies coalesced (issue 15, deliver 2): the replies cchcd produces while
 * handling one read leave in one write, not one write each. Pipelined
 * requests sent in one write, plaintext and over TLS, must all be answered,
 * whole, in order and with their request ids, and the server's own count
 * of write calls for the connection (its debug line at close, "R replies
 * in W write calls") must be well below the number of replies. A long
 * pipeline (more replies than one batch holds) and pings that go through
 * the database (answered from the pool's callbacks, flushed once per loop
 * turn) are checked for completeness too. docs/performance.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* pings sent in one write after hello */
#define DEPTH 64
/* a pipeline longer than one batch of replies (64 frames) many times over */
#define LONG_PIPELINE 2000

static test_db db;

/* Reads n ping answers; in order (ids first_id, first_id + 1, ...) when
 * in_order, else each id exactly once. */
static void read_pings(int fd, uint64_t first_id, int n, int in_order)
{
    char *seen = calloc((size_t)n, 1);
    assert_non_null(seen);
    for (int i = 0; i < n; i++) {
        Cchc__V1__Response *r = raw_read_response(fd, 10000);
        if (!r)
            fail_msg("answer %d of %d missing or not a whole frame", i + 1, n);
        assert_null(r->error);
        assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_PING);
        assert_false(r->more);
        if (in_order)
            assert_int_equal(r->request_id, first_id + (uint64_t)i);
        assert_true(r->request_id >= first_id && r->request_id < first_id + (uint64_t)n);
        assert_false(seen[r->request_id - first_id]);
        seen[r->request_id - first_id] = 1;
        cchc__v1__response__free_unpacked(r, NULL);
    }
    free(seen);
}

/* After the connection from local port port has closed: the write calls
 * cchcd made for its replies, from its debug line, which must count
 * replies replies. */
static long writes_for(test_server *srv, int port, int replies)
{
    char needle[96];
    snprintf(needle, sizeof(needle), "(127.0.0.1:%d): %d replies in ", port, replies);
    harness_wait_log(srv, needle, 10000);
    FILE *f = fopen(srv->log_path, "r");
    assert_non_null(f);
    char line[1024];
    long writes = -1;
    while (fgets(line, sizeof(line), f)) {
        char *at = strstr(line, needle);
        if (at)
            writes = strtol(at + strlen(needle), NULL, 10);
    }
    fclose(f);
    assert_true(writes > 0);
    return writes;
}

/* hello, then DEPTH pings in one write: all answered in order, and in
 * far fewer writes than replies (one per read, plus TLS's handshake). */
static void pipelined_pings_leave_together(test_server *srv)
{
    int fd = raw_connect(srv);
    int port = raw_local_port(fd);
    raw_hello(fd, 1);
    size_t len;
    uint8_t *batch = raw_ping_frames(100, DEPTH, 0, &len);
    raw_send(fd, batch, len);
    free(batch);
    read_pings(fd, 100, DEPTH, 1);
    close(fd);
    long writes = writes_for(srv, port, DEPTH + 1);
    printf("# %s: %d replies in %ld write calls\n", srv->tls ? "TLS" : "plaintext", DEPTH + 1,
           writes);
    /* one reply per write would be 65; a read split in two by the kernel
     * or the TLS handshake's own writes add a few, never 16 */
    assert_true(writes < (DEPTH + 1) / 4);
}

/* A pipeline of many batches, and pings answered from the database pool:
 * nothing lost, whole, in order where the server answers at once. */
static void long_and_database_pipelines_complete(test_server *srv)
{
    int fd = raw_connect(srv);
    raw_hello(fd, 1);
    size_t len;
    uint8_t *batch = raw_ping_frames(1000, LONG_PIPELINE, 0, &len);
    raw_send(fd, batch, len);
    free(batch);
    read_pings(fd, 1000, LONG_PIPELINE, 1);
    batch = raw_ping_frames(5000, DEPTH, 1, &len);
    raw_send(fd, batch, len);
    free(batch);
    read_pings(fd, 5000, DEPTH, 0);
    close(fd);
}

/* What each server, plaintext and TLS, is checked for. */
static void replies_leave_together(test_server *srv)
{
    pipelined_pings_leave_together(srv);
    long_and_database_pipelines_complete(srv);
}

static void test_plaintext(void **state)
{
    (void)state;
    harness_with_server(&db, 0, replies_leave_together);
}

static void test_tls(void **state)
{
    (void)state;
    /* TLS whatever CCHC_TEST_TLS says */
    harness_with_server(&db, 1, replies_leave_together);
}

static int setup(void **state)
{
    (void)state;
    harness_db_create_migrated(&db, "batching");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    harness_db_drop(&db);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plaintext),
        cmocka_unit_test(test_tls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
