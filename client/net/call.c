/* See call.h. */
#include "call.h"

#include "connection.h"
#include "i18n.h"

int call_raw(const cli_options *opts, Cchc__V1__Request *request,
             Cchc__V1__Response **response, cli_error *err)
{
    connection conn;
    *response = NULL;
    if (connection_open(&conn, opts, err) != 0)
        return -1;
    if (!*request->session_token && *opts->token)
        request->session_token = (char *)opts->token;
    int rc = connection_call(&conn, request, response, err);
    connection_close(&conn);
    return rc;
}

int call_once(const cli_options *opts, Cchc__V1__Request *request,
              Cchc__V1__Response__BodyCase expected, Cchc__V1__Response **response)
{
    cli_error err;
    if (call_raw(opts, request, response, &err) != 0)
        return cli_error_report(opts, &err);
    if ((*response)->body_case != expected) {
        cchc__v1__response__free_unpacked(*response, NULL);
        *response = NULL;
        cli_error_set(&err, EXIT_PROTOCOL, _("the server answered with an unexpected message"));
        return cli_error_report(opts, &err);
    }
    return EXIT_OK;
}
