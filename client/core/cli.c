/* Reporting failures the same way from every command: one line on stderr
 * for people, or a JSON object on stdout for scripts that asked for --json. */
#include "cli.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "error_codes.h"
#include "i18n.h"
#include "terminal.h"

void cli_error_set(cli_error *err, int exit_code, const char *fmt, ...)
{
    err->exit_code = exit_code;
    err->code_name[0] = '\0';
    err->server_json[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

int cli_error_report(const cli_options *opts, const cli_error *err)
{
    if (opts && opts->quiet)
        return err->exit_code;
    if (opts && opts->json) {
        json_t *obj = json_pack("{s:{s:s, s:s, s:i}}", "error", "code",
                                err->code_name[0] ? err->code_name : "client",
                                "message", err->message, "exit_code",
                                err->exit_code);
        json_t *server = err->server_json[0] ? json_loads(err->server_json, 0, NULL) : NULL;
        if (obj && json_is_object(server))
            json_object_update(json_object_get(obj, "error"), server);
        json_decref(server);
        if (obj) {
            json_dumpf(obj, stdout, JSON_INDENT(2));
            fputc('\n', stdout);
            json_decref(obj);
        }
    }
    /* one colour over the whole message, its detail lines included */
    fputs(terminal_colour_on(stderr, COLOUR_ERROR), stderr);
    if (err->code_name[0])
        /* TRANSLATORS: the kind of refusal (error_codes.c), then the server's message */
        fprintf(stderr, _("cchc: %s: %s\n"), error_code_label(err->code_name), err->message);
    else
        fprintf(stderr, "cchc: %s\n", err->message);
    fputs(terminal_colour_off(stderr, COLOUR_ERROR), stderr);
    return err->exit_code;
}
