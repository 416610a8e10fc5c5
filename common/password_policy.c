/* See password_policy.h. Length counts characters, not bytes, so a
 * Vietnamese passphrase is measured as people type it. */
#include "password_policy.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "msg_format.h"
#include "utf8.h"

static const char *const common_passwords[] = {
    "1234567890", "12345678910", "123456789a", "1234567890a", "0123456789", "1111111111",
    "qwertyuiop", "password123", "password1234", "matkhau123", "matkhau1234", "abc1234567",
    "abcd123456", "admin12345", "admin123456", "administrator", "iloveyou123", "cantho123",
    "cantho2023", "cantho12345", "vietnam123", "vietnam2023", "1q2w3e4r5t", "qwerty12345",
    "welcome123", "changeme123", "cchc123456", "sonoivu123",
};

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* True when every character repeats the first, or each ASCII character is
 * the previous one plus or minus one ("abcdefghij", "9876543210"). */
static int trivial_run(const char *p)
{
    size_t n = strlen(p);
    int same = 1, up = 1, down = 1;
    for (size_t i = 1; i < n; i++) {
        same &= p[i] == p[0];
        up &= (unsigned char)p[i] == (unsigned char)p[i - 1] + 1;
        down &= (unsigned char)p[i] + 1 == (unsigned char)p[i - 1];
    }
    return same || up || down;
}

static int contains_ci(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 0;
    for (const char *h = haystack; *h; h++)
        if (strncasecmp(h, needle, n) == 0)
            return 1;
    return 0;
}

/* A reason as an English message id with at most one argument (msg_encode):
 * the server sends it so and the client shows it in its language. */
static int refuse(char *why, size_t why_size, const char *id, int number)
{
    char text[16];
    snprintf(text, sizeof(text), "%d", number);
    const char *args[] = {text};
    msg_encode(why, why_size, id, args, number >= 0 ? 1 : 0);
    return -1;
}

int password_policy_check(const char *username, const char *password, char *why,
                          size_t why_size)
{
    size_t bytes = strlen(password);
    if (!utf8_valid(password, bytes))
        return refuse(why, why_size, MSG_ID("the password is not valid UTF-8 text"), -1);
    size_t chars = utf8_chars(password);
    if (chars < PASSWORD_MIN_LENGTH)
        return refuse(why, why_size, MSG_ID("the password needs at least %s characters"),
                      PASSWORD_MIN_LENGTH);
    if (bytes > PASSWORD_MAX_LENGTH)
        return refuse(why, why_size, MSG_ID("the password is longer than %s bytes"),
                      PASSWORD_MAX_LENGTH);
    if (username && strlen(username) >= 3 && contains_ci(password, username))
        return refuse(why, why_size, MSG_ID("the password contains the username"), -1);
    for (size_t i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]); i++)
        if (strcasecmp(password, common_passwords[i]) == 0)
            return refuse(why, why_size, MSG_ID("the password is too common"), -1);
    if (trivial_run(password))
        return refuse(why, why_size, MSG_ID("the password is a trivial sequence"), -1);
    return 0;
}
