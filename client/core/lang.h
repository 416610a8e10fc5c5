/* The language cchc speaks, chosen once at start-up: Vietnamese unless
 * --lang, CCHC_LANG or the locale asks for English (docs/i18n.md). One
 * place decides it, so every message, label and number format agrees. */
#ifndef CCHC_LANG_H
#define CCHC_LANG_H

#include <stddef.h>

typedef enum { LANG_VI, LANG_EN } lang_id;

/* The value of "--lang X" or "--lang=X" anywhere on the command line
 * before a "--"; NULL when absent (or when --lang is last, without X). */
const char *lang_flag_in(int argc, char *const *argv);

/* Chooses the language — flag (from --lang; NULL when not given), else
 * CCHC_LANG, else LANGUAGE, else LC_ALL / LC_MESSAGES / LANG; Vietnamese
 * when none asks for English — and sets gettext up to speak it, also under
 * the C locale. Call after setlocale(LC_ALL, ""), before any _().
 * Returns 0, or -1 when flag names a language cchc does not speak (the
 * choice is then made without it, so the error can be said). A CCHC_LANG
 * cchc does not speak is ignored. */
int lang_select(const char *flag);

/* The language chosen by lang_select (LANG_VI before it ran). */
lang_id lang_current(void);

/* "vi" or "en": for --json and for people reading logs. */
const char *lang_code(void);

/* Writes a reason a validator of common/ wrote (an English message id
 * with its arguments, msg_encode in msg_format.h) into out (size > 0) in
 * the chosen language: the id through the catalogue, the arguments (values
 * the user typed, numbers) as they are. The one way the client shows such
 * a why, so it never prints the id's separators. */
void msg_render(const char *why, char *out, size_t size);

#endif
