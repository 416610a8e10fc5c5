/* The words bash completion offers for period ids, task ids and unit
 * codes (completion/cchc.bash asks `cchc --complete KIND`): kept on disk
 * beside the session ($XDG_CONFIG_HOME/cchc/complete-KIND, else
 * ~/.config/cchc/complete-KIND) so completion stays quick, and works
 * offline, from the last answer of the same server. */
#ifndef CCHC_COMPLETION_CACHE_H
#define CCHC_COMPLETION_CACHE_H

#include <stddef.h>

/* Reads the cached words of kind for server (one a line) into *words (a
 * malloc'd buffer, words separated by '\n'; free it) and their age in
 * seconds into *age. Returns 0, or -1 when there is none for this server. */
int completion_cache_read(const char *server, const char *kind, char **words, long *age);

/* Replaces the cache of kind with words (each ending in '\n') for server,
 * atomically (a temporary file renamed). Returns 0 or -1. */
int completion_cache_write(const char *server, const char *kind, const char *words);

#endif
