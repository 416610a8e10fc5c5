/* Zeroing memory that held a secret (a password, a session token, a
 * decrypted request) before it goes back to the allocator, in a way the
 * compiler cannot drop as a dead store. Shared by the frame reader
 * (proto/) and the server's connections (server/net/), which may not link
 * libsodium's sodium_memzero. */
#ifndef CCHC_SECURE_WIPE_H
#define CCHC_SECURE_WIPE_H

#include <stddef.h>

/* Sets n bytes at p to zero; p may be NULL when n is 0. */
void secure_wipe(void *p, size_t n);

#endif
