/* catalogue_bind on POSIX: file names are bytes, UTF-8 passes as it is
 * (catalogue_bind.h). */
#include "catalogue_bind.h"

#include <libintl.h>

void catalogue_bind(const char *domain, const char *dir)
{
    bindtextdomain(domain, dir);
}
