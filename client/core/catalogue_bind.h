/* Where gettext finds cchc's catalogue, given as a UTF-8 folder: one
 * header, one implementation per system, because on Windows libintl opens
 * a folder named by bindtextdomain in the ANSI code page (no Vietnamese
 * letters: C:\Users\Người dùng\...) and needs wbindtextdomain instead. */
#ifndef CCHC_CATALOGUE_BIND_H
#define CCHC_CATALOGUE_BIND_H

/* bindtextdomain(domain, dir) with dir in UTF-8. */
void catalogue_bind(const char *domain, const char *dir);

#endif
