/* Chooses cchc's language and points gettext at the catalogue.
 *
 * Why not just setlocale + gettext: GNU gettext returns the English msgid
 * whenever LC_MESSAGES is "C" (LANG unset, LANG=C, or a locale that is not
 * generated on the machine) and then ignores LANGUAGE; and it converts
 * translations to the locale's codeset, ASCII under C, so "Xin chào"
 * became "Xin ch?o". Vietnamese is the product's default, so under C we
 * move LC_MESSAGES to C.UTF-8 (a locale glibc >= 2.35 always has), name
 * the language in LANGUAGE, and ask for UTF-8 output whatever the locale.
 * docs/i18n.md has the details and how this was found. */
#include "lang.h"

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue_bind.h"
#include "msg_format.h"
#include "plat_places.h"

#ifndef CCHC_LOCALEDIR
#define CCHC_LOCALEDIR "/usr/local/share/locale"
#endif

static lang_id current = LANG_VI;

const char *lang_flag_in(int argc, char *const *argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return NULL;
        if (strcmp(argv[i], "--lang") == 0)
            return i + 1 < argc ? argv[i + 1] : NULL;
        if (strncmp(argv[i], "--lang=", 7) == 0)
            return argv[i] + 7;
    }
    return NULL;
}

/* "en", "en_US.UTF-8", "EN" → English; "vi", "vi_VN" → Vietnamese; else -1. */
static int parse_name(const char *name, lang_id *out)
{
    if ((name[0] == 'e' || name[0] == 'E') && (name[1] == 'n' || name[1] == 'N') &&
        (name[2] == '\0' || name[2] == '_' || name[2] == '-' || name[2] == '.' || name[2] == '@')) {
        *out = LANG_EN;
        return 0;
    }
    if ((name[0] == 'v' || name[0] == 'V') && (name[1] == 'i' || name[1] == 'I') &&
        (name[2] == '\0' || name[2] == '_' || name[2] == '-' || name[2] == '.' || name[2] == '@')) {
        *out = LANG_VI;
        return 0;
    }
    return -1;
}

static const char *nonempty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* GNU's LANGUAGE is a priority list ("fr:en:vi"): its first language that
 * cchc speaks decides. Returns -1 when it names none. */
static int from_language_list(const char *list, lang_id *out)
{
    char entry[32];
    while (*list) {
        size_t n = strcspn(list, ":");
        if (n < sizeof(entry)) {
            memcpy(entry, list, n);
            entry[n] = '\0';
            if (parse_name(entry, out) == 0)
                return 0;
        }
        list += n;
        if (*list == ':')
            list++;
    }
    return -1;
}

/* The environment's choice: LANGUAGE (unless it names nothing we speak),
 * else the first of LC_ALL, LC_MESSAGES, LANG that is set, as POSIX ranks
 * them. Only English is ever asked for: anything else is Vietnamese. */
static lang_id from_environment(void)
{
    lang_id id = LANG_VI;
    const char *list = nonempty_env("LANGUAGE");
    if (list && from_language_list(list, &id) == 0)
        return id;
    const char *locale = nonempty_env("LC_ALL");
    if (!locale)
        locale = nonempty_env("LC_MESSAGES");
    if (!locale)
        locale = nonempty_env("LANG");
    if (locale && parse_name(locale, &id) == 0 && id == LANG_EN)
        return LANG_EN;
    return LANG_VI;
}

static int is_c_locale(const char *name)
{
    return !name || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0;
}

int lang_select(const char *flag)
{
    int rc = 0;
    lang_id id = LANG_VI;
    const char *env = nonempty_env("CCHC_LANG");
    if (!flag || parse_name(flag, &id) != 0) {
        rc = flag ? -1 : 0;
        /* a CCHC_LANG we do not speak is ignored */
        if (!env || parse_name(env, &id) != 0)
            id = from_environment();
    }
    current = id;

    /* gettext reads LANGUAGE on every lookup; no catalogue exists for
     * English, so "en" yields the msgids themselves */
    plat_setenv("LANGUAGE", id == LANG_EN ? "en" : "vi");
    if (is_c_locale(setlocale(LC_MESSAGES, NULL)) && !setlocale(LC_MESSAGES, "C.UTF-8") &&
        !setlocale(LC_MESSAGES, "vi_VN.UTF-8"))
        setlocale(LC_MESSAGES, "en_US.UTF-8");
    /* tests and an uninstalled build point here at the build tree's catalogue */
    const char *dir = nonempty_env("CCHC_LOCALEDIR");
    char installed[1024];
    if (!dir && plat_locale_dir(CCHC_LOCALEDIR, installed, sizeof(installed)) == 0)
        dir = installed;
    catalogue_bind("cchc", dir ? dir : CCHC_LOCALEDIR);
    bind_textdomain_codeset("cchc", "UTF-8");
    textdomain("cchc");
    return rc;
}

lang_id lang_current(void)
{
    return current;
}

const char *lang_code(void)
{
    return current == LANG_EN ? "en" : "vi";
}

/* gettext's shape for msg_format_encoded_as (gettext takes char *). */
static const char *catalogue_text(const char *id)
{
    return gettext(id);
}

void msg_render(const char *why, char *out, size_t size)
{
    msg_format_encoded_as(out, size, why, catalogue_text);
}
