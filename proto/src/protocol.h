/* Constants both ends of the wire must agree on. Bump CCHC_PROTOCOL_VERSION
 * only for an incompatible change; adding fields or request types keeps it. */
#ifndef CCHC_PROTOCOL_H
#define CCHC_PROTOCOL_H

#define CCHC_PROTOCOL_VERSION 1u
#define CCHC_DEFAULT_PORT 7121
#define CCHC_DEFAULT_PORT_STR "7121"
/* Default hard limit on a frame's payload (1 MiB). */
#define CCHC_DEFAULT_MAX_FRAME (1024u * 1024u)
/* Largest reply payload a server sends and a client accepts (16 MiB):
 * replies such as exports are larger than any request needs to be. */
#define CCHC_MAX_REPLY (16u * 1024u * 1024u)
/* Nothing is configurable above this: it keeps a bad setting from turning
 * the limit off. */
#define CCHC_ABSOLUTE_MAX_FRAME (256u * 1024u * 1024u)

#endif
