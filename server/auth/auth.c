/* See auth.h. */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "text_fold.h"

/* Verified when the account does not exist, so timing does not tell. */
static char dummy_hash[crypto_pwhash_STRBYTES];

/* Password jobs queued or running. Each costs 64 MiB and tens of ms of a
 * thread, so past the limit new ones are refused rather than queued. */
#define MAX_PASSWORD_JOBS 32
static int jobs_pending;

int auth_jobs_pending(void)
{
    return jobs_pending;
}

int auth_init(void)
{
    if (sodium_init() < 0)
        return -1;
    char random_password[33];
    randombytes_buf(random_password, 32);
    for (int i = 0; i < 32; i++)
        random_password[i] = (char)('a' + ((unsigned char)random_password[i] % 26));
    random_password[32] = '\0';
    return crypto_pwhash_str(dummy_hash, random_password, 32, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

static const char *const role_names[] = {"reporter", "reviewer", "admin", "viewer"};

const char *auth_role_name(unsigned role)
{
    for (unsigned i = 0; i < 4; i++)
        if (role == 1u << i)
            return role_names[i];
    return "?";
}

int auth_roles_parse(const char *text, unsigned *mask)
{
    *mask = 0;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        unsigned bit = 0;
        for (unsigned i = 0; i < 4; i++)
            if (strlen(role_names[i]) == len && strncmp(p, role_names[i], len) == 0)
                bit = 1u << i;
        if (!bit)
            return -1;
        *mask |= bit;
        p += len + (end ? 1 : 0);
    }
    return 0;
}

static void to_hex(const unsigned char *bin, size_t n, char *hex)
{
    sodium_bin2hex(hex, n * 2 + 1, bin, n);
}

void auth_token_new(char token[64], char hash_hex[65])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    auth_token_hash(token, hash_hex);
}

void auth_token_hash(const char *token, char hash_hex[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    to_hex(digest, sizeof(digest), hash_hex);
}

int auth_username_valid(const char *u)
{
    size_t n = strlen(u);
    if (n < 3 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = u[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (i > 0 && (c == '.' || c == '_' || c == '-'));
        if (!ok)
            return 0;
    }
    return 1;
}

typedef struct pwhash_work {
    uv_work_t work;
    int verify;
    char *password;
    char hash[crypto_pwhash_STRBYTES];
    int ok;
    auth_done_fn done;
    void *ctx;
} pwhash_work;

static int verify_one(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* The other forms a password set before cchc normalised text (issue 13)
 * may have been hashed in: NFD (macOS, some input methods) and the
 * Vietnamese combining form (Unikey's "Unicode tổ hợp", Windows-1258
 * keyboards). The password arrives in NFC (wire_nfc.c); any other mix was
 * never produced by a keyboard. Tried only when they differ from what was
 * tried before, so an ASCII password costs one verification as always;
 * the count depends on the password alone, never on the account. */
static int verify_other_forms(const char *hash, const char *nfc)
{
    char *forms[2] = {text_nfd(nfc), text_vi_combining(nfc)};
    int ok = 0;
    for (int i = 0; i < 2 && !ok; i++) {
        if (!forms[i] || strcmp(forms[i], nfc) == 0 || (i == 1 && forms[0] && strcmp(forms[1], forms[0]) == 0))
            continue;
        ok = verify_one(hash, forms[i]);
    }
    for (int i = 0; i < 2; i++) {
        if (forms[i]) {
            sodium_memzero(forms[i], strlen(forms[i]));
            free(forms[i]);
        }
    }
    return ok;
}

static void run_pwhash(uv_work_t *w)
{
    pwhash_work *job = w->data;
    size_t len = strlen(job->password);
    if (job->verify)
        job->ok = verify_one(job->hash, job->password) ? 1
                  : verify_other_forms(job->hash, job->password) ? AUTH_VERIFIED_OTHER_FORM
                                                                 : 0;
    else
        job->ok = crypto_pwhash_str(job->hash, job->password, len,
                                    crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

static void after_pwhash(uv_work_t *w, int status)
{
    pwhash_work *job = w->data;
    jobs_pending--;
    sodium_memzero(job->password, strlen(job->password));
    free(job->password);
    if (status != 0)
        job->ok = 0;
    job->done(job->ctx, job->ok, job->hash);
    sodium_memzero(job->hash, sizeof(job->hash));
    free(job);
}

static int start_job(uv_loop_t *loop, int verify, const char *stored, const char *password,
                     auth_done_fn done, void *ctx)
{
    if (jobs_pending >= MAX_PASSWORD_JOBS)
        return -1;
    pwhash_work *job = calloc(1, sizeof(*job));
    if (!job)
        return -1;
    job->password = strdup(password);
    if (!job->password) {
        free(job);
        return -1;
    }
    job->verify = verify;
    if (verify) {
        const char *h = stored && strncmp(stored, "$argon2id$", 10) == 0 ? stored : dummy_hash;
        snprintf(job->hash, sizeof(job->hash), "%s", h);
    }
    job->done = done;
    job->ctx = ctx;
    job->work.data = job;
    if (uv_queue_work(loop, &job->work, run_pwhash, after_pwhash) != 0) {
        sodium_memzero(job->password, strlen(job->password));
        free(job->password);
        free(job);
        return -1;
    }
    jobs_pending++;
    return 0;
}

int auth_hash_async(uv_loop_t *loop, const char *password, auth_done_fn done, void *ctx)
{
    return start_job(loop, 0, NULL, password, done, ctx);
}

int auth_verify_async(uv_loop_t *loop, const char *stored_hash, const char *password,
                      auth_done_fn done, void *ctx)
{
    return start_job(loop, 1, stored_hash, password, done, ctx);
}
