/* The command table's entry points, one file per family of commands. Each
 * command parses its own arguments (argv[0] is the command name) and
 * returns an exit code from cli.h. */
#ifndef CCHC_COMMANDS_H
#define CCHC_COMMANDS_H

#include "cli.h"
#include "cli_guard.h"

/* Each command's subcommands, NULL-terminated, listed by `cchc
 * --list-commands` (main.c) so tests/e2e/test_help.c asks each for -h. */
extern const char *const report_subcommands[];
extern const char *const outbox_subcommands[];
extern const char *const review_subcommands[];
extern const char *const consolidate_subcommands[];
extern const char *const period_subcommands[];
extern const char *const unit_plans_subcommands[];
extern const char *const status_subcommands[];
extern const char *const plan_subcommands[];
extern const char *const units_subcommands[];
extern const char *const user_subcommands[];

/* system.c */
int cmd_ping(const cli_options *opts, int argc, char **argv);
int cmd_version(const cli_options *opts, int argc, char **argv);
/* plan.c */
int cmd_plan(const cli_options *opts, int argc, char **argv);
/* `cchc plan assign` (plan_assign.c), dispatched by cmd_plan. */
int plan_assign(const cli_options *opts, int argc, char **argv);
/* units.c */
int cmd_units(const cli_options *opts, int argc, char **argv);
/* auth.c */
int cmd_login(const cli_options *opts, int argc, char **argv);
int cmd_logout(const cli_options *opts, int argc, char **argv);
int cmd_whoami(const cli_options *opts, int argc, char **argv);
int cmd_passwd(const cli_options *opts, int argc, char **argv);
/* users.c */
int cmd_user(const cli_options *opts, int argc, char **argv);
int cmd_audit(const cli_options *opts, int argc, char **argv);
/* reports.c (cmd_due is in due.h) */
int cmd_tasks(const cli_options *opts, int argc, char **argv);
int cmd_template(const cli_options *opts, int argc, char **argv);
int cmd_submit(const cli_options *opts, int argc, char **argv);
int cmd_report(const cli_options *opts, int argc, char **argv);
int cmd_outbox(const cli_options *opts, int argc, char **argv);
/* review.c */
int cmd_review(const cli_options *opts, int argc, char **argv);
/* consolidate.c */
int cmd_consolidate(const cli_options *opts, int argc, char **argv);
/* periods.c */
int cmd_period(const cli_options *opts, int argc, char **argv);
/* unit_plans.c */
int cmd_unit_plans(const cli_options *opts, int argc, char **argv);
/* status.c */
int cmd_status(const cli_options *opts, int argc, char **argv);
int cmd_missing(const cli_options *opts, int argc, char **argv);
int cmd_export(const cli_options *opts, int argc, char **argv);

#endif
