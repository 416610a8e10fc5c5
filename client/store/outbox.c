/* See outbox.h. A submission file is "server=HOST:PORT\nuser=NAME\n" then
 * the packed ReportSubmitRequest; its name starts with the time it was
 * made, so a directory listing sorted by name is the order of sending. */
#include "outbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "call.h"
#include "config.h"
#include "file_read.h"
#include "i18n.h"
#include "session_store.h"

/* The outbox folder, made (0700) when missing. */
static int outbox_dir(char *out, size_t size)
{
    if (config_dir(out, size) != 0 || (mkdir(out, 0700) != 0 && errno != EEXIST))
        return -1;
    if (config_path("outbox", out, size) != 0)
        return -1;
    return mkdir(out, 0700) != 0 && errno != EEXIST ? -1 : 0;
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

int outbox_save(const cli_options *opts, const Cchc__V1__ReportSubmitRequest *request)
{
    char dir[600], path[700], final_path[700], user[72];
    if (current_user(opts, user, sizeof(user)) != 0) {
        errno = EACCES;
        return -1;
    }
    if (outbox_dir(dir, sizeof(dir)) != 0)
        return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    /* written under a dot name, then renamed: another cchc never sees half
     * a file (dot names are not listed) */
    snprintf(path, sizeof(path), "%s/.new-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    size_t len = protobuf_c_message_get_packed_size(&request->base);
    uint8_t *bytes = malloc(len ? len : 1);
    FILE *f = fdopen(fd, "w");
    if (!bytes || !f) {
        free(bytes);
        if (f)
            fclose(f);
        else
            close(fd);
        unlink(path);
        return -1;
    }
    protobuf_c_message_pack(&request->base, bytes);
    fprintf(f, "server=%s\nuser=%s\n", opts->server, user);
    size_t written = fwrite(bytes, 1, len, f);
    free(bytes);
    int flushed = fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0 || written != len || !flushed) {
        unlink(path);
        return -1;
    }
    snprintf(final_path, sizeof(final_path), "%s/%lld%09ld-%s", dir, (long long)now.tv_sec,
             now.tv_nsec, strrchr(path, '-') + 1);
    if (rename(path, final_path) != 0) {
        unlink(path);
        return -1;
    }
    return 0;
}

/* Names of the files in the outbox, sorted; NULL-terminated. */
static char **list_files(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t cap = 16;
    char **names = calloc(cap + 1, sizeof(char *));
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            char **grown = realloc(names, (cap * 2 + 1) * sizeof(char *));
            if (!grown)
                break;
            names = grown;
            cap *= 2;
        }
        names[(*n)++] = strdup(e->d_name);
        names[*n] = NULL;
    }
    closedir(d);
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
    FILE *f = fopen(path, "rb");
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
        FILE *f = fopen(path, "rb");
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
    unlink(path);
}

int outbox_discard(const cli_options *opts)
{
    return for_each_ours(opts, discard_file);
}

int outbox_fill_bases_at_send(const cli_options *opts, Cchc__V1__ReportSubmitRequest *body,
                              cli_error *err)
{
    int pending = 0;
    for (size_t i = 0; i < body->n_rows; i++)
        pending |= body->rows[i]->base_revision == OUTBOX_BASE_AT_SEND;
    if (!pending)
        return 0;
    Cchc__V1__MyTasksRequest ask = CCHC__V1__MY_TASKS_REQUEST__INIT;
    ask.period_id = body->period_id;
    Cchc__V1__Response *response = NULL;
    if (call_raw(opts, CCHC__V1__REQUEST__BODY_MY_TASKS, &ask, &response, err) != 0)
        return -1;
    for (size_t i = 0; i < body->n_rows; i++) {
        Cchc__V1__ReportRow *row = body->rows[i];
        if (row->base_revision != OUTBOX_BASE_AT_SEND)
            continue;
        row->base_revision = 0;
        for (size_t t = 0; response->body_case == CCHC__V1__RESPONSE__BODY_MY_TASKS &&
                           t < response->my_tasks->n_tasks; t++)
            if (response->my_tasks->tasks[t]->task_id == row->task_id)
                row->base_revision = response->my_tasks->tasks[t]->revision;
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return 0;
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
            _("cchc: %s\nMột lần gửi đang chờ trong hộp thư đi (kỳ %s) làm từ bản cũ hơn bản đã lưu "
              "trên máy chủ; không gửi để khỏi ghi đè. Nó vẫn được giữ. Hãy: 'cchc outbox send "
              "--rebase' để áp các ô bạn đã sửa lên bản mới nhất, hoặc tải mẫu mới (cchc template "
              "--period %s), nhập lại, bỏ bản đang chờ ('cchc outbox discard') rồi gửi tệp mới.\n"),
            err->message, body->period_id, body->period_id);
}

int outbox_send(const cli_options *opts, int quiet, int *left)
{
    char dir[600], user[72];
    size_t n;
    *left = 0;
    if (current_user(opts, user, sizeof(user)) != 0 || outbox_dir(dir, sizeof(dir)) != 0)
        return 0;
    char **names = list_files(dir, &n);
    int sent = 0, stopped = 0;
    for (size_t i = 0; names && i < n; i++) {
        char path[800];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
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
        int rc = outbox_fill_bases_at_send(opts, body, &err);
        if (rc == 0)
            rc = call_raw(opts, CCHC__V1__REQUEST__BODY_REPORT_SUBMIT, body, &response, &err);
        int conflict = rc != 0 && strcmp(err.code_name, "conflict") == 0;
        if (conflict && rebase_conflicts && rebase_conflicts(opts, body) == 0) {
            unlink(path);
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
                fprintf(stderr, _("cchc: đăng nhập lại ('cchc login'), rồi 'cchc outbox send' "
                                  "(log in again, then send the outbox)\n"));
        } else {
            unlink(path);
            sent++;
            if (rc == 0 && !quiet)
                printf(_("Đã gửi từ hộp thư đi: %zu báo cáo kỳ %s.\n"),
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
