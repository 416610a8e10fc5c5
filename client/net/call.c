/* See call.h. */
#include "call.h"

#include <stddef.h>

#include "connection.h"
#include "i18n.h"

int request_set_body(Cchc__V1__Request *request, Cchc__V1__Request__BodyCase kind, void *body)
{
    /* protobuf-c numbers a oneof's cases by their fields' numbers */
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field(&cchc__v1__request__descriptor, (unsigned)kind);
    if (!field || !(field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
        field->quantifier_offset != offsetof(Cchc__V1__Request, body_case) ||
        field->type != PROTOBUF_C_TYPE_MESSAGE || !body ||
        ((const ProtobufCMessage *)body)->descriptor != field->descriptor)
        return -1;
    *(void **)((char *)request + field->offset) = body;
    request->body_case = kind;
    return 0;
}

/* call_raw for a whole request. */
static int send_request(const cli_options *opts, Cchc__V1__Request *request,
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

/* A Request holding body, or -1 with err set when body cannot be one. */
static int request_of(Cchc__V1__Request *request, Cchc__V1__Request__BodyCase kind, void *body,
                      cli_error *err)
{
    Cchc__V1__Request init = CCHC__V1__REQUEST__INIT;
    *request = init;
    if (request_set_body(request, kind, body) == 0)
        return 0;
    /* a programming error: kind and body do not belong together */
    cli_error_set(err, EXIT_PROTOCOL, _("internal error: request body %d does not match its kind"),
                  (int)kind);
    return -1;
}

int call_raw(const cli_options *opts, Cchc__V1__Request__BodyCase kind, void *body,
             Cchc__V1__Response **response, cli_error *err)
{
    Cchc__V1__Request request;
    *response = NULL;
    if (request_of(&request, kind, body, err) != 0)
        return -1;
    return send_request(opts, &request, response, err);
}

int call_request(const cli_options *opts, Cchc__V1__Request *request,
                 Cchc__V1__Response__BodyCase expected, Cchc__V1__Response **response)
{
    cli_error err;
    if (send_request(opts, request, response, &err) != 0)
        return cli_error_report(opts, &err);
    if ((*response)->body_case != expected) {
        cchc__v1__response__free_unpacked(*response, NULL);
        *response = NULL;
        cli_error_set(&err, EXIT_PROTOCOL, _("the server answered with an unexpected message"));
        return cli_error_report(opts, &err);
    }
    return EXIT_OK;
}

int call(const cli_options *opts, Cchc__V1__Request__BodyCase kind, void *body,
         Cchc__V1__Response__BodyCase expected, Cchc__V1__Response **response)
{
    Cchc__V1__Request request;
    cli_error err;
    *response = NULL;
    if (request_of(&request, kind, body, &err) != 0)
        return cli_error_report(opts, &err);
    return call_request(opts, &request, expected, response);
}
