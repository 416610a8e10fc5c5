/* Who is asking: session tokens, password hashing off the event loop, and
 * the identity a checked session gives a request.
 *
 * Tokens are 32 random bytes (libsodium randombytes) sent to the client in
 * base64url; the server keeps only their SHA-256. Passwords are hashed and
 * verified with argon2id (crypto_pwhash_str), which takes tens of
 * milliseconds and 64 MiB on purpose, so it runs in libuv's thread pool,
 * never on the loop that serves everyone else. */
#ifndef CCHCD_AUTH_H
#define CCHCD_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

enum {
    ROLE_REPORTER = 1u << 0,
    ROLE_REVIEWER = 1u << 1,
    ROLE_ADMIN = 1u << 2,
    ROLE_VIEWER = 1u << 3,
};

typedef struct auth_identity {
    int authenticated;
    char account_id[24]; /* decimal, as a query parameter */
    char username[72];
    char unit_code[72];
    unsigned roles;
    char token_hash[65]; /* hex SHA-256 of the session token */
} auth_identity;

/* 0 when libsodium is ready (call once before serving). */
int auth_init(void);
/* Parses "reporter,admin" into a mask; -1 for an unknown role name. */
int auth_roles_parse(const char *comma_separated, unsigned *mask);
/* Name of one role bit. */
const char *auth_role_name(unsigned role);
/* A new session token (base64url, NUL-terminated) and its hex hash. */
void auth_token_new(char token[64], char hash_hex[65]);
/* Hex SHA-256 of a token the client sent. */
void auth_token_hash(const char *token, char hash_hex[65]);
/* True when a username has the allowed form (lowercase, digits, . _ -). */
int auth_username_valid(const char *username);

/* Hashes (hash_out filled) or verifies (ok set) in the thread pool and
 * calls done on the loop. The password is copied and wiped afterwards.
 * Returns -1 (done not called) when too many jobs are pending: the caller
 * answers "busy". */
typedef void (*auth_done_fn)(void *ctx, int ok, const char *hash);
int auth_hash_async(uv_loop_t *loop, const char *password, auth_done_fn done, void *ctx);
/* stored_hash NULL verifies against a dummy hash, so an unknown account
 * costs the same time as a known one. password is NFC (as every text the
 * server decodes); a hash made before passwords were normalised may be of
 * its NFD or Vietnamese combining form, which are tried next: ok is then
 * AUTH_VERIFIED_OTHER_FORM, and the caller should hash the NFC form anew. */
#define AUTH_VERIFIED_OTHER_FORM 2
int auth_verify_async(uv_loop_t *loop, const char *stored_hash, const char *password,
                      auth_done_fn done, void *ctx);

/* Password jobs not yet finished (the server drains them before closing
 * the database pool their callbacks use). */
int auth_jobs_pending(void);

#endif
