/* See password_policy.h. Length counts characters, not bytes, so a
 * Vietnamese passphrase is measured as people type it. */
#include "password_policy.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

int password_policy_check(const char *username, const char *password, char *why,
                          size_t why_size)
{
    size_t bytes = strlen(password);
    if (!utf8_valid(password, bytes)) {
        snprintf(why, why_size, "mật khẩu không phải văn bản UTF-8 hợp lệ (password is not valid UTF-8)");
        return -1;
    }
    size_t chars = utf8_chars(password);
    if (chars < PASSWORD_MIN_LENGTH) {
        snprintf(why, why_size, "mật khẩu cần ít nhất %d ký tự (password needs at least %d characters)",
                 PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH);
        return -1;
    }
    if (bytes > PASSWORD_MAX_LENGTH) {
        snprintf(why, why_size, "mật khẩu dài quá %d byte (password too long)", PASSWORD_MAX_LENGTH);
        return -1;
    }
    if (username && strlen(username) >= 3 && contains_ci(password, username)) {
        snprintf(why, why_size, "mật khẩu không được chứa tên đăng nhập (password contains the username)");
        return -1;
    }
    for (size_t i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]); i++)
        if (strcasecmp(password, common_passwords[i]) == 0) {
            snprintf(why, why_size, "mật khẩu quá phổ biến (password is too common)");
            return -1;
        }
    if (trivial_run(password)) {
        snprintf(why, why_size, "mật khẩu quá đơn giản (password is a trivial sequence)");
        return -1;
    }
    return 0;
}
