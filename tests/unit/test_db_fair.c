/* The database queue's order of service (server/db/db_fair.c): for given
 * arrivals, which item is served next, what the caps hold back, what
 * finishing and removing release, and that nothing leaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db_fair.h"

/* A queued thing: its owner and a name the tests look at. */
typedef struct job {
    fair_item link; /* first: a fair_item * is a job * */
    uint64_t group, member;
    char name[16];
    fair_member *from; /* set when served */
} job;

#define MAX_JOBS 4096
static job jobs[MAX_JOBS];
static int njobs;

static job *push(fair_queue *q, uint64_t group, uint64_t member, const char *name)
{
    assert_true(njobs < MAX_JOBS);
    job *j = &jobs[njobs++];
    memset(j, 0, sizeof(*j));
    j->group = group;
    j->member = member;
    snprintf(j->name, sizeof(j->name), "%s", name);
    assert_non_null(fair_push(q, group, member, &j->link));
    return j;
}

/* The next job served (NULL when none may be). */
static job *next(fair_queue *q)
{
    fair_member *from = NULL;
    job *j = (job *)fair_next(q, &from);
    if (j) {
        assert_non_null(from);
        assert_true(from->id == j->member && from->group->id == j->group);
        j->from = from;
    }
    return j;
}

static void done(fair_queue *q, job *j)
{
    fair_done(q, j->from);
    j->from = NULL;
}

/* Serves everything, finishing each at once; writes the names served. */
static void drain(fair_queue *q, char *order, size_t size)
{
    order[0] = '\0';
    job *j;
    while ((j = next(q)) != NULL) {
        size_t used = strlen(order);
        snprintf(order + used, size - used, "%s%s", used ? " " : "", j->name);
        done(q, j);
    }
}

static int setup(void **state)
{
    (void)state;
    njobs = 0;
    return 0;
}

/* One member: first come, first served. */
static void test_fifo_within_a_member(void **state)
{
    (void)state;
    fair_queue q;
    fair_init(&q, 0, 0);
    push(&q, 1, 1, "a1");
    push(&q, 1, 1, "a2");
    push(&q, 1, 1, "a3");
    char order[256];
    drain(&q, order, sizeof(order));
    assert_string_equal(order, "a1 a2 a3");
    assert_int_equal(q.queued, 0);
    assert_int_equal(q.inflight, 0);
    assert_int_equal(q.ngroups, 0);
    assert_int_equal(q.nmembers, 0);
    fair_free(&q);
}

/* Groups take turns whatever arrived first; a group that arrives later
 * gets its turn after those already waiting have had one. */
static void test_round_robin_between_groups(void **state)
{
    (void)state;
    fair_queue q;
    fair_init(&q, 0, 0);
    for (int i = 1; i <= 4; i++) {
        char name[8];
        snprintf(name, sizeof(name), "f%d", i);
        push(&q, 7, 1, name); /* a flood, all arrived first */
    }
    push(&q, 9, 2, "x1");
    push(&q, 9, 2, "x2");
    push(&q, 3, 5, "y1");
    char order[256];
    drain(&q, order, sizeof(order));
    assert_string_equal(order, "f1 x1 y1 f2 x2 f3 f4");
    fair_free(&q);
}

/* Within a group its members take turns; the group as a whole takes one
 * turn among the groups. */
static void test_members_within_a_group(void **state)
{
    (void)state;
    fair_queue q;
    fair_init(&q, 0, 0);
    push(&q, 1, 10, "a1");
    push(&q, 1, 10, "a2");
    push(&q, 1, 10, "a3");
    push(&q, 1, 11, "b1");
    push(&q, 1, 11, "b2");
    push(&q, 2, 20, "z1");
    push(&q, 2, 20, "z2");
    push(&q, 2, 20, "z3");
    char order[256];
    drain(&q, order, sizeof(order));
    assert_string_equal(order, "a1 z1 b1 z2 a2 z3 b2 a3");
    fair_free(&q);
}

/* The group cap: a group with that many in flight is not served, however
 * much it has queued, until one finishes; others are served meanwhile. */
static void test_group_cap(void **state)
{
    (void)state;
    fair_queue q;
    fair_init(&q, 2, 0);
    job *f[6];
    for (int i = 0; i < 6; i++) {
        char name[8];
        snprintf(name, sizeof(name), "f%d", i + 1);
        f[i] = push(&q, 7, (uint64_t)(i % 3), name); /* three connections of one account */
    }
    assert_ptr_equal(next(&q), f[0]);
    assert_ptr_equal(next(&q), f[1]);
    assert_null(next(&q)); /* at its cap */
    assert_int_equal(q.inflight, 2);
    job *x = push(&q, 8, 1, "x1"); /* the newcomer */
    assert_ptr_equal(next(&q), x);  /* at once, whatever the flood has queued */
    assert_null(next(&q));
    done(&q, f[0]);
    assert_ptr_equal(next(&q), f[2]); /* connections of the flood in turn */
    assert_null(next(&q));
    done(&q, f[1]);
    done(&q, f[2]);
    done(&q, x);
    char order[256];
    drain(&q, order, sizeof(order));
    assert_string_equal(order, "f4 f5 f6");
    assert_int_equal(q.ngroups, 0);
    fair_free(&q);
}

/* The member cap: one member at its cap does not hold back another
 * member of the same group. */
static void test_member_cap(void **state)
{
    (void)state;
    fair_queue q;
    fair_init(&q, 0, 1);
    job *a1 = push(&q, 1, 1, "a1");
    push(&q, 1, 1, "a2");
    job *b1 = push(&q, 1, 2, "b1");
    assert_ptr_equal(next(&q), a1);
    assert_ptr_equal(next(&q), b1);
    assert_null(next(&q));
    done(&q, b1);
    assert_null(next(&q)); /* b has nothing, a is at its cap */
    done(&q, a1);
    job *a2 = next(&q);
    assert_non_null(a2);
    assert_string_equal(a2->name, "a2");
    done(&q, a2);
    assert_int_equal(q.nmembers, 0);
    fair_free(&q);
}

/* A newcomer behind a flood with caps: served at once, then it waits
 * only for a turn, never for the flood's backlog. */
static void test_newcomer_behind_a_flood(void **state)
{
    (void)state;
    enum { FLOOD = 1000 };
    fair_queue q;
    fair_init(&q, 4, 4);
    for (int i = 0; i < FLOOD; i++)
        push(&q, 5, (uint64_t)(100 + i % 8), "f");
    /* in flight: the flood's share */
    job *served[4];
    for (int i = 0; i < 4; i++)
        assert_non_null(served[i] = next(&q));
    assert_null(next(&q));
    job *a = push(&q, 6, 1, "admin1");
    job *b = push(&q, 6, 1, "admin2");
    assert_ptr_equal(next(&q), a);
    assert_ptr_equal(next(&q), b);
    assert_int_equal(q.queued, FLOOD - 4);
    done(&q, a);
    done(&q, b);
    for (int i = 0; i < 4; i++)
        done(&q, served[i]);
    char order[8192];
    drain(&q, order, sizeof(order));
    assert_int_equal(q.queued, 0);
    assert_int_equal(q.ngroups, 0);
    fair_free(&q);
}

/* Removing waiting items (a client that left): fair_unqueue takes a
 * member's oldest waiting item out; the rest keep their order. */
static void test_unqueue(void **state)
{
    (void)state;
    fair_queue q;
    fair_init(&q, 1, 1);
    job *g1 = push(&q, 1, 1, "g1");
    push(&q, 1, 1, "g2");
    push(&q, 1, 1, "g3");
    push(&q, 2, 2, "k1");
    fair_member *from = NULL;
    assert_ptr_equal(fair_next(&q, &from), &g1->link);
    /* the client went: everything it still has waiting goes */
    int removed = 0;
    while (fair_peek(from)) {
        assert_non_null(fair_unqueue(&q, from));
        removed++;
    }
    assert_int_equal(removed, 2);
    fair_done(&q, from); /* g1 answered or dropped: the member is gone */
    char order[64];
    drain(&q, order, sizeof(order));
    assert_string_equal(order, "k1");
    assert_int_equal(q.nmembers, 0);
    assert_int_equal(q.ngroups, 0);
    /* removing from a member with nothing in flight frees it */
    push(&q, 3, 3, "m1");
    fair_member *m = NULL;
    for (unsigned i = 0; i < q.member_slots && !m; i++)
        m = q.member_table[i];
    assert_non_null(m);
    assert_non_null(fair_unqueue(&q, m));
    assert_int_equal(q.nmembers, 0);
    assert_int_equal(q.ngroups, 0);
    assert_null(next(&q));
    fair_free(&q);
}

/* Failing everything: every waiting item comes out once, caps or not. */
static void test_take_any(void **state)
{
    (void)state;
    fair_queue q;
    fair_init(&q, 1, 1);
    for (int i = 0; i < 50; i++)
        push(&q, (uint64_t)(i % 5), (uint64_t)(i % 7), "t");
    job *served = next(&q);
    assert_non_null(served);
    int taken = 0;
    uint64_t group, member;
    fair_item *item;
    while ((item = fair_take_any(&q, &group, &member)) != NULL) {
        job *j = (job *)item;
        assert_true(j->group == group && j->member == member);
        assert_null(j->from);
        taken++;
    }
    assert_int_equal(taken, 49);
    assert_int_equal(q.queued, 0);
    assert_int_equal(q.nmembers, 1); /* the one in flight */
    done(&q, served);
    assert_int_equal(q.nmembers, 0);
    assert_int_equal(q.ngroups, 0);
    fair_free(&q);
}

/* Many groups and members (the tables grow): every item is served once,
 * each member's items in their order, and no group is served twice in a
 * row while another waits. */
static void test_many_keys(void **state)
{
    (void)state;
    fair_queue q;
    fair_init(&q, 3, 2);
    enum { N = 3000 };
    for (int i = 0; i < N; i++) {
        char name[16];
        snprintf(name, sizeof(name), "%d", i);
        uint64_t member = (uint64_t)(i % 389);
        push(&q, member % 97, member, name);
    }
    int last_index[389];
    for (int i = 0; i < 389; i++)
        last_index[i] = -1;
    int served = 0;
    uint64_t previous_group = UINT64_MAX;
    for (;;) {
        int several = q.groups && q.groups->next != q.groups;
        job *j = next(&q);
        if (!j)
            break;
        int index = (int)(j - jobs);
        assert_true(index > last_index[j->member]); /* FIFO per member */
        last_index[j->member] = index;
        if (several)
            assert_true(j->group != previous_group);
        previous_group = j->group;
        done(&q, j);
        served++;
    }
    assert_int_equal(served, N);
    assert_int_equal(q.ngroups, 0);
    assert_int_equal(q.nmembers, 0);
    fair_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fifo_within_a_member, setup),
        cmocka_unit_test_setup(test_round_robin_between_groups, setup),
        cmocka_unit_test_setup(test_members_within_a_group, setup),
        cmocka_unit_test_setup(test_group_cap, setup),
        cmocka_unit_test_setup(test_member_cap, setup),
        cmocka_unit_test_setup(test_newcomer_behind_a_flood, setup),
        cmocka_unit_test_setup(test_unqueue, setup),
        cmocka_unit_test_setup(test_take_any, setup),
        cmocka_unit_test_setup(test_many_keys, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
