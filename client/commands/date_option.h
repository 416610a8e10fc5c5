/* A date typed on the command line (--as-of, --until, --on, --from…) as
 * the server takes it: "05/12/2026", "5/12/2026" and "2026-12-05" all
 * become "2026-12-05" (common/date_text.h), or the command says why not
 * before anything is sent. */
#ifndef CCHC_DATE_OPTION_H
#define CCHC_DATE_OPTION_H

/* The ISO date, in storage that stays valid until the program ends (one
 * place per option name), or NULL after printing why text is not a date
 * (the command then exits with EXIT_USAGE). */
char *date_option(const char *option, const char *text);

#endif
