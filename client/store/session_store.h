/* The client's login session on disk: one file per user account on the
 * machine ($XDG_CONFIG_HOME/cchc/session, else ~/.config/cchc/session),
 * mode 0600 in a 0700 folder, holding the server it belongs to, the
 * username and the token. A token is only ever sent to the server that
 * issued it. */
#ifndef CCHC_SESSION_STORE_H
#define CCHC_SESSION_STORE_H

#include <stddef.h>

typedef struct stored_session {
    char server[300];
    char username[72];
    char token[128];
    char expires_at[40];
    char roles[64];     /* comma separated, as at login: for reminders only */
} stored_session;

/* Loads the session for server; returns 0 when there is one. */
int session_load(const char *server, stored_session *out);
/* Writes it (replacing any other); returns 0 or -1 with errno set. */
int session_save(const stored_session *session);
/* Removes the file; 0 also when there was none. */
int session_forget(void);
/* The file's path, for messages. */
int session_path(char *out, size_t size);

#endif
