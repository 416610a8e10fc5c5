/* See completion_cache.h. The file's first line names the server the
 * words came from ("server=HOST:PORT"); the rest are the words. Nothing
 * here is secret (the same lists every account may read), but the file
 * is still made 0600 in the private folder like everything beside it. */
#include "completion_cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"
#include "plat_file.h"
#include "private_file.h"

static int cache_path(const char *kind, char *out, size_t size)
{
    char name[64];
    snprintf(name, sizeof(name), "complete-%s", kind);
    return config_path(name, out, size);
}

int completion_cache_read(const char *server, const char *kind, char **words, long *age)
{
    *words = NULL;
    char path[600];
    if (cache_path(kind, path, sizeof(path)) != 0)
        return -1;
    FILE *f = plat_fopen(path, "r");
    if (!f)
        return -1;
    struct stat st;
    char first[400];
    char expected[400];
    snprintf(expected, sizeof(expected), "server=%s\n", server);
    if (fstat(fileno(f), &st) != 0 || st.st_size > (1 << 20) ||
        !fgets(first, sizeof(first), f) || strcmp(first, expected) != 0) {
        fclose(f);
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, used = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return -1;
    }
    used = fread(buf, 1, cap - 1, f);
    buf[used] = '\0';
    fclose(f);
    *words = buf;
    *age = (long)(time(NULL) - st.st_mtime);
    return 0;
}

int completion_cache_write(const char *server, const char *kind, const char *words)
{
    char path[600], dir[600];
    if (config_dir(dir, sizeof(dir)) != 0 || plat_mkdir_private(dir) != 0 ||
        cache_path(kind, path, sizeof(path)) != 0)
        return -1;
    size_t size = strlen("server=\n") + strlen(server) + strlen(words) + 1;
    char *text = malloc(size);
    if (!text)
        return -1;
    snprintf(text, size, "server=%s\n%s", server, words);
    int rc = private_file_replace(path, NULL, text);
    free(text);
    return rc;
}
