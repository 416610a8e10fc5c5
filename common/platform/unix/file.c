/* plat_file.h on POSIX: mkstemp, fchmod, fsync, rename and link. */
#include "plat_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *plat_fopen(const char *path, const char *mode)
{
    return fopen(path, mode);
}

int plat_mkdir_private(const char *path)
{
    struct stat st;
    if (mkdir(path, 0700) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return -1;
}

int plat_remove(const char *path)
{
    return unlink(path);
}

int plat_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

FILE *plat_temp_create(char *path_template, int owner_only)
{
    int fd = mkstemp(path_template);
    if (fd < 0)
        return NULL;
    int ok;
    if (owner_only) {
        ok = fchmod(fd, 0600) == 0;
    } else {
        /* mkstemp makes 0600; an ordinary document is what the umask says */
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
        ok = 1;
    }
    FILE *f = ok ? fdopen(fd, "wb") : NULL;
    if (!f) {
        int saved = errno;
        close(fd);
        unlink(path_template);
        errno = saved;
    }
    return f;
}

int plat_file_sync(FILE *f)
{
    return fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
}

int plat_rename_replace(const char *from, const char *to)
{
    return rename(from, to);
}

int plat_rename_noreplace(const char *from, const char *to)
{
    /* link() refuses (EEXIST) when to exists, even if it appeared just now */
    if (link(from, to) == 0) {
        unlink(from);
        return 0;
    }
    if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP)
        return -1;
    /* a file system without hard links: check, then rename */
    if (plat_exists(to)) {
        errno = EEXIST;
        return -1;
    }
    return rename(from, to);
}

int plat_folder_private(const char *dir)
{
    struct stat st;
    return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
           (st.st_mode & 022) == 0;
}

FILE *plat_open_private(const char *path, const char *dir)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077) != 0 || !plat_folder_private(dir)) {
        close(fd);
        errno = EPERM;
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f)
        close(fd);
    return f;
}

struct plat_dir {
    DIR *d;
};

plat_dir *plat_dir_open(const char *path)
{
    DIR *d = opendir(path);
    plat_dir *dir = d ? malloc(sizeof(*dir)) : NULL;
    if (!dir) {
        if (d)
            closedir(d);
        return NULL;
    }
    dir->d = d;
    return dir;
}

const char *plat_dir_next(plat_dir *dir)
{
    struct dirent *e = readdir(dir->d);
    return e ? e->d_name : NULL;
}

void plat_dir_close(plat_dir *dir)
{
    if (!dir)
        return;
    closedir(dir->d);
    free(dir);
}
