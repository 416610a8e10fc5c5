/* plat_socket.h on POSIX: the calls themselves, errno already POSIX. */
#include "plat_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

int plat_socket_startup(void)
{
    return 0;
}

int plat_socket_open(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    return fd;
}

int plat_socket_connect(int fd, const struct sockaddr *addr, size_t len)
{
    return connect(fd, addr, (socklen_t)len);
}

int plat_socket_pending_error(int fd)
{
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
        return errno;
    return soerr;
}

void plat_socket_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

ssize_t plat_socket_send(int fd, const void *data, size_t len)
{
    return send(fd, data, len, MSG_NOSIGNAL);
}

ssize_t plat_socket_recv(int fd, void *buf, size_t size)
{
    return recv(fd, buf, size, 0);
}

int plat_socket_poll(int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    return poll(&p, 1, timeout_ms);
}

void plat_socket_close(int fd)
{
    close(fd);
}

const char *plat_socket_strerror(int err)
{
    return strerror(err);
}
