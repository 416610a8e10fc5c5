/* See proxy_trust.h. Addresses are compared as bytes in network order under
 * the prefix's mask, so "10.0.0.0/8" and "2001:db8::/32" work alike. */
#include "proxy_trust.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Whether a and b agree in their first bits bits. */
static int same_prefix(const uint8_t *a, const uint8_t *b, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)whole) != 0)
        return 0;
    if (rest == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xFF << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

/* Parses one entry (len bytes at text, no spaces) into t's next slot. */
static int parse_entry(proxy_trust *t, const char *text, size_t len, char *err, size_t err_size)
{
    char entry[64];
    if (len == 0 || len >= sizeof(entry)) {
        snprintf(err, err_size, "'%.*s' is not an address or a prefix (ADDRESS or ADDRESS/BITS)",
                 (int)(len < 60 ? len : 60), text);
        return -1;
    }
    memcpy(entry, text, len);
    entry[len] = '\0';
    if (t->n == PROXY_TRUST_MAX) {
        snprintf(err, err_size, "more than %d addresses or prefixes", PROXY_TRUST_MAX);
        return -1;
    }
    char *slash = strchr(entry, '/');
    if (slash)
        *slash = '\0';
    int v6 = strchr(entry, ':') != NULL;
    uint8_t addr[16] = {0};
    if (inet_pton(v6 ? AF_INET6 : AF_INET, entry, addr) != 1) {
        snprintf(err, err_size, "'%s' is not an IPv4 or IPv6 address", entry);
        return -1;
    }
    int max = v6 ? 128 : 32, bits = max;
    if (slash) {
        char *end;
        long value = strtol(slash + 1, &end, 10);
        if (!slash[1] || *end || value < 0 || value > max) {
            snprintf(err, err_size, "'%s/%s': the prefix length is a number from 1 to %d", entry,
                     slash + 1, max);
            return -1;
        }
        bits = (int)value;
    }
    if (bits == 0) {
        snprintf(err, err_size, "'%s/0' would let every address claim to be any client", entry);
        return -1;
    }
    for (int b = bits; b < max; b++) { /* the bits past the prefix are zero */
        if (addr[b / 8] & (0x80 >> (b % 8))) {
            snprintf(err, err_size, "'%s/%d' has bits set past its prefix length", entry, bits);
            return -1;
        }
    }
    t->nets[t->n].v6 = v6;
    memcpy(t->nets[t->n].addr, addr, sizeof(addr));
    t->nets[t->n].bits = bits;
    t->n++;
    return 0;
}

int proxy_trust_parse(proxy_trust *t, const char *list, char *err, size_t err_size)
{
    memset(t, 0, sizeof(*t));
    const char *p = list;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, ", \t");
        if (parse_entry(t, p, len, err, err_size) != 0)
            return -1;
        p += len;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            return 0;
        if (*p != ',') {
            snprintf(err, err_size, "addresses and prefixes are separated by commas");
            return -1;
        }
        p++;
    }
}

int proxy_trust_match(const proxy_trust *t, const struct sockaddr *sa)
{
    const uint8_t *v4 = NULL, *v6 = NULL;
    if (sa->sa_family == AF_INET) {
        v4 = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
    } else if (sa->sa_family == AF_INET6) {
        v6 = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
        if (memcmp(v6, mapped, sizeof(mapped)) == 0)
            v4 = v6 + 12;
    } else {
        return 0;
    }
    for (int i = 0; i < t->n; i++) {
        const uint8_t *peer = t->nets[i].v6 ? v6 : v4;
        if (peer && same_prefix(peer, t->nets[i].addr, t->nets[i].bits))
            return 1;
    }
    return 0;
}
