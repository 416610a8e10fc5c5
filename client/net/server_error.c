/* See server_error.h. */
#include "server_error.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_labels.h"
#include "i18n.h"
#include "msg_format.h"

#define MAX_ARGS 16

static server_error_arg_fn arg_shown;

void server_error_set_arg_shown(server_error_arg_fn shown)
{
    arg_shown = shown;
}

void server_error_text(const char *id, char *const *args, size_t nargs, const char *message,
                       char *out, size_t size)
{
    if (!id || !*id) {
        snprintf(out, size, "%s", message ? message : "");
        return;
    }
    const char *shown[MAX_ARGS];
    char coded[MAX_ARGS][160];
    size_t n = nargs < MAX_ARGS ? nargs : MAX_ARGS;
    for (size_t i = 0; i < n; i++) {
        /* a code by the position the table gives it ("cannot %s": an action) */
        if (arg_shown && args[i] && arg_shown(id, i, args[i], coded[i], sizeof(coded[i]))) {
            shown[i] = coded[i];
            continue;
        }
        /* a field name ("as_of: …") by its label; gettext("") is the
         * catalogue's header: an empty argument stays empty */
        const char *label = args[i] && *args[i] ? field_label_known(args[i]) : NULL;
        shown[i] = label ? label : args[i] && *args[i] ? _(args[i]) : "";
    }
    msg_format(out, size, _(id), shown, n);
}

static json_t *args_json(char *const *args, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_string(args[i] ? args[i] : ""));
    return arr;
}

void server_error_render(const Cchc__V1__Error *error, cli_error *err)
{
    server_error_text(error->message_id, error->args, error->n_args, error->message, err->message,
                      sizeof(err->message));
    json_t *details = json_array();
    for (size_t i = 0; i < error->n_details; i++) {
        const Cchc__V1__FieldError *d = error->details[i];
        char label[256], text[512];
        field_label(d->field, label, sizeof(label));
        server_error_text(d->message_id, d->args, d->n_args, d->message, text, sizeof(text));
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof(err->message) - used, "\n  %s: %s", label, text);
        json_array_append_new(details,
                              json_pack("{s:s, s:s, s:s, s:o, s:s}", "field", d->field, "label",
                                        label, "message_id", d->message_id, "args",
                                        args_json(d->args, d->n_args), "message", text));
    }
    json_t *obj = json_pack("{s:s, s:o, s:o}", "message_id", error->message_id, "args",
                            args_json(error->args, error->n_args), "details", details);
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    /* details past what the buffer holds are left out of --json, never cut
     * in the middle: the object is dropped detail by detail until it fits */
    while (text && strlen(text) >= sizeof(err->server_json) && json_array_size(details) > 0) {
        free(text);
        json_array_remove(details, json_array_size(details) - 1);
        text = json_dumps(obj, JSON_COMPACT);
    }
    snprintf(err->server_json, sizeof(err->server_json), "%s",
             text && strlen(text) < sizeof(err->server_json) ? text : "");
    free(text);
    json_decref(obj);
}
