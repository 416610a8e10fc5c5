/* A server error made ready for people: the server sends a message id (the
 * English sentence as a format) with arguments, and field details alike;
 * the client shows the catalogue's translation with the same arguments
 * (common/msg_format.h, docs/error-messages.md), each field by its label,
 * and keeps ids, arguments and field names for --json. */
#ifndef CCHC_SERVER_ERROR_H
#define CCHC_SERVER_ERROR_H

#include <stddef.h>

#include "cchc/v1/error.pb-c.h"
#include "cli.h"

/* Writes the text of message (its id and args, or the plain message of a
 * server older than message ids) into out in the chosen language. An
 * argument that is a field name is shown by its label (field_labels.h);
 * one the catalogue knows — a state, role, or what a person tried — is
 * shown translated; names, numbers and dates have no entry and are shown
 * as sent. */
void server_error_text(const char *id, char *const *args, size_t nargs, const char *message,
                       char *out, size_t size);

/* How an argument that is a code (a state, an action, a date…) is shown,
 * asked before the rules above: writes into out and returns 1, or returns
 * 0 for an argument it does not know. client/render/message_text.h holds
 * the table of ids and positions; main sets it here, since the network
 * layer does not see the render layer's labels. */
typedef int (*server_error_arg_fn)(const char *id, size_t index, const char *arg, char *out,
                                   size_t size);
void server_error_set_arg_shown(server_error_arg_fn shown);

/* Fills err from error: the message and one line per detail in the chosen
 * language, and err->server_json for --json. Leaves exit code and code
 * name to the caller. */
void server_error_render(const Cchc__V1__Error *error, cli_error *err);

#endif
