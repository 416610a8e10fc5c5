/* A bump allocator for building one response: handlers allocate the nested
 * protobuf structs and arrays of a reply from it and free everything at
 * once after the reply is sent, so no handler tracks individual frees. */
#ifndef CCHCD_ARENA_H
#define CCHCD_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
    arena_chunk *chunks;
    int failed; /* an allocation failed: the reply must not be sent */
    /* an optional first block the owner provides (arena_init): small
     * needs are served from it without a malloc */
    char *block;
    size_t block_used, block_size;
} arena;

/* Starts an arena that serves allocations from block (size bytes, aligned
 * for max_align_t, owned by the caller) before it mallocs chunks. An arena
 * set to {0} works too, without such a block. */
void arena_init(arena *a, void *block, size_t size);

/* Zeroed memory for size bytes; NULL (and failed set) when out of memory. */
void *arena_alloc(arena *a, size_t size);
/* Zeroed array of n elements of size bytes. */
void *arena_array(arena *a, size_t n, size_t size);
char *arena_strndup(arena *a, const char *s, size_t n);
/* A copy of size bytes at init, e.g. a protobuf-c struct's INIT value. */
void *arena_copy(arena *a, const void *init, size_t size);

/* A new protobuf-c message of `type` in the arena, set to its INIT value. */
#define ARENA_NEW(a, type, init) ((type *)arena_copy((a), &(type)init, sizeof(type)))
void arena_free(arena *a);
/* Zeroes every byte handed out (a request's arena held its secrets), then
 * arena_free. */
void arena_wipe_free(arena *a);

#endif
