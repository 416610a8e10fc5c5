/* The harness's readings of cchcd's log beyond "does it say this yet"
 * (harness.c): how many times it said something, waiting for the count to
 * grow, and the line it said it on. Group commit, retries and flow control
 * are observed through these counts and lines; each test file had its own
 * copy of them until they were folded here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

int harness_log_count(const test_server *srv, const char *needle)
{
    char *log = harness_read_file(srv->log_path);
    int n = 0;
    for (const char *p = log; (p = strstr(p, needle)) != NULL; p++)
        n++;
    free(log);
    return n;
}

typedef struct log_wait {
    const test_server *srv;
    const char *needle;
    int at_least;
} log_wait;

static int log_reached(void *arg)
{
    const log_wait *w = arg;
    return harness_log_count(w->srv, w->needle) >= w->at_least;
}

void harness_wait_log_count(const test_server *srv, const char *needle, int at_least,
                            int timeout_ms, const char *what)
{
    log_wait w = {srv, needle, at_least};
    harness_wait_for(log_reached, &w, timeout_ms, what);
}

char *harness_log_line(const test_server *srv, const char *needle)
{
    char *log = harness_read_file(srv->log_path);
    char *hit = log ? strstr(log, needle) : NULL;
    char *line = NULL;
    if (hit) {
        char *start = hit, *end = strchr(hit, '\n');
        while (start > log && start[-1] != '\n')
            start--;
        size_t n = end ? (size_t)(end - start) : strlen(start);
        line = malloc(n + 1);
        assert_non_null(line);
        memcpy(line, start, n);
        line[n] = '\0';
    }
    free(log);
    return line;
}
