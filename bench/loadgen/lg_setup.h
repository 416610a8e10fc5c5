/* The load generator's preparation, before anything is measured: connect,
 * hello, log in, and ask each unit's tasks with their latest revisions,
 * one blocking call at a time on the connection that is later handed to
 * the event loop. Nothing here is timed. */
#ifndef CCHC_LG_SETUP_H
#define CCHC_LG_SETUP_H

#include <stddef.h>

#include "cchc/v1/envelope.pb-c.h"
#include "frame.h"

typedef struct lg_link {
    int fd;
    frame_reader reader;
    uint64_t next_id;
} lg_link;

/* Connects to host:port (blocking, TCP_NODELAY) and says hello; 0 or -1
 * with a message in err. */
int lg_link_open(lg_link *link, const char *server, char *err, size_t errlen);
/* Sends req (request_id set here) and returns its answer, or NULL with a
 * message in err (a refusal is an answer: the caller reads ->error). */
Cchc__V1__Response *lg_link_call(lg_link *link, Cchc__V1__Request *req, char *err,
                                 size_t errlen);
/* Logs in; the session token (malloc'd) or NULL with a message in err. */
char *lg_login(lg_link *link, const char *username, const char *password, char *err,
               size_t errlen);

#endif
