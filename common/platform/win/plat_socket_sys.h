/* Winsock's headers for plat_socket.h (the POSIX twin is
 * unix/plat_socket_sys.h): getaddrinfo, inet_pton and POLLIN/POLLOUT come
 * from ws2tcpip.h and winsock2.h on Windows Vista and later. */
#ifndef CCHC_PLAT_SOCKET_SYS_H
#define CCHC_PLAT_SOCKET_SYS_H

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#include <winsock2.h>
#include <ws2tcpip.h>

#endif
