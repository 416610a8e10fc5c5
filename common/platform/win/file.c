/* plat_file.h on Windows. Every path crosses to UTF-16 here (wide_text.h)
 * so Vietnamese file and user names work whatever the system's ANSI code
 * page. Privacy is an access list: a private folder or file is created
 * with a protected DACL granting this user alone full access (what 0700
 * and 0600 say on Unix), so nothing inherited from the parent lets others
 * in. Atomic replacement is MoveFileExW with MOVEFILE_REPLACE_EXISTING and
 * MOVEFILE_WRITE_THROUGH after FlushFileBuffers; never overwriting is
 * MoveFileExW without MOVEFILE_REPLACE_EXISTING, which fails when the
 * target exists. Temporary names come from BCryptGenRandom and are
 * created with CREATE_NEW, so nothing planted is ever opened. */
#include "plat_file.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <bcrypt.h>

#include "wide_text.h"

#ifndef BCRYPT_USE_SYSTEM_PREFERRED_RNG
#define BCRYPT_USE_SYSTEM_PREFERRED_RNG 0x00000002
#endif

/* errno for the last failed Windows call; -1 for the caller to return. */
static int fail_with_last_error(void)
{
    switch (GetLastError()) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
        errno = ENOENT;
        break;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
        errno = EEXIST;
        break;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
        errno = EACCES;
        break;
    case ERROR_FILENAME_EXCED_RANGE:
        errno = ENAMETOOLONG;
        break;
    case ERROR_DISK_FULL:
        errno = ENOSPC;
        break;
    default:
        errno = EIO;
    }
    return -1;
}

/* A security descriptor whose protected DACL lets only this process's
 * user in (a folder's passes it on to what is made inside). The buffers
 * live in owner_only; NULL when the token cannot be
 * read (the caller then fails rather than create a file others can read). */
typedef struct owner_only {
    SECURITY_ATTRIBUTES sa;
    SECURITY_DESCRIPTOR sd;
    unsigned char user[256];
    unsigned char acl[512];
} owner_only;

static SECURITY_ATTRIBUTES *owner_only_attributes(owner_only *o, int folder)
{
    HANDLE token;
    DWORD len = 0;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return NULL;
    BOOL got = GetTokenInformation(token, TokenUser, o->user, sizeof(o->user), &len);
    CloseHandle(token);
    PSID sid = ((TOKEN_USER *)(void *)o->user)->User.Sid;
    ACL *acl = (ACL *)(void *)o->acl;
    if (!got || !InitializeAcl(acl, sizeof(o->acl), ACL_REVISION) ||
        !AddAccessAllowedAceEx(acl, ACL_REVISION,
                               folder ? OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE : 0,
                               GENERIC_ALL, sid) ||
        !InitializeSecurityDescriptor(&o->sd, SECURITY_DESCRIPTOR_REVISION) ||
        !SetSecurityDescriptorDacl(&o->sd, TRUE, acl, FALSE) ||
        !SetSecurityDescriptorControl(&o->sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED)) {
        errno = EACCES;
        return NULL;
    }
    o->sa.nLength = sizeof(o->sa);
    o->sa.lpSecurityDescriptor = &o->sd;
    o->sa.bInheritHandle = FALSE;
    return &o->sa;
}

FILE *plat_fopen(const char *path, const char *mode)
{
    wchar_t *wpath = utf8_to_wide(path);
    wchar_t *wmode = utf8_to_wide(mode);
    FILE *f = wpath && wmode ? _wfopen(wpath, wmode) : NULL;
    free(wpath);
    free(wmode);
    return f;
}

int plat_mkdir_private(const char *path)
{
    owner_only o;
    wchar_t *wpath = utf8_to_wide(path);
    if (!wpath)
        return -1;
    SECURITY_ATTRIBUTES *sa = owner_only_attributes(&o, 1); /* inherited by what it holds */
    int rc = 0;
    if (!sa) {
        rc = -1;
    } else if (!CreateDirectoryW(wpath, sa)) {
        DWORD attributes = GetFileAttributesW(wpath);
        if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY))
            rc = fail_with_last_error();
    }
    free(wpath);
    return rc;
}

int plat_remove(const char *path)
{
    wchar_t *wpath = utf8_to_wide(path);
    if (!wpath)
        return -1;
    int rc = DeleteFileW(wpath) ? 0 : fail_with_last_error();
    free(wpath);
    return rc;
}

int plat_exists(const char *path)
{
    wchar_t *wpath = utf8_to_wide(path);
    int found = wpath && GetFileAttributesW(wpath) != INVALID_FILE_ATTRIBUTES;
    free(wpath);
    return found;
}

/* Replaces the trailing X's of name with random letters and digits. */
static int randomise(wchar_t *name)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    size_t len = wcslen(name), xs = 0;
    while (xs < len && name[len - 1 - xs] == L'X')
        xs++;
    unsigned char random[32];
    if (xs < 6 || xs > sizeof(random) ||
        BCryptGenRandom(NULL, random, (ULONG)xs, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < xs; i++)
        name[len - xs + i] = (wchar_t)letters[random[i] % (sizeof(letters) - 1)];
    return 0;
}

FILE *plat_temp_create(char *path_template, int owner_only_file)
{
    owner_only o;
    SECURITY_ATTRIBUTES *sa = owner_only_file ? owner_only_attributes(&o, 0) : NULL;
    if (owner_only_file && !sa)
        return NULL;
    wchar_t *wpath = utf8_to_wide(path_template);
    if (!wpath)
        return NULL;
    HANDLE h = INVALID_HANDLE_VALUE;
    for (int attempt = 0; attempt < 100 && h == INVALID_HANDLE_VALUE; attempt++) {
        if (randomise(wpath) != 0)
            break;
        /* shared: a writer that opens by name (libxlsxwriter, for the
         * .xlsx template) writes into it while it is open here; who may
         * open it at all is the access list's to say */
        h = CreateFileW(wpath, GENERIC_WRITE,
                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, sa, CREATE_NEW,
                        FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE && GetLastError() != ERROR_FILE_EXISTS) {
            fail_with_last_error();
            break;
        }
    }
    FILE *f = NULL;
    if (h != INVALID_HANDLE_VALUE) {
        int fd = _open_osfhandle((intptr_t)h, _O_WRONLY | _O_BINARY);
        f = fd >= 0 ? _fdopen(fd, "wb") : NULL;
        if (!f) {
            if (fd >= 0)
                _close(fd);
            else
                CloseHandle(h);
            DeleteFileW(wpath);
            errno = EIO;
        } else if (wide_to_utf8(wpath, path_template, strlen(path_template) + 1) != 0) {
            fclose(f); /* cannot happen: the same length, ASCII X's */
            DeleteFileW(wpath);
            f = NULL;
        }
    }
    free(wpath);
    return f;
}

int plat_file_sync(FILE *f)
{
    if (fflush(f) != 0)
        return -1;
    intptr_t h = _get_osfhandle(_fileno(f));
    if (h == -1 || !FlushFileBuffers((HANDLE)h))
        return fail_with_last_error();
    return 0;
}

static int move(const char *from, const char *to, DWORD flags)
{
    wchar_t *wfrom = utf8_to_wide(from);
    wchar_t *wto = utf8_to_wide(to);
    int rc = -1;
    if (wfrom && wto)
        rc = MoveFileExW(wfrom, wto, flags) ? 0 : fail_with_last_error();
    free(wfrom);
    free(wto);
    return rc;
}

int plat_rename_replace(const char *from, const char *to)
{
    return move(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
}

int plat_rename_noreplace(const char *from, const char *to)
{
    return move(from, to, MOVEFILE_WRITE_THROUGH);
}

int plat_folder_private(const char *dir)
{
    (void)dir; /* made with an owner-only access list by plat_mkdir_private */
    return 1;
}

FILE *plat_open_private(const char *path, const char *dir)
{
    (void)dir;
    return plat_fopen(path, "r");
}

struct plat_dir {
    HANDLE find;
    int first; /* the entry FindFirstFileW gave is not read yet */
    WIN32_FIND_DATAW entry;
    char name[MAX_PATH * 3 + 1];
};

plat_dir *plat_dir_open(const char *path)
{
    size_t len = strlen(path);
    char *pattern = malloc(len + 3);
    if (!pattern)
        return NULL;
    memcpy(pattern, path, len);
    memcpy(pattern + len, "\\*", 3);
    wchar_t *wpattern = utf8_to_wide(pattern);
    free(pattern);
    plat_dir *dir = wpattern ? calloc(1, sizeof(*dir)) : NULL;
    if (dir) {
        dir->find = FindFirstFileW(wpattern, &dir->entry);
        dir->first = 1;
        if (dir->find == INVALID_HANDLE_VALUE) {
            fail_with_last_error();
            free(dir);
            dir = NULL;
        }
    }
    free(wpattern);
    return dir;
}

const char *plat_dir_next(plat_dir *dir)
{
    for (;;) {
        if (!dir->first && !FindNextFileW(dir->find, &dir->entry))
            return NULL;
        dir->first = 0;
        if (wide_to_utf8(dir->entry.cFileName, dir->name, sizeof(dir->name)) == 0)
            return dir->name;
    }
}

void plat_dir_close(plat_dir *dir)
{
    if (!dir)
        return;
    FindClose(dir->find);
    free(dir);
}
