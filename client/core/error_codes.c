/* See error_codes.h. Labels are English message ids (N_), translated where
 * looked up, so po/vi.po holds the Vietnamese with every other message. */
#include "error_codes.h"

#include <stddef.h>
#include <string.h>

#include "i18n.h"

static const struct {
    const char *code;
    const char *label;
} labels[] = {
    {"invalid_argument", N_("invalid input")},
    {"not_found", N_("not found")},
    {"already_exists", N_("already exists")},
    {"permission_denied", N_("not allowed")},
    {"unauthenticated", N_("login needed")},
    {"failed_precondition", N_("not possible now")},
    {"unavailable", N_("server unavailable")},
    {"internal", N_("server fault")},
    {"version_mismatch", N_("incompatible versions")},
    {"malformed", N_("garbled request")},
    {"frame_too_large", N_("request too large")},
    {"unsupported", N_("not supported by the server")},
    {"resource_exhausted", N_("server busy or limit reached")},
    /* TRANSLATORS: someone saved something newer since it was read */
    {"conflict", N_("changed meanwhile")},
    {"outcome_unknown", N_("outcome unknown")},
    {"aborted", N_("not applied")},
};

const char *error_code_label(const char *code_name)
{
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].code, code_name) == 0)
            return _(labels[i].label);
    return _("server error");
}
