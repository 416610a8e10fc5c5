/* cchc speaks one language at a time (issue 14): Vietnamese, the
 * product's default, even under LANG=C (`LANG=C cchc --lang vi`), and
 * English when the locale asks for it (`LANG=en_US.UTF-8 cchc`).
 *
 * What "one language" means here, checked on every output:
 *  - Vietnamese: no English message of the catalogue leaks (a fragment of
 *    an msgid, at least 12 bytes and a space, that its translation does
 *    not contain), and no line reads as English (two or more English
 *    function words — "the", "is", "cannot" … — which Vietnamese never
 *    writes: that catches an English string nobody wrapped in _());
 *  - English: no Vietnamese text of the catalogue shows (a fragment of a
 *    translation, three words or more with a Vietnamese letter, that its
 *    msgid does not contain). The data (unit and task names) is
 *    Vietnamese in both languages and is not counted; shorter fragments
 *    ("thành phố") occur in it. Labels are checked where a step knows
 *    which one it shows (the role in whoami, the period state).
 * Where: every command's and subcommand's usage (`cchc --list-commands`),
 * and a whole quarter's job end to end — login, whoami, the periods,
 * tasks, template, submit, due, review list and accept, the report's
 * history, the outbox, status (by area, one task, the trend), the missing
 * list, the units, the plan's tasks, the CSV export, ping, an unknown
 * command, logout — once in each language.
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static test_fixture fx;
static test_server *const srv = &fx.srv;

enum { REPORTER, REVIEWER, NPEOPLE };
static const test_person people[NPEOPLE] = {
    {"nk.baocao", "Bao-cao-Ninh-Kieu-2023", "Q-NINHKIEU", "reporter"},
    {"vp.kiemtra", "Kiem-tra-Van-phong-2023", "VP-UBND", "reviewer"}, /* leads 105 */
};
#define ADMIN (-1)

typedef enum { VI, EN } language;

/* ---- the catalogue ------------------------------------------------------- */

typedef struct {
    char *id, *str;
} message;

static message *catalogue;
static size_t n_catalogue;

/* Appends the C-escaped text between the quotes of a .po line to *buf. */
static void po_append(char **buf, const char *line)
{
    const char *q = strchr(line, '"');
    if (!q)
        return;
    size_t have = *buf ? strlen(*buf) : 0;
    char *grown = realloc(*buf, have + strlen(q) + 1);
    assert_non_null(grown);
    char *o = grown + have;
    for (const char *p = q + 1; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    *buf = grown;
}

static void load_catalogue(void)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/po/vi.po", CCHC_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    char **into = NULL;
    message m = {NULL, NULL};
    size_t cap = 0;
    for (;;) {
        int eof = !fgets(line, sizeof(line), f);
        if (eof || strncmp(line, "msgid ", 6) == 0) {
            if (m.id && m.str && *m.id && *m.str) {
                if (n_catalogue == cap) {
                    cap = cap ? cap * 2 : 256;
                    catalogue = realloc(catalogue, cap * sizeof(*catalogue));
                    assert_non_null(catalogue);
                }
                catalogue[n_catalogue++] = m;
            } else {
                free(m.id);
                free(m.str);
            }
            m.id = m.str = NULL;
            if (eof)
                break;
            into = &m.id;
            po_append(into, line + 6);
        } else if (strncmp(line, "msgstr ", 7) == 0) {
            into = &m.str;
            po_append(into, line + 7);
        } else if (line[0] == '"' && into) {
            po_append(into, line);
        } else {
            into = NULL;
        }
    }
    fclose(f);
    assert_true(n_catalogue > 100);
}

/* ---- the language checks ---------------------------------------------------- */

static int has_vietnamese_letter(const char *s, size_t n)
{
    /* any letter of the Latin-1 Supplement, Latin Extended-A/B or Latin
     * Extended Additional blocks: 0xC3-0xC6 lead bytes, or 0xE1 0xBA/0xBB */
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned char c = (unsigned char)s[i], d = (unsigned char)s[i + 1];
        if ((c >= 0xC3 && c <= 0xC6) || (c == 0xE1 && i + 2 < n && (d == 0xBA || d == 0xBB)))
            return 1;
    }
    return 0;
}

/* Calls found(fragment) for each piece of text between format directives
 * and newlines; stops and returns 1 when found returns 1. */
static int each_fragment(const char *text, int (*found)(const char *frag, size_t n, void *arg),
                         void *arg)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "%\n");
        if (n && found(p, n, arg))
            return 1;
        p += n;
        if (*p == '%') {
            p++;
            p += strspn(p, "0123456789.$-+ #*lhzjt"); /* flags, width, length */
            if (*p)
                p++; /* the conversion */
        } else if (*p) {
            p++;
        }
    }
    return 0;
}

typedef struct {
    const char *output;
    const char *other; /* the message's other half: a fragment it holds is no tell */
    language want;
    char leaked[512];
} leak_search;

static int fragment_leaks(const char *frag, size_t n, void *arg)
{
    leak_search *s = arg;
    char piece[512];
    if (n >= sizeof(piece))
        n = sizeof(piece) - 1;
    memcpy(piece, frag, n);
    piece[n] = '\0';
    /* trim: a fragment is compared as words, not as its spaces */
    char *start = piece;
    while (*start == ' ')
        start++;
    size_t len = strlen(start);
    while (len && (start[len - 1] == ' ' || start[len - 1] == ':'))
        start[--len] = '\0';
    if (s->want == VI) {
        if (len < 12 || !strchr(start, ' ') || has_vietnamese_letter(start, len))
            return 0;
    } else {
        /* three words at least: a one- or two-word label ("thành phố")
         * is also found inside the data (a unit's name) */
        const char *space = strchr(start, ' ');
        if (len < 14 || !has_vietnamese_letter(start, len) || !space || !strchr(space + 1, ' '))
            return 0;
    }
    if (strstr(s->other, start) || !strstr(s->output, start))
        return 0;
    snprintf(s->leaked, sizeof(s->leaked), "%s", start);
    return 1;
}

/* English function words: Vietnamese never writes them, English prose
 * can hardly do without them. */
static const char *const english_words[] = {
    "the", "is", "are", "was", "of", "and", "not", "with", "from", "your", "you", "cannot",
    "this", "has", "have", "been", "for", "which", "there", "than", "into", "only", "must",
};

static int english_line(const char *line, size_t n)
{
    int hits = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && !((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= 'A' && line[i] <= 'Z')))
            i++;
        size_t start = i;
        while (i < n && ((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= 'A' && line[i] <= 'Z') ||
                         (unsigned char)line[i] >= 0x80 || line[i] == '-' || line[i] == '_'))
            i++;
        /* a word glued to a letter with a diacritic, an option (--period)
         * or a code (not_started) is not English prose */
        if (start > 0 && (line[start - 1] == '-' || (unsigned char)line[start - 1] >= 0x80))
            continue;
        for (size_t k = 0; k < sizeof(english_words) / sizeof(english_words[0]); k++) {
            size_t w = strlen(english_words[k]);
            if (i - start == w && strncasecmp(line + start, english_words[k], w) == 0)
                hits++;
        }
    }
    return hits >= 2;
}

/* Fails unless text (what one run printed) is in one language only. */
static void assert_one_language(language want, const char *what, const char *text)
{
    leak_search s = {text, NULL, want, ""};
    for (size_t i = 0; i < n_catalogue; i++) {
        s.other = want == VI ? catalogue[i].str : catalogue[i].id;
        if (each_fragment(want == VI ? catalogue[i].id : catalogue[i].str, fragment_leaks, &s))
            fail_msg("%s (%s) shows \"%s\", from the other language's message \"%s\":\n%s", what,
                     want == VI ? "vi" : "en", s.leaked, catalogue[i].id, text);
    }
    if (want == VI) {
        for (const char *line = text; *line;) {
            size_t n = strcspn(line, "\n");
            if (english_line(line, n))
                fail_msg("%s (vi) has an English line: %.*s\n%s", what, (int)n, line, text);
            line += n + (line[n] == '\n');
        }
    }
}

/* ---- running cchc in a language --------------------------------------------- */

/* LANG=C with --lang vi, or LANG=en_US.UTF-8 alone; nothing else that
 * chooses a language is left in the environment. */
static void run_in(run_result *r, language lang, const char *stdin_text, const char *const *args)
{
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANGUAGE");
    unsetenv("CCHC_LANG");
    setenv("LANG", lang == VI ? "C" : "en_US.UTF-8", 1);
    const char *argv[40];
    int n = 0;
    if (lang == VI) {
        argv[n++] = "--lang";
        argv[n++] = "vi";
    }
    for (int i = 0; args[i] && n < 39; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    harness_cchc_input(r, srv, stdin_text, argv);
    unsetenv("LANG");
}

/* Runs one step of the job as who, in lang; fails unless it exits 0, then
 * checks its stdout and stderr speak lang. */
static char *step(language lang, int who, const char *stdin_text,
                  const char *const *args)
{
    fixture_as(&fx, who);
    run_result r;
    run_in(&r, lang, stdin_text, args);
    char what[256];
    snprintf(what, sizeof(what), "cchc %s %s", args[0], args[1] ? args[1] : "");
    if (r.exit_code != 0)
        fail_msg("%s exited %d\nstdout: %s\nstderr: %s", what, r.exit_code, r.out, r.err);
    assert_one_language(lang, what, r.out);
    assert_one_language(lang, what, r.err);
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

/* ---- tests ---------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    load_catalogue();
    fixture_start(&fx, "lang", NULL);
    fixture_add_people(&fx, people, NPEOPLE, 0);
    harness_open_period(srv, "2023-6M");
    harness_open_period(srv, "2023-9M");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_stop(&fx);
}

/* Every command's and subcommand's usage, in each language. */
static void test_usage_speaks_one_language(void **state)
{
    (void)state;
    const char *list[] = {"--list-commands", NULL};
    run_result r;
    run_in(&r, EN, NULL, list);
    assert_int_equal(r.exit_code, 0);
    char *commands = strdup(r.out);
    run_result_free(&r);
    int checked = 0;
    for (char *line = strtok(commands, "\n"); line; line = strtok(NULL, "\n")) {
        char cmd[64] = "", sub[64] = "";
        if (sscanf(line, "%63s %63s", cmd, sub) < 1)
            continue;
        const char *args[] = {cmd, *sub ? sub : "--help", *sub ? "--help" : NULL, NULL};
        char *text[2];
        for (language lang = VI; lang <= EN; lang++) {
            run_in(&r, lang, NULL, args);
            if (r.exit_code != 0 || !*r.out)
                fail_msg("cchc %s %s --help exited %d with no usage:\n%s", cmd, sub, r.exit_code, r.err);
            assert_one_language(lang, line, r.out);
            text[lang] = strdup(r.out);
            run_result_free(&r);
        }
        /* the two languages differ: the usage is translated, not shared */
        if (strcmp(text[VI], text[EN]) == 0)
            fail_msg("cchc %s %s --help is the same in both languages:\n%s", cmd, sub, text[VI]);
        free(text[VI]);
        free(text[EN]);
        checked++;
    }
    free(commands);
    assert_true(checked > 20);
}

/* A quarter's job in one language: the clerk logs in, sees the periods,
 * the tasks, downloads the template, submits a report and sees what is
 * due; the lead agency reviews and accepts it; Sở Nội vụ sees the status. */
static void job(language lang, const char *period)
{
    char password[128];
    snprintf(password, sizeof(password), "%s\n", people[REPORTER].password);
    const char *login[] = {"login", people[REPORTER].username, "--password-stdin", NULL};
    free(step(lang, REPORTER, password, login));

    const char *whoami[] = {"whoami", NULL};
    char *out = step(lang, REPORTER, NULL, whoami);
    /* the role through the label table, in the language asked for */
    assert_non_null(strstr(out, lang == VI ? "người báo cáo" : "reporter"));
    assert_null(strstr(out, lang == VI ? "reporter" : "người báo cáo"));
    free(out);

    const char *periods[] = {"period", "list", NULL};
    out = step(lang, REPORTER, NULL, periods);
    assert_non_null(strstr(out, lang == VI ? "đang mở" : "open"));
    assert_null(strstr(out, lang == VI ? "open" : "đang mở"));
    assert_non_null(strstr(out, lang == VI ? "Hạn đơn vị" : "Unit deadline"));
    free(out);

    const char *tasks[] = {"tasks", "--period", period, NULL};
    free(step(lang, REPORTER, NULL, tasks));

    char template_path[256];
    snprintf(template_path, sizeof(template_path), "%s/bao-cao-%s.csv", fx.homes[REPORTER], period);
    const char *template[] = {"template", "--period", period, "-o", template_path, NULL};
    free(step(lang, REPORTER, NULL, template));

    const char *submit[] = {"submit", "--task", "105", "--period", period, "--status",
                            "in_progress", "--progress", "40", "--result",
                            "Đã tiếp nhận hồ sơ trực tuyến", NULL};
    free(step(lang, REPORTER, NULL, submit));

    const char *due[] = {"due", NULL};
    free(step(lang, REPORTER, NULL, due));

    fixture_as(&fx, REVIEWER);
    const char *login_reviewer[] = {"login", people[REVIEWER].username, "--password-stdin", NULL};
    snprintf(password, sizeof(password), "%s\n", people[REVIEWER].password);
    free(step(lang, REVIEWER, password, login_reviewer));
    const char *list[] = {"review", "list", "--period", period, NULL};
    free(step(lang, REVIEWER, NULL, list));
    const char *list_json[] = {"review", "list", "--period", period, "--task", "105", NULL};
    json_t *root = harness_cchc_json(srv, list_json);
    json_t *first = json_array_get(json_object_get(root, "reports"), 0);
    assert_non_null(first);
    char item[64];
    snprintf(item, sizeof(item), "%lld@%lld", jint(first, "report_id"), jint(first, "revision"));
    json_decref(root);
    const char *accept[] = {"review", "accept", item, NULL};
    free(step(lang, REVIEWER, NULL, accept));

    const char *status[] = {"status", "--period", period, NULL};
    free(step(lang, ADMIN, NULL, status));

    /* what else a quarter brings: the clerk reads the report's history and
     * the outbox; Sở Nội vụ reads the status every way, who is missing,
     * the units and the plan, and exports the figures */
    const char *history[] = {"report", "history", "--task", "105", "--period", period, NULL};
    free(step(lang, REPORTER, NULL, history));
    const char *outbox[] = {"outbox", NULL};
    free(step(lang, REPORTER, NULL, outbox));
    const char *by_area[] = {"status", "--period", period, "--by", "area", NULL};
    free(step(lang, ADMIN, NULL, by_area));
    const char *one_task[] = {"status", "task", "105", "--period", period, NULL};
    free(step(lang, ADMIN, NULL, one_task));
    const char *trend[] = {"status", "trend", "--year", "2023", NULL};
    free(step(lang, ADMIN, NULL, trend));
    const char *missing[] = {"missing", "--period", period, "--district", "Q-NINHKIEU", NULL};
    out = step(lang, ADMIN, NULL, missing);
    assert_non_null(strstr(out, lang == VI ? "báo cáo còn thiếu" : "reports missing"));
    free(out);
    const char *units[] = {"units", NULL};
    free(step(lang, ADMIN, NULL, units));
    const char *plan_tasks[] = {"plan", "tasks", NULL};
    free(step(lang, ADMIN, NULL, plan_tasks));
    char export_path[256];
    snprintf(export_path, sizeof(export_path), "%s/tong-hop-%s.csv", fx.homes[REPORTER], period);
    const char *export_csv[] = {"export", "--period", period, "--format", "csv", "-o", export_path,
                                NULL};
    free(step(lang, ADMIN, NULL, export_csv));

    const char *ping[] = {"ping", NULL};
    out = step(lang, ADMIN, NULL, ping);
    assert_non_null(strstr(out, lang == VI ? "cơ sở dữ liệu" : "database"));
    free(out);

    /* a mistake is said in the same language */
    run_result r;
    const char *unknown[] = {"reprot", NULL};
    run_in(&r, lang, NULL, unknown);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, lang == VI ? "không có lệnh 'reprot'" : "unknown command 'reprot'"));
    assert_one_language(lang, "cchc reprot", r.err);
    run_result_free(&r);

    const char *logout[] = {"logout", NULL};
    out = step(lang, REPORTER, NULL, logout);
    assert_non_null(strstr(out, lang == VI ? "Đã đăng xuất" : "Logged out"));
    free(out);
}

static void test_job_in_vietnamese_under_c_locale(void **state)
{
    (void)state;
    job(VI, "2023-6M");
}

static void test_job_in_english_from_the_locale(void **state)
{
    (void)state;
    job(EN, "2023-9M");
}

/* The ways to choose, each alone: the default is Vietnamese (nothing set,
 * LANG=C, a locale that is not English), English from LANGUAGE, LC_ALL,
 * CCHC_LANG or --lang; --lang beats the environment; a language cchc does
 * not speak is a usage error. */
static void test_choice_of_language(void **state)
{
    (void)state;
    static const struct {
        const char *env[3]; /* NAME=VALUE… */
        const char *flag;   /* --lang value, or NULL */
        int english;
    } cases[] = {
        {{NULL}, NULL, 0},
        {{"LANG=C"}, NULL, 0},
        {{"LANG=fr_FR.UTF-8"}, NULL, 0},
        {{"LANG=vi_VN.UTF-8"}, NULL, 0},
        {{"LANG=en_US.UTF-8"}, NULL, 1},
        {{"LANG=C", "LANGUAGE=en"}, NULL, 1},
        {{"LANG=vi_VN.UTF-8", "LANGUAGE=fr:en"}, NULL, 1},
        {{"LANG=en_US.UTF-8", "LC_ALL=vi_VN.UTF-8"}, NULL, 0},
        {{"LC_MESSAGES=en_GB.UTF-8"}, NULL, 1},
        {{"LANG=C", "CCHC_LANG=en"}, NULL, 1},
        {{"LANG=en_US.UTF-8", "CCHC_LANG=vi"}, NULL, 0},
        {{"LANG=C"}, "en", 1},
        {{"LANG=en_US.UTF-8"}, "vi", 0},
        {{"CCHC_LANG=en"}, "vi", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        static const char *const names[] = {"LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "CCHC_LANG"};
        for (size_t k = 0; k < 5; k++)
            unsetenv(names[k]);
        for (size_t k = 0; k < 3 && cases[i].env[k]; k++) {
            char name[32];
            const char *eq = strchr(cases[i].env[k], '=');
            snprintf(name, sizeof(name), "%.*s", (int)(eq - cases[i].env[k]), cases[i].env[k]);
            setenv(name, eq + 1, 1);
        }
        const char *args[] = {"--lang", cases[i].flag, "no-such-command", NULL};
        run_result r;
        harness_cchc(&r, srv, cases[i].flag ? args : args + 2);
        const char *want = cases[i].english ? "unknown command 'no-such-command'"
                                            : "không có lệnh 'no-such-command'";
        if (r.exit_code != 2 || !strstr(r.err, want))
            fail_msg("case %zu (%s %s, --lang %s): want \"%s\", got exit %d: %s", i,
                     cases[i].env[0] ? cases[i].env[0] : "", cases[i].env[1] ? cases[i].env[1] : "",
                     cases[i].flag ? cases[i].flag : "-", want, r.exit_code, r.err);
        run_result_free(&r);
        for (size_t k = 0; k < 5; k++)
            unsetenv(names[k]);
    }
    /* a language cchc does not speak: a usage error, said in the default */
    const char *bad[] = {"--lang", "fr", "version", NULL};
    run_result r;
    harness_cchc(&r, srv, bad);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "--lang nhận vi hoặc en, không nhận 'fr'"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choice_of_language),
        cmocka_unit_test(test_usage_speaks_one_language),
        cmocka_unit_test(test_job_in_vietnamese_under_c_locale),
        cmocka_unit_test(test_job_in_english_from_the_locale),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
