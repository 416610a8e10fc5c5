/* plat_socket.h on Windows (Winsock 2). Winsock keeps its errors in
 * WSAGetLastError with names of its own; each failure here is put into
 * errno under the POSIX name callers test (WSAEWOULDBLOCK → EAGAIN, or
 * EINPROGRESS for a connect under way), and plat_socket_strerror asks
 * Windows for the sentence of the Winsock code behind it, since the C
 * runtime's strerror knows none of the network errors.
 *
 * Waiting uses select() on the one socket rather than WSAPoll: WSAPoll
 * is known not to report a failed non-blocking connect (a refused port)
 * on Windows versions district offices still run, so "is cchcd
 * running?" would become a wait until --timeout; select() reports it in
 * the exception set (docs/portability.md has the source). */
#include "plat_socket.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "wide_text.h"

static int winsock_started;

int plat_socket_startup(void)
{
    if (winsock_started)
        return 0;
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0)
        return -1;
    winsock_started = 1;
    return 0;
}

/* Winsock's code ↔ the POSIX errno callers test. */
static const struct {
    int wsa;
    int posix;
} error_names[] = {
    {WSAEWOULDBLOCK, EAGAIN},         {WSAEINPROGRESS, EINPROGRESS},
    {WSAEALREADY, EALREADY},          {WSAECONNREFUSED, ECONNREFUSED},
    {WSAETIMEDOUT, ETIMEDOUT},        {WSAECONNRESET, ECONNRESET},
    {WSAECONNABORTED, ECONNABORTED},  {WSAENOTCONN, ENOTCONN},
    {WSAEHOSTUNREACH, EHOSTUNREACH},  {WSAENETUNREACH, ENETUNREACH},
    {WSAENETDOWN, ENETDOWN},          {WSAEADDRNOTAVAIL, EADDRNOTAVAIL},
    {WSAEAFNOSUPPORT, EAFNOSUPPORT},  {WSAEINTR, EINTR},
    {WSAEMFILE, EMFILE},              {WSAENOBUFS, ENOBUFS},
    {WSAESHUTDOWN, EPIPE},            {WSAEACCES, EACCES},
};
#define N_ERROR_NAMES (sizeof(error_names) / sizeof(error_names[0]))

static int posix_of(int wsa)
{
    for (size_t i = 0; i < N_ERROR_NAMES; i++)
        if (error_names[i].wsa == wsa)
            return error_names[i].posix;
    return EIO;
}

static int wsa_of(int posix)
{
    for (size_t i = 0; i < N_ERROR_NAMES; i++)
        if (error_names[i].posix == posix)
            return error_names[i].wsa;
    return 0;
}

/* errno from the last Winsock failure; always -1 for the caller to return. */
static int fail_with_last_error(void)
{
    errno = posix_of(WSAGetLastError());
    return -1;
}

int plat_socket_open(const struct addrinfo *ai)
{
    if (plat_socket_startup() != 0) {
        errno = ENETDOWN;
        return -1;
    }
    SOCKET s = WSASocketW(ai->ai_family, ai->ai_socktype, ai->ai_protocol, NULL, 0,
                          WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET)
        return fail_with_last_error();
    u_long non_blocking = 1;
    if (ioctlsocket(s, FIONBIO, &non_blocking) != 0) {
        int saved = WSAGetLastError();
        closesocket(s);
        errno = posix_of(saved);
        return -1;
    }
    return (int)s;
}

int plat_socket_connect(int fd, const struct sockaddr *addr, size_t len)
{
    if (connect((SOCKET)fd, addr, (int)len) == 0)
        return 0;
    int wsa = WSAGetLastError();
    errno = wsa == WSAEWOULDBLOCK ? EINPROGRESS : posix_of(wsa);
    return -1;
}

int plat_socket_pending_error(int fd)
{
    int soerr = 0;
    int len = sizeof(soerr);
    if (getsockopt((SOCKET)fd, SOL_SOCKET, SO_ERROR, (char *)&soerr, &len) != 0)
        return posix_of(WSAGetLastError());
    return soerr ? posix_of(soerr) : 0;
}

void plat_socket_nodelay(int fd)
{
    BOOL one = TRUE;
    setsockopt((SOCKET)fd, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
}

ssize_t plat_socket_send(int fd, const void *data, size_t len)
{
    int chunk = len > INT_MAX ? INT_MAX : (int)len;
    int n = send((SOCKET)fd, data, chunk, 0);
    return n == SOCKET_ERROR ? fail_with_last_error() : n;
}

ssize_t plat_socket_recv(int fd, void *buf, size_t size)
{
    int chunk = size > INT_MAX ? INT_MAX : (int)size;
    int n = recv((SOCKET)fd, buf, chunk, 0);
    return n == SOCKET_ERROR ? fail_with_last_error() : n;
}

int plat_socket_poll(int fd, short events, int timeout_ms)
{
    fd_set readable, writable, failed;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_ZERO(&failed);
    if (events & POLLIN)
        FD_SET((SOCKET)fd, &readable);
    if (events & POLLOUT)
        FD_SET((SOCKET)fd, &writable);
    FD_SET((SOCKET)fd, &failed); /* where a failed connect shows */
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    int n = select(0, &readable, &writable, &failed, timeout_ms < 0 ? NULL : &tv);
    return n == SOCKET_ERROR ? fail_with_last_error() : n;
}

void plat_socket_close(int fd)
{
    closesocket((SOCKET)fd);
}

const char *plat_socket_strerror(int err)
{
    static char text[512];
    int wsa = wsa_of(err);
    wchar_t wide[256];
    DWORD n = wsa ? FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                   NULL, (DWORD)wsa, 0, wide, 256, NULL)
                  : 0;
    while (n > 0 && (wide[n - 1] == L'\r' || wide[n - 1] == L'\n' || wide[n - 1] == L'.'))
        wide[--n] = L'\0';
    if (n == 0 || wide_to_utf8(wide, text, sizeof(text)) != 0)
        snprintf(text, sizeof(text), "%s", strerror(err));
    return text;
}
