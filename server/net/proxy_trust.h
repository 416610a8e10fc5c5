/* Which peers may tell cchcd, with a PROXY protocol header, the address of
 * the client they relay (`cchcd serve --proxy-from LIST`). Only those: a
 * header from anyone else is not read as one, so nobody else can claim an
 * address and escape the login throttle or put a false address in the
 * audit trail. A pure parser and matcher of addresses and CIDR prefixes,
 * IPv4 and IPv6. */
#ifndef CCHCD_NET_PROXY_TRUST_H
#define CCHCD_NET_PROXY_TRUST_H

#include <stddef.h>
#include <stdint.h>

#define PROXY_TRUST_MAX 64

struct sockaddr;

typedef struct proxy_trust {
    int n;
    struct {
        int v6;           /* an IPv6 prefix (else IPv4: addr[0..3]) */
        uint8_t addr[16];
        int bits;         /* prefix length */
    } nets[PROXY_TRUST_MAX];
} proxy_trust;

/* Parses "10.0.0.2,10.1.0.0/16,fd00::/8" (spaces around entries allowed).
 * A prefix with bits set past its length, or of length 0 (which would let
 * anyone claim any address), is refused. Returns 0, or -1 with a sentence
 * in err. */
int proxy_trust_parse(proxy_trust *t, const char *list, char *err, size_t err_size);
/* Whether the peer address sa is in the list (an IPv4-mapped IPv6 peer
 * matches the IPv4 entries). */
int proxy_trust_match(const proxy_trust *t, const struct sockaddr *sa);

#endif
