/* The client's side of the wire: connect with a timeout, say hello, and
 * make calls. Blocking sockets with poll() deadlines keep the client small;
 * a call still carries a request id, so several can be in flight once a
 * command needs it (bulk submissions). */
#ifndef CCHC_CONNECTION_H
#define CCHC_CONNECTION_H

#include <stdint.h>

#include "cchc/v1/envelope.pb-c.h"
#include "cli.h"
#include "frame.h"
#include "reply_parts.h"

typedef struct connection {
    int fd;
    char server[300];
    int timeout_ms;
    uint64_t next_request_id;
    uint32_t server_max_frame;
    char server_version[64];
    frame_reader reader;
    Cchc__V1__Response *pending; /* decoded by the frame sink */
    uint64_t awaited_id;
    reply_parts parts; /* the awaited answer's parts so far (Response.more) */
    int request_sent; /* the last call's request left whole: a lost answer leaves it in doubt */
    struct ssl_st *ssl; /* the TLS session (tls_client.h), NULL in plaintext */
    int received_any;   /* bytes came from the server (its first say whether it wants TLS) */
} connection;

/* Connects to opts->server, speaks TLS to it when tls_client_wanted says
 * so, and completes the hello exchange. */
int connection_open(connection *conn, const cli_options *opts, cli_error *err);
/* Sends request (its request_id is assigned here) and waits for its
 * response; an answer sent in parts is put back together into one
 * Response, the timeout applying to each part. On success *response is set (free with
 * cchc__v1__response__free_unpacked); an error response is turned into err
 * with EXIT_SERVER_ERROR and returns -1. */
int connection_call(connection *conn, Cchc__V1__Request *request,
                    Cchc__V1__Response **response, cli_error *err);
void connection_close(connection *conn);

/* Copies a server error (code, message, field details) into err. */
void connection_error_from_response(const Cchc__V1__Error *error, cli_error *err);

#endif
