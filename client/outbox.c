/* See outbox.h. A submission file is "server=HOST:PORT\n" then the packed
 * ReportSubmitRequest; its name starts with the time it was made, so a
 * directory listing sorted by name is the order of sending. */
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
#include "i18n.h"

static int outbox_dir(char *out, size_t size)
{
    char config[512];
    if (config_file_path(config, sizeof(config)) != 0)
        return -1;
    char *slash = strrchr(config, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    if (mkdir(config, 0700) != 0 && errno != EEXIST)
        return -1;
    if (snprintf(out, size, "%s/outbox", config) >= (int)size)
        return -1;
    return mkdir(out, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int outbox_save(const cli_options *opts, const Cchc__V1__ReportSubmitRequest *request)
{
    char dir[600], path[700];
    if (outbox_dir(dir, sizeof(dir)) != 0)
        return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(path, sizeof(path), "%s/%lld%09ld-XXXXXX", dir, (long long)now.tv_sec, now.tv_nsec);
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
    fprintf(f, "server=%s\n", opts->server);
    size_t written = fwrite(bytes, 1, len, f);
    free(bytes);
    if (fclose(f) != 0 || written != len) {
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

/* Reads one submission for this server; NULL when it is for another one
 * or unreadable (then *bad is set). */
static Cchc__V1__ReportSubmitRequest *load(const char *path, const char *server, int *bad)
{
    *bad = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *bad = 1;
        return NULL;
    }
    char line[400];
    if (!fgets(line, sizeof(line), f) || strncmp(line, "server=", 7) != 0) {
        fclose(f);
        *bad = 1;
        return NULL;
    }
    line[strcspn(line, "\n")] = '\0';
    if (strcmp(line + 7, server) != 0) {
        fclose(f);
        return NULL;
    }
    uint8_t *bytes = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            uint8_t *grown = realloc(bytes, cap = cap ? cap * 2 : 65536);
            if (!grown)
                break;
            bytes = grown;
        }
        size_t got = fread(bytes + len, 1, cap - len, f);
        if (got == 0)
            break;
        len += got;
    }
    fclose(f);
    Cchc__V1__ReportSubmitRequest *request =
        bytes ? cchc__v1__report_submit_request__unpack(NULL, len, bytes) : NULL;
    free(bytes);
    if (!request)
        *bad = 1;
    return request;
}

int outbox_count(const cli_options *opts)
{
    char dir[600];
    size_t n;
    if (outbox_dir(dir, sizeof(dir)) != 0)
        return 0;
    char **names = list_files(dir, &n);
    int count = 0;
    for (size_t i = 0; names && i < n; i++) {
        char path[800];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        char line[400];
        if (f && fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\n")] = '\0';
            count += strncmp(line, "server=", 7) == 0 && strcmp(line + 7, opts->server) == 0;
        }
        if (f)
            fclose(f);
        free(names[i]);
    }
    free(names);
    return count;
}

int outbox_send(const cli_options *opts, int quiet, int *left)
{
    char dir[600];
    size_t n;
    *left = 0;
    if (outbox_dir(dir, sizeof(dir)) != 0)
        return 0;
    char **names = list_files(dir, &n);
    int sent = 0, stopped = 0;
    for (size_t i = 0; names && i < n; i++) {
        char path[800];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        free(names[i]);
        int bad;
        Cchc__V1__ReportSubmitRequest *body = load(path, opts->server, &bad);
        if (bad) {
            fprintf(stderr, _("cchc: %s is not a submission; left in place\n"), path);
            continue;
        }
        if (!body)
            continue; /* for another server */
        if (stopped) {
            (*left)++;
            cchc__v1__report_submit_request__free_unpacked(body, NULL);
            continue;
        }
        Cchc__V1__Request request = CCHC__V1__REQUEST__INIT;
        request.body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
        request.report_submit = body;
        cli_error err;
        Cchc__V1__Response *response;
        int rc = call_raw(opts, &request, &response, &err);
        int keep = rc != 0 && (err.exit_code == EXIT_UNREACHABLE ||
                               strcmp(err.code_name, "unavailable") == 0 ||
                               strcmp(err.code_name, "resource_exhausted") == 0 ||
                               strcmp(err.code_name, "unauthenticated") == 0);
        if (keep) {
            stopped = 1;
            (*left)++;
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
