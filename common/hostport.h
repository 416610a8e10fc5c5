/* Parsing "HOST:PORT" as users type it for --listen and --server, shared so
 * that server and client accept exactly the same spellings:
 * "127.0.0.1:7121", "localhost:7121", "[::1]:7121", ":7121" (all addresses),
 * "host" alone (default port). */
#ifndef CCHC_HOSTPORT_H
#define CCHC_HOSTPORT_H

#include <stddef.h>

typedef struct hostport {
    char host[256]; /* empty means "any address" */
    char port[8];
} hostport;

/* Returns 0, or -1 with a sentence in err explaining what is wrong. */
int hostport_parse(const char *text, const char *default_port, hostport *out,
                   char *err, size_t err_size);

struct sockaddr;
/* 127.0.0.0/8, ::1 and ::ffff:127.x: traffic that never leaves the host
 * (where plaintext is allowed without --insecure-plaintext). */
int hostport_is_loopback(const struct sockaddr *sa);

#endif
