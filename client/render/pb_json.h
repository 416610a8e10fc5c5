/* Any protobuf-c message as JSON, driven by its descriptor: --json output
 * is exactly the protocol's message, with the field names of proto/, so
 * scripts can read the .proto files as the documentation of the output.
 * Empty strings become null (decimals and dates "not stated"); enums
 * become their names. */
#ifndef CCHC_PB_JSON_H
#define CCHC_PB_JSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

json_t *pb_to_json(const ProtobufCMessage *msg);

#endif
