/* The address of the cchcd a benchmark loads: "host:port" as cchc takes it
 * (hostport.h; an empty host is 127.0.0.1, the default port cchc's), resolved
 * once, so every tool under bench/ reads --server the same way. */
#ifndef CCHC_BENCH_ADDR_H
#define CCHC_BENCH_ADDR_H

#include <netdb.h>
#include <stddef.h>

/* The resolved address (free with freeaddrinfo), or NULL with a sentence
 * in err. */
struct addrinfo *bench_resolve(const char *server, char *err, size_t errlen);

#endif
