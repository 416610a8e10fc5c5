/* The system's CAs on Linux and other POSIX systems: OpenSSL's default
 * file and folder (Debian's ca-certificates), see tls_roots.h. */
#include "tls_roots.h"

int tls_load_system_roots(SSL_CTX *ctx)
{
    return SSL_CTX_set_default_verify_paths(ctx) == 1;
}
