/* See help.h. The texts live in one table rather than beside each
 * command's usage so that the examples of one role's job read as one
 * story and translate as one (po/vi.po, "# --- H4"); each command file
 * keeps its own usage line, which says what the command accepts. */
#include "help.h"

#include <string.h>

#include "i18n.h"

enum role { ANYONE, CLERK, REVIEWER, ADMIN };

static const char *role_heading(enum role role)
{
    switch (role) {
    case CLERK: return _("Examples for a district or commune clerk:\n");
    case REVIEWER: return _("Examples for a lead agency's reviewer:\n");
    case ADMIN: return _("Examples for Sở Nội vụ (administrators):\n");
    case ANYONE: break;
    }
    return _("Examples:\n");
}

/* One command's (or subcommand's) examples: each a command line followed
 * by what it does, indented. A topic may have one entry per role. */
static const struct {
    const char *topic; /* "submit", "review accept" */
    enum role role;
    const char *text;
} examples[] = {
    {"help", ANYONE,
     N_("  cchc help\n"
        "      the step-by-step guide for clerks, reviewers and Sở Nội vụ\n"
        "  cchc help submit\n"
        "      how to submit reports, with examples (the same as cchc submit --help)\n")},
    {"login", ANYONE,
     N_("  cchc login ninhkieu.baocao\n"
        "      log in; the password is asked without showing it\n"
        "  cchc --server cchc.cantho.gov.vn:7121 login ninhkieu.baocao\n"
        "      log in to the city's server (once; or put \"server = …\" in ~/.config/cchc/config)\n")},
    {"logout", ANYONE,
     N_("  cchc logout\n"
        "      end the session when you leave a shared computer\n")},
    {"whoami", ANYONE,
     N_("  cchc whoami\n"
        "      who is logged in, for which unit, with which roles, and until when\n")},
    {"passwd", ANYONE,
     N_("  cchc passwd\n"
        "      change your password: the current one, then the new one\n")},
    {"due", CLERK,
     N_("  cchc due\n"
        "      what your unit still owes, by when, and the reports returned to you with the reason\n")},
    {"tasks", CLERK,
     N_("  cchc tasks --period 2026-Q1\n"
        "      your unit's tasks in the first quarter of 2026 and the state of each report\n"
        "  cchc tasks --period 2026-6M --unit P-LONGTUYEN\n"
        "      the tasks of a closed unit your unit took over\n")},
    {"template", CLERK,
     N_("  cchc template --period 2026-Q1 -o bao-cao.xlsx\n"
        "      the Excel workbook to fill: one row per task, sheet \"Hướng dẫn\" explains it\n"
        "  cchc template --period 2026-Q1 -o bao-cao.csv\n"
        "      the same as CSV, for LibreOffice or an older Excel\n")},
    {"submit", CLERK,
     N_("  cchc submit --file bao-cao.xlsx\n"
        "      send the filled workbook; every row is checked first, all rows go or none\n"
        "  cchc submit --file bao-cao.xlsx --draft\n"
        "      keep it as a draft: saved on the server, not yet sent for review\n"
        "  cchc submit --task 105 --period 2026-Q1 --status in_progress --progress 60 \\\n"
        "      --result \"Đã tiếp nhận 1.250 hồ sơ trực tuyến\"\n"
        "      one report without a spreadsheet\n"
        "  cchc submit --file bao-cao.xlsx --rebase\n"
        "      after \"conflict\": apply only the cells you changed onto the latest revision\n"
        "  cchc submit --task 105 --period 2026-Q1 --resubmit\n"
        "      send a returned report back unchanged (you disagree with the reason)\n")},
    {"report", CLERK,
     N_("  cchc report show --task 105 --period 2026-Q1\n"
        "      your report on task 105 as the server has it\n"
        "  cchc report history --task 105 --period 2026-Q1\n"
        "      every revision, what changed, who accepted or returned it and why\n")},
    {"outbox", CLERK,
     N_("  cchc outbox\n"
        "      how many submissions wait because the server could not be reached\n"
        "  cchc outbox send\n"
        "      send them now (the next command also sends them)\n"
        "  cchc outbox discard\n"
        "      throw them away (asks first)\n")},
    {"review", REVIEWER,
     N_("  cchc review list --period 2026-Q1\n"
        "      the reports waiting for you; \"Số\" is the report, \"Lần\" the revision you read\n"
        "  cchc review accept 17@2 18@1\n"
        "      accept exactly these revisions (report 17 revision 2, report 18 revision 1)\n"
        "  cchc review return 17@2 --reason \"Bổ sung số hồ sơ trễ hạn\"\n"
        "      send a report back to its unit; the unit sees the reason\n"
        "  cchc review accept --period 2026-Q1 --task 105\n"
        "      accept every waiting report on task 105 (lists them and asks first)\n")},
    {"status", REVIEWER,
     N_("  cchc status --period 2026-Q1\n"
        "      how far the tasks you lead have come: reports in, progress, criteria at risk\n"
        "  cchc status task 105 --period 2026-Q1\n"
        "      every unit's report on one task, with difficulties and proposals\n")},
    {"status", ADMIN,
     N_("  cchc status --period 2026-Q1 --by district\n"
        "      the city's figures per district (or --by lead, criterion, index, task, unit)\n"
        "  cchc status trend --year 2026\n"
        "      the same figures across the year's periods\n")},
    {"missing", ADMIN,
     N_("  cchc missing --period 2026-Q1\n"
        "      every unit that still owes a report, and on which task\n"
        "  cchc missing --period 2026-Q1 --district \"Ninh Kiều\"\n"
        "      only one district's units\n")},
    {"export", ADMIN,
     N_("  cchc export --period 2026-Q1 --format html -o bao-cao-tong-hop.html\n"
        "      the consolidated report, ready to print (A4)\n"
        "  cchc export --period 2026-Q1 --format csv -o bao-cao.csv\n"
        "      every report of the period as CSV\n")},
    {"period", ADMIN,
     N_("  cchc period list --year 2026\n"
        "      the year's periods, their deadlines and how many reports are in\n"
        "  cchc period open 2026-Q1\n"
        "      let units submit\n"
        "  cchc period extend 2026-Q1 --unit \"Huyện Cờ Đỏ\" --until 2026-03-20\n"
        "      a later deadline for one unit\n"
        "  cchc period close 2026-Q1\n"
        "      after the deadline: reports still come in, marked late\n"
        "  cchc period approve 2026-Q1 --accept-remaining\n"
        "      accept what still waits, then approve: the figures are frozen\n")},
    {"period list", ANYONE,
     N_("  cchc period list\n"
        "      the periods, their deadlines and states\n")},
    {"unit-plans", ADMIN,
     N_("  cchc unit-plans --missing\n"
        "      the units that have not yet issued their own implementation plan\n"
        "  cchc unit-plans record --unit \"Quận Ninh Kiều\" --number 145/KH-UBND --issued 2023-07-20\n"
        "      record that a unit issued its plan\n")},
    {"plan", ANYONE,
     N_("  cchc plan\n"
        "      the indices of the plan, their targets and the points lost\n"
        "  cchc plan tasks --unit \"Quận Ninh Kiều\"\n"
        "      the tasks one unit implements\n"
        "  cchc plan task 105\n"
        "      one task in full: what, who leads, who implements, by when\n")},
    {"units", ADMIN,
     N_("  cchc units\n"
        "      the units as they are today\n"
        "  cchc units history \"Quận Ninh Kiều\"\n"
        "      a unit's life: renamed, merged, closed, with dates\n"
        "  cchc units apply sap-nhap.csv --dry-run\n"
        "      what a set of changes (a merger) would do, without doing it\n")},
    {"user", ADMIN,
     N_("  cchc user add ninhkieu.baocao --unit \"Quận Ninh Kiều\" --role reporter\n"
        "      an account for a district's clerk (the password is asked)\n"
        "  cchc user add vpubnd.kiemtra --unit \"Văn phòng UBND TP\" --role reviewer\n"
        "      an account for a lead agency's reviewer\n"
        "  cchc user list --role reporter\n"
        "      every clerk's account\n"
        "  cchc user unlock ninhkieu.baocao\n"
        "      lift the block after too many wrong passwords\n"
        "  cchc user reset-password ninhkieu.baocao\n"
        "      give a new password to someone who forgot theirs\n")},
    {"audit", ADMIN,
     N_("  cchc audit --since 2026-03-01\n"
        "      who changed what since 1 March, and from where\n"
        "  cchc audit --user ninhkieu.baocao --action session.\n"
        "      one account's logins and logouts\n")},
    {"ping", ANYONE,
     N_("  cchc ping\n"
        "      is the server there, and its database? how long does an answer take?\n")},
    {"version", ANYONE,
     N_("  cchc version\n"
        "      the client's version, to quote when asking for help\n")},
};

void help_guide(FILE *out)
{
    fputs(_("cchc: the reports of Plan 121/KH-UBND on administrative reform of Can Tho City.\n"
            "Find your role below and do the steps in order. Every command explains\n"
            "itself with examples: cchc help COMMAND (or cchc COMMAND --help).\n"
            "\n"),
          out);
    fputs(_("District or commune clerk (reporter): the quarterly report\n"
            "  1. cchc login YOUR-ACCOUNT          log in (the password is not shown)\n"
            "  2. cchc due                         what your unit owes and by when\n"
            "  3. cchc template --period 2026-Q1 -o bao-cao.xlsx\n"
            "                                      the workbook for the period\n"
            "  4. open bao-cao.xlsx in Excel or LibreOffice; fill the white cells of each\n"
            "     task: status (from the list), progress %, results, difficulties,\n"
            "     proposals; save it\n"
            "  5. cchc submit --file bao-cao.xlsx  send it; if it is refused, each error\n"
            "                                      names the row and column: fix, send again\n"
            "  6. cchc tasks --period 2026-Q1      the state of each report (accepted,\n"
            "                                      returned …)\n"
            "  7. a returned report: cchc due shows the reason; fix the row in the\n"
            "     workbook and send it again (step 5)\n"
            "  Periods: 2026-Q1 (first quarter), 2026-6M (six months), 2026-9M (nine\n"
            "  months), 2026-Y (the year). Without a connection the submission waits\n"
            "  in the outbox and goes with the next command (cchc outbox).\n"
            "\n"),
          out);
    fputs(_("Lead agency reviewer (reviewer): checking the units' reports\n"
            "  1. cchc review list --period 2026-Q1     the reports waiting for you\n"
            "  2. cchc report show --task 105 --period 2026-Q1 --unit Q-NINHKIEU\n"
            "                                           read one in full\n"
            "  3. cchc review accept 17@2               accept report 17 as in revision 2\n"
            "     cchc review return 17@2 --reason \"…\" or send it back with a reason\n"
            "  4. cchc status --period 2026-Q1          how far the tasks you lead have come\n"
            "\n"),
          out);
    fputs(_("Consolidated reports (district, lead agency and Sở Nội vụ reporters)\n"
            "  1. cchc consolidate --period 2024-Y --task 105 -o th.csv\n"
            "                                           the report pre-filled from the level below\n"
            "     (a district adds --level district; Sở Nội vụ leaves out --task)\n"
            "  2. edit the assessment, difficulties and proposals in th.csv; save it\n"
            "  3. cchc consolidate submit --file th.csv send it by your level's deadline\n"
            "  4. cchc consolidate list --period 2024-Y what the level below sent you;\n"
            "     cchc consolidate accept 7@1 (or return 7@1 --reason \"…\")\n"
            "\n"),
          out);
    fputs(_("Sở Nội vụ (admin): periods, units, accounts, the city's status\n"
            "  cchc period open 2026-Q1                 open a period for reports\n"
            "  cchc user add NAME --unit UNIT --role reporter\n"
            "                                           an account for a unit's clerk\n"
            "  cchc units                               the units today (import, merge …)\n"
            "  cchc missing --period 2026-Q1            who still owes which report\n"
            "  cchc status --period 2026-Q1             the city's figures\n"
            "  cchc period close 2026-Q1                after the deadline\n"
            "  cchc period approve 2026-Q1              freeze the figures\n"
            "  cchc export --period 2026-Q1 --format html -o bao-cao.html\n"
            "                                           the consolidated report (A4)\n"
            "  cchc audit --since 2026-03-01            who changed what\n"
            "\n"),
          out);
}

static int print_topic(FILE *out, const char *topic)
{
    int printed = 0;
    for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
        if (strcmp(examples[i].topic, topic) != 0)
            continue;
        fputs("\n", out);
        fputs(role_heading(examples[i].role), out);
        fputs(_(examples[i].text), out);
        printed = 1;
    }
    return printed;
}

int help_examples(FILE *out, int argc, char **argv)
{
    if (argc < 1)
        return 0;
    /* a subcommand's own examples first; else its command's */
    if (argc >= 2 && argv[1][0] != '-') {
        char topic[64];
        snprintf(topic, sizeof(topic), "%s %s", argv[0], argv[1]);
        if (print_topic(out, topic))
            return 1;
    }
    return print_topic(out, argv[0]);
}
