/* See secure_wipe.h. memset called through a volatile pointer: the
 * compiler cannot know which function it calls, so it cannot prove the
 * stores dead before a free (as it may for a plain memset). */
#include "secure_wipe.h"

#include <string.h>

static void *(*const volatile wipe)(void *, int, size_t) = memset;

void secure_wipe(void *p, size_t n)
{
    if (p && n)
        wipe(p, 0, n);
}
