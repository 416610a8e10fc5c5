/* Request handlers, one function per request type. Each takes ownership of
 * the request and finishes it with request_reply or request_fail. */
#ifndef CCHCD_HANDLERS_H
#define CCHCD_HANDLERS_H

#include "request.h"

void handle_hello(request *req);
void handle_ping(request *req);

#endif
