/* UTF-8 decoding and validation shared by server and client: text from the
 * wire or from a user's file is checked before it goes anywhere, so a bad
 * byte is a clear field error instead of a database error. */
#ifndef CCHC_UTF8_H
#define CCHC_UTF8_H

#include <stddef.h>

/* Decodes one sequence at s (n > 0 bytes available). Returns its length;
 * an invalid byte returns 1 with *cp = U+FFFD and *ok = 0. Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
size_t utf8_decode(const char *s, size_t n, unsigned *cp, int *ok);
/* True when all n bytes are valid UTF-8 without NUL bytes. */
int utf8_valid(const char *s, size_t n);
/* The longest prefix of s[0..n) that does not end inside a multi-byte
 * sequence: where text cut at a byte count should end instead. */
size_t utf8_boundary(const char *s, size_t n);
/* Makes the NUL-terminated text at s valid UTF-8 in place, for messages
 * that must decode anywhere: a sequence cut off at the end is dropped,
 * any other invalid byte becomes '?'. Returns the new length. */
size_t utf8_scrub(char *s);

/* The start of text as it may be quoted in a message that goes into an
 * error reply: whole UTF-8 characters only, at most max bytes (out has
 * room for max + 1), up to the first invalid byte (found by fuzzing: a
 * byte cut "%.40s" or an invalid value echoed as is made the reply
 * invalid UTF-8). Returns out. */
const char *utf8_quotable(const char *text, char *out, size_t max);

#endif
