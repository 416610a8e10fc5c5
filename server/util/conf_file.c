/* See conf_file.h. Lines are cut in place: keys and values point into the
 * file's own buffer, so nothing is copied and one free releases all. */
#include "conf_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The file is the operator's, but a runaway one should not eat memory. */
#define CONF_MAX_BYTES (256 * 1024)

static char *trim(char *start, char *end)
{
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    *end = '\0';
    return start;
}

static int key_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

int conf_parse(conf_file *out, char *text, char *why, size_t why_size)
{
    memset(out, 0, sizeof(*out));
    out->text = text;
    int capacity = 0;
    int line_no = 0;
    char *line = text;
    while (line && *line) {
        line_no++;
        char *next = strchr(line, '\n');
        char *end = next ? next : line + strlen(line);
        if (next)
            next++;
        char *content = trim(line, end);
        line = next;
        if (*content == '\0' || *content == '#')
            continue;
        char *eq = strchr(content, '=');
        if (!eq) {
            snprintf(why, why_size, "line %d: expected \"key = value\"", line_no);
            goto fail;
        }
        char *key = trim(content, eq);
        char *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
        if (*key == '\0') {
            snprintf(why, why_size, "line %d: no key before '='", line_no);
            goto fail;
        }
        for (const char *k = key; *k; k++)
            if (!key_char_ok(*k)) {
                snprintf(why, why_size,
                         "line %d: a key is written in lower case, digits and '-' (the long "
                         "option without its dashes)", line_no);
                goto fail;
            }
        size_t len = strlen(value);
        if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
            value[len - 1] = '\0';
            value++;
        }
        if (out->count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            conf_entry *grown = realloc(out->entries, (size_t)capacity * sizeof(*grown));
            if (!grown) {
                snprintf(why, why_size, "out of memory");
                goto fail;
            }
            out->entries = grown;
        }
        out->entries[out->count++] = (conf_entry){key, value, line_no};
    }
    return 0;
fail:
    conf_file_free(out);
    return -1;
}

int conf_read(conf_file *out, const char *path, char *why, size_t why_size)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *text = malloc(CONF_MAX_BYTES + 1);
    size_t n = text ? fread(text, 1, CONF_MAX_BYTES + 1, f) : 0;
    int read_error = ferror(f);
    fclose(f);
    if (!text || read_error || n > CONF_MAX_BYTES || memchr(text, '\0', n)) {
        snprintf(why, why_size, "%s: %s", path,
                 !text        ? "out of memory"
                 : read_error ? "read error"
                 : n > CONF_MAX_BYTES ? "larger than 256 KiB"
                                      : "contains a NUL byte (not a text file)");
        free(text);
        return -1;
    }
    text[n] = '\0';
    char line_why[160];
    if (conf_parse(out, text, line_why, sizeof(line_why)) != 0) {
        snprintf(why, why_size, "%s: %s", path, line_why);
        return -1;
    }
    return 0;
}

void conf_file_free(conf_file *conf)
{
    free(conf->entries);
    free(conf->text);
    memset(conf, 0, sizeof(*conf));
}

int conf_switch(const char *value)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(value, yes[i]) == 0)
            return 1;
        if (strcasecmp(value, no[i]) == 0)
            return 0;
    }
    return -1;
}
