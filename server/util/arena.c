/* See arena.h. Chunks grow with demand; a large request gets its own; an
 * owner's first block (a request's, rpc/request.c) is used before any. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 16384

struct arena_chunk {
    arena_chunk *next;
    size_t used, size;
    max_align_t data[];
};

void arena_init(arena *a, void *block, size_t size)
{
    *a = (arena){0};
    a->block = block;
    a->block_size = size;
}

void *arena_alloc(arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (a->block && a->block_size - a->block_used >= size) {
        void *p = a->block + a->block_used;
        a->block_used += size;
        memset(p, 0, size);
        return p;
    }
    arena_chunk *c = a->chunks;
    if (!c || c->size - c->used < size) {
        size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
        c = malloc(sizeof(*c) + cap);
        if (!c) {
            a->failed = 1;
            return NULL;
        }
        c->used = 0;
        c->size = cap;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

void *arena_array(arena *a, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    if (size && n > SIZE_MAX / size) {
        a->failed = 1;
        return NULL;
    }
    return arena_alloc(a, n * size);
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p)
        memcpy(p, s, n);
    return p;
}

void *arena_copy(arena *a, const void *init, size_t size)
{
    void *p = arena_alloc(a, size);
    if (p)
        memcpy(p, init, size);
    return p;
}

void arena_free(arena *a)
{
    arena_chunk *c = a->chunks;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->chunks = NULL;
    a->block_used = 0;
}

/* memset through a volatile pointer: a wipe of memory about to be freed is
 * not optimised away */
static void *(*volatile wipe_memset)(void *, int, size_t) = memset;

void arena_wipe_free(arena *a)
{
    for (arena_chunk *c = a->chunks; c; c = c->next)
        wipe_memset(c->data, 0, c->used);
    if (a->block)
        wipe_memset(a->block, 0, a->block_used);
    arena_free(a);
}
