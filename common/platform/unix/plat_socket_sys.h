/* The POSIX socket headers plat_socket.h needs (its Windows twin is
 * win/plat_socket_sys.h): CMake puts one of the two folders on the path. */
#ifndef CCHC_PLAT_SOCKET_SYS_H
#define CCHC_PLAT_SOCKET_SYS_H

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#endif
