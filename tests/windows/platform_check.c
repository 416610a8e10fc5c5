/* The Windows half of the platform layer (common/platform/win/) checked
 * where it runs: under Wine, or on Windows. Plain C with its own CHECK (no
 * cmocka in the Windows prefix): a private folder and files with
 * Vietnamese names, the unpredictable temporary name, "no overwrite"
 * refusing with EEXIST, replace replacing, listing, removal; UTC
 * calendar calls; the spreadsheet encodings without iconv (1258 composed
 * to NFC as glibc's iconv does); a refused connect reported as
 * ECONNREFUSED by the select() wait. Prints one line per check and exits
 * 1 when any failed. Built with the mingw-w64 toolchain:
 *   W=common; x86_64-w64-mingw32-gcc -std=c11 -D__USE_MINGW_ANSI_STDIO=1 \
 *     -D_WIN32_WINNT=0x0601 -DUTF8PROC_STATIC -I$W -I$W/platform -I$W/platform/win \
 *     -I$PREFIX/include tests/windows/platform_check.c $W/platform/utf16.c \
 *     $W/platform/win/{file,places,time,wide_text,socket,tty_password,console,charset}.c \
 *     $PREFIX/lib/libutf8proc.a -lws2_32 -lshell32 -lole32 -luuid -ladvapi32 \
 *     -lbcrypt -static -o platform_check.exe
 *   WINEDEBUG=-all wine platform_check.exe Z:\\tmp\\somewhere */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plat_file.h"
#include "plat_places.h"
#include "plat_time.h"
#include "plat_charset.h"
#include "plat_socket.h"
#include "tty_password.h"

#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s (errno %d)\n", __FILE__, __LINE__, #c, errno); fails++; } else printf("ok   %s\n", #c); } while (0)

int main(int argc, char **argv)
{
    int fails = 0;
    const char *base = argc > 1 ? argv[1] : ".";
    char dir[512], p1[600], p2[600], p3[600];
    CHECK(plat_config_dir(dir, sizeof dir) == 0);
    printf("config dir: %s\n", dir);
    snprintf(dir, sizeof dir, "%s\\th\xc6\xb0 m\xe1\xbb\xa5\x63", base); /* thư mục */
    CHECK(plat_mkdir_private(dir) == 0);
    CHECK(plat_mkdir_private(dir) == 0);
    snprintf(p1, sizeof p1, "%s\\b\xc3\xa1o-c\xc3\xa1o.XXXXXX", dir);
    FILE *f = plat_temp_create(p1, 1);
    CHECK(f != NULL);
    if (f) { fputs("a\r\nb\n", f); CHECK(plat_file_sync(f) == 0); fclose(f); }
    printf("temp: %s\n", p1);
    snprintf(p2, sizeof p2, "%s\\b\xc3\xa1o-c\xc3\xa1o.csv", dir);
    plat_remove(p2);
    CHECK(plat_rename_noreplace(p1, p2) == 0);
    CHECK(plat_exists(p2));
    snprintf(p3, sizeof p3, "%s\\other.XXXXXX", dir);
    f = plat_temp_create(p3, 0);
    CHECK(f != NULL);
    if (f) { fputs("x", f); fclose(f); }
    errno = 0;
    CHECK(plat_rename_noreplace(p3, p2) == -1 && errno == EEXIST);
    CHECK(plat_rename_replace(p3, p2) == 0);
    f = plat_fopen(p2, "rb");
    char buf[16] = "";
    CHECK(f && fread(buf, 1, 15, f) == 1 && buf[0] == 'x');
    if (f) fclose(f);
    plat_dir *d = plat_dir_open(dir);
    CHECK(d != NULL);
    const char *name; int found = 0;
    while (d && (name = plat_dir_next(d))) { printf("  entry: %s\n", name); found += strcmp(name, "b\xc3\xa1o-c\xc3\xa1o.csv") == 0; }
    plat_dir_close(d);
    CHECK(found == 1);
    CHECK(plat_remove(p2) == 0);
    errno = 0;
    CHECK(plat_remove(p2) == -1 && errno == ENOENT);
    struct tm tm = {0}; tm.tm_year = 126; tm.tm_mon = 0; tm.tm_mday = 1;
    CHECK(plat_timegm(&tm) == 1767225600);
    time_t t = 1767225600 + 7 * 3600; struct tm out;
    CHECK(plat_gmtime(&t, &out) && out.tm_hour == 7);
    int64_t s; long ns; plat_realtime(&s, &ns);
    CHECK(s > 1700000000 && ns >= 0 && ns < 1000000000);
    char *u; size_t ul;
    /* "Cần Thơ" in 1258: C, a-circ(0xE2), grave tone (0xCC), n, space, T, h, o-horn(0xF5) */
    CHECK(plat_to_utf8("WINDOWS-1258", "C\xe2\xccn Th\xf5", 8, &u, &ul) == 0 && strcmp(u, "C\xe1\xba\xa7n Th\xc6\xa1") == 0);
    CHECK(plat_to_utf8("UTF-16LE", "a\0\xa1\x01", 4, &u, &ul) == 0 && strcmp(u, "a\xc6\xa1") == 0);
    CHECK(plat_to_utf8("WINDOWS-1252", "caf\xe9", 4, &u, &ul) == 0 && strcmp(u, "caf\xc3\xa9") == 0);
    CHECK(plat_to_utf8("WINDOWS-1258", "\xec", 1, &u, &ul) == 0); /* a lone combining mark */
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_INET; hints.ai_socktype = SOCK_STREAM;
    CHECK(plat_socket_startup() == 0);
    CHECK(getaddrinfo("127.0.0.1", "1", &hints, &res) == 0);
    int fd = plat_socket_open(res);
    CHECK(fd >= 0);
    int rc = plat_socket_connect(fd, res->ai_addr, res->ai_addrlen);
    printf("connect rc %d errno %d\n", rc, errno);
    if (rc != 0 && errno == EINPROGRESS) {
        int n = plat_socket_poll(fd, POLLOUT, 3000);
        int e = plat_socket_pending_error(fd);
        printf("poll %d pending %d (%s)\n", n, e, plat_socket_strerror(e));
        CHECK(n > 0 && e == ECONNREFUSED);
    } else {
        CHECK(rc == -1 && errno == ECONNREFUSED);
    }
    plat_socket_close(fd);
    printf("%s\n", fails ? "SOME FAILED" : "ALL OK");
    return fails != 0;
}
