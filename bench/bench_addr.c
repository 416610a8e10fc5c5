/* See bench_addr.h. */
#include "bench_addr.h"

#include <stdio.h>
#include <sys/socket.h>

#include "hostport.h"
#include "protocol.h"

struct addrinfo *bench_resolve(const char *server, char *err, size_t errlen)
{
    hostport hp;
    if (hostport_parse(server, CCHC_DEFAULT_PORT_STR, &hp, err, errlen) != 0)
        return NULL;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(hp.host[0] ? hp.host : "127.0.0.1", hp.port, &hints, &ai) != 0) {
        snprintf(err, errlen, "cannot resolve %s", server);
        return NULL;
    }
    return ai;
}
