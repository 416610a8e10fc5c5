/* See outbox.h. A submission file is "server=HOST:PORT\nuser=NAME\n" then
 * the packed ReportSubmitRequest; its name starts with the time it was
 * made, so a directory listing sorted by name is the order of sending. */
#include "outbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call.h"
#include "config.h"
#include "file_read.h"
#include "i18n.h"
#include "plat_file.h"
#include "plat_time.h"
#include "session_store.h"

/* The outbox folder, made (0700) when missing. */
static int outbox_dir(char *out, size_t size)
{
    if (config_dir(out, size) != 0 || plat_mkdir_private(out) != 0)
        return -1;
    if (config_path("outbox", out, size) != 0)
        return -1;
    return plat_mkdir_private(out);
}

/* Who is logged in to opts->server: a waiting submission is only ever sent
 * under the account that made it, never under whoever logs in next. */
static int current_user(const cli_options *opts, char *out, size_t size)
{
    stored_session session;
    if (session_load(opts->server, &session) != 0 || !*session.username)
        return -1;
    snprintf(out, size, "%s", session.username);
    return 0;
}

/* Writes "server=…\nuser=…\n" and the packed request to a new file in dir
 * and renames it to final_path (made from the file's own name when
 * final_path is empty); 0 on success. */
static int write_submission(const char *dir, const char *server, const char *user,
                            const Cchc__V1__ReportSubmitRequest *request, char *final_path,
                            size_t final_size)
{
    char path[700];
    int64_t now_seconds;
    long now_nanoseconds;
    plat_realtime(&now_seconds, &now_nanoseconds);
    /* written under a dot name, then renamed: another cchc never sees half
     * a file (dot names are not listed) */
    snprintf(path, sizeof(path), "%s/.new-XXXXXX", dir);
    FILE *f = plat_temp_create(path, 1);
    if (!f)
        return -1;
    size_t len = protobuf_c_message_get_packed_size(&request->base);
    uint8_t *bytes = malloc(len ? len : 1);
    if (!bytes) {
        fclose(f);
        plat_remove(path);
        return -1;
    }
    protobuf_c_message_pack(&request->base, bytes);
    fprintf(f, "server=%s\nuser=%s\n", server, user);
    size_t written = fwrite(bytes, 1, len, f);
    free(bytes);
    int flushed = plat_file_sync(f) == 0;
    if (fclose(f) != 0 || written != len || !flushed) {
        plat_remove(path);
        return -1;
    }
    if (!*final_path)
        snprintf(final_path, final_size, "%s/%lld%09ld-%s", dir, (long long)now_seconds,
                 now_nanoseconds, strrchr(path, '-') + 1);
    if (plat_rename_replace(path, final_path) != 0) {
        plat_remove(path);
        return -1;
    }
    return 0;
}

int outbox_save(const cli_options *opts, const Cchc__V1__ReportSubmitRequest *request)
{
    char dir[600], final_path[700] = "", user[72];
    if (current_user(opts, user, sizeof(user)) != 0) {
        errno = EACCES;
        return -1;
    }
    if (outbox_dir(dir, sizeof(dir)) != 0)
        return -1;
    return write_submission(dir, opts->server, user, request, final_path, sizeof(final_path));
}

/* When a file was made: its name starts with the time in nanoseconds. */
static time_t made_at_of(const char *name)
{
    size_t digits = strspn(name, "0123456789");
    if (digits <= 9)
        return time(NULL);
    char seconds[32];
    snprintf(seconds, sizeof(seconds), "%.*s", (int)(digits - 9), name);
    return (time_t)strtoll(seconds, NULL, 10);
}

/* Names of the files in the outbox, sorted; NULL-terminated. */
static char **list_files(const char *dir, size_t *n)
{
    *n = 0;
    plat_dir *d = plat_dir_open(dir);
    if (!d)
        return NULL;
    size_t cap = 16;
    char **names = calloc(cap + 1, sizeof(char *));
    const char *name;
    while (names && (name = plat_dir_next(d)) != NULL) {
        if (name[0] == '.')
            continue;
        if (*n == cap) {
            char **grown = realloc(names, (cap * 2 + 1) * sizeof(char *));
            if (!grown)
                break;
            names = grown;
            cap *= 2;
        }
        names[(*n)++] = strdup(name);
        names[*n] = NULL;
    }
    plat_dir_close(d);
    if (names)
        qsort(names, *n, sizeof(char *), (int (*)(const void *, const void *))strcmp);
    return names;
}

/* Reads "key=value\n" from f into out; 0 when the line has that key. */
static int read_header(FILE *f, const char *key, char *out, size_t size)
{
    char line[400];
    size_t key_len = strlen(key);
    if (!fgets(line, sizeof(line), f) || strncmp(line, key, key_len) != 0 || line[key_len] != '=')
        return -1;
    line[strcspn(line, "\n")] = '\0';
    snprintf(out, size, "%s", line + key_len + 1);
    return 0;
}

/* Whether the file at path waits for this server and user; -1 when it is
 * not a submission at all. Leaves f after the header when it matches. */
static int is_ours(FILE *f, const char *server, const char *user)
{
    char file_server[400], file_user[400];
    if (read_header(f, "server", file_server, sizeof(file_server)) != 0 ||
        read_header(f, "user", file_user, sizeof(file_user)) != 0)
        return -1;
    return strcmp(file_server, server) == 0 && strcmp(file_user, user) == 0;
}

/* Reads one submission for this server and user; NULL when it is someone
 * else's or unreadable (then *bad is set). */
static Cchc__V1__ReportSubmitRequest *load(const char *path, const char *server, const char *user,
                                           int *bad)
{
    *bad = 0;
    FILE *f = plat_fopen(path, "rb");
    if (!f) {
        *bad = 1;
        return NULL;
    }
    int ours = is_ours(f, server, user);
    if (ours != 1) {
        *bad = ours < 0;
        fclose(f);
        return NULL;
    }
    size_t len = 0;
    char *bytes = file_read_rest(f, FILE_READ_NO_LIMIT, &len);
    fclose(f);
    Cchc__V1__ReportSubmitRequest *request =
        bytes ? cchc__v1__report_submit_request__unpack(NULL, len, (const uint8_t *)bytes) : NULL;
    free(bytes);
    if (!request)
        *bad = 1;
    return request;
}

/* Calls visit(path) for each file waiting for this server and user, in
 * order; returns how many there were. */
static int for_each_ours(const cli_options *opts, void (*visit)(const char *path))
{
    char dir[600], user[72];
    size_t n;
    if (current_user(opts, user, sizeof(user)) != 0 || outbox_dir(dir, sizeof(dir)) != 0)
        return 0;
    char **names = list_files(dir, &n);
    int count = 0;
    for (size_t i = 0; names && i < n; i++) {
        char path[800];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        FILE *f = plat_fopen(path, "rb");
        if (f && is_ours(f, opts->server, user) == 1) {
            count++;
            if (visit)
                visit(path);
        }
        if (f)
            fclose(f);
        free(names[i]);
    }
    free(names);
    return count;
}

int outbox_count(const cli_options *opts)
{
    return for_each_ours(opts, NULL);
}

static void discard_file(const char *path)
{
    plat_remove(path);
}

int outbox_discard(const cli_options *opts)
{
    return for_each_ours(opts, discard_file);
}

/* "YYYY-MM-DDTHH:MM:SSZ" (the server's iso_utc) as a time_t; -1 when not. */
static time_t parse_utc(const char *text)
{
    struct tm tm = {0};
    char z = 0;
    if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                        &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z')
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return plat_timegm(&tm);
}

/* The revision of the unit's report on row's task that was the latest when
 * the submission was made (made_at): the newest one saved no later than
 * that (in the same second: only user's own); 0 when the report did not
 * exist then. Returns 0, or -1 with err
 * set when the server cannot be asked. */
static int base_as_of(const cli_options *opts, const char *period, const char *unit,
                      const Cchc__V1__ReportRow *row, time_t made_at, const char *user,
                      int32_t *base, cli_error *err)
{
    *base = 0;
    Cchc__V1__ReportGetRequest get = CCHC__V1__REPORT_GET_REQUEST__INIT;
    get.period_id = (char *)period;
    get.task_id = row->task_id;
    get.unit = (char *)unit; /* a successor's report for a closed unit */
    Cchc__V1__Response *response = NULL;
    if (call_raw(opts, CCHC__V1__REQUEST__BODY_REPORT_GET, &get, &response, err) != 0)
        return strcmp(err->code_name, "not_found") == 0 ? 0 : -1; /* no report yet */
    if (response->body_case == CCHC__V1__RESPONSE__BODY_REPORT_GET) {
        const Cchc__V1__ReportGetResponse *r = response->report_get;
        for (size_t i = 0; i < r->n_revisions; i++) {
            /* whole seconds: a revision of the same second counts as
             * seen only when it is the clerk's own */
            const Cchc__V1__ReportRevision *v = r->revisions[i];
            time_t saved = parse_utc(v->saved_at);
            int seen = saved >= 0 && (saved < made_at || (saved == made_at && user &&
                                                          strcmp(v->username, user) == 0));
            if (seen && v->revision > *base)
                *base = v->revision;
        }
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return 0;
}

int outbox_fill_bases_at_send(const cli_options *opts, Cchc__V1__ReportSubmitRequest *body,
                              time_t made_at, cli_error *err)
{
    int filled = 0;
    char user[72];
    int known = current_user(opts, user, sizeof(user)) == 0;
    for (size_t i = 0; i < body->n_rows; i++) {
        Cchc__V1__ReportRow *row = body->rows[i];
        if (row->base_revision != OUTBOX_BASE_AT_SEND)
            continue;
        int32_t base;
        if (base_as_of(opts, body->period_id, body->unit, row, made_at, known ? user : NULL, &base,
                       err) != 0)
            return -1;
        row->base_revision = base;
        filled = 1;
    }
    return filled;
}

int outbox_refused_for_good(const cli_error *err)
{
    static const char *const final_codes[] = {"invalid_argument", "not_found",
                                              "permission_denied", "failed_precondition",
                                              "already_exists", "conflict", "malformed",
                                              "frame_too_large", "unsupported"};
    for (size_t i = 0; i < sizeof(final_codes) / sizeof(final_codes[0]); i++)
        if (strcmp(err->code_name, final_codes[i]) == 0)
            return 1;
    return 0;
}

static outbox_rebase_fn rebase_conflicts;

void outbox_set_rebase(outbox_rebase_fn rebase)
{
    rebase_conflicts = rebase;
}

/* A waiting submission made from revisions someone has since replaced: a
 * refusal, but the clerk's text must not be lost, so it keeps waiting. */
static void say_conflict(const Cchc__V1__ReportSubmitRequest *body, const cli_error *err)
{
    fprintf(stderr,
            _("cchc: %s\n"
              "A submission waiting in the outbox (period %s) was made from an older "
              "revision than the one on the server; it was not sent, so nothing is "
              "overwritten. It is kept. Either 'cchc outbox send --rebase' to apply the "
              "cells you changed to the newest revision, or download a fresh template (cchc "
              "template --period %s), enter your changes again, drop the waiting one ('cchc "
              "outbox discard') and submit the new file.\n"),
            err->message, body->period_id, body->period_id);
}

int outbox_send(const cli_options *opts, int quiet, int *left, int *dropped)
{
    char dir[600], user[72];
    size_t n;
    *left = 0;
    if (dropped)
        *dropped = 0;
    if (current_user(opts, user, sizeof(user)) != 0 || outbox_dir(dir, sizeof(dir)) != 0)
        return 0;
    char **names = list_files(dir, &n);
    int sent = 0, stopped = 0;
    for (size_t i = 0; names && i < n; i++) {
        char path[800];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        time_t made_at = made_at_of(names[i]);
        free(names[i]);
        int bad;
        Cchc__V1__ReportSubmitRequest *body = load(path, opts->server, user, &bad);
        if (bad) {
            fprintf(stderr, _("cchc: %s is not a submission; left in place\n"), path);
            continue;
        }
        if (!body)
            continue; /* another server's or another account's */
        if (stopped) {
            (*left)++;
            cchc__v1__report_submit_request__free_unpacked(body, NULL);
            continue;
        }
        cli_error err;
        Cchc__V1__Response *response = NULL;
        int rc = outbox_fill_bases_at_send(opts, body, made_at, &err);
        /* the filled bases are kept with it: a resend after an unknown
         * outcome must be the same request (same key, same body) */
        if (rc > 0 && write_submission(dir, opts->server, user, body, path, sizeof(path)) != 0) {
            rc = -1;
            cli_error_set(&err, EXIT_USAGE, _("cannot rewrite %s: %s"), path, strerror(errno));
        }
        if (rc >= 0)
            rc = call_raw(opts, CCHC__V1__REQUEST__BODY_REPORT_SUBMIT, body, &response, &err);
        int conflict = rc != 0 && strcmp(err.code_name, "conflict") == 0;
        if (conflict && rebase_conflicts && rebase_conflicts(opts, body) == 0) {
            plat_remove(path);
            sent++;
        } else if (conflict) {
            stopped = 1; /* later ones wait: they were made after it */
            (*left)++;
            say_conflict(body, &err);
        } else if (rc != 0 && !outbox_refused_for_good(&err)) {
            stopped = 1; /* later ones wait too: they may correct this one */
            (*left)++;
            if (!quiet)
                fprintf(stderr, _("cchc: the outbox waits (%s): %s\n"), err.code_name, err.message);
            if (!quiet && strcmp(err.code_name, "unauthenticated") == 0)
                fprintf(stderr, _("cchc: log in again ('cchc login'), then 'cchc outbox "
                                  "send'\n"));
        } else {
            plat_remove(path);
            if (rc == 0)
                sent++;
            else if (dropped)
                (*dropped)++;
            if (rc == 0 && !quiet)
                printf(ngettext("Sent from the outbox: %zu report of period %s.\n",
                                "Sent from the outbox: %zu reports of period %s.\n",
                                response->report_submit->n_saved),
                       response->report_submit->n_saved, body->period_id);
            else if (rc != 0)
                fprintf(stderr, _("cchc: a waiting submission for %s was refused and dropped: %s\n"),
                        body->period_id, err.message);
        }
        if (response)
            cchc__v1__response__free_unpacked(response, NULL);
        cchc__v1__report_submit_request__free_unpacked(body, NULL);
    }
    free(names);
    return sent;
}
