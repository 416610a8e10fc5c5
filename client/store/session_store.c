/* See session_store.h. */
#include "session_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "config.h"
#include "i18n.h"
#include "plat_file.h"
#include "private_file.h"

int session_path(char *out, size_t size)
{
    return config_path("session", out, size);
}

/* A folder that only its owner (this user) can write: anyone else able to
 * write there could plant a session file or swap ours for a link. */
static int folder_is_private(const char *dir)
{
    return plat_folder_private(dir);
}

static void parent_of(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
}

int session_load(const char *server, stored_session *out)
{
    memset(out, 0, sizeof(*out));
    char path[600], dir[600];
    if (session_path(path, sizeof(path)) != 0)
        return -1;
    parent_of(path, dir, sizeof(dir));
    /* only a file of ours, readable by us alone, in a folder only we write */
    FILE *f = plat_open_private(path, dir);
    if (!f && errno != EPERM)
        return -1;
    if (!f) {
        fprintf(stderr, _("cchc: ignoring %s: it must be yours, mode 0600, in a folder only you "
                          "can write\n"), path);
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *v = eq + 1;
        if (strcmp(line, "server") == 0)
            snprintf(out->server, sizeof(out->server), "%s", v);
        else if (strcmp(line, "username") == 0)
            snprintf(out->username, sizeof(out->username), "%s", v);
        else if (strcmp(line, "token") == 0)
            snprintf(out->token, sizeof(out->token), "%s", v);
        else if (strcmp(line, "expires_at") == 0)
            snprintf(out->expires_at, sizeof(out->expires_at), "%s", v);
        else if (strcmp(line, "roles") == 0)
            snprintf(out->roles, sizeof(out->roles), "%s", v);
    }
    fclose(f);
    return out->token[0] && strcmp(out->server, server) == 0 ? 0 : -1;
}

/* Creates each missing folder of path's directory with mode 0700. */
static int make_parent_dirs(const char *path)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (plat_mkdir_private(dir) != 0)
            return -1;
        *p = '/';
    }
    return plat_mkdir_private(dir);
}

int session_save(const stored_session *s)
{
    char path[600], dir[600];
    if (session_path(path, sizeof(path)) != 0 || make_parent_dirs(path) != 0)
        return -1;
    parent_of(path, dir, sizeof(dir));
    if (!folder_is_private(dir)) {
        fprintf(stderr, _("cchc: %s must be yours and writable by you alone (chmod 700)\n"), dir);
        errno = EPERM;
        return -1;
    }
    char text[1400];
    snprintf(text, sizeof(text), "server=%s\nusername=%s\ntoken=%s\nexpires_at=%s\nroles=%s\n",
             s->server, s->username, s->token, s->expires_at, s->roles);
    int rc = private_file_replace(path, ".session", text);
    sodium_memzero(text, sizeof(text)); /* the token */
    return rc;
}

int session_forget(void)
{
    char path[600];
    if (session_path(path, sizeof(path)) != 0)
        return -1;
    return plat_remove(path) == 0 || errno == ENOENT ? 0 : -1;
}
