/* See date_option.h. */
#include "date_option.h"

#include <stdio.h>
#include <string.h>

#include "date_text.h"
#include "i18n.h"
#include "lang.h"

char *date_option(const char *option, const char *text)
{
    /* one place per option, so a repeated or later option never changes
     * what an earlier one returned */
    static struct {
        const char *option;
        char iso[11];
    } slots[8];
    static char overflow[11];
    char *iso = overflow;
    for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
        if (!slots[i].option || strcmp(slots[i].option, option) == 0) {
            slots[i].option = option;
            iso = slots[i].iso;
            break;
        }
    char why[240];
    if (date_text_iso(text, iso, why, sizeof(why)) != 0) {
        char shown[240];
        msg_render(why, shown, sizeof(shown));
        fprintf(stderr, _("cchc: %s: %s\n"), option, shown);
        return NULL;
    }
    return iso;
}
