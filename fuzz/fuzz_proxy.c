/* Fuzz target: the PROXY protocol v2 header parser (server/net/proxy_header.c),
 * the first thing cchcd reads from a connection of a trusted load balancer.
 * The first input byte chooses the chunk sizes; the rest is the stream,
 * fed once at once and once in chunks. Both must agree on the outcome, on
 * how many bytes the header took and on the address; a completed header
 * never exceeds PROXY_HEADER_MAX_LEN nor its own announced length, and its
 * address is a valid IPv4 or IPv6 address (it goes into logs and the
 * login throttle). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy_header.h"

static uint32_t next(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* A completed header's source is well formed. */
static void check_source(const proxy_source *src)
{
    if (memchr(src->ip, '\0', sizeof(src->ip)) == NULL)
        abort();
    if (src->local) {
        if (src->ip[0] || src->port)
            abort();
        return;
    }
    uint8_t addr[16];
    if (inet_pton(strchr(src->ip, ':') ? AF_INET6 : AF_INET, src->ip, addr) != 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned max_chunk = 1u + data[0] % 64u;
    uint32_t state = 0x9e3779b9u ^ data[0];
    const uint8_t *stream = data + 1;
    size_t len = size - 1;

    proxy_header whole;
    proxy_source whole_src;
    size_t whole_used = 0;
    proxy_header_init(&whole);
    proxy_status whole_st = proxy_header_feed(&whole, stream, len, &whole_used, &whole_src);
    if (whole_used > len)
        abort();
    if (whole_st == PROXY_DONE) {
        if (whole_used > PROXY_HEADER_MAX_LEN || whole_used < PROXY_HEADER_FIXED_LEN ||
            whole_used != PROXY_HEADER_FIXED_LEN + ((size_t)stream[14] << 8 | stream[15]))
            abort();
        check_source(&whole_src);
    }
    if (whole_st == PROXY_NEED_MORE && whole_used != len)
        abort();
    if (whole_st == PROXY_INVALID && !*proxy_header_error(&whole))
        abort();

    proxy_header cut;
    proxy_source cut_src;
    proxy_header_init(&cut);
    proxy_status st = PROXY_NEED_MORE;
    size_t pos = 0;
    while (pos < len && st == PROXY_NEED_MORE) {
        size_t chunk = 1 + next(&state) % max_chunk;
        if (chunk > len - pos)
            chunk = len - pos;
        size_t used = 0;
        st = proxy_header_feed(&cut, stream + pos, chunk, &used, &cut_src);
        if (used > chunk || (st == PROXY_NEED_MORE && used != chunk))
            abort();
        pos += st == PROXY_INVALID ? chunk : used;
    }
    if (st != whole_st)
        abort();
    if (st == PROXY_DONE &&
        (pos != whole_used || cut_src.local != whole_src.local || cut_src.port != whole_src.port ||
         strcmp(cut_src.ip, whole_src.ip) != 0))
        abort();
    if (st == PROXY_INVALID && strcmp(proxy_header_error(&cut), proxy_header_error(&whole)) != 0)
        abort();
    return 0;
}
