/* `cchc login`, `logout`, `whoami`, `passwd`: a person's own session.
 * Passwords come from the terminal without echo, or with --password-stdin
 * from standard input for scripts; never from the command line. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call.h"
#include "commands.h"
#include "human.h"
#include "i18n.h"
#include "lang.h"
#include "labels.h"
#include "message_text.h"
#include "output.h"
#include "password_policy.h"
#include "pb_json.h"
#include "session_store.h"
#include "tty_password.h"

/* One line from the terminal for the username. */
static int prompt_line(const char *prompt, char *out, size_t size)
{
    return read_terminal_line(prompt, out, size);
}

static void print_account(const Cchc__V1__Account *a)
{
    char roles[200];
    label_list(LABEL_ROLE, a->roles, a->n_roles, roles, sizeof(roles));
    printf(_("%s (%s) — %s (%s), roles: %s\n"), a->username, *a->full_name ? a->full_name : "-",
           a->unit_name, a->unit_code, roles);
    /* the unit closed in a reorganisation: say so rather than let the
     * clerk wonder why a new period lists no task (the server's words) */
    if (a->unit_closed) {
        char notice[768];
        message_text(a->unit_notice_id, a->unit_notice_args, a->n_unit_notice_args, a->unit_notice,
                     notice, sizeof(notice));
        printf(_("Note: %s\n"), notice);
    }
}

/* The options of login and passwd: --password-stdin and --help. Returns
 * -1 to go on (optind then points past them), else the exit code. */
static int password_options(int argc, char **argv, const char *usage)
{
    static const struct option options[] = {
        {"password-stdin", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'p': break; /* read_password reads stdin whenever it is not a terminal */
        case 'h':
            printf("%s", usage);
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    return -1;
}

int cmd_login(const cli_options *opts, int argc, char **argv)
{
    int rc = password_options(argc, argv, _("usage: cchc login [USERNAME] [--password-stdin]\n"));
    if (rc >= 0)
        return rc;
    char username[72] = "", password[PASSWORD_MAX_LENGTH + 2];
    if (optind < argc)
        snprintf(username, sizeof(username), "%s", argv[optind]);
    else if (prompt_line(_("Username: "), username, sizeof(username)) != 0) {
        fprintf(stderr, _("cchc login: give the username: cchc login NAME\n"));
        return EXIT_USAGE;
    }
    if (read_password(_("Password: "), password, sizeof(password)) != 0) {
        fprintf(stderr, _("cchc login: no password given\n"));
        return EXIT_USAGE;
    }
    Cchc__V1__LoginRequest body = CCHC__V1__LOGIN_REQUEST__INIT;
    body.username = username;
    body.password = password;
    Cchc__V1__Response *response;
    rc = call(opts, CCHC__V1__REQUEST__BODY_LOGIN, &body,
              CCHC__V1__RESPONSE__BODY_LOGIN, &response);
    sodium_memzero(password, sizeof(password));
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__LoginResponse *lr = response->login;
    stored_session s;
    memset(&s, 0, sizeof(s));
    snprintf(s.server, sizeof(s.server), "%s", opts->server);
    snprintf(s.username, sizeof(s.username), "%s", username);
    snprintf(s.token, sizeof(s.token), "%s", lr->session_token);
    snprintf(s.expires_at, sizeof(s.expires_at), "%s", lr->expires_at);
    for (size_t i = 0; lr->account && i < lr->account->n_roles; i++) {
        size_t used = strlen(s.roles);
        snprintf(s.roles + used, sizeof(s.roles) - used, "%s%s", i ? "," : "", lr->account->roles[i]);
    }
    if (session_save(&s) != 0) {
        char path[600] = "?";
        session_path(path, sizeof(path));
        fprintf(stderr, _("cchc: logged in, but cannot save the session to %s\n"), path);
        cchc__v1__response__free_unpacked(response, NULL);
        return EXIT_USAGE;
    }
    if (opts->json) {
        json_t *obj = pb_to_json(&lr->base);
        json_object_del(obj, "session_token"); /* the token stays in the 0600 file */
        output_json(obj);
    } else {
        printf(_("Logged in: "));
        print_account(lr->account);
        printf(_("The session expires at %s, or after %d minutes unused.\n"), human_time(lr->expires_at),
               lr->idle_timeout_seconds / 60);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

int cmd_logout(const cli_options *opts, int argc, char **argv)
{
    if (cli_help(argc, argv, _("usage: cchc logout\nEnds the session on the server and forgets it here.\n")))
        return EXIT_OK;
    if (!*opts->token) {
        printf(_("Not logged in to %s.\n"), opts->server);
        return EXIT_OK;
    }
    Cchc__V1__LogoutRequest body = CCHC__V1__LOGOUT_REQUEST__INIT;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_LOGOUT, &body,
                  CCHC__V1__RESPONSE__BODY_LOGOUT, &response);
    /* Forget the token once the server has ended the session, or had
     * already (it answers unauthenticated). When the server cannot be
     * reached, keep it: the session is still alive there. */
    if (rc == EXIT_OK || rc == EXIT_SERVER_ERROR)
        session_forget();
    if (rc != EXIT_OK)
        return rc;
    cchc__v1__response__free_unpacked(response, NULL);
    if (!opts->json)
        printf(_("Logged out.\n"));
    else
        output_json(json_pack("{s:b}", "logged_out", 1));
    return EXIT_OK;
}

int cmd_whoami(const cli_options *opts, int argc, char **argv)
{
    if (cli_help(argc, argv, _("usage: cchc whoami\nShows who is logged in, and until when.\n")))
        return EXIT_OK;
    Cchc__V1__WhoamiRequest body = CCHC__V1__WHOAMI_REQUEST__INIT;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_WHOAMI, &body,
                  CCHC__V1__RESPONSE__BODY_WHOAMI, &response);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json) {
        output_json(pb_to_json(&response->whoami->base));
    } else {
        print_account(response->whoami->account);
        printf(_("Server %s; the session expires at %s.\n"), opts->server,
               human_time(response->whoami->session_expires_at));
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

int cmd_passwd(const cli_options *opts, int argc, char **argv)
{
    int rc = password_options(
        argc, argv,
        _("usage: cchc passwd [--password-stdin]\n"
          "With --password-stdin: the current password, then the new one, one per line.\n"));
    if (rc >= 0)
        return rc;
    char current[PASSWORD_MAX_LENGTH + 2], fresh[PASSWORD_MAX_LENGTH + 2],
        again[PASSWORD_MAX_LENGTH + 2], why[200];
    rc = EXIT_USAGE;
    if (read_password(_("Current password: "), current, sizeof(current)) != 0 ||
        read_password(_("New password: "), fresh, sizeof(fresh)) != 0) {
        fprintf(stderr, _("cchc passwd: two passwords are needed: the current one, then the new one\n"));
        goto out;
    }
    if (isatty(STDIN_FILENO) &&
        (read_password(_("New password again: "), again, sizeof(again)) != 0 ||
         strcmp(fresh, again) != 0)) {
        fprintf(stderr, _("cchc passwd: the new passwords differ\n"));
        goto out;
    }
    stored_session s;
    if (password_policy_check(session_load(opts->server, &s) == 0 ? s.username : NULL, fresh,
                              why, sizeof(why)) != 0) {
        char shown[256];
        msg_render(why, shown, sizeof(shown));
        fprintf(stderr, "cchc passwd: %s\n", shown);
        goto out;
    }
    Cchc__V1__PasswordChangeRequest body = CCHC__V1__PASSWORD_CHANGE_REQUEST__INIT;
    body.current_password = current;
    body.new_password = fresh;
    Cchc__V1__Response *response;
    rc = call(opts, CCHC__V1__REQUEST__BODY_PASSWORD_CHANGE, &body,
              CCHC__V1__RESPONSE__BODY_PASSWORD_CHANGE, &response);
    if (rc == EXIT_OK) {
        cchc__v1__response__free_unpacked(response, NULL);
        session_forget(); /* the server ended every session of the account */
        if (opts->json)
            output_json(json_pack("{s:b}", "password_changed", 1));
        else
            printf(_("Password changed. Every session has ended; log in again.\n"));
    }
out:
    sodium_memzero(current, sizeof(current));
    sodium_memzero(fresh, sizeof(fresh));
    sodium_memzero(again, sizeof(again));
    return rc;
}
