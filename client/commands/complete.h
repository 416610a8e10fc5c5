/* The hidden `cchc --complete periods|tasks|units [PREFIX]` that bash
 * completion (completion/cchc.bash) asks for period ids, task ids and unit
 * codes and names: one word a line on stdout (a unit name is one "word"
 * with its spaces: the script quotes it), nothing on failure. */
#ifndef CCHC_COMPLETE_H
#define CCHC_COMPLETE_H

#include "cli.h"

/* Prints the words of kind starting with prefix. Quick: a cache younger
 * than COMPLETE_FRESH_SECONDS answers without the server; otherwise the
 * server is asked (within opts->timeout_ms: main.c makes it
 * COMPLETE_TIMEOUT_MS unless --timeout was given) and its answer cached; when it cannot answer, the cache answers however
 * old. Says nothing on failure (opts->quiet must be set) and returns
 * EXIT_OK when words (perhaps none matching) were known, else the
 * failure's exit code; an unknown kind is EXIT_USAGE. */
int complete_words(const cli_options *opts, const char *kind, const char *prefix);

enum { COMPLETE_FRESH_SECONDS = 600, COMPLETE_TIMEOUT_MS = 1500 };

#endif
