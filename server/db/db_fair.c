/* See db_fair.h. A member is eligible (in its group's ring) while it has
 * items waiting and is under the member cap; a group is eligible (in the
 * queue's ring) while it has an eligible member and is under the group cap.
 * Serving takes the head of the queue's ring, then the head of that
 * group's ring, and moves both to their ring's tail, so every group gets
 * one turn before any gets a second, and so does every member of a group.
 * Something that becomes eligible joins at the tail: after everyone who
 * was already waiting for a turn. */
#include "db_fair.h"

#include <stdlib.h>

/* ---- rings ---------------------------------------------------------------- */

static void ring_add_tail(fair_ring **head, fair_ring *node)
{
    if (!*head) {
        node->prev = node->next = node;
        *head = node;
        return;
    }
    node->next = *head;
    node->prev = (*head)->prev;
    (*head)->prev->next = node;
    (*head)->prev = node;
}

static void ring_remove(fair_ring **head, fair_ring *node)
{
    if (node->next == node) {
        *head = NULL;
    } else {
        node->prev->next = node->next;
        node->next->prev = node->prev;
        if (*head == node)
            *head = node->next;
    }
    node->prev = node->next = NULL;
}

/* ---- hash tables ------------------------------------------------------------ */

static uint64_t mix(uint64_t x)
{
    /* splitmix64's finaliser: ids are small consecutive numbers */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static unsigned group_slot(const fair_queue *q, uint64_t id)
{
    return (unsigned)(mix(id) & (q->group_slots - 1));
}

static unsigned member_slot(const fair_queue *q, uint64_t group, uint64_t id)
{
    return (unsigned)(mix(group * 0x9e3779b97f4a7c15ull ^ mix(id)) & (q->member_slots - 1));
}

/* Doubles a table when it holds more entries than slots; a failed growth
 * only makes chains longer. */
static void grow_groups(fair_queue *q)
{
    if (q->group_table && q->ngroups < q->group_slots)
        return;
    unsigned slots = q->group_table ? q->group_slots * 2 : 16;
    fair_group **table = calloc(slots, sizeof(*table));
    if (!table)
        return;
    fair_group **old = q->group_table;
    unsigned old_slots = q->group_slots;
    q->group_table = table;
    q->group_slots = slots;
    for (unsigned i = 0; old && i < old_slots; i++) {
        fair_group *g = old[i];
        while (g) {
            fair_group *next = g->hash_next;
            unsigned s = group_slot(q, g->id);
            g->hash_next = table[s];
            table[s] = g;
            g = next;
        }
    }
    free(old);
}

static void grow_members(fair_queue *q)
{
    if (q->member_table && q->nmembers < q->member_slots)
        return;
    unsigned slots = q->member_table ? q->member_slots * 2 : 16;
    fair_member **table = calloc(slots, sizeof(*table));
    if (!table)
        return;
    fair_member **old = q->member_table;
    unsigned old_slots = q->member_slots;
    q->member_table = table;
    q->member_slots = slots;
    for (unsigned i = 0; old && i < old_slots; i++) {
        fair_member *m = old[i];
        while (m) {
            fair_member *next = m->hash_next;
            unsigned s = member_slot(q, m->group->id, m->id);
            m->hash_next = table[s];
            table[s] = m;
            m = next;
        }
    }
    free(old);
}

static fair_group *group_get(fair_queue *q, uint64_t id)
{
    if (q->group_table)
        for (fair_group *g = q->group_table[group_slot(q, id)]; g; g = g->hash_next)
            if (g->id == id)
                return g;
    grow_groups(q);
    fair_group *g = q->group_table ? calloc(1, sizeof(*g)) : NULL;
    if (!g)
        return NULL;
    g->id = id;
    unsigned s = group_slot(q, id);
    g->hash_next = q->group_table[s];
    q->group_table[s] = g;
    q->ngroups++;
    return g;
}

static fair_member *member_get(fair_queue *q, fair_group *g, uint64_t id)
{
    if (q->member_table)
        for (fair_member *m = q->member_table[member_slot(q, g->id, id)]; m; m = m->hash_next)
            if (m->id == id && m->group == g)
                return m;
    grow_members(q);
    fair_member *m = q->member_table ? calloc(1, sizeof(*m)) : NULL;
    if (!m)
        return NULL;
    m->id = id;
    m->group = g;
    unsigned s = member_slot(q, g->id, id);
    m->hash_next = q->member_table[s];
    q->member_table[s] = m;
    q->nmembers++;
    g->nmembers++;
    return m;
}

static void group_free(fair_queue *q, fair_group *g)
{
    fair_group **p = &q->group_table[group_slot(q, g->id)];
    while (*p != g)
        p = &(*p)->hash_next;
    *p = g->hash_next;
    q->ngroups--;
    free(g);
}

static void member_free(fair_queue *q, fair_member *m)
{
    fair_member **p = &q->member_table[member_slot(q, m->group->id, m->id)];
    while (*p != m)
        p = &(*p)->hash_next;
    *p = m->hash_next;
    q->nmembers--;
    m->group->nmembers--;
    free(m);
}

/* ---- eligibility ------------------------------------------------------------ */

static int under(int count, int cap)
{
    return cap <= 0 || count < cap;
}

/* Puts g in or out of the queue's ring as its state now says; frees it
 * once it has no member left. */
static void group_update(fair_queue *q, fair_group *g)
{
    int eligible = g->members && under(g->inflight, q->group_cap);
    if (eligible && !g->in_ring) {
        ring_add_tail(&q->groups, &g->ring);
        g->in_ring = 1;
    } else if (!eligible && g->in_ring) {
        ring_remove(&q->groups, &g->ring);
        g->in_ring = 0;
    }
    if (g->nmembers == 0)
        group_free(q, g);
}

/* The same for m in its group's ring; frees m once it holds nothing, then
 * brings its group up to date. */
static void member_update(fair_queue *q, fair_member *m)
{
    fair_group *g = m->group;
    int eligible = m->queued > 0 && under(m->inflight, q->member_cap);
    if (eligible && !m->in_ring) {
        ring_add_tail(&g->members, &m->ring);
        m->in_ring = 1;
    } else if (!eligible && m->in_ring) {
        ring_remove(&g->members, &m->ring);
        m->in_ring = 0;
    }
    if (m->queued == 0 && m->inflight == 0)
        member_free(q, m);
    group_update(q, g);
}

/* ---- the queue ---------------------------------------------------------------- */

void fair_init(fair_queue *q, int group_cap, int member_cap)
{
    *q = (fair_queue){0};
    q->group_cap = group_cap;
    q->member_cap = member_cap;
}

void fair_free(fair_queue *q)
{
    for (unsigned i = 0; q->member_table && i < q->member_slots; i++)
        while (q->member_table[i]) {
            fair_member *m = q->member_table[i];
            q->member_table[i] = m->hash_next;
            free(m);
        }
    for (unsigned i = 0; q->group_table && i < q->group_slots; i++)
        while (q->group_table[i]) {
            fair_group *g = q->group_table[i];
            q->group_table[i] = g->hash_next;
            free(g);
        }
    free(q->member_table);
    free(q->group_table);
    *q = (fair_queue){0};
}

fair_member *fair_push(fair_queue *q, uint64_t group, uint64_t member, fair_item *item)
{
    fair_group *g = group_get(q, group);
    if (!g)
        return NULL;
    fair_member *m = member_get(q, g, member);
    if (!m) {
        if (g->nmembers == 0)
            group_free(q, g);
        return NULL;
    }
    item->next = NULL;
    if (m->tail)
        m->tail->next = item;
    else
        m->head = item;
    m->tail = item;
    m->queued++;
    q->queued++;
    member_update(q, m);
    return m;
}

fair_item *fair_peek(const fair_member *m)
{
    return m->head;
}

/* Takes m's oldest item off its list (the counts are the caller's). */
static fair_item *pop_head(fair_queue *q, fair_member *m)
{
    fair_item *item = m->head;
    m->head = item->next;
    if (!m->head)
        m->tail = NULL;
    item->next = NULL;
    m->queued--;
    q->queued--;
    return item;
}

fair_item *fair_next(fair_queue *q, fair_member **from)
{
    if (!q->groups)
        return NULL;
    fair_group *g = (fair_group *)q->groups;
    fair_member *m = (fair_member *)g->members;
    fair_item *item = pop_head(q, m);
    m->inflight++;
    g->inflight++;
    q->inflight++;
    /* both to the tail of their rings: the others have their turn first */
    g->members = m->ring.next;
    q->groups = g->ring.next;
    member_update(q, m); /* leaves the rings when now at a cap or empty */
    *from = m;
    return item;
}

void fair_done(fair_queue *q, fair_member *m)
{
    m->inflight--;
    m->group->inflight--;
    q->inflight--;
    member_update(q, m);
}

fair_item *fair_unqueue(fair_queue *q, fair_member *m)
{
    if (!m->head)
        return NULL;
    fair_item *item = pop_head(q, m);
    member_update(q, m);
    return item;
}

fair_item *fair_take_any(fair_queue *q, uint64_t *group, uint64_t *member)
{
    for (unsigned i = 0; q->queued > 0 && i < q->member_slots; i++)
        for (fair_member *m = q->member_table[i]; m; m = m->hash_next)
            if (m->head) {
                *group = m->group->id;
                *member = m->id;
                return fair_unqueue(q, m);
            }
    return NULL;
}
