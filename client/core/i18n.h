/* Every user-facing string of cchc goes through _() so a Vietnamese
 * catalogue (po/vi.po) can translate it without touching the code. */
#ifndef CCHC_I18N_H
#define CCHC_I18N_H

#include <libintl.h>

#define _(text) gettext(text)
#define N_(text) (text)

#endif
