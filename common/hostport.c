/* See hostport.h. Validation is strict so a typo fails at start-up with a
 * clear message instead of as an obscure getaddrinfo error later. */
#include "hostport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat_socket.h"

static int valid_port(const char *port)
{
    if (*port == '\0' || strlen(port) > 5)
        return 0;
    for (const char *p = port; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    long value = strtol(port, NULL, 10);
    return value >= 0 && value <= 65535;
}

int hostport_parse(const char *text, const char *default_port, hostport *out,
                   char *err, size_t err_size)
{
    memset(out, 0, sizeof(*out));
    if (!text || !*text) {
        snprintf(err, err_size, "empty address; expected HOST:PORT");
        return -1;
    }
    const char *host = text, *host_end, *port = NULL;
    if (text[0] == '[') {
        host = text + 1;
        host_end = strchr(host, ']');
        if (!host_end) {
            snprintf(err, err_size, "'%s': missing ']' after IPv6 address", text);
            return -1;
        }
        if (host_end[1] == ':')
            port = host_end + 2;
        else if (host_end[1] != '\0') {
            snprintf(err, err_size, "'%s': expected ':PORT' after ']'", text);
            return -1;
        }
    } else {
        const char *colon = strrchr(text, ':');
        if (colon && strchr(text, ':') != colon) {
            snprintf(err, err_size,
                     "'%s': write IPv6 addresses in brackets, e.g. [::1]:%s",
                     text, default_port);
            return -1;
        }
        host_end = colon ? colon : text + strlen(text);
        if (colon)
            port = colon + 1;
    }
    size_t host_len = (size_t)(host_end - host);
    if (host_len >= sizeof(out->host)) {
        snprintf(err, err_size, "host name too long");
        return -1;
    }
    memcpy(out->host, host, host_len);
    out->host[host_len] = '\0';
    if (!port)
        port = default_port;
    if (!valid_port(port)) {
        snprintf(err, err_size, "'%s': port must be a number from 0 to 65535",
                 text);
        return -1;
    }
    snprintf(out->port, sizeof(out->port), "%s", port);
    return 0;
}

int hostport_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return 0;
}
