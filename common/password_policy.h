/* The password rules, shared so the client can refuse a weak password
 * before sending it and the server refuses it whatever the client did:
 * at least 10 characters, not containing the username, not one of the
 * passwords people pick first, not a single repeated or sequential run. */
#ifndef CCHC_PASSWORD_POLICY_H
#define CCHC_PASSWORD_POLICY_H

#include <stddef.h>

#define PASSWORD_MIN_LENGTH 10
#define PASSWORD_MAX_LENGTH 256

/* Returns 0 when acceptable, or -1 with the reason in why, a message id
 * with its arguments (msg_encode in msg_format.h). */
int password_policy_check(const char *username, const char *password, char *why,
                          size_t why_size);

#endif
