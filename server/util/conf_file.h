/* The configuration file of cchcd (/etc/cchc/cchcd.conf): why a parser of
 * its own — the file is a list of the long options of `cchcd serve`
 * without their dashes, one `key = value` a line, so every flag is a
 * setting an operator can keep in one file, documented once. This is only
 * the syntax (pure, unit-tested); server/config.c gives the keys meaning.
 *
 *   # a comment, and blank lines, are skipped
 *   listen = 0.0.0.0:7121
 *   db = host=/run/postgresql dbname=cchc      (the rest of the line)
 *   log-level = "info"                          (quotes are optional)
 *   insecure-plaintext = yes                    (a switch: yes/no, true/false, 1/0)
 */
#ifndef CCHCD_CONF_FILE_H
#define CCHCD_CONF_FILE_H

#include <stddef.h>

typedef struct conf_entry {
    const char *key;
    const char *value;
    int line;           /* 1-based, for messages */
} conf_entry;

typedef struct conf_file {
    char *text;         /* the file's bytes, cut into keys and values */
    conf_entry *entries;
    int count;
} conf_file;

/* Parses text (taken over: freed by conf_file_free). 0, or -1 with why
 * naming the line. A key given twice keeps both entries (the last wins when
 * applied in order). */
int conf_parse(conf_file *out, char *text, char *why, size_t why_size);
/* Reads and parses path. 0, or -1 with why (the path and the reason). */
int conf_read(conf_file *out, const char *path, char *why, size_t why_size);
void conf_file_free(conf_file *conf);

/* "yes"/"true"/"on"/"1" → 1, "no"/"false"/"off"/"0" → 0, else -1. */
int conf_switch(const char *value);

#endif
