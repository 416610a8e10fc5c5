/* cchc's entry point: global options, then one command per job. Global
 * options stand before the command (`cchc --json ping`); --json, --quiet,
 * --wide, --server and --lang may also follow it (`cchc ping --json`,
 * global_options.h); the command's own options follow it. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_guard.h"
#include "commands.h"
#include "complete.h"
#include "config.h"
#include "due.h"
#include "global_options.h"
#include "help.h"
#include "human.h"
#include "i18n.h"
#include "lang.h"
#include "message_text.h"
#include "outbox.h"
#include "plat_args.h"
#include "plat_console.h"
#include "plat_locale.h"
#include "progress.h"
#include "request_timeout.h"
#include "server_error.h"
#include "session_store.h"
#include "terminal.h"

typedef struct command {
    const char *name;
    int (*run)(const cli_options *opts, int argc, char **argv);
    const char *summary;
} command;

static int cmd_help(const cli_options *opts, int argc, char **argv);

static const command commands[] = {
    {"help", cmd_help, N_("step by step for your role; help COMMAND: one command with examples")},
    {"tasks", cmd_tasks, N_("my unit's tasks for a period and the state of each report")},
    {"template", cmd_template, N_("the report spreadsheet for a period (CSV for Excel/LibreOffice)")},
    {"submit", cmd_submit, N_("submit reports: a filled template, or one report")},
    {"report", cmd_report, N_("one report: show, history")},
    {"outbox", cmd_outbox, N_("submissions waiting for the server: list, send, discard")},
    {"review", cmd_review, N_("reviewers: list, accept, return reports")},
    {"consolidate", cmd_consolidate, N_("districts, lead agencies, Sở Nội vụ: the consolidated report of a level; review one level up")},
    {"period", cmd_period, N_("reporting periods: list; admins: open, close, lock, approve, extend")},
    {"due", cmd_due, N_("what my unit owes and by when; returned reports and their reasons")},
    {"unit-plans", cmd_unit_plans, N_("each unit's own implementation plan (due 31/7/2023): who has issued it")},
    {"status", cmd_status, N_("citywide status of a period: completeness, progress, criteria at risk")},
    {"missing", cmd_missing, N_("which unit still owes which report")},
    {"export", cmd_export, N_("every report as CSV, or the consolidated report as HTML")},
    {"plan", cmd_plan, N_("the plan: indices, criteria, tasks, one task, check")},
    {"units", cmd_units, N_("organisation units as on a date; import, close, rename, merge, split")},
    {"login", cmd_login, N_("log in (the session is kept in ~/.config/cchc/session)")},
    {"logout", cmd_logout, N_("end the session")},
    {"whoami", cmd_whoami, N_("show who is logged in")},
    {"passwd", cmd_passwd, N_("change your password (ends every session)")},
    {"user", cmd_user, N_("accounts (admins): add, list, show, disable, enable, unlock, reset-password, roles")},
    {"audit", cmd_audit, N_("who changed what, when, from where (admins)")},
    {"ping", cmd_ping, N_("check the server and its database, show the round trip")},
    {"version", cmd_version, N_("show the client's version")},
};

/* Each command's subcommands, as its file lists them: what
 * `cchc --list-commands` prints, so a test can ask every one for -h. */
static const struct {
    const char *command;
    const char *const *subcommands;
} subcommand_lists[] = {
    {"report", report_subcommands}, {"outbox", outbox_subcommands},
    {"review", review_subcommands}, {"period", period_subcommands},
    {"consolidate", consolidate_subcommands},
    {"unit-plans", unit_plans_subcommands}, {"status", status_subcommands},
    {"plan", plan_subcommands},     {"units", units_subcommands},
    {"user", user_subcommands},
};

/* The hidden --list-commands: one "COMMAND" or "COMMAND SUBCOMMAND" a line. */
static void list_commands(void)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        printf("%s\n", commands[i].name);
        for (size_t k = 0; k < sizeof(subcommand_lists) / sizeof(subcommand_lists[0]); k++)
            for (const char *const *sub = subcommand_lists[k].subcommands;
                 strcmp(subcommand_lists[k].command, commands[i].name) == 0 && *sub; sub++)
                printf("%s %s\n", commands[i].name, *sub);
    }
}

static void usage(FILE *out)
{
    fprintf(out, _("usage: cchc [--server HOST:PORT] [--json] [--quiet] [--wide] [--lang vi|en]\n"
                   "            [--timeout MS] [--tls] [--ca FILE] [--pin sha256:HEX]\n"
                   "            [--insecure-plaintext] COMMAND [ARGS]\n"
                   "--server, --json, --quiet, --wide and --lang may also go anywhere after\n"
                   "the command. --quiet: no due reminder, progress line or outbox notes;\n"
                   "--wide: tables are not cut to the terminal's width.\n\n"
                   "Commands:\n"));
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
    fprintf(out, _("\nNew to cchc? 'cchc help' shows each role's job step by step;\n"
                   "'cchc help COMMAND' shows one command with examples.\n"));
    fprintf(out, _("\nThe server is taken from --server, else CCHC_SERVER, else the line\n"
                   "\"server = HOST:PORT\" in ~/.config/cchc/config, else 127.0.0.1:7121.\n"
                   "\nTLS: cchc speaks TLS to every server that is not on loopback (127.0.0.1,\n"
                   "::1), and to any server with --tls, a CA or a pin. The server's certificate\n"
                   "is checked against --ca FILE (else CCHC_CA, else \"ca = FILE\" in the\n"
                   "config, else the system's CAs) and the host name; --pin sha256:HEX (or\n"
                   "\"pin = …\") also checks its fingerprint. --insecure-plaintext talks\n"
                   "without TLS even to a remote server (only behind a TLS proxy).\n"
                   "\nEvery command and subcommand shows its usage with -h or --help, and then\n"
                   "does nothing else.\n"
                   "\nExit codes: 0 ok, 1 the server refused the request, 2 usage error,\n"
                   "3 server unreachable, 4 incompatible or garbled answer,\n"
                   "5 a write may or may not have been applied (its outcome is unknown).\n"));
    fprintf(out, _("\n--timeout MS (else CCHC_TIMEOUT): how long to wait for the server, for\n"
                   "every request. Without it cchc waits %d s, and %d s for the requests\n"
                   "that read a whole period (export, status trend, the HTML report).\n"),
            TIMEOUT_SHORT_MS / 1000, TIMEOUT_LONG_MS / 1000);
}

/* CCHC_TIMEOUT=MS, when set, is --timeout for every request (a script's
 * or a slow link's setting); -1 when it is not a positive number. */
static int timeout_from_env(cli_options *opts)
{
    const char *env = getenv("CCHC_TIMEOUT");
    if (!env || !*env)
        return 0;
    char *end;
    long ms = strtol(env, &end, 10);
    if (*end || ms < 1 || ms > 86400000L)
        return -1;
    opts->timeout_ms = opts->timeout_long_ms = (int)ms;
    return 0;
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* `COMMAND [SUBCOMMAND] … --help`: the command prints its usage and nothing
 * else runs (no configuration, session, outbox, reminder or connection);
 * then the examples of the role that uses it. */
static int show_command_help(const cli_options *opts, const command *c, int argc, char **argv)
{
    int rc = c->run(opts, argc, argv);
    if (rc == EXIT_OK)
        help_examples(stdout, argc, argv);
    return rc;
}

/* `cchc help`: every role's job, then the commands; `cchc help COMMAND
 * [SUBCOMMAND]`: the same as `cchc COMMAND [SUBCOMMAND] --help`. */
static int cmd_help(const cli_options *opts, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        help_guide(stdout);
        usage(stdout);
        char help_word[] = "help", *self[] = {help_word, NULL};
        help_examples(stdout, 1, self); /* how to ask about one command */
        return EXIT_OK;
    }
    const command *c = find_command(argv[1]);
    if (!c || c->run == cmd_help) {
        if (c) /* `cchc help help` */
            return cmd_help(opts, 1, argv);
        fprintf(stderr, _("cchc: unknown command '%s'; see 'cchc help'\n"), argv[1]);
        return EXIT_USAGE;
    }
    char help_flag[] = "--help";
    char *asked[] = {argv[1], argc > 2 ? argv[2] : help_flag, help_flag, NULL};
    return show_command_help(opts, c, argc > 2 ? 3 : 2, asked);
}

/* `cchc --complete KIND [PREFIX]` (completion/cchc.bash). */
static int complete_for_shell(cli_options *opts, const char *server_flag, const char *ca_flag,
                              const char *pin_flag, const char *kind, const char *prefix)
{
    cli_error err;
    opts->quiet = 1;
    if (config_resolve_server(opts, server_flag, &err) != 0 ||
        config_resolve_tls(opts, ca_flag, pin_flag, &err) != 0)
        return err.exit_code;
    stored_session session;
    if (session_load(opts->server, &session) == 0)
        snprintf(opts->token, sizeof(opts->token), "%s", session.token);
    return complete_words(opts, kind, prefix);
}

int main(int argc, char **argv)
{
    plat_utf8_args(&argc, &argv); /* Windows: the arguments as typed, in UTF-8 */
    plat_console_init();          /* Windows: a UTF-8 console, before anything is printed */
    setlocale(LC_ALL, "");
    /* messages follow the user's language; the C library's numbers never
     * do: under vi_VN.UTF-8 LC_NUMERIC's decimal mark is ',' and
     * printf/strtod would read and write "100,5". User numbers are parsed
     * by common/decimal_text.c, which ignores the locale anyway; figures
     * shown to people get the chosen language's mark from render/human.c. */
    setlocale(LC_NUMERIC, "C");
    plat_locale_bytes_are_utf8(); /* Windows: no ANSI code page judging UTF-8 bytes */
    /* the language first, so even an error about the options is said in it */
    const char *lang_flag = lang_flag_in(argc, argv);
    if (lang_select(lang_flag) != 0) {
        fprintf(stderr, _("cchc: --lang takes vi or en, not '%s'\n"), lang_flag);
        return EXIT_USAGE;
    }
    /* numbers follow the language too: a decimal comma in Vietnamese */
    human_use_english(lang_current() == LANG_EN);
    server_error_set_arg_shown(message_arg_shown); /* codes inside server messages by their labels */

    static const struct option options[] = {
        {"server", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"list-commands", no_argument, NULL, 'L'}, /* hidden: for tests/e2e/test_help.c */
        {"complete", required_argument, NULL, 'K'}, /* hidden: for completion/cchc.bash */
        {"tls", no_argument, NULL, 'T'},
        {"ca", required_argument, NULL, 'C'},
        {"pin", required_argument, NULL, 'P'},
        {"insecure-plaintext", no_argument, NULL, 'I'},
        {"lang", required_argument, NULL, 'G'}, /* chosen above by lang_flag_in */
        {"quiet", no_argument, NULL, 'q'},
        {"wide", no_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };
    cli_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.timeout_ms = TIMEOUT_SHORT_MS;
    opts.timeout_long_ms = TIMEOUT_LONG_MS;
    const char *server_flag = NULL, *ca_flag = NULL, *pin_flag = NULL, *complete_kind = NULL;
    int timeout_given = 0;
    int opt;
    global_options_hoist(argc, argv, global_options_find_command(argc, argv));
    /* "+" stops at the command name so its options are left to it. */
    while ((opt = getopt_long(argc, argv, "+s:jt:hV", options, NULL)) != -1) {
        switch (opt) {
        case 's': server_flag = optarg; break;
        case 'j': opts.json = 1; break;
        case 't':
            timeout_given = 1;
            opts.timeout_ms = atoi(optarg);
            if (opts.timeout_ms < 1) {
                fprintf(stderr, _("cchc: --timeout takes milliseconds, more than 0\n"));
                return EXIT_USAGE;
            }
            opts.timeout_long_ms = opts.timeout_ms; /* said once, meant for every request */
            break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': return cmd_version(&opts, 0, NULL);
        case 'L': list_commands(); return EXIT_OK;
        case 'K': complete_kind = optarg; break;
        case 'T': opts.tls = 1; break;
        case 'C': ca_flag = optarg; break;
        case 'P': pin_flag = optarg; break;
        case 'I': opts.insecure_plaintext = 1; break;
        case 'G': break;
        case 'q': opts.quiet_notes = 1; break;
        case 'w': terminal_set_wide(1); break;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (!timeout_given && timeout_from_env(&opts) != 0) {
        fprintf(stderr, _("cchc: CCHC_TIMEOUT takes milliseconds, more than 0, not '%s'\n"),
                getenv("CCHC_TIMEOUT"));
        return EXIT_USAGE;
    }
    const char *env_timeout = getenv("CCHC_TIMEOUT");
    timeout_given = timeout_given || (env_timeout && *env_timeout);
    if (complete_kind) { /* quick and silent: no outbox, no reminder, no message */
        if (!timeout_given) /* a TAB must not hang on an absent server */
            opts.timeout_ms = COMPLETE_TIMEOUT_MS;
        return complete_for_shell(&opts, server_flag, ca_flag, pin_flag, complete_kind,
                                  optind < argc ? argv[optind] : "");
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    /* a progress line is for people at a terminal (progress.h checks it is one) */
    progress_enable(!opts.json && !opts.quiet_notes);
    /* `COMMAND … -h`: the command prints its usage and nothing else runs:
     * no configuration, session, outbox or reminder, no connection */
    if (strcmp(argv[optind], "help") == 0)
        return cmd_help(&opts, argc - optind, argv + optind);
    if (cli_wants_help(argc - optind, argv + optind)) {
        const command *c = find_command(argv[optind]);
        if (c)
            return show_command_help(&opts, c, argc - optind, argv + optind);
    }
    cli_error err;
    if (config_resolve_server(&opts, server_flag, &err) != 0 ||
        config_resolve_tls(&opts, ca_flag, pin_flag, &err) != 0)
        return cli_error_report(&opts, &err);
    stored_session session;
    if (session_load(opts.server, &session) == 0)
        snprintf(opts.token, sizeof(opts.token), "%s", session.token);
    const char *name = argv[optind];
    /* submissions kept while the server was unreachable go first, once */
    if (*opts.token && strcmp(name, "outbox") != 0 && strcmp(name, "logout") != 0 &&
        outbox_count(&opts) > 0) {
        int left;
        outbox_send(&opts, opts.json || opts.quiet_notes, &left, NULL);
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, name) != 0)
            continue;
        int rc = commands[i].run(&opts, argc - optind, argv + optind);
        /* a reporter is reminded of what is due, after login and other work,
         * on a terminal only: never into a pipe, a file or --json */
        if (rc == EXIT_OK && !opts.json && !opts.quiet_notes && terminal_is_tty(stdout) &&
            strcmp(name, "due") != 0 &&
            strcmp(name, "logout") != 0 && strcmp(name, "version") != 0 &&
            strcmp(name, "ping") != 0) {
            if (session_load(opts.server, &session) == 0) { /* login may have made it */
                snprintf(opts.token, sizeof(opts.token), "%s", session.token);
                if (strstr(session.roles, "reporter"))
                    due_reminder(&opts, session.username);
            }
        }
        return rc;
    }
    fprintf(stderr, _("cchc: unknown command '%s'; see 'cchc --help'\n"), name);
    return EXIT_USAGE;
}
