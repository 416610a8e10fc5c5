/* Raw frames and sockets for the tests that speak the protocol by hand
 * (pipelining, reply batching, flow control): a request's frame, several
 * frames written into one buffer to send in one write, and the local
 * port by which cchcd's log names a connection. Kept apart
 * from harness.c (connections, hello, pings) so that file stays the
 * harness's core; each test file had its own copy of these before. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "harness.h"
#include "protocol.h"
#include "wire.h"

uint8_t *raw_request_frame(Cchc__V1__Request *req, size_t *len)
{
    uint8_t *frame;
    assert_int_equal(wire_encode_frame(&req->base, CCHC_ABSOLUTE_MAX_FRAME, &frame, len, NULL), 0);
    return frame;
}

void raw_append_request(uint8_t **buf, size_t *len, Cchc__V1__Request *req)
{
    size_t flen;
    uint8_t *frame = raw_request_frame(req, &flen);
    *buf = realloc(*buf, *len + flen);
    assert_non_null(*buf);
    memcpy(*buf + *len, frame, flen);
    *len += flen;
    free(frame);
}

void raw_append_ping(uint8_t **buf, size_t *len, uint64_t request_id)
{
    Cchc__V1__PingRequest ping = CCHC__V1__PING_REQUEST__INIT;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = CCHC__V1__REQUEST__BODY_PING;
    req.ping = &ping;
    raw_append_request(buf, len, &req);
}

int raw_local_port(int fd)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    return ntohs(addr.sin_port);
}
