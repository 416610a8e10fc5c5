/* Replacing a small file of cchc's own state (the session, the completion
 * cache, the reminder's day) so that a reader never sees half of it and
 * nobody but its owner can read it: the text goes to a fresh 0600 file
 * with an unpredictable name beside it (nothing planted can be opened
 * instead), which is then renamed over the old one. */
#ifndef CCHC_PRIVATE_FILE_H
#define CCHC_PRIVATE_FILE_H

/* Writes text to path as above. tmp_prefix names the temporary file in
 * path's folder (".session" gives ".session.XXXXXX"); NULL puts it beside
 * path as "PATH.XXXXXX". Returns 0; -1 with errno, path untouched. */
int private_file_replace(const char *path, const char *tmp_prefix, const char *text);

#endif
