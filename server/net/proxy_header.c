/* See proxy_header.h. The header is taken byte range by byte range in
 * three stretches: the fixed part (checked as soon as it is whole, the
 * signature byte by byte so that a peer that sends anything else is
 * refused at its first byte), the address block the connection needs
 * (kept in head), and the rest (TLVs, or whatever a LOCAL header carries),
 * walked without being kept. */
#include "proxy_header.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static const uint8_t signature[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                      0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

enum { CMD_LOCAL = 0x0, CMD_PROXY = 0x1 };
enum { FAM_UNSPEC = 0x0, FAM_INET = 0x1, FAM_INET6 = 0x2, FAM_UNIX = 0x3 };
enum { TRANSPORT_UNSPEC = 0x0, TRANSPORT_STREAM = 0x1, TRANSPORT_DGRAM = 0x2 };

#define INET_BLOCK 12  /* source and destination address, source and destination port */
#define INET6_BLOCK 36

void proxy_header_init(proxy_header *p)
{
    memset(p, 0, sizeof(*p));
}

const char *proxy_header_error(const proxy_header *p)
{
    return p->error ? p->error : "";
}

static proxy_status invalid(proxy_header *p, const char *why)
{
    p->error = why;
    return PROXY_INVALID;
}

/* The fixed part is whole: version, command, family and length decide how
 * long the header is and which of its bytes are kept. */
static proxy_status read_fixed_part(proxy_header *p)
{
    uint8_t version = p->head[12] >> 4, command = p->head[12] & 0x0F;
    uint8_t family = p->head[13] >> 4, transport = p->head[13] & 0x0F;
    uint32_t len = (uint32_t)p->head[14] << 8 | p->head[15];
    if (version != 2)
        return invalid(p, "not version 2 of the PROXY protocol");
    if (command != CMD_LOCAL && command != CMD_PROXY)
        return invalid(p, "unknown PROXY protocol command");
    if (family > FAM_UNIX || transport > TRANSPORT_DGRAM)
        return invalid(p, "unknown address family or transport");
    uint32_t addresses = 0;
    if (command == CMD_LOCAL) {
        p->local = 1; /* the block, whatever it holds, is skipped */
    } else if (transport != TRANSPORT_STREAM || (family != FAM_INET && family != FAM_INET6)) {
        return invalid(p, "not TCP over IPv4 or IPv6");
    } else {
        addresses = family == FAM_INET ? INET_BLOCK : INET6_BLOCK;
        if (len < addresses)
            return invalid(p, "address block shorter than its family needs");
        p->walk_tlvs = 1;
    }
    /* a LOCAL block may hold any family's addresses, a PROXY one holds its own */
    if (len > PROXY_HEADER_MAX_ADDRESSES + PROXY_HEADER_MAX_TLVS ||
        (!p->local && len - addresses > PROXY_HEADER_MAX_TLVS))
        return invalid(p, "header longer than cchcd accepts");
    p->total = PROXY_HEADER_FIXED_LEN + len;
    p->keep = PROXY_HEADER_FIXED_LEN + addresses;
    return PROXY_NEED_MORE;
}

/* Walks the TLVs in data (the header's bytes from p->have on): each a type
 * byte, a two-byte length and that many bytes, none past the header. */
static proxy_status walk_tlvs(proxy_header *p, const uint8_t *data, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p->tlv_left > 0) {
            size_t skip = n - i < p->tlv_left ? n - i : p->tlv_left;
            p->tlv_left -= (uint32_t)skip;
            i += skip;
            continue;
        }
        uint8_t byte = data[i++];
        if (p->tlv_have == 1)
            p->tlv_len_hi = byte;
        if (++p->tlv_have == 3) {
            p->tlv_have = 0;
            p->tlv_left = (uint32_t)p->tlv_len_hi << 8 | byte;
            uint32_t after = p->have + (uint32_t)i; /* where the value starts */
            if (p->tlv_left > p->total - after)
                return invalid(p, "a TLV runs past the end of the header");
        }
    }
    return PROXY_NEED_MORE;
}

/* The header is whole: the source, from the kept address block. */
static proxy_status finish(proxy_header *p, proxy_source *out)
{
    memset(out, 0, sizeof(*out));
    if (p->tlv_have != 0)
        return invalid(p, "the header ends inside a TLV");
    if (p->local) {
        out->local = 1;
        return PROXY_DONE;
    }
    const uint8_t *block = p->head + PROXY_HEADER_FIXED_LEN;
    if (p->keep - PROXY_HEADER_FIXED_LEN == INET_BLOCK) {
        inet_ntop(AF_INET, block, out->ip, sizeof(out->ip));
        out->port = (uint16_t)(block[8] << 8 | block[9]);
        return PROXY_DONE;
    }
    static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (memcmp(block, v4_mapped, sizeof(v4_mapped)) == 0) /* one client, one spelling */
        inet_ntop(AF_INET, block + 12, out->ip, sizeof(out->ip));
    else
        inet_ntop(AF_INET6, block, out->ip, sizeof(out->ip));
    out->port = (uint16_t)(block[32] << 8 | block[33]);
    return PROXY_DONE;
}

proxy_status proxy_header_feed(proxy_header *p, const uint8_t *data, size_t len,
                               size_t *consumed, proxy_source *out)
{
    *consumed = 0;
    if (p->error)
        return PROXY_INVALID;
    size_t i = 0;
    while (p->total == 0 || p->have < p->total) {
        if (i == len) {
            *consumed = len;
            return PROXY_NEED_MORE;
        }
        if (p->have < PROXY_HEADER_FIXED_LEN) {
            uint8_t byte = data[i++];
            if (p->have < sizeof(signature) && byte != signature[p->have])
                return invalid(p, "no PROXY protocol v2 signature");
            p->head[p->have++] = byte;
            if (p->have == PROXY_HEADER_FIXED_LEN && read_fixed_part(p) != PROXY_NEED_MORE)
                return PROXY_INVALID;
        } else if (p->have < p->keep) {
            size_t take = p->keep - p->have < len - i ? p->keep - p->have : len - i;
            memcpy(p->head + p->have, data + i, take);
            p->have += (uint32_t)take;
            i += take;
        } else {
            size_t take = p->total - p->have < len - i ? p->total - p->have : len - i;
            if (p->walk_tlvs && walk_tlvs(p, data + i, take) != PROXY_NEED_MORE)
                return PROXY_INVALID;
            p->have += (uint32_t)take;
            i += take;
        }
    }
    *consumed = i;
    return finish(p, out);
}
