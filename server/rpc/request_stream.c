/* See request_stream.h. A part is built by pointing a scratch message of
 * the body's type at a window of the body's element arrays (no copy): the
 * first part is a shallow copy of the body with the windows cut down, the
 * later ones hold only windows. Elements are counted by their encoded size
 * until the part would pass the frame limit; a part always holds at least
 * one element, so one element larger than the frame limit travels alone
 * (up to the reply limit, beyond which the answer ends with an error).
 * Memory: the rows (PGresult) and the messages pointing into them live
 * until the last part is written, plus at most about two parts of encoded
 * bytes queued per answer. */
#include "request_stream.h"

#include <stdlib.h>
#include <string.h>

#include "db_pool.h"
#include "log.h"
#include "msg_format.h"
#include "pgvalue.h"
#include "request_helpers.h"
#include "request_internal.h"
#include "wire.h"

/* Room for the envelope around a part's body: request id, more, the body's
 * tag and length. */
#define ENVELOPE_SLACK 32

typedef struct reply_stream {
    connection_waiter waiter; /* first: the waiter is the stream */
    request *req;
    arena a;
    PGresult *kept[DB_MAX_BATCH];
    int nkept;
    Cchc__V1__Response__BodyCase body_case;
    const ProtobufCFieldDescriptor *member; /* the body's member of Response */
    const ProtobufCMessageDescriptor *desc;  /* the body's type */
    const ProtobufCMessage *body; /* a copy of the handler's (malloc'd) */
    ProtobufCMessage *part; /* scratch message of desc, in the same block */
    unsigned field;         /* cursor: index into desc->fields … */
    size_t next;            /* … and the next element of that field */
    size_t part_limit;
    unsigned parts;
    unsigned waited; /* times the backlog made it wait */
} reply_stream;

static int sliced(const ProtobufCFieldDescriptor *f)
{
    return f->label == PROTOBUF_C_LABEL_REPEATED && f->type == PROTOBUF_C_TYPE_MESSAGE;
}

static size_t *count_of(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    return (size_t *)((char *)m + f->quantifier_offset);
}

static ProtobufCMessage ***elements_of(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    return (ProtobufCMessage ***)((char *)m + f->offset);
}

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* An element as it is encoded inside its parent: tag, length, bytes. */
static size_t framed_size(const ProtobufCFieldDescriptor *f, const ProtobufCMessage *elem)
{
    size_t size = protobuf_c_message_get_packed_size(elem);
    return varint_size((uint64_t)f->id << 3) + varint_size(size) + size;
}

/* Moves the cursor to the next element still to send (past the end when
 * none is left). */
static void skip_sent(reply_stream *s)
{
    while (s->field < s->desc->n_fields) {
        const ProtobufCFieldDescriptor *f = &s->desc->fields[s->field];
        if (sliced(f) && s->next < *count_of(s->body, f))
            return;
        s->field++;
        s->next = 0;
    }
}

static int all_sent(const reply_stream *s)
{
    return s->field >= s->desc->n_fields;
}

/* Points s->part at the next slice of the body. */
static void build_part(reply_stream *s)
{
    const ProtobufCMessageDescriptor *d = s->desc;
    size_t budget = s->part_limit > ENVELOPE_SLACK ? s->part_limit - ENVELOPE_SLACK : 0;
    size_t used = 0;
    if (s->parts == 0) {
        memcpy(s->part, s->body, d->sizeof_message);
        for (unsigned i = 0; i < d->n_fields; i++) {
            if (!sliced(&d->fields[i]))
                continue;
            *count_of(s->part, &d->fields[i]) = 0;
            *elements_of(s->part, &d->fields[i]) = NULL;
        }
        used = protobuf_c_message_get_packed_size(s->part);
    } else {
        d->message_init(s->part);
    }
    int any = 0;
    while (!all_sent(s)) {
        const ProtobufCFieldDescriptor *f = &d->fields[s->field];
        size_t n = *count_of(s->body, f);
        ProtobufCMessage **elems = *elements_of(s->body, f);
        size_t end = s->next;
        while (end < n) {
            size_t size = framed_size(f, elems[end]);
            if (any && used + size > budget)
                break;
            used += size;
            any = 1;
            end++;
        }
        *count_of(s->part, f) = end - s->next;
        *elements_of(s->part, f) = elems + s->next;
        s->next = end;
        if (end < n)
            break; /* this part is full */
        s->field++;
        s->next = 0;
        skip_sent(s);
    }
}

static void stream_end(reply_stream *s, const char *failure)
{
    request *req = s->req;
    unsigned parts = s->parts;
    free((void *)s->body);
    arena_free(&s->a);
    for (int i = 0; i < s->nkept; i++)
        PQclear(s->kept[i]);
    free(s);
    request_end_parts(req, parts, failure);
}

static void pump(reply_stream *s);

static void on_writable(connection_waiter *w)
{
    pump((reply_stream *)w);
}

/* Sends parts while the connection's queue is short, then waits for it to
 * drain; ends the request after the last part or when the peer is gone. */
static void pump(reply_stream *s)
{
    request *req = s->req;
    connection *c = req->conn;
    while (!c->closing) {
        if (c->write_backlog >= s->part_limit) {
            if (!s->waited++)
                log_debug("client %llu request %llu: waiting for the client to read (%u parts sent)",
                          (unsigned long long)req->conn_id, (unsigned long long)req->id, s->parts);
            s->waiter.below = s->part_limit;
            s->waiter.fn = on_writable;
            connection_when_writable(c, &s->waiter);
            return;
        }
        build_part(s);
        Cchc__V1__Response response = CCHC__V1__RESPONSE__INIT;
        response.request_id = req->id;
        response.more = !all_sent(s);
        response.body_case = s->body_case;
        *(void **)((char *)&response + s->member->offset) = s->part;
        uint8_t *frame;
        size_t len, payload;
        if (wire_encode_frame(&response.base, req->ctx->max_reply, &frame, &len, &payload) != 0) {
            log_error("client %llu request %llu: part of %zu bytes exceeds the reply limit",
                      (unsigned long long)req->conn_id, (unsigned long long)req->id, payload);
            char english[96];
            rpc_send_error_id(req->ctx, c, req->id, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, english,
                              sizeof(english),
                              MSG_ID("one row of the answer is larger than the server's reply limit"),
                              NULL, 0);
            stream_end(s, "RESOURCE_EXHAUSTED: a row over the reply limit");
            return;
        }
        connection_send_frame(c, frame, len);
        s->parts++;
        if (!response.more) {
            stream_end(s, NULL);
            return;
        }
    }
    stream_end(s, "connection closed");
}

void request_reply_streamed(request *req, arena *a, Cchc__V1__Response__BodyCase body_case,
                            void *body, PGresult *const *results, int nresults)
{
    const ProtobufCFieldDescriptor *member =
        protobuf_c_message_descriptor_get_field(&cchc__v1__response__descriptor, (unsigned)body_case);
    size_t part_limit = req->ctx->max_frame;
    connection *c = req->conn;
    if (!member || member->type != PROTOBUF_C_TYPE_MESSAGE || !body || (a && a->failed) ||
        !c->accepts_parts || c->closing ||
        protobuf_c_message_get_packed_size(body) + ENVELOPE_SLACK <= part_limit) {
        request_reply_body(req, a, body_case, body); /* one frame, or its error */
        return;
    }
    reply_stream *s = calloc(1, sizeof(*s));
    const ProtobufCMessageDescriptor *desc = member->descriptor;
    /* the body itself is often the handler's local variable: kept here,
     * with the scratch part right after it */
    ProtobufCMessage *copy = s ? malloc(2 * desc->sizeof_message) : NULL;
    if (!copy || nresults > DB_MAX_BATCH) {
        free(copy);
        free(s);
        if (a)
            arena_free(a);
        request_fail(req, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "server out of memory");
        return;
    }
    s->req = req;
    if (a) {
        s->a = *a; /* moved: the caller's arena is now empty */
        memset(a, 0, sizeof(*a));
    }
    for (int i = 0; i < nresults; i++)
        if (results[i])
            s->kept[s->nkept++] = db_result_keep(results, i);
    s->body_case = body_case;
    s->member = member;
    s->desc = desc;
    memcpy(copy, body, desc->sizeof_message);
    s->body = copy;
    s->part = (ProtobufCMessage *)((char *)copy + desc->sizeof_message);
    s->part_limit = part_limit;
    skip_sent(s);
    pump(s);
}

void request_reply_rows_streamed(request *req, Cchc__V1__Response__BodyCase body_case,
                                 PGresult *const *results, int nresults, int index)
{
    arena a = {0};
    ProtobufCMessage *body = request_body_new(&a, body_case);
    if (!body || index < 0 || index >= nresults) {
        arena_free(&a);
        request_fail(req, CCHC__V1__ERROR_CODE__INTERNAL, "no such reply");
        return;
    }
    const ProtobufCMessageDescriptor *desc = body->descriptor;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        if (!sliced(f))
            continue;
        *elements_of(body, f) =
            (ProtobufCMessage **)pg_messages(&a, f->descriptor, results[index], count_of(body, f));
        break;
    }
    request_reply_streamed(req, &a, body_case, body, results, nresults);
}
