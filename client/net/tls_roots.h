/* The certificate authorities the operating system trusts, for a server
 * certificate checked without --ca: one header, one implementation per
 * system (unix/: OpenSSL's default paths; win/: Windows' "ROOT" store,
 * since OpenSSL's default folder does not exist on an office PC). */
#ifndef CCHC_TLS_ROOTS_H
#define CCHC_TLS_ROOTS_H

#include <openssl/ssl.h>

/* Adds the system's trusted CAs to ctx's store: 1 when done, 0 when the
 * system's store could not be read (OpenSSL's error queue, or on Windows
 * the reason in ERR, tells why). */
int tls_load_system_roots(SSL_CTX *ctx);

#endif
