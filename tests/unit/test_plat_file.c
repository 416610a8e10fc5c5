/* Unit tests of the platform layer's file and folder guarantees on POSIX
 * (common/platform/unix/file.c, places.c), the promises
 * common/platform/win/ keeps with Windows' calls: a private temporary
 * file is 0600 under a new name, "no overwrite" never overwrites, a
 * replace is a replace, private folders are 0700, the session reader
 * refuses a file others can read, a folder lists its names, and the
 * per-user folder honours CCHC_HOME before XDG_CONFIG_HOME and HOME.
 * Works in a fresh folder under /tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "plat_file.h"
#include "plat_places.h"

static char root[64];

static int make_root(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/cchc-plat-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int remove_root(void **state)
{
    (void)state;
    char command[128];
    snprintf(command, sizeof(command), "rm -rf '%s'", root);
    return system(command) == 0 ? 0 : -1;
}

static void path_in_root(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", root, name);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = plat_fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *path, const char *text)
{
    char buf[64] = "";
    FILE *f = plat_fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, text);
}

static void test_private_temp_file(void **state)
{
    (void)state;
    char path[128];
    path_in_root("state.XXXXXX", path, sizeof(path));
    FILE *f = plat_temp_create(path, 1);
    assert_non_null(f);
    assert_null(strstr(path, "XXXXXX")); /* the name was chosen */
    fputs("token=secret\n", f);
    assert_int_equal(plat_file_sync(f), 0);
    assert_int_equal(fclose(f), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    expect_content(path, "token=secret\n");
}

static void test_no_overwrite_and_replace(void **state)
{
    (void)state;
    char a[128], b[128], c[128];
    path_in_root("a", a, sizeof(a));
    path_in_root("b", b, sizeof(b));
    path_in_root("c", c, sizeof(c));
    write_file(a, "new");
    write_file(b, "filled report");
    errno = 0;
    assert_int_equal(plat_rename_noreplace(a, b), -1);
    assert_int_equal(errno, EEXIST);
    expect_content(b, "filled report"); /* untouched */
    assert_true(plat_exists(a));
    assert_int_equal(plat_rename_noreplace(a, c), 0);
    assert_false(plat_exists(a));
    expect_content(c, "new");
    assert_int_equal(plat_rename_replace(c, b), 0);
    expect_content(b, "new");
    assert_false(plat_exists(c));
    assert_int_equal(plat_remove(b), 0);
    errno = 0;
    assert_int_equal(plat_remove(b), -1);
    assert_int_equal(errno, ENOENT);
}

static void test_private_folder_and_session_reader(void **state)
{
    (void)state;
    char dir[128], file[160];
    path_in_root("cchc", dir, sizeof(dir));
    assert_int_equal(plat_mkdir_private(dir), 0);
    assert_int_equal(plat_mkdir_private(dir), 0); /* already there: fine */
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_true(plat_folder_private(dir));
    snprintf(file, sizeof(file), "%s/session", dir);
    write_file(file, "token=t\n");
    assert_int_equal(chmod(file, 0644), 0);
    errno = 0;
    assert_null(plat_open_private(file, dir)); /* others could read it */
    assert_int_equal(errno, EPERM);
    assert_int_equal(chmod(file, 0600), 0);
    FILE *f = plat_open_private(file, dir);
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(dir, 0777), 0);
    assert_false(plat_folder_private(dir)); /* others could write beside it */
    assert_null(plat_open_private(file, dir));
    assert_int_equal(chmod(dir, 0700), 0);
    /* a file where the folder should be */
    assert_int_equal(plat_mkdir_private(file), -1);
}

static void test_folder_listing(void **state)
{
    (void)state;
    char dir[128], path[160];
    path_in_root("outbox", dir, sizeof(dir));
    assert_int_equal(plat_mkdir_private(dir), 0);
    snprintf(path, sizeof(path), "%s/1700000000000000000-abc", dir);
    write_file(path, "x");
    snprintf(path, sizeof(path), "%s/b\xc3\xa1o-c\xc3\xa1o", dir); /* báo-cáo */
    write_file(path, "y");
    plat_dir *d = plat_dir_open(dir);
    assert_non_null(d);
    int seen_number = 0, seen_vietnamese = 0, others = 0;
    const char *name;
    while ((name = plat_dir_next(d)) != NULL) {
        if (strcmp(name, "1700000000000000000-abc") == 0)
            seen_number++;
        else if (strcmp(name, "b\xc3\xa1o-c\xc3\xa1o") == 0)
            seen_vietnamese++;
        else if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
            others++;
    }
    plat_dir_close(d);
    assert_int_equal(seen_number, 1);
    assert_int_equal(seen_vietnamese, 1);
    assert_int_equal(others, 0);
    path_in_root("missing", path, sizeof(path));
    assert_null(plat_dir_open(path));
}

static void test_config_dir_order(void **state)
{
    (void)state;
    char out[256];
    setenv("HOME", "/home/clerk", 1);
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("CCHC_HOME");
    assert_int_equal(plat_config_dir(out, sizeof(out)), 0);
    assert_string_equal(out, "/home/clerk/.config/cchc");
    setenv("XDG_CONFIG_HOME", "/x/config", 1);
    assert_int_equal(plat_config_dir(out, sizeof(out)), 0);
    assert_string_equal(out, "/x/config/cchc");
    setenv("CCHC_HOME", "/srv/cchc-h\xe1\xbb\x93-s\xc6\xa1", 1);
    assert_int_equal(plat_config_dir(out, sizeof(out)), 0);
    assert_string_equal(out, "/srv/cchc-h\xe1\xbb\x93-s\xc6\xa1");
    setenv("CCHC_HOME", "", 1); /* empty counts as unset */
    assert_int_equal(plat_config_dir(out, sizeof(out)), 0);
    assert_string_equal(out, "/x/config/cchc");
    assert_int_equal(plat_config_dir(out, 8), -1); /* does not fit */
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    assert_int_equal(plat_config_dir(out, sizeof(out)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_private_temp_file),
        cmocka_unit_test(test_no_overwrite_and_replace),
        cmocka_unit_test(test_private_folder_and_session_reader),
        cmocka_unit_test(test_folder_listing),
        cmocka_unit_test(test_config_dir_order),
    };
    return cmocka_run_group_tests(tests, make_root, remove_root);
}
