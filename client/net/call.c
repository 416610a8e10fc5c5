/* See call.h. */
#include "call.h"

#include <errno.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connection.h"
#include "i18n.h"
#include "plat_time.h"
#include "request_kind.h"
#include "request_timeout.h"
#include "wire_nfc.h"

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

/* ---- retries of writes whose outcome is unknown (docs/retry.md) ---------- */
/* ---- and of requests the database rolled back (ABORTED) ------------------ */

/* Attempts of one request at most, and the first pause between two. */
#define WRITE_ATTEMPTS 5
#define RETRY_PAUSE_MS 100

static int64_t now_ms(void)
{
    return plat_monotonic_ms();
}

static void pause_ms(int64_t ms)
{
    plat_sleep_ms(ms);
}

/* The request key of a write: random, except for a report submission,
 * whose key follows from its rows' idempotency keys, so the same
 * submission sent again from the outbox carries the same key. */
static void request_key_new(const Cchc__V1__Request *request, char out[REQUEST_KEY_MAX + 1])
{
    unsigned char raw[24];
    if (request->body_case == CCHC__V1__REQUEST__BODY_REPORT_SUBMIT) {
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, sizeof(raw));
        const Cchc__V1__ReportSubmitRequest *submit = request->report_submit;
        for (size_t i = 0; i < submit->n_rows; i++)
            crypto_generichash_update(&st, (const unsigned char *)submit->rows[i]->idempotency_key,
                                      strlen(submit->rows[i]->idempotency_key) + 1);
        crypto_generichash_final(&st, raw, sizeof(raw));
    } else {
        randombytes_buf(raw, sizeof(raw));
    }
    sodium_bin2base64(out, REQUEST_KEY_MAX + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* One attempt on a fresh connection; *sent says whether the request left
 * whole (so a lost answer leaves a write in doubt). */
static int attempt(const cli_options *opts, Cchc__V1__Request *request,
                   Cchc__V1__Response **response, cli_error *err, int *sent)
{
    connection conn;
    *response = NULL;
    *sent = 0;
    if (connection_open(&conn, opts, err) != 0)
        return -1;
    if (!*request->session_token && *opts->token)
        request->session_token = (char *)opts->token;
    int rc = connection_call(&conn, request, response, err);
    *sent = conn.request_sent;
    connection_close(&conn);
    return rc;
}

/* call_raw for a whole request. A write carries a request key; when its
 * outcome is unknown (the server says so, or the connection broke after
 * it was sent) it is sent again with the same key, which the server
 * answers with the first outcome instead of applying it twice, a few
 * times within --timeout. A write still in doubt then ends with
 * EXIT_OUTCOME_UNKNOWN. A request the database rolled back (ABORTED: a
 * deadlock, a lock or statement timeout) applied nothing and is sent again
 * the same way, a read too; the pauses are jittered so that two clients
 * that deadlocked each other do not meet again. */
static int send_keyed(const cli_options *opts, Cchc__V1__Request *request,
                      Cchc__V1__Response **response, cli_error *err)
{
    int write = request_kind_is_write(request->body_case);
    char key[REQUEST_KEY_MAX + 1];
    if (write && !*request->request_key) {
        request_key_new(request, key);
        request->request_key = key;
    }
    cli_options o = *opts;
    int64_t deadline = now_ms() + opts->timeout_ms, pause = RETRY_PAUSE_MS;
    char doubt[1024] = "";
    for (int tries = 1;; tries++) {
        int sent, rc = attempt(&o, request, response, err, &sent);
        int aborted = rc != 0 && strcmp(err->code_name, "aborted") == 0;
        if (rc == 0 || (!write && !aborted))
            return rc;
        int unknown = strcmp(err->code_name, "outcome_unknown") == 0 ||
                      (sent && !err->code_name[0] && err->exit_code == EXIT_UNREACHABLE);
        if (unknown)
            snprintf(doubt, sizeof(doubt), "%s", err->message);
        /* once in doubt, a retry that cannot reach the database or the
         * server has learnt nothing: try again */
        int learnt_nothing = unknown || strcmp(err->code_name, "unavailable") == 0 ||
                             (!err->code_name[0] && err->exit_code == EXIT_UNREACHABLE);
        if (*doubt && strcmp(err->code_name, "unauthenticated") == 0) {
            /* the session ended meanwhile (a password change ends them all),
             * so the record cannot be asked for */
            char refused[1024];
            snprintf(refused, sizeof(refused), "%s", err->message);
            cli_error_set(err, EXIT_OUTCOME_UNKNOWN,
                          _("the write may or may not have been applied: %s. Sending it again "
                            "was refused: %s. Log in again and check what you changed"),
                          doubt, refused);
            snprintf(err->code_name, sizeof(err->code_name), "outcome_unknown");
            return -1;
        }
        if (!aborted && (!*doubt || !learnt_nothing))
            return rc;
        int64_t left = deadline - now_ms();
        if (!*doubt && (tries >= WRITE_ATTEMPTS || left <= pause))
            return rc; /* still rolled back: the server's ABORTED stands */
        if (tries >= WRITE_ATTEMPTS || left <= pause) {
            cli_error_set(err, EXIT_OUTCOME_UNKNOWN,
                          _("the write may or may not have been applied: %s. cchc tried %d "
                            "times with the same request key and could not learn the outcome. "
                            "Check what you changed (list or show it) before doing it again"),
                          doubt, tries);
            snprintf(err->code_name, sizeof(err->code_name), "outcome_unknown");
            return -1;
        }
        pause_ms(pause + (aborted ? (int64_t)randombytes_uniform((uint32_t)pause) : 0));
        o.timeout_ms = (int)(deadline - now_ms());
        pause *= 2;
    }
}

/* ---- text in NFC, once, here (wire_nfc.h) -------------------------------- */

/* The strings a request's pass replaced: the caller's own pointers come
 * back after the send, so a command never sees, nor frees, ours. */
typedef struct nfc_undo {
    char **slot;
    char *caller;
    char *ours;
} nfc_undo;

typedef struct nfc_log {
    nfc_undo *items;
    size_t n, cap;
} nfc_log;

static int nfc_store_undoable(void *ctx, char **slot, const char *nfc, size_t len)
{
    nfc_log *log = ctx;
    if (log->n == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 16;
        nfc_undo *items = realloc(log->items, cap * sizeof(*items));
        if (!items)
            return -1;
        log->items = items;
        log->cap = cap;
    }
    char *ours = malloc(len + 1);
    if (!ours)
        return -1;
    memcpy(ours, nfc, len + 1);
    log->items[log->n++] = (nfc_undo){slot, *slot, ours};
    *slot = ours;
    return 0;
}

/* Puts the caller's strings back, newest first, wiping ours (a password
 * may be among them). */
static void nfc_undo_all(nfc_log *log)
{
    for (size_t i = log->n; i-- > 0;) {
        *log->items[i].slot = log->items[i].caller;
        sodium_memzero(log->items[i].ours, strlen(log->items[i].ours));
        free(log->items[i].ours);
    }
    free(log->items);
    memset(log, 0, sizeof(*log));
}

static int send_request(const cli_options *opts, Cchc__V1__Request *request,
                        Cchc__V1__Response **response, cli_error *err)
{
    char *caller_key = request->request_key; /* the key made here lives here */
    nfc_log log = {0};
    if (wire_nfc_message(&request->base, nfc_store_undoable, &log) < 0) {
        nfc_undo_all(&log);
        cli_error_set(err, EXIT_USAGE, _("out of memory"));
        return -1;
    }
    /* an export or report reads a whole period: it may wait longer */
    cli_options o = *opts;
    o.timeout_ms = request_timeout_ms(opts, request->body_case);
    int rc = send_keyed(&o, request, response, err);
    request->request_key = caller_key;
    nfc_undo_all(&log);
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
