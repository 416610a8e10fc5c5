/* Hostile input through the raw protocol, against the real cchcd: text
 * that C cannot see (an embedded NUL, invalid UTF-8) in every text field
 * of a few request types is refused naming the field, never cut; text
 * that is unusual but valid (quotes, backslashes, SQL, emoji, combining
 * marks) comes back byte for byte; request id 0, duplicate ids, unknown
 * types and huge repeated fields; no, forged and expired sessions;
 * 500,000-row frames without a session and 200 pipelined requests without
 * reading, with the server's memory measured against a stated bound; and
 * thousands of fuzzed bodies whose every reply must decode with Google's
 * protobuf (decode_replies.py). docs/security.md, "Input". */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame.h"
#include "harness.h"
#include "protocol.h"
#include "wire.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
};

static char admin_token[256], reporter_token[256];

/* The bound the memory tests assert: how much cchcd's peak resident size
 * may grow over its size before the abuse. */
#define RSS_GROWTH_BOUND_KB (100 * 1024)

/* Resident sizes mean something only outside AddressSanitizer and
 * valgrind (harness_rss_measurable): there the bound is asserted, in those
 * builds the figures are only printed. */
#define assert_rss_growth(before, peak) \
    do { \
        if (harness_rss_measurable()) \
            assert_true((peak) - (before) < RSS_GROWTH_BOUND_KB); \
    } while (0)

static int setup(void **state)
{
    (void)state;
    fixture_start(&fx, "hostile", NULL);
    harness_import_communes(srv, "31117,Phường Tân An,Q-NINHKIEU\n");
    fixture_add_people(&fx, people, NPEOPLE, 1);
    harness_open_period(srv, "2023-6M");
    harness_home_token(fx.home, admin_token, sizeof(admin_token));
    harness_home_token(fx.homes[REPORTER], reporter_token, sizeof(reporter_token));
    assert_true(admin_token[0] && reporter_token[0]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* ---- raw helpers ------------------------------------------------------------ */

/* Sends request with every occurrence of marker (in its packed bytes)
 * given byte `with` at offset `at` instead: how a NUL gets inside a string,
 * which protobuf-c cannot encode itself. */
static void send_patched(int fd, Cchc__V1__Request *request, const char *marker, size_t at,
                         uint8_t with)
{
    uint8_t *frame;
    size_t len;
    assert_int_equal(wire_encode_frame(&request->base, CCHC_ABSOLUTE_MAX_FRAME, &frame, &len, NULL), 0);
    size_t mlen = strlen(marker), patched = 0;
    for (uint8_t *p = frame; (p = memmem(p, len - (size_t)(p - frame), marker, mlen)); p += mlen) {
        p[at] = with;
        patched++;
    }
    assert_true(patched > 0);
    raw_send(fd, frame, len);
    free(frame);
}

static Cchc__V1__Response *must_read(int fd)
{
    Cchc__V1__Response *r = raw_read_response(fd, 30000);
    if (!r)
        fail_msg("no reply from cchcd within 30 s");
    return r;
}

/* Reads a reply and checks it is an error of code whose message holds
 * `holds` (when not NULL); returns it for more checks. */
static Cchc__V1__Response *expect_error(int fd, uint64_t id, Cchc__V1__ErrorCode code,
                                        const char *holds)
{
    Cchc__V1__Response *r = must_read(fd);
    if (!r->error)
        fail_msg("request %llu: expected %s, got a %d answer", (unsigned long long)id,
                 wire_error_code_name(code), (int)r->body_case);
    if (r->error->code != code || r->request_id != id || (holds && !strstr(r->error->message, holds)))
        fail_msg("request %llu: expected %s holding \"%s\", got id %llu %s: %s",
                 (unsigned long long)id, wire_error_code_name(code), holds ? holds : "",
                 (unsigned long long)r->request_id, wire_error_code_name(r->error->code),
                 r->error->message);
    return r;
}

/* The bad-text refusal: INVALID_ARGUMENT naming path in the message and
 * as the field of its one detail. */
static void expect_bad_text(int fd, uint64_t id, const char *path)
{
    Cchc__V1__Response *r = expect_error(fd, id, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, path);
    assert_int_equal(r->error->n_details, 1);
    assert_string_equal(r->error->details[0]->field, path);
    cchc__v1__response__free_unpacked(r, NULL);
}

/* One report row that passes validation, for task. */
static void good_row(Cchc__V1__ReportRow *row, int task, const char *key)
{
    *row = (Cchc__V1__ReportRow)CCHC__V1__REPORT_ROW__INIT;
    row->line = 2;
    row->task_id = task;
    row->status = "in_progress";
    row->progress = "60";
    row->results = "Đã tiếp nhận hồ sơ";
    row->idempotency_key = (char *)key;
}

static void submit_request(Cchc__V1__Request *req, Cchc__V1__ReportSubmitRequest *body,
                           Cchc__V1__ReportRow **rows, size_t n, uint64_t id, const char *token)
{
    *body = (Cchc__V1__ReportSubmitRequest)CCHC__V1__REPORT_SUBMIT_REQUEST__INIT;
    body->period_id = "2023-6M";
    body->n_rows = n;
    body->rows = rows;
    *req = (Cchc__V1__Request)CCHC__V1__REQUEST__INIT;
    req->request_id = id;
    req->session_token = (char *)token;
    req->body_case = CCHC__V1__REQUEST__BODY_REPORT_SUBMIT;
    req->report_submit = body;
}

static char *db_value(const char *sql)
{
    char *v = harness_db_query(&fx.db, sql);
    assert_non_null(v);
    return v;
}


/* ---- NUL and invalid UTF-8 ------------------------------------------------------ */

#define MARKER "hostile~text"   /* '~' (offset 7) becomes the bad byte */

/* Sets every string field of msg (not repeated) to good, but the one at
 * index bad, which gets MARKER. Returns the bad field's name. */
static const char *fill_strings(ProtobufCMessage *msg, unsigned bad, const char *good)
{
    const char *name = NULL;
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_STRING || f->label == PROTOBUF_C_LABEL_REPEATED)
            continue;
        *(const char **)((char *)msg + f->offset) = i == bad ? MARKER : good;
        if (i == bad)
            name = f->name;
    }
    return name;
}

/* For each string field of a report row, of a login and of a user_add:
 * a NUL and then an invalid byte in it are refused naming the field. */
static void test_bad_text_in_every_field_is_refused_by_name(void **state)
{
    (void)state;
    int fd = raw_connect_greeted(srv);
    uint64_t id = 100;
    const uint8_t bad_bytes[] = {0x00, 0xFF, 0x80};
    for (size_t b = 0; b < sizeof(bad_bytes); b++) {
        /* report_submit.rows[1].<field> (rows[0] is good) */
        const ProtobufCMessageDescriptor *rd = &cchc__v1__report_row__descriptor;
        for (unsigned i = 0; i < rd->n_fields; i++) {
            if (rd->fields[i].type != PROTOBUF_C_TYPE_STRING)
                continue;
            Cchc__V1__ReportRow row0, row1, *rows[] = {&row0, &row1};
            good_row(&row0, 105, "hostile-row-key-000000001");
            good_row(&row1, 106, "hostile-row-key-000000002");
            const char *name = fill_strings(&row1.base, i, "in_progress");
            Cchc__V1__ReportSubmitRequest body;
            Cchc__V1__Request req;
            submit_request(&req, &body, rows, 2, ++id, reporter_token);
            send_patched(fd, &req, MARKER, 7, bad_bytes[b]);
            char path[96];
            snprintf(path, sizeof(path), "report_submit.rows[1].%s", name);
            expect_bad_text(fd, id, path);
        }
        /* login.<field> and user_add.<field> */
        const ProtobufCMessageDescriptor *bodies[] = {&cchc__v1__login_request__descriptor,
                                                      &cchc__v1__user_add_request__descriptor};
        const Cchc__V1__Request__BodyCase cases[] = {CCHC__V1__REQUEST__BODY_LOGIN,
                                                     CCHC__V1__REQUEST__BODY_USER_ADD};
        const char *case_names[] = {"login", "user_add"};
        for (int k = 0; k < 2; k++) {
            for (unsigned i = 0; i < bodies[k]->n_fields; i++) {
                if (bodies[k]->fields[i].type != PROTOBUF_C_TYPE_STRING ||
                    bodies[k]->fields[i].label == PROTOBUF_C_LABEL_REPEATED)
                    continue;
                ProtobufCMessage *msg = calloc(1, bodies[k]->sizeof_message);
                bodies[k]->message_init(msg);
                const char *name = fill_strings(msg, i, "x");
                Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
                req.request_id = ++id;
                req.session_token = admin_token;
                req.body_case = cases[k];
                const ProtobufCFieldDescriptor *fd_body =
                    protobuf_c_message_descriptor_get_field(&cchc__v1__request__descriptor, cases[k]);
                *(void **)((char *)&req + fd_body->offset) = msg;
                send_patched(fd, &req, MARKER, 7, bad_bytes[b]);
                char path[96];
                snprintf(path, sizeof(path), "%s.%s", case_names[k], name);
                expect_bad_text(fd, id, path);
                free(msg);
            }
        }
        /* the envelope's own strings, and a repeated string in a nested list */
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        Cchc__V1__WhoamiRequest who = CCHC__V1__WHOAMI_REQUEST__INIT;
        req.request_id = ++id;
        req.session_token = MARKER;
        req.body_case = CCHC__V1__REQUEST__BODY_WHOAMI;
        req.whoami = &who;
        send_patched(fd, &req, MARKER, 7, bad_bytes[b]);
        expect_bad_text(fd, id, "session_token");
        char *from[] = {"Q-NINHKIEU", "31117", MARKER};
        Cchc__V1__UnitChangeRequest change = CCHC__V1__UNIT_CHANGE_REQUEST__INIT;
        change.op = "merge";
        change.n_from = 3;
        change.from = from;
        req = (Cchc__V1__Request)CCHC__V1__REQUEST__INIT;
        req.request_id = ++id;
        req.session_token = admin_token;
        req.body_case = CCHC__V1__REQUEST__BODY_UNIT_CHANGE;
        req.unit_change = &change;
        send_patched(fd, &req, MARKER, 7, bad_bytes[b]);
        expect_bad_text(fd, id, "unit_change.from[2]");
    }
    close(fd);
    /* nothing of it was saved */
    char *n = db_value("SELECT count(*) FROM account WHERE username LIKE 'hostile%' OR full_name LIKE 'hostile%'");
    assert_string_equal(n, "0");
    free(n);
}

/* The three cases of the issue: each was silently cut before. */
static void test_nul_is_never_cut(void **state)
{
    (void)state;
    int fd = raw_connect_greeted(srv);
    /* a report "trước\0sau" */
    Cchc__V1__ReportRow row, *rows[] = {&row};
    good_row(&row, 107, "hostile-nul-report-0000001");
    row.results = "trước~sau";
    Cchc__V1__ReportSubmitRequest body;
    Cchc__V1__Request req;
    submit_request(&req, &body, rows, 1, 201, reporter_token);
    send_patched(fd, &req, "trước~sau", strlen("trước"), 0);
    expect_bad_text(fd, 201, "report_submit.rows[0].results");

    /* a login as "admin\0junk" with the administrator's password */
    Cchc__V1__LoginRequest login = CCHC__V1__LOGIN_REQUEST__INIT;
    login.username = "admin~junk";
    login.password = HARNESS_ADMIN_PASSWORD;
    req = (Cchc__V1__Request)CCHC__V1__REQUEST__INIT;
    req.request_id = 202;
    req.body_case = CCHC__V1__REQUEST__BODY_LOGIN;
    req.login = &login;
    send_patched(fd, &req, "admin~junk", 5, 0);
    Cchc__V1__Response *r = expect_error(fd, 202, CCHC__V1__ERROR_CODE__INVALID_ARGUMENT, "login.username");
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY__NOT_SET); /* no session */
    cchc__v1__response__free_unpacked(r, NULL);

    /* an idempotency key "K\0x", as the request key and as a row's key */
    good_row(&row, 107, "hostile-nul-row-key-0001");
    submit_request(&req, &body, rows, 1, 203, reporter_token);
    req.request_key = "K~x-hostile-request-key";
    send_patched(fd, &req, "K~x-hostile", 1, 0);
    expect_bad_text(fd, 203, "request_key");
    good_row(&row, 107, "K~x-hostile-row-key-0001");
    submit_request(&req, &body, rows, 1, 204, reporter_token);
    send_patched(fd, &req, "K~x-hostile", 1, 0);
    expect_bad_text(fd, 204, "report_submit.rows[0].idempotency_key");
    close(fd);

    char *n = db_value("SELECT count(*) FROM report r JOIN report_revision v ON v.report_id = r.id "
                       "WHERE r.task_id = 107");
    assert_string_equal(n, "0");
    free(n);
}

/* ---- unusual but valid text ------------------------------------------------------ */

static const char *const odd_texts[] = {
    "'; DROP TABLE report; --",
    "O'Brien \"Ngã Bảy\" \\ \\\\ \\x00 %s %n $1 $$; \t tab",
    "emoji 😀🇻🇳👩‍💻, combining e\xCC\x81 a\xCC\x80 \xE1\xBB\x87 vs \xC3\xAA\xCC\xA3",
    "Tiếng Việt: Phường Tân An; ' OR '1'='1",
};
/* odd_texts[2] as stored: cchcd puts every text it receives in NFC (issue
 * 13, docs/text.md), so its combining sequences come back composed */
static const char odd_text_2_nfc[] =
    "emoji 😀🇻🇳👩‍💻, combining \xC3\xA9 \xC3\xA0 \xE1\xBB\x87 vs \xE1\xBB\x87";

static void test_unusual_text_round_trips_byte_exact(void **state)
{
    (void)state;
    int fd = raw_connect_greeted(srv);
    /* a report's texts */
    Cchc__V1__ReportRow row, *rows[] = {&row};
    good_row(&row, 105, "hostile-odd-report-0000001");
    row.results = (char *)odd_texts[0];
    row.difficulties = (char *)odd_texts[1];
    row.proposals = (char *)odd_texts[2];
    Cchc__V1__ReportSubmitRequest body;
    Cchc__V1__Request req;
    submit_request(&req, &body, rows, 1, 301, reporter_token);
    raw_send_request(fd, &req);
    Cchc__V1__Response *r = must_read(fd);
    if (r->error)
        fail_msg("submit: %s", r->error->message);
    cchc__v1__response__free_unpacked(r, NULL);

    Cchc__V1__ReportGetRequest get = CCHC__V1__REPORT_GET_REQUEST__INIT;
    get.period_id = "2023-6M";
    get.task_id = 105;
    req = (Cchc__V1__Request)CCHC__V1__REQUEST__INIT;
    req.request_id = 302;
    req.session_token = reporter_token;
    req.body_case = CCHC__V1__REQUEST__BODY_REPORT_GET;
    req.report_get = &get;
    raw_send_request(fd, &req);
    r = must_read(fd);
    if (r->error)
        fail_msg("report_get: %s", r->error->message);
    assert_true(r->report_get->n_revisions >= 1);
    const Cchc__V1__ReportRevision *v = r->report_get->revisions[0];
    assert_string_equal(v->results, odd_texts[0]);
    assert_string_equal(v->difficulties, odd_texts[1]);
    assert_string_equal(v->proposals, odd_text_2_nfc);
    cchc__v1__response__free_unpacked(r, NULL);

    /* a unit's name */
    Cchc__V1__CommuneRow commune = CCHC__V1__COMMUNE_ROW__INIT, *communes[] = {&commune};
    commune.line = 2;
    commune.code = "31999";
    commune.name = (char *)odd_texts[3];
    commune.district = "Q-NINHKIEU";
    Cchc__V1__UnitImportRequest import = CCHC__V1__UNIT_IMPORT_REQUEST__INIT;
    import.n_rows = 1;
    import.rows = communes;
    import.valid_from = "2004-01-02";
    req = (Cchc__V1__Request)CCHC__V1__REQUEST__INIT;
    req.request_id = 303;
    req.session_token = admin_token;
    req.body_case = CCHC__V1__REQUEST__BODY_UNIT_IMPORT;
    req.unit_import = &import;
    raw_send_request(fd, &req);
    r = must_read(fd);
    if (r->error)
        fail_msg("unit_import: %s", r->error->message);
    cchc__v1__response__free_unpacked(r, NULL);
    Cchc__V1__UnitListRequest list = CCHC__V1__UNIT_LIST_REQUEST__INIT;
    list.all = 1;
    req = (Cchc__V1__Request)CCHC__V1__REQUEST__INIT;
    req.request_id = 304;
    req.session_token = admin_token;
    req.body_case = CCHC__V1__REQUEST__BODY_UNIT_LIST;
    req.unit_list = &list;
    raw_send_request(fd, &req);
    r = must_read(fd);
    if (r->error)
        fail_msg("unit_list: %s", r->error->message);
    int found = 0;
    for (size_t i = 0; i < r->unit_list->n_units; i++)
        if (strcmp(r->unit_list->units[i]->code, "31999") == 0) {
            assert_string_equal(r->unit_list->units[i]->name, odd_texts[3]);
            found = 1;
        }
    assert_true(found);
    cchc__v1__response__free_unpacked(r, NULL);
    close(fd);
}

/* ---- ids, types, sizes, sessions ------------------------------------------------------ */

static void test_ids_types_and_sizes(void **state)
{
    (void)state;
    int fd = raw_connect_greeted(srv);
    /* request id 0: refused as malformed, answered with id 0 */
    raw_send_ping(fd, 0, 0);
    Cchc__V1__Response *r = expect_error(fd, 0, CCHC__V1__ERROR_CODE__MALFORMED, "request_id");
    cchc__v1__response__free_unpacked(r, NULL);
    /* duplicate ids: each request is answered */
    raw_send_ping(fd, 7, 1);
    raw_send_ping(fd, 7, 0);
    for (int i = 0; i < 2; i++) {
        r = must_read(fd);
        assert_int_equal(r->request_id, 7);
        assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_PING);
        cchc__v1__response__free_unpacked(r, NULL);
    }
    /* an unknown request type (field 500 of Request) */
    const uint8_t unknown[] = {0, 0, 0, 6, 0x08, 0x09, 0xA2, 0x1F, 0x01, 0x00};
    raw_send(fd, unknown, sizeof(unknown));
    r = expect_error(fd, 9, CCHC__V1__ERROR_CODE__UNSUPPORTED, NULL);
    cchc__v1__response__free_unpacked(r, NULL);
    /* a known field with the wrong wire type: not a Request */
    const uint8_t wrong[] = {0, 0, 0, 4, 0x08, 0x0A, 0x58, 0x01};
    raw_send(fd, wrong, sizeof(wrong));
    r = expect_error(fd, 0, CCHC__V1__ERROR_CODE__MALFORMED, NULL);
    cchc__v1__response__free_unpacked(r, NULL);

    /* huge repeated fields: 50,000 roles in a user_set_roles (a small
     * request type) are refused by size before decoding */
    enum { NROLES = 50000 };
    char **roles = calloc(NROLES, sizeof(char *));
    for (int i = 0; i < NROLES; i++)
        roles[i] = "reporter";
    Cchc__V1__UserSetRolesRequest set = CCHC__V1__USER_SET_ROLES_REQUEST__INIT;
    set.username = "nk.baocao";
    set.n_roles = NROLES;
    set.roles = roles;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = 11;
    req.session_token = admin_token;
    req.body_case = CCHC__V1__REQUEST__BODY_USER_SET_ROLES;
    req.user_set_roles = &set;
    raw_send_request(fd, &req);
    r = expect_error(fd, 11, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "too large: ");
    cchc__v1__response__free_unpacked(r, NULL);
    free(roles);
    /* … and 400,000 empty rows in a report, with a valid session, are
     * refused before decoding (they would take ~50 MB decoded): cchcd's
     * peak grows by less than the bound */
    harness_reset_peak(srv->pid);
    long rss_before = harness_proc_kb(srv->pid, "VmRSS");
    enum { NROWS = 400000 };
    Cchc__V1__ReportRow empty = CCHC__V1__REPORT_ROW__INIT;
    Cchc__V1__ReportRow **rows = calloc(NROWS, sizeof(*rows));
    for (int i = 0; i < NROWS; i++)
        rows[i] = &empty;
    Cchc__V1__ReportSubmitRequest body;
    submit_request(&req, &body, rows, NROWS, 12, reporter_token);
    raw_send_request(fd, &req);
    r = expect_error(fd, 12, CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED, "too large to decode");
    cchc__v1__response__free_unpacked(r, NULL);
    free(rows);
    long hwm = harness_proc_kb(srv->pid, "VmHWM");
    print_message("400,000 rows with a session: cchcd RSS before %ld kB, peak %ld kB\n", rss_before, hwm);
    assert_rss_growth(rss_before, hwm);
    /* the connection still works */
    raw_send_ping(fd, 13, 1);
    r = must_read(fd);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_PING);
    cchc__v1__response__free_unpacked(r, NULL);
    close(fd);
}

static void send_whoami(int fd, uint64_t id, const char *token)
{
    Cchc__V1__WhoamiRequest who = CCHC__V1__WHOAMI_REQUEST__INIT;
    Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
    req.request_id = id;
    req.session_token = (char *)token;
    req.body_case = CCHC__V1__REQUEST__BODY_WHOAMI;
    req.whoami = &who;
    raw_send_request(fd, &req);
}

static void test_sessions_none_forged_expired(void **state)
{
    (void)state;
    int fd = raw_connect_greeted(srv);
    send_whoami(fd, 21, "");
    cchc__v1__response__free_unpacked(
        expect_error(fd, 21, CCHC__V1__ERROR_CODE__UNAUTHENTICATED, "not logged in"), NULL);
    send_whoami(fd, 22, "Zm9yZ2VkLXRva2VuLW5vdC1pc3N1ZWQtYnktdGhlLXNlcnZlcg");
    cchc__v1__response__free_unpacked(
        expect_error(fd, 22, CCHC__V1__ERROR_CODE__UNAUTHENTICATED, "session expired"), NULL);
    /* a token longer than any the server issues */
    char long_token[300];
    memset(long_token, 'A', sizeof(long_token) - 1);
    long_token[sizeof(long_token) - 1] = '\0';
    send_whoami(fd, 23, long_token);
    cchc__v1__response__free_unpacked(
        expect_error(fd, 23, CCHC__V1__ERROR_CODE__UNAUTHENTICATED, NULL), NULL);

    /* an expired session: a fresh login of the reporter, then its expiry
     * moved into the past */
    char home[64], token[256];
    harness_new_home(home, sizeof(home));
    harness_use_home(home);
    assert_int_equal(harness_login(srv, people[REPORTER].username, people[REPORTER].password), 0);
    harness_home_token(home, token, sizeof(token));
    send_whoami(fd, 24, token);
    Cchc__V1__Response *r = must_read(fd);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_WHOAMI);
    cchc__v1__response__free_unpacked(r, NULL);
    char *moved = harness_db_query(&fx.db, "UPDATE session SET expires_at = now() - interval '1 second' "
                                           "WHERE created_at = (SELECT max(created_at) FROM session) "
                                           "RETURNING account_id");
    assert_non_null(moved);
    free(moved);
    send_whoami(fd, 25, token);
    cchc__v1__response__free_unpacked(
        expect_error(fd, 25, CCHC__V1__ERROR_CODE__UNAUTHENTICATED, "session expired"), NULL);
    harness_remove_home(home);
    fixture_as(&fx, -1);
    close(fd);
}

/* ---- memory under abuse ------------------------------------------------------------------ */

/* One report_submit payload of n empty rows with a made-up token, built by
 * hand (protobuf-c would want n row structures). */
static uint8_t *empty_rows_frame(uint64_t id, size_t n, size_t *out_len)
{
    const char *token = "bWFkZS11cC10b2tlbi1tYWRlLXVwLXRva2VuLW1hZGUtdXA";
    size_t tlen = strlen(token), body = 2 * n;
    uint8_t *f = malloc(body + tlen + 32);
    size_t i = 4;
    f[i++] = 0x08, f[i++] = (uint8_t)id; /* request_id (< 128) */
    f[i++] = 0x12, f[i++] = (uint8_t)tlen;
    memcpy(f + i, token, tlen), i += tlen;
    f[i++] = 0xB2, f[i++] = 0x04;        /* field 70, length-delimited */
    for (size_t v = body; ; v >>= 7) {   /* body length, varint */
        f[i++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        if (v <= 0x7F)
            break;
    }
    for (size_t k = 0; k < n; k++)
        f[i++] = 0x1A, f[i++] = 0x00;    /* rows: an empty ReportRow */
    frame_put_header(f, (uint32_t)(i - 4));
    *out_len = i;
    return f;
}

/* 4 connections each send 8 frames of 500,000 empty rows with a made-up
 * token, without reading: every one is refused (UNAUTHENTICATED once its
 * session is checked, or RESOURCE_EXHAUSTED over the connection's budget
 * of undecoded bytes), and cchcd's peak resident size grows by less than
 * RSS_GROWTH_BOUND_KB. Before, this took cchcd from 84 MiB to 1.8 GiB. */
static void test_rows_without_session_stay_bounded(void **state)
{
    (void)state;
    enum { CONNS = 4, FRAMES = 8, ROWS = 500000 };
    harness_reset_peak(srv->pid);
    long rss_before = harness_proc_kb(srv->pid, "VmRSS");
    int fds[CONNS];
    size_t len;
    for (int c = 0; c < CONNS; c++)
        fds[c] = raw_connect_greeted(srv);
    for (int k = 0; k < FRAMES; k++)
        for (int c = 0; c < CONNS; c++) {
            uint8_t *frame = empty_rows_frame((uint64_t)(10 + k), ROWS, &len);
            raw_send(fds[c], frame, len);
            free(frame);
        }
    int refused = 0, unauthenticated = 0;
    for (int c = 0; c < CONNS; c++)
        for (int k = 0; k < FRAMES; k++) {
            Cchc__V1__Response *r = must_read(fds[c]);
            assert_non_null(r->error);
            if (r->error->code == CCHC__V1__ERROR_CODE__UNAUTHENTICATED)
                unauthenticated++;
            else if (r->error->code == CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED)
                refused++;
            else
                fail_msg("unexpected %s: %s", wire_error_code_name(r->error->code), r->error->message);
            cchc__v1__response__free_unpacked(r, NULL);
        }
    long hwm = harness_proc_kb(srv->pid, "VmHWM"), rss_after = harness_proc_kb(srv->pid, "VmRSS");
    print_message("cchcd RSS before %ld kB, peak after %ld kB (growth %ld kB, bound %d kB), "
                  "RSS after %ld kB; %d unauthenticated, %d over budget\n",
                  rss_before, hwm, hwm - rss_before, RSS_GROWTH_BOUND_KB, rss_after,
                  unauthenticated, refused);
    assert_int_equal(unauthenticated + refused, CONNS * FRAMES);
    assert_true(unauthenticated >= CONNS); /* the first of each was checked */
    assert_rss_growth(rss_before, hwm);
    for (int c = 0; c < CONNS; c++)
        close(fds[c]);
}

/* A logged-in connection sends 200 requests without reading any answer;
 * another client is served meanwhile, the memory stays bounded, and the
 * 200 are all answered once read. */
static void test_pipelined_without_reading(void **state)
{
    (void)state;
    enum { N = 200 };
    harness_reset_peak(srv->pid);
    long rss_before = harness_proc_kb(srv->pid, "VmRSS");
    int flood = raw_connect_greeted(srv);
    Cchc__V1__MissingRequest missing = CCHC__V1__MISSING_REQUEST__INIT;
    missing.period_id = "2023-6M";
    for (int i = 0; i < N; i++) {
        Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
        req.request_id = (uint64_t)(1000 + i);
        req.session_token = admin_token;
        req.body_case = CCHC__V1__REQUEST__BODY_MISSING;
        req.missing = &missing;
        raw_send_request(flood, &req);
    }
    int other = raw_connect_greeted(srv);
    raw_send_ping(other, 2, 1);
    Cchc__V1__Response *r = must_read(other);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_PING);
    cchc__v1__response__free_unpacked(r, NULL);
    send_whoami(other, 3, admin_token);
    r = must_read(other);
    assert_int_equal(r->body_case, CCHC__V1__RESPONSE__BODY_WHOAMI);
    cchc__v1__response__free_unpacked(r, NULL);
    close(other);
    int answered = 0;
    for (int i = 0; i < N; i++) {
        r = must_read(flood);
        if (!r->error || r->error->code == CCHC__V1__ERROR_CODE__RESOURCE_EXHAUSTED)
            answered++;
        cchc__v1__response__free_unpacked(r, NULL);
    }
    assert_int_equal(answered, N);
    long hwm = harness_proc_kb(srv->pid, "VmHWM");
    print_message("200 pipelined: cchcd RSS before %ld kB, peak %ld kB\n", rss_before, hwm);
    assert_rss_growth(rss_before, hwm);
    close(flood);
}

/* ---- every reply decodes with Google's protobuf ------------------------------------------------ */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_random(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Random hostile text into buf (NUL-free, as protobuf-c packs with
 * strlen; NULs are patched in on the wire by the caller): invalid bytes,
 * cut sequences, and long valid Vietnamese text around the 512-byte
 * message limit so a cut falls inside a character. */
static void hostile_text(char *buf, size_t size)
{
    static const char *const pieces[] = {"ệ", "ữ", "😀", "a", "'", "\\", "%", "\xC3", "\xE1\xBB",
                                         "\xF0\x9F\x98", "\xFF", "\x80", "\xED\xA0\x80", "\xC0\xAF",
                                         "Phường ", "e\xCC\x81", "\x01"};
    size_t target = next_random() % 4 == 0 ? 400 + next_random() % 300 : next_random() % 40;
    size_t used = 0;
    int valid_only = next_random() % 3 == 0;
    while (used < target) {
        const char *p = pieces[next_random() % (valid_only ? 7 : sizeof(pieces) / sizeof(*pieces))];
        size_t n = strlen(p);
        if (used + n + 1 > size)
            break;
        memcpy(buf + used, p, n);
        used += n;
    }
    buf[used] = '\0';
}

/* Reads one raw reply payload and appends it as a frame to out. */
static void save_reply(int fd, FILE *out)
{
    uint8_t header[4];
    if (raw_read_exact(fd, header, 4, 30000) != 0)
        fail_msg("no reply within 30 s, or the connection closed while waiting for it");
    uint32_t len = frame_get_header(header);
    uint8_t *payload = malloc(len ? len : 1);
    if (raw_read_exact(fd, payload, len, 30000) != 0)
        fail_msg("reply cut short");
    fwrite(header, 1, 4, out);
    fwrite(payload, 1, len, out);
    free(payload);
}

static void test_every_reply_decodes_with_google_protobuf(void **state)
{
    (void)state;
    enum { BODIES = 3000, BATCH = 50 };
    const char *path = "hostile-replies.bin";
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    int fd = raw_connect_greeted(srv);
    static const Cchc__V1__Request__BodyCase kinds[] = {
        CCHC__V1__REQUEST__BODY_TASK_LIST,   CCHC__V1__REQUEST__BODY_REPORT_GET,
        CCHC__V1__REQUEST__BODY_USER_SHOW,   CCHC__V1__REQUEST__BODY_REPORT_SUBMIT,
        CCHC__V1__REQUEST__BODY_MISSING,     CCHC__V1__REQUEST__BODY_UNIT_CHANGE,
        CCHC__V1__REQUEST__BODY_USER_ADD,    CCHC__V1__REQUEST__BODY_PERIOD_ACTION,
        CCHC__V1__REQUEST__BODY_STATUS_TASK, CCHC__V1__REQUEST__BODY_MY_TASKS,
    };
    int sent = 0;
    for (int i = 0; i < BODIES; i++) {
        uint64_t id = 5000 + (uint64_t)i;
        if (i % 10 == 9) { /* random bytes */
            uint8_t junk[4 + 200];
            uint32_t n = 1 + next_random() % 200;
            for (uint32_t k = 0; k < n; k++)
                junk[4 + k] = (uint8_t)next_random();
            frame_put_header(junk, n);
            raw_send(fd, junk, 4 + n);
        } else {
            /* a request of a random kind whose every string field (one
             * level down, and in a report row) is hostile text */
            Cchc__V1__Request__BodyCase kind = kinds[next_random() % (sizeof(kinds) / sizeof(*kinds))];
            const ProtobufCFieldDescriptor *bf =
                protobuf_c_message_descriptor_get_field(&cchc__v1__request__descriptor, kind);
            const ProtobufCMessageDescriptor *bd = bf->descriptor;
            ProtobufCMessage *body = calloc(1, bd->sizeof_message);
            bd->message_init(body);
            char texts[8][800];
            int nt = 0;
            Cchc__V1__ReportRow row = CCHC__V1__REPORT_ROW__INIT, *rows[] = {&row};
            for (unsigned f = 0; f < bd->n_fields && nt < 7; f++) {
                const ProtobufCFieldDescriptor *fd_ = &bd->fields[f];
                if (fd_->type == PROTOBUF_C_TYPE_STRING && fd_->label != PROTOBUF_C_LABEL_REPEATED) {
                    hostile_text(texts[nt], sizeof(texts[nt]));
                    *(char **)((char *)body + fd_->offset) = texts[nt++];
                }
            }
            if (kind == CCHC__V1__REQUEST__BODY_REPORT_SUBMIT) {
                hostile_text(texts[nt], sizeof(texts[nt]));
                row.task_id = 105;
                row.status = "in_progress";
                row.progress = "60";
                row.results = texts[nt];
                row.idempotency_key = texts[nt];
                ((Cchc__V1__ReportSubmitRequest *)body)->n_rows = 1;
                ((Cchc__V1__ReportSubmitRequest *)body)->rows = rows;
            }
            Cchc__V1__Request req = CCHC__V1__REQUEST__INIT;
            req.request_id = id;
            unsigned who = next_random() % 8;
            req.session_token = who == 0 ? "forged" : who < 4 ? reporter_token : admin_token;
            req.body_case = kind;
            *(void **)((char *)&req + bf->offset) = body;
            uint8_t *frame;
            size_t len;
            assert_int_equal(
                wire_encode_frame(&req.base, CCHC_ABSOLUTE_MAX_FRAME, &frame, &len, NULL), 0);
            for (size_t k = 4; k < len; k++)
                if (frame[k] == 0x01 && next_random() % 2)
                    frame[k] = 0x00; /* a NUL where a \x01 piece was (or in a varint: fuzz) */
            raw_send(fd, frame, len);
            free(frame);
            free(body);
        }
        if (++sent == BATCH || i == BODIES - 1) {
            for (int k = 0; k < sent; k++)
                save_reply(fd, out);
            sent = 0;
        }
    }
    close(fd);
    fclose(out);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/e2e/decode_replies.py %s/proto %s", CCHC_TESTS_DIR,
             CCHC_SOURCE_DIR, path);
    run_result r;
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    harness_run(&r, NULL, argv);
    print_message("%s%s", r.out, r.err);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, " 0 not decodable"));
    run_result_free(&r);
    unlink(path);
    /* the server is still serving */
    fd = raw_connect_greeted(srv);
    raw_send_ping(fd, 2, 1);
    Cchc__V1__Response *pong = must_read(fd);
    assert_int_equal(pong->body_case, CCHC__V1__RESPONSE__BODY_PING);
    cchc__v1__response__free_unpacked(pong, NULL);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_text_in_every_field_is_refused_by_name),
        cmocka_unit_test(test_nul_is_never_cut),
        cmocka_unit_test(test_unusual_text_round_trips_byte_exact),
        cmocka_unit_test(test_ids_types_and_sizes),
        cmocka_unit_test(test_sessions_none_forged_expired),
        cmocka_unit_test(test_rows_without_session_stay_bounded),
        cmocka_unit_test(test_pipelined_without_reading),
        cmocka_unit_test(test_every_reply_decodes_with_google_protobuf),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
