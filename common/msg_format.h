/* Messages that travel as an id and arguments (issue 14): the server sends
 * the English sentence as a format plus its arguments, the client looks the
 * format up in its catalogue and substitutes the same arguments. One pure
 * substitution both sides share, so the English the server logs and the
 * translation a clerk reads are filled in alike. The only conversions are
 * %s (the next argument), %N$s (argument N, 1-based: a translation may
 * reorder) and %% (a percent sign). */
#ifndef CCHC_MSG_FORMAT_H
#define CCHC_MSG_FORMAT_H

#include <stddef.h>

/* The separator of a SQL row message made by cchc_msg(id, args...): the
 * id and each argument joined by U+001F, a control character validated
 * text never holds (validate_text refuses it). */
#define MSG_FORMAT_SEP '\x1f'

/* Marks a message id for extraction into the catalogue (po/) where it is
 * not the literal argument of a function xgettext already knows, e.g. a
 * table of words that travel as an argument. */
#define MSG_ID(text) (text)

/* How many arguments fmt consumes: the count of %s, or the highest N of
 * %N$s; -1 when fmt holds any other conversion (a message id must not). */
int msg_format_arity(const char *fmt);

/* Writes fmt with args substituted into out (size > 0; always terminated,
 * cut at a character boundary when too long). A missing argument reads as
 * "" so a catalogue that disagrees with the sender never crashes; an
 * unknown conversion is copied as written. Returns the length the whole
 * text needs (like snprintf). */
size_t msg_format(char *out, size_t size, const char *fmt, const char *const *args, size_t nargs);

/* Splits text made by cchc_msg in place: stores the id in *id and up to
 * max_args argument pointers in args, and returns the number of arguments
 * text holds (more than max_args when it holds more). A text without
 * separator is an id without arguments: returns 0, *id = text. */
int msg_format_split(char *text, const char **id, const char **args, size_t max_args);

/* The other direction, for the validators of common/ (validate.h,
 * password_policy.h, date_text.h, decimal_text.h): writes id and args
 * joined by MSG_FORMAT_SEP into out (size > 0; always terminated, cut at a
 * character boundary), as cchc_msg does, so the server sends a reason as
 * an id with arguments and the client renders it in its language. A
 * separator inside an argument is written as '?'. */
void msg_encode(char *out, size_t size, const char *id, const char *const *args, size_t nargs);

/* The most arguments msg_format_encoded substitutes. */
#define MSG_FORMAT_MAX_ARGS 8

/* Writes text made by msg_encode (or cchc_msg) rendered in English, the id
 * itself as the format, into out like msg_format: for the server's log
 * and its own command line, which speak English. */
size_t msg_format_encoded(char *out, size_t size, const char *text);

/* The same with the format looked up by translate(id) first (the client
 * passes its catalogue); an empty id renders as "" without a lookup. */
size_t msg_format_encoded_as(char *out, size_t size, const char *text,
                             const char *(*translate)(const char *id));

#endif
