/* The protocol layer's entry points for the server's wiring: the net layer
 * hands each frame to rpc_on_frame (decode, hello rule, session check,
 * authorization, route to a handler) and each unreadable stream to
 * rpc_on_bad_frame (one last error frame). */
#ifndef CCHCD_RPC_H
#define CCHCD_RPC_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "request.h"

struct connection;

void rpc_on_frame(rpc_context *ctx, struct connection *c, const uint8_t *payload, size_t len);
void rpc_on_bad_frame(rpc_context *ctx, struct connection *c, frame_status status,
                      const char *message);

#endif
