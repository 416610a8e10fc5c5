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
} arena;

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

#endif
