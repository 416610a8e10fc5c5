/* Messages the server sends as an id with arguments whose arguments are
 * not all plain text (issue 14): a period's state, an action, a unit
 * change, a date or a decimal substituted into a sentence. The server
 * sends the code ("close", "2025-07-01", "3.2047") and --json keeps it;
 * people read its label in their language ("đóng kỳ", "01/07/2025",
 * "3,2047"), so "không thể close" reads "không thể đóng kỳ".
 *
 * Which argument of which id is a code is written once, in the table of
 * message_text.c, keyed by the id (the English sentence) and the position:
 * the simplest rule that keeps the protocol as it is (an argument is a
 * string) and the ids readable for translators. docs/i18n.md. */
#ifndef CCHC_MESSAGE_TEXT_H
#define CCHC_MESSAGE_TEXT_H

#include <stddef.h>

/* When argument index (0-based) of message id is a code the table knows,
 * writes how people read arg into out (size > 0) and returns 1; else
 * returns 0 and leaves out alone. A code the label table does not know is
 * shown as sent. */
int message_arg_shown(const char *id, size_t index, const char *arg, char *out, size_t size);

/* Writes the message id with its arguments in the chosen language: the
 * catalogue's translation of id, each coded argument as message_arg_shown
 * says, every other argument as sent (names, numbers, quoted text). An
 * empty id writes fallback (a server older than the id). */
void message_text(const char *id, char *const *args, size_t nargs, const char *fallback, char *out,
                  size_t size);

#endif
