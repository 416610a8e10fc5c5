/* The PROXY protocol version 2 header (HAProxy's doc/proxy-protocol.txt,
 * section 2.2) that a load balancer in front of cchcd sends before
 * anything else, so that cchcd learns the real client's address: without
 * it every client behind the balancer has the balancer's address, and the
 * login throttle per address locks all of them out together (issue 11).
 *
 * A pure parser, fed the connection's first bytes in whatever pieces they
 * arrive, that never holds more than the fixed part and the largest
 * address block it reads (52 bytes): the TLVs after the addresses are
 * walked and skipped as they pass, and a header longer than
 * PROXY_HEADER_MAX_LEN is refused before its bytes arrive. Accepted: the
 * LOCAL command (a health check by the balancer itself: the connection
 * keeps its own address) and the PROXY command for TCP over IPv4 or IPv6.
 * Anything else is invalid, and the connection must then be closed. */
#ifndef CCHCD_NET_PROXY_HEADER_H
#define CCHCD_NET_PROXY_HEADER_H

#include <stddef.h>
#include <stdint.h>

/* The 12-byte signature, version/command, family/transport, length. */
#define PROXY_HEADER_FIXED_LEN 16
/* The largest address block of the specification (two AF_UNIX paths). */
#define PROXY_HEADER_MAX_ADDRESSES 216
/* TLVs after the addresses (ALPN, authority, unique id, TLS details…):
 * HAProxy and the cloud balancers send a few hundred bytes at most. */
#define PROXY_HEADER_MAX_TLVS 1024
#define PROXY_HEADER_MAX_LEN \
    (PROXY_HEADER_FIXED_LEN + PROXY_HEADER_MAX_ADDRESSES + PROXY_HEADER_MAX_TLVS)

typedef enum proxy_status {
    PROXY_NEED_MORE, /* every byte given is part of the header: feed more */
    PROXY_DONE,      /* the header ended: *consumed bytes of this piece were its last */
    PROXY_INVALID,   /* not a valid header: proxy_header_error says why */
} proxy_status;

/* What a complete header says. */
typedef struct proxy_source {
    int local;      /* LOCAL: sent by the proxy itself; ip and port are empty */
    char ip[46];    /* the real client's address (an IPv4-mapped IPv6 one as IPv4) */
    uint16_t port;
} proxy_source;

typedef struct proxy_header {
    uint8_t head[PROXY_HEADER_FIXED_LEN + 36]; /* the fixed part, then up to an IPv6 block */
    uint32_t have;       /* bytes of the header taken so far */
    uint32_t total;      /* the whole header's length, once the fixed part is in (else 0) */
    uint32_t keep;       /* bytes of head to fill: the fixed part and the address block read */
    int local;
    int walk_tlvs;       /* PROXY command: the TLVs must be well formed */
    uint8_t tlv_have;    /* bytes of the current TLV's type and length seen (0..3) */
    uint8_t tlv_len_hi;
    uint32_t tlv_left;   /* bytes of the current TLV's value still to skip */
    const char *error;   /* why it is invalid (a constant string), NULL while it is not */
} proxy_header;

void proxy_header_init(proxy_header *p);
/* Takes the next len bytes of the connection. On PROXY_DONE, *consumed is
 * how many of them belonged to the header (the rest is the client's and
 * goes on to TLS or the frame reader) and *out holds the source; on
 * PROXY_NEED_MORE all len were taken. Not to be fed again after
 * PROXY_DONE; after PROXY_INVALID it stays invalid. */
proxy_status proxy_header_feed(proxy_header *p, const uint8_t *data, size_t len,
                               size_t *consumed, proxy_source *out);
/* Why the header is invalid, for the log ("" while it is not). */
const char *proxy_header_error(const proxy_header *p);

#endif
