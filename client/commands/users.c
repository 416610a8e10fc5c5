/* `cchc user …` and `cchc audit`: account administration and the audit
 * trail, for Sở Nội vụ's administrators (the server refuses anyone else).
 * A new or reset password is read from the terminal without echo, or from
 * standard input when it is not a terminal. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call.h"
#include "commands.h"
#include "date_option.h"
#include "human.h"
#include "i18n.h"
#include "lang.h"
#include "labels.h"
#include "output.h"
#include "password_policy.h"
#include "pb_json.h"
#include "table.h"
#include "text_fold.h"
#include "tty_password.h"

#define MAX_ROLES 8

static const char *const role_names[] = {"reporter", "reviewer", "admin", "viewer"};
#define N_ROLE_NAMES (sizeof(role_names) / sizeof(role_names[0]))

/* The role typed (any case, spaces or a stray dot around it) as the
 * server spells it; NULL, with "did you mean" printed, when it is none. */
static const char *role_resolve(const char *typed)
{
    for (size_t i = 0; i < N_ROLE_NAMES; i++)
        if (text_fold_equal(role_names[i], typed))
            return role_names[i];
    size_t near[N_ROLE_NAMES], n = text_closest(typed, role_names, N_ROLE_NAMES, 3, near, 2);
    char guess[64] = "";
    for (size_t k = 0; k < n; k++) {
        size_t used = strlen(guess);
        snprintf(guess + used, sizeof(guess) - used, "%s%s", k ? ", " : "", role_names[near[k]]);
    }
    if (n)
        fprintf(stderr, _("cchc: unknown role \"%s\" — did you mean: %s? (roles: reporter, "
                          "reviewer, admin, viewer)\n"),
                typed, guess);
    else
        fprintf(stderr, _("cchc: unknown role \"%s\" (roles: reporter, reviewer, admin, "
                          "viewer)\n"),
                typed);
    return NULL;
}

/* Splits "reporter,reviewer" in place into roles[], each as the server
 * spells it; returns the count, or -1 (said why) when one is unknown. */
static long split_roles(char *text, char **roles)
{
    size_t n = 0;
    for (char *tok = strtok(text, ","); tok && n < MAX_ROLES; tok = strtok(NULL, ",")) {
        const char *role = role_resolve(tok);
        if (!role)
            return -1;
        roles[n++] = (char *)role;
    }
    return (long)n;
}

/* Reads a new password (twice on a terminal) and checks it locally. */
static int read_new_password(const char *username, char *out, size_t size)
{
    char again[PASSWORD_MAX_LENGTH + 2], why[200];
    if (read_password(_("New password: "), out, size) != 0) {
        fprintf(stderr, "%s", _("cchc: no password given (type it, or pipe it on standard input)\n"));
        return -1;
    }
    if (isatty(STDIN_FILENO)) {
        int same = read_password(_("Again: "), again, sizeof(again)) == 0 &&
                   strcmp(out, again) == 0;
        sodium_memzero(again, sizeof(again));
        if (!same) {
            fprintf(stderr, "%s", _("cchc: the two passwords differ\n"));
            return -1;
        }
    }
    if (password_policy_check(username, out, why, sizeof(why)) != 0) {
        char shown[256];
        msg_render(why, shown, sizeof(shown));
        fprintf(stderr, "cchc: %s\n", shown);
        return -1;
    }
    return 0;
}

static void print_accounts(const Cchc__V1__UserResponse *ur)
{
    const char *headers[] = {_("Account"), _("Full name"), _("Unit"), _("Roles"),
                             _("Status"), _("Sessions"), _("Last login")};
    const int widths[] = {0, 30, 40, 0, 0, 0, 0};
    table *t = table_new(7, headers, widths);
    for (size_t i = 0; i < ur->n_accounts; i++) {
        const Cchc__V1__Account *a = ur->accounts[i];
        char unit[300], roles[256], sessions[16];
        snprintf(unit, sizeof(unit), "%s (%s)", a->unit_name, a->unit_code);
        label_list(LABEL_ROLE, a->roles, a->n_roles, roles, sizeof(roles));
        snprintf(sessions, sizeof(sessions), "%d", a->active_sessions);
        const char *row[] = {a->username, a->full_name, unit, roles,
                             a->disabled        ? _("disabled")
                             : *a->blocked_until ? _("login blocked")
                             /* its unit closed: to be moved (cchc user move) */
                             : a->unit_closed ? _("unit closed, to be moved")
                                              : _("active"),
                             sessions, human_time(a->last_login_at)};
        table_add_row(t, row);
    }
    table_print(t, stdout, 1);
    table_free(t);
    /* a lockout by failed logins is not the admin's "khóa" (disable): say
     * what it is, until when, and how to lift it */
    for (size_t i = 0; i < ur->n_accounts; i++) {
        const Cchc__V1__Account *a = ur->accounts[i];
        if (*a->blocked_until)
            printf(_("%s: login blocked until %s after %d failed logins; to lift the block: "
                     "cchc user unlock %s\n"),
                   a->username, human_time(a->blocked_until), a->failed_logins, a->username);
    }
}

/* Sends a user_* request and prints the accounts it answers with. */
static int user_call(const cli_options *opts, Cchc__V1__Request__BodyCase kind, void *body,
                     const char *done)
{
    Cchc__V1__Response *response;
    int rc = call(opts, kind, body, CCHC__V1__RESPONSE__BODY_USER, &response);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json) {
        output_json(pb_to_json(&response->user->base));
    } else {
        if (done)
            printf("%s\n", done);
        print_accounts(response->user);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

static int user_add(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"unit", required_argument, NULL, 'u'},
        {"role", required_argument, NULL, 'r'},
        {"full-name", required_argument, NULL, 'n'},
        {"password-stdin", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__UserAddRequest body = CCHC__V1__USER_ADD_REQUEST__INIT;
    char *roles[MAX_ROLES], roles_text[128] = "";
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "u:r:n:h", options, NULL)) != -1) {
        switch (opt) {
        case 'u': body.unit = optarg; break;
        case 'r': snprintf(roles_text, sizeof(roles_text), "%s", optarg); break;
        case 'n': body.full_name = optarg; break;
        case 'p': break;
        case 'h':
            printf(_("usage: cchc user add NAME --unit UNIT --role ROLE[,ROLE] [--full-name TEXT]\n"
                     "ROLE: reporter, reviewer, admin, viewer. The password is read from the\n"
                     "terminal, or from standard input (--password-stdin).\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || !*body.unit || !*roles_text) {
        fprintf(stderr, "%s", _("cchc user add: NAME, --unit and --role are required\n"));
        return EXIT_USAGE;
    }
    body.username = argv[optind];
    long n_roles = split_roles(roles_text, roles);
    if (n_roles < 0)
        return EXIT_USAGE;
    body.n_roles = (size_t)n_roles;
    body.roles = roles;
    char password[PASSWORD_MAX_LENGTH + 2];
    if (read_new_password(body.username, password, sizeof(password)) != 0)
        return EXIT_USAGE;
    body.password = password;
    int rc = user_call(opts, CCHC__V1__REQUEST__BODY_USER_ADD, &body, _("Account created:"));
    sodium_memzero(password, sizeof(password));
    return rc;
}

static int user_list(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"unit", required_argument, NULL, 'u'},
        {"role", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    if (cli_help(argc, argv, _("usage: cchc user list [--unit UNIT] [--role ROLE]\n")))
        return EXIT_OK;
    Cchc__V1__UserListRequest body = CCHC__V1__USER_LIST_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'u': body.unit = optarg; break;
        case 'r':
            if (!(body.role = (char *)role_resolve(optarg)))
                return EXIT_USAGE;
            break;
        default: return EXIT_USAGE;
        }
    }
    return user_call(opts, CCHC__V1__REQUEST__BODY_USER_LIST, &body, NULL);
}

/* user show|disable|enable|unlock|reset-password|roles|move NAME … */
static int user_one(const cli_options *opts, const char *sub, int argc, char **argv)
{
    static const struct option options[] = {
        {"set", required_argument, NULL, 's'},
        {"unit", required_argument, NULL, 'u'},
        {"password-stdin", no_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    if (cli_help(argc, argv, _("usage: cchc user %s NAME%s\n"), sub,
                 strcmp(sub, "roles") == 0  ? " --set ROLE[,ROLE]"
                 : strcmp(sub, "move") == 0 ? _(" --unit UNIT   (a unit that exists today: the "
                                                "successor of a closed unit)")
                                            : ""))
        return EXIT_OK;
    char roles_text[128] = "";
    const char *unit = NULL;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 's': snprintf(roles_text, sizeof(roles_text), "%s", optarg); break;
        case 'u': unit = optarg; break;
        case 'p': break;
        default: return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, _("cchc user %s: name one account\n"), sub);
        return EXIT_USAGE;
    }
    char *username = argv[optind];
    if (strcmp(sub, "show") == 0) {
        Cchc__V1__UserShowRequest body = CCHC__V1__USER_SHOW_REQUEST__INIT;
        body.username = username;
        return user_call(opts, CCHC__V1__REQUEST__BODY_USER_SHOW, &body, NULL);
    }
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
        Cchc__V1__UserSetEnabledRequest body = CCHC__V1__USER_SET_ENABLED_REQUEST__INIT;
        body.username = username;
        body.enabled = strcmp(sub, "enable") == 0;
        /* enabling lifts the admin's "khóa", not a lockout by failed logins
         * (that is user unlock); the account shown says whether one remains */
        return user_call(opts, CCHC__V1__REQUEST__BODY_USER_SET_ENABLED, &body,
                         body.enabled ? _("Account enabled again:")
                                      : _("Disabled; every session of the account has ended:"));
    }
    if (strcmp(sub, "unlock") == 0) {
        Cchc__V1__UserUnlockRequest body = CCHC__V1__USER_UNLOCK_REQUEST__INIT;
        body.username = username;
        return user_call(opts, CCHC__V1__REQUEST__BODY_USER_UNLOCK, &body,
                         _("Login block lifted; earlier failed logins no longer count:"));
    }
    if (strcmp(sub, "move") == 0) {
        if (!unit || !*unit) {
            fprintf(stderr, "%s", _("cchc user move: --unit UNIT is required\n"));
            return EXIT_USAGE;
        }
        Cchc__V1__UserMoveRequest body = CCHC__V1__USER_MOVE_REQUEST__INIT;
        body.username = username;
        body.unit = (char *)unit;
        return user_call(opts, CCHC__V1__REQUEST__BODY_USER_MOVE, &body,
                         _("Account moved to the new unit:"));
    }
    if (strcmp(sub, "roles") == 0) {
        if (!*roles_text) {
            fprintf(stderr, "%s", _("cchc user roles: --set ROLE[,ROLE] is required\n"));
            return EXIT_USAGE;
        }
        char *roles[MAX_ROLES];
        Cchc__V1__UserSetRolesRequest body = CCHC__V1__USER_SET_ROLES_REQUEST__INIT;
        body.username = username;
        long n_roles = split_roles(roles_text, roles);
        if (n_roles < 0)
            return EXIT_USAGE;
        body.n_roles = (size_t)n_roles;
        body.roles = roles;
        return user_call(opts, CCHC__V1__REQUEST__BODY_USER_SET_ROLES, &body, _("Roles changed:"));
    }
    /* reset-password */
    char password[PASSWORD_MAX_LENGTH + 2];
    if (read_new_password(username, password, sizeof(password)) != 0)
        return EXIT_USAGE;
    Cchc__V1__UserResetPasswordRequest body = CCHC__V1__USER_RESET_PASSWORD_REQUEST__INIT;
    body.username = username;
    body.new_password = password;
    int rc = user_call(opts, CCHC__V1__REQUEST__BODY_USER_RESET_PASSWORD, &body,
                       _("Password reset; every session of the account has ended:"));
    sodium_memzero(password, sizeof(password));
    return rc;
}

const char *const user_subcommands[] = {"add",    "list",           "show",  "disable", "enable",
                                        "unlock", "reset-password", "roles", "move",    NULL};

int cmd_user(const cli_options *opts, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "add") == 0)
        return user_add(opts, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0)
        return user_list(opts, argc - 1, argv + 1);
    static const char *const one[] = {"show", "disable", "enable", "unlock", "reset-password",
                                      "roles", "move"};
    for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
        if (strcmp(sub, one[i]) == 0)
            return user_one(opts, one[i], argc - 1, argv + 1);
    printf(_("usage: cchc user add NAME --unit UNIT --role ROLE[,ROLE] [--full-name TEXT]\n"
             "       cchc user list [--unit UNIT] [--role ROLE]\n"
             "       cchc user show|disable|enable|unlock|reset-password NAME\n"
             "       cchc user roles NAME --set ROLE[,ROLE]\n"
             "       cchc user move NAME --unit UNIT\n"
             "show says whether failed logins block the account and until when; unlock\n"
             "lifts that block (so does reset-password); enable undoes disable only.\n"));
    return *sub && strcmp(sub, "--help") != 0 && strcmp(sub, "-h") != 0 ? EXIT_USAGE : EXIT_OK;
}

int cmd_audit(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"user", required_argument, NULL, 'u'},
        {"action", required_argument, NULL, 'a'},
        {"since", required_argument, NULL, 's'},
        {"until", required_argument, NULL, 't'},
        {"limit", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__AuditListRequest body = CCHC__V1__AUDIT_LIST_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'u': body.username = optarg; break;
        case 'a': body.action = optarg; break;
        case 's':
            if (!(body.since = date_option("--since", optarg)))
                return EXIT_USAGE;
            break;
        case 't':
            if (!(body.until = date_option("--until", optarg)))
                return EXIT_USAGE;
            break;
        case 'l': body.limit = atoi(optarg); break;
        case 'h':
            printf(_("usage: cchc audit [--user NAME] [--action ACTION|PREFIX.] [--since YYYY-MM-DD]\n"
                     "                  [--until YYYY-MM-DD] [--limit N]\n"
                     "Actions: session.login, session.logout, account.add, account.disable, …,\n"
                     "units.import, units.merge, …, plan.index_result. 'units.' matches all units.*\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_AUDIT_LIST, &body,
                  CCHC__V1__RESPONSE__BODY_AUDIT_LIST, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__AuditListResponse *al = response->audit_list;
    if (opts->json) {
        output_json(pb_to_json(&al->base));
    } else {
        const char *headers[] = {_("Time"), _("Account"), _("Address"),
                                 _("Action"), _("Object"), _("Details")};
        const int widths[] = {0, 0, 0, 0, 30, 60};
        table *t = table_new(6, headers, widths);
        for (size_t i = 0; i < al->n_entries; i++) {
            const Cchc__V1__AuditEntry *e = al->entries[i];
            /* the action by its label; --json keeps the code */
            const char *row[] = {human_time(e->at), e->username, e->address,
                                 label_of(LABEL_AUDIT_ACTION, e->action), e->target,
                                 strcmp(e->detail, "{}") == 0 ? "" : e->detail};
            table_add_row(t, row);
        }
        table_print(t, stdout, 1);
        table_free(t);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}
