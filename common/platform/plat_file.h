/* Files and folders by UTF-8 path, with the guarantees cchc's state needs,
 * the same on Linux and Windows: a file written in full or not at all
 * (a fresh temporary file, flushed to disk, renamed over the old one),
 * private files and folders only their owner can read (mode 0600/0700 ↔
 * an owner-only access list), and paths with Vietnamese letters (Windows'
 * wide-character calls behind every path). Files are opened in binary
 * mode on both: what cchc writes is byte for byte what it meant (CRLF
 * only where a format asks for it). unix/file.c, win/file.c. */
#ifndef CCHC_PLAT_FILE_H
#define CCHC_PLAT_FILE_H

#include <stdio.h>

/* fopen with a UTF-8 path. */
FILE *plat_fopen(const char *path, const char *mode);
/* Creates path as a folder only its owner can use (0700); 0 when made or
 * already a folder, -1 with errno. */
int plat_mkdir_private(const char *path);
/* unlink: 0, or -1 with errno (ENOENT when there was nothing). */
int plat_remove(const char *path);
/* True when something (a file, a folder, a link) is at path. */
int plat_exists(const char *path);
/* Creates a new file from a path ending in "XXXXXX" (the X's become an
 * unpredictable name, written back into path_template), open for binary
 * writing. owner_only: readable by its owner alone (0600); otherwise an
 * ordinary document (0666 less the umask). NULL with errno. */
FILE *plat_temp_create(char *path_template, int owner_only);
/* Flushes f to the disk itself (fflush + fsync); 0, or -1 with errno. */
int plat_file_sync(FILE *f);
/* Renames from over to, replacing to atomically if it exists. */
int plat_rename_replace(const char *from, const char *to);
/* Renames from to to unless to exists (-1, errno EEXIST): never
 * overwrites, even when to appears at the last moment. */
int plat_rename_noreplace(const char *from, const char *to);
/* Opens a private file of cchc's for reading (the session): it must be
 * this user's own, a plain file readable by nobody else, in a folder only
 * this user can write. NULL with errno (EPERM when it is not private,
 * ENOENT when missing). On Windows the owner-only access list cchc gives
 * its folder and files is the guarantee, so only the opening is done. */
FILE *plat_open_private(const char *path, const char *dir);
/* True when dir is a folder only this user can write (see above). */
int plat_folder_private(const char *dir);

/* The names in a folder, as UTF-8, "." and ".." included. */
typedef struct plat_dir plat_dir;
plat_dir *plat_dir_open(const char *path);
/* The next name, valid until the next call; NULL at the end. */
const char *plat_dir_next(plat_dir *dir);
void plat_dir_close(plat_dir *dir);

#endif
