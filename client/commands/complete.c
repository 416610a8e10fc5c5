/* See complete.h. Completion runs on every TAB, so it must not make a
 * person wait for a slow or absent server, nor print anything into their
 * command line: the cache answers first, the server only refreshes it. */
#include "complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "completion_cache.h"

/* Appends word and '\n' to the growing buffer *out (used bytes in *used). */
static int append_word(char **out, size_t *used, size_t *cap, const char *word)
{
    size_t len = strlen(word);
    if (len == 0 || strchr(word, '\n'))
        return 0;
    if (*used + len + 2 > *cap) {
        size_t grown = (*cap + len + 2) * 2;
        char *bigger = realloc(*out, grown);
        if (!bigger)
            return -1;
        *out = bigger;
        *cap = grown;
    }
    memcpy(*out + *used, word, len);
    (*out)[*used + len] = '\n';
    *used += len + 1;
    (*out)[*used] = '\0';
    return 0;
}

/* Every unit's code, then the name of each unit whose name no other unit
 * of the list has: --unit takes either, but a name two units share (two
 * communes "Phường 1", or a unit and its renamed successor) is refused as
 * ambiguous, so only their codes are offered. */
static int append_units(char **out, size_t *used, size_t *cap, const Cchc__V1__UnitListResponse *ul)
{
    for (size_t i = 0; i < ul->n_units; i++)
        if (append_word(out, used, cap, ul->units[i]->code) != 0)
            return -1;
    for (size_t i = 0; i < ul->n_units; i++) {
        const char *name = ul->units[i]->name;
        int shared = 0;
        for (size_t k = 0; k < ul->n_units && !shared; k++)
            shared = k != i && strcmp(ul->units[k]->name, name) == 0;
        if (!shared && append_word(out, used, cap, name) != 0)
            return -1;
    }
    return 0;
}

/* Asks the server for the words of kind; *words is malloc'd ("" when the
 * list is empty). Returns EXIT_OK or the failure's exit code. */
static int fetch_words(const cli_options *opts, const char *kind, char **words)
{
    Cchc__V1__Response *response = NULL;
    int rc;
    char *out = calloc(1, 64);
    size_t used = 0, cap = 64;
    if (!out)
        return EXIT_PROTOCOL;
    if (strcmp(kind, "periods") == 0) {
        Cchc__V1__PeriodListRequest body = CCHC__V1__PERIOD_LIST_REQUEST__INIT;
        rc = call(opts, CCHC__V1__REQUEST__BODY_PERIOD_LIST, &body,
                  CCHC__V1__RESPONSE__BODY_PERIOD_LIST, &response);
        for (size_t i = 0; rc == EXIT_OK && i < response->period_list->n_periods; i++)
            if (append_word(&out, &used, &cap, response->period_list->periods[i]->id) != 0)
                rc = EXIT_PROTOCOL;
    } else if (strcmp(kind, "tasks") == 0) {
        Cchc__V1__TaskListRequest body = CCHC__V1__TASK_LIST_REQUEST__INIT;
        rc = call(opts, CCHC__V1__REQUEST__BODY_TASK_LIST, &body,
                  CCHC__V1__RESPONSE__BODY_TASK_LIST, &response);
        for (size_t i = 0; rc == EXIT_OK && i < response->task_list->n_tasks; i++) {
            char id[16];
            snprintf(id, sizeof(id), "%d", response->task_list->tasks[i]->id);
            if (append_word(&out, &used, &cap, id) != 0)
                rc = EXIT_PROTOCOL;
        }
    } else {
        Cchc__V1__UnitListRequest body = CCHC__V1__UNIT_LIST_REQUEST__INIT;
        rc = call(opts, CCHC__V1__REQUEST__BODY_UNIT_LIST, &body,
                  CCHC__V1__RESPONSE__BODY_UNIT_LIST, &response);
        if (rc == EXIT_OK && append_units(&out, &used, &cap, response->unit_list) != 0)
            rc = EXIT_PROTOCOL;
    }
    if (response)
        cchc__v1__response__free_unpacked(response, NULL);
    if (rc != EXIT_OK) {
        free(out);
        return rc;
    }
    *words = out;
    return EXIT_OK;
}

static void print_matching(const char *words, const char *prefix)
{
    size_t plen = strlen(prefix);
    for (const char *line = words; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len >= plen && strncmp(line, prefix, plen) == 0)
            printf("%.*s\n", (int)len, line);
        line += len + (end ? 1 : 0);
    }
}

int complete_words(const cli_options *opts, const char *kind, const char *prefix)
{
    if (strcmp(kind, "periods") != 0 && strcmp(kind, "tasks") != 0 && strcmp(kind, "units") != 0)
        return EXIT_USAGE;
    char *cached = NULL;
    long age = 0;
    int have_cache = completion_cache_read(opts->server, kind, &cached, &age) == 0;
    if (have_cache && age >= 0 && age < COMPLETE_FRESH_SECONDS) {
        print_matching(cached, prefix);
        free(cached);
        return EXIT_OK;
    }
    char *fresh = NULL;
    int rc = *opts->token ? fetch_words(opts, kind, &fresh) : EXIT_SERVER_ERROR;
    if (rc == EXIT_OK) {
        completion_cache_write(opts->server, kind, fresh);
        print_matching(fresh, prefix);
        free(fresh);
    } else if (have_cache) {
        print_matching(cached, prefix);
        rc = EXIT_OK;
    }
    free(cached);
    return rc;
}
