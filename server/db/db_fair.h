/* The order in which the database pool sends queued work: round robin
 * between groups (accounts), then between the members of a group (its
 * client connections), first come first served within a member, and a cap
 * on how many items of one group, and of one member, may be in flight (sent
 * and not yet answered) at once. With pipelining a flood would otherwise
 * fill every connection's pipeline, and whoever came next would wait
 * behind all of it; with the caps, a newcomer waits behind at most the
 * caps' worth of anyone else's work (docs/security.md, "Fair service").
 *
 * Pure bookkeeping: no I/O, no libpq, no libuv, so it is unit tested
 * (tests/unit/test_db_fair.c) and every operation costs O(1), amortised
 * over the hash tables' growth. Items are the caller's (an intrusive link
 * embedded in its own struct); groups and members exist only while they
 * have something queued or in flight. */
#ifndef CCHCD_DB_FAIR_H
#define CCHCD_DB_FAIR_H

#include <stdint.h>

/* Embedded in whatever the caller queues. */
typedef struct fair_item {
    struct fair_item *next;
} fair_item;

/* A place in a ring (circular, doubly linked): the groups that may be
 * served now, the members of a group that may be. */
typedef struct fair_ring {
    struct fair_ring *prev, *next;
} fair_ring;

typedef struct fair_group {
    fair_ring ring;           /* first: in the queue's ring while eligible */
    int in_ring;
    uint64_t id;
    struct fair_group *hash_next;
    fair_ring *members;       /* ring of its eligible members, next served first */
    int nmembers;             /* members that exist (queued or in flight) */
    int inflight;
} fair_group;

typedef struct fair_member {
    fair_ring ring;           /* first: in its group's ring while eligible */
    int in_ring;
    uint64_t id;
    fair_group *group;
    struct fair_member *hash_next;
    fair_item *head, *tail;   /* waiting, oldest first */
    int queued;
    int inflight;
} fair_member;

typedef struct fair_queue {
    int group_cap;            /* items of one group in flight at most; 0: no cap */
    int member_cap;           /* … of one member */
    fair_ring *groups;        /* ring of eligible groups, next served first */
    fair_group **group_table; /* by id */
    fair_member **member_table; /* by (group id, member id) */
    unsigned group_slots, member_slots; /* powers of two */
    unsigned ngroups, nmembers;
    int queued;               /* items waiting, over all members */
    int inflight;             /* items taken by fair_next and not yet done */
} fair_queue;

void fair_init(fair_queue *q, int group_cap, int member_cap);
/* Frees the tables; every item must have been taken and done before. */
void fair_free(fair_queue *q);

/* Queues item for (group, member). Returns the member it waits in (valid
 * while it has items queued or in flight), or NULL when memory is short
 * (nothing queued then). */
fair_member *fair_push(fair_queue *q, uint64_t group, uint64_t member, fair_item *item);

/* The next item to serve, counted in flight for its member and group, or
 * NULL when nothing queued may be served now (empty, or every member with
 * work is at a cap). *from is its member: pass it to fair_done when the
 * item is finished. */
fair_item *fair_next(fair_queue *q, fair_member **from);

/* An item fair_next gave has finished: its member and group may take
 * another. m may be freed here (when it holds nothing more). */
void fair_done(fair_queue *q, fair_member *m);

/* The oldest item waiting in m, or NULL. */
fair_item *fair_peek(const fair_member *m);

/* Removes m's oldest waiting item without serving it (its work is no
 * longer wanted) and returns it. m may be freed here unless it has an
 * item in flight. */
fair_item *fair_unqueue(fair_queue *q, fair_member *m);

/* Removes some waiting item, whatever the caps, and returns it with its
 * member's ids (for failing everything at once), or NULL when none waits.
 * The member may be freed here. */
fair_item *fair_take_any(fair_queue *q, uint64_t *group, uint64_t *member);

#endif
