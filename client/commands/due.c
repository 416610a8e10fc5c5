/* See due.h. */
#include "due.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call.h"
#include "cli_guard.h"
#include "config.h"
#include "consolidation_status.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "output.h"
#include "pb_json.h"
#include "plat_file.h"
#include "plat_time.h"
#include "private_file.h"
#include "table.h"
#include "terminal.h"

#define REMINDER_RECHECK_SECONDS 600 /* after a check that found nothing due */
#define SOON_DAYS 7

typedef struct due_item {
    char what[64];
    char unit[64]; /* a closed unit this one succeeds, whose report it is ("" = own) */
    int task_id;
    char period[16];
    char state[16];
    char deadline[16];
    char reason[300];
    char level[16]; /* a consolidated report of this level ("" = a unit's report) */
    char unit_name[200]; /* a consolidated report's author, when not the caller's unit */
} due_item;

typedef struct due_list {
    due_item *items;
    size_t n, cap;
    int overdue, soon;
} due_list;

/* Today in Vietnam, where deadlines fall (the server counts the same way:
 * today_in_vietnam()), whatever the machine's time zone. */
static void today(char out[11])
{
    human_vietnam_day((long long)time(NULL), out, 11);
}

/* The day number of an ISO date (days since 1970-01-01); -1 when not one. */
static long long day_number(const char *date)
{
    struct tm tm = {0};
    if (sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12; /* noon: whole days apart whatever leap seconds say */
    return (long long)plat_timegm(&tm) / 86400;
}

/* Days from today to date (negative when past). */
static long days_until(const char *date)
{
    char now[11];
    today(now);
    long long then = day_number(date), from = day_number(now);
    return then < 0 || from < 0 ? 1000 : (long)(then - from);
}

static void add(due_list *l, const due_item *item)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        due_item *grown = realloc(l->items, cap * sizeof(*grown));
        if (!grown)
            return;
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->n++] = *item;
    long days = days_until(item->deadline);
    l->overdue += days < 0;
    l->soon += days >= 0 && days <= SOON_DAYS;
}

/* Asks the server; returns an exit code (quiet: print no errors). */
static int collect(const cli_options *opts, due_list *out, int quiet)
{
    memset(out, 0, sizeof(*out));
    cli_options o = *opts;
    o.quiet = quiet;
    Cchc__V1__PeriodListRequest pl = CCHC__V1__PERIOD_LIST_REQUEST__INIT;
    Cchc__V1__Response *periods;
    int rc = call(&o, CCHC__V1__REQUEST__BODY_PERIOD_LIST, &pl,
                  CCHC__V1__RESPONSE__BODY_PERIOD_LIST, &periods);
    if (rc != EXIT_OK)
        return rc;
    for (size_t i = 0; rc == EXIT_OK && i < periods->period_list->n_periods; i++) {
        const Cchc__V1__Period *p = periods->period_list->periods[i];
        if (strcmp(p->state, "open") != 0 && strcmp(p->state, "closed") != 0)
            continue;
        Cchc__V1__MyTasksRequest mt = CCHC__V1__MY_TASKS_REQUEST__INIT;
        mt.period_id = p->id;
        Cchc__V1__Response *tasks;
        if ((rc = call(&o, CCHC__V1__REQUEST__BODY_MY_TASKS, &mt,
                       CCHC__V1__RESPONSE__BODY_MY_TASKS, &tasks)) != EXIT_OK)
            break;
        size_t n_own = tasks->my_tasks->n_tasks;
        char own_unit[64];
        snprintf(own_unit, sizeof(own_unit), "%s", tasks->my_tasks->unit_code);
        for (size_t k = 0; k < n_own + tasks->my_tasks->n_inherited; k++) {
            const Cchc__V1__UnitTask *t = k < n_own ? tasks->my_tasks->tasks[k]
                                                    : tasks->my_tasks->inherited[k - n_own];
            if (strcmp(t->report_state, "missing") != 0 && strcmp(t->report_state, "draft") != 0 &&
                strcmp(t->report_state, "returned") != 0)
                continue;
            due_item item;
            memset(&item, 0, sizeof(item));
            snprintf(item.what, sizeof(item.what), "%s", t->ref);
            if (k >= n_own)
                snprintf(item.unit, sizeof(item.unit), "%s", t->unit_code);
            item.task_id = t->task_id;
            snprintf(item.period, sizeof(item.period), "%s", p->id);
            snprintf(item.state, sizeof(item.state), "%s", t->report_state);
            snprintf(item.deadline, sizeof(item.deadline), "%s", tasks->my_tasks->deadline);
            snprintf(item.reason, sizeof(item.reason), "%s", t->return_reason);
            add(out, &item);
        }
        cchc__v1__response__free_unpacked(tasks, NULL);
        /* the unit's own consolidated reports: a district's, a lead
         * agency's, Sở Nội vụ's city report (issue 17) */
        Cchc__V1__Response *owed;
        consolidation_fetch(&o, p->id, 1, &owed);
        for (size_t k = 0; owed && k < owed->consolidation_list->n_consolidations; k++) {
            const Cchc__V1__Consolidation *c = owed->consolidation_list->consolidations[k];
            if (!consolidation_is_owed(c))
                continue;
            due_item item;
            memset(&item, 0, sizeof(item));
            snprintf(item.what, sizeof(item.what), "%s", c->ref);
            item.task_id = c->task_id;
            snprintf(item.period, sizeof(item.period), "%s", p->id);
            snprintf(item.state, sizeof(item.state), "%s", c->state);
            snprintf(item.deadline, sizeof(item.deadline), "%s", c->deadline);
            snprintf(item.reason, sizeof(item.reason), "%s", c->return_reason);
            snprintf(item.level, sizeof(item.level), "%s", c->level);
            /* a closed unit's, whose duties the caller's unit carries */
            if (*own_unit && strcmp(c->unit_code, own_unit) != 0 && strcmp(c->level, "city") != 0) {
                snprintf(item.unit, sizeof(item.unit), "%s", c->unit_code);
                snprintf(item.unit_name, sizeof(item.unit_name), "%s", c->unit_name);
            }
            add(out, &item);
        }
        if (owed)
            cchc__v1__response__free_unpacked(owed, NULL);
    }
    cchc__v1__response__free_unpacked(periods, NULL);
    return rc;
}

/* Whether an item is a task's consolidated report a summary line may
 * stand for: not yet sent or a draft (a returned one keeps its own line,
 * with the reason to act on; the city report is one line anyway). */
static int summarised(const due_item *it)
{
    return *it->level && it->task_id && strcmp(it->state, "returned") != 0;
}

/* Two items fall in one summary line: same period, level, author and deadline. */
static int same_group(const due_item *a, const due_item *b)
{
    return strcmp(a->period, b->period) == 0 && strcmp(a->level, b->level) == 0 &&
           strcmp(a->unit, b->unit) == 0 && strcmp(a->deadline, b->deadline) == 0;
}

#define SUMMARY_TASKS 10 /* task numbers a summary line names before "…" */

/* One line per group of a district's or a lead agency's consolidated
 * reports still owed (issue 17: a lead agency owes one per task it leads,
 * dozens): how many, by state, the deadline and the tasks' numbers; `cchc
 * due --all` lists each. */
static void print_summaries(const due_list *l, const char *now)
{
    char *done = calloc(l->n + 1, 1);
    if (!done)
        return;
    for (size_t i = 0; i < l->n; i++) {
        if (done[i] || !summarised(&l->items[i]))
            continue;
        const due_item *first = &l->items[i];
        int n = 0, missing = 0, drafts = 0;
        char tasks[200] = "";
        size_t used = 0;
        for (size_t k = i; k < l->n; k++) {
            if (done[k] || !summarised(&l->items[k]) || !same_group(first, &l->items[k]))
                continue;
            done[k] = 1;
            n++;
            missing += strcmp(l->items[k].state, "missing") == 0;
            drafts += strcmp(l->items[k].state, "draft") == 0;
            if (n <= SUMMARY_TASKS && used < sizeof(tasks))
                used += (size_t)snprintf(tasks + used, sizeof(tasks) - used, "%s%d", n > 1 ? ", " : "",
                                         l->items[k].task_id);
        }
        if (n > SUMMARY_TASKS && used < sizeof(tasks))
            snprintf(tasks + used, sizeof(tasks) - used, _(" and %d more"), n - SUMMARY_TASKS);
        char author[300] = "";
        if (*first->unit)
            snprintf(author, sizeof(author), _(" for %s (--unit %s)"), first->unit_name, first->unit);
        int overdue = strcmp(first->deadline, now) < 0;
        printf(ngettext("%s: %d consolidated report (%s)%s due %s%s: %d not started, %d drafts; tasks %s\n",
                        "%s: %d consolidated reports (%s)%s due %s%s: %d not started, %d drafts; tasks %s\n",
                        (unsigned long)n),
               first->period, n, consolidation_level_label(first->level), author,
               human_date(first->deadline), overdue ? _(" (overdue)") : "", missing, drafts, tasks);
    }
    free(done);
}

int cmd_due(const cli_options *opts, int argc, char **argv)
{
    if (cli_help(argc, argv, _("usage: cchc due [--all]\nWhat my unit owes and by when; returned reports and their reasons.\n"
                               "A district's or a lead agency's consolidated reports still owed are summed up\n"
                               "per period and deadline; --all lists each.\n")))
        return EXIT_OK;
    int all = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0 || strcmp(argv[i], "-a") == 0) {
            all = 1;
        } else {
            fprintf(stderr, _("cchc due: unknown option \"%s\"; see 'cchc due --help'\n"), argv[i]);
            return EXIT_USAGE;
        }
    }
    due_list l;
    int rc = collect(opts, &l, 0);
    if (rc != EXIT_OK) {
        free(l.items);
        return rc;
    }
    if (opts->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < l.n; i++)
            json_array_append_new(
                arr, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "task_id", l.items[i].task_id,
                               "period", l.items[i].period, "state", l.items[i].state, "deadline",
                               l.items[i].deadline, "return_reason", l.items[i].reason, "unit",
                               l.items[i].unit, "level", l.items[i].level));
        output_json(json_pack("{s:o, s:i, s:i}", "due", arr, "overdue", l.overdue, "soon", l.soon));
    } else if (l.n == 0) {
        printf(_("No report is due.\n"));
    } else {
        char now[11];
        today(now);
        const char *headers[] = {_("Period"), _("Task"), _("State"), _("Deadline"), _("Reason"
                                                                                      " for r"
                                                                                      "eturn")};
        const int widths[] = {0, 0, 0, 0, 60};
        table *t = table_new(5, headers, widths);
        size_t rows = 0;
        for (size_t i = 0; i < l.n; i++) {
            char task[400], deadline[40];
            if (!all && summarised(&l.items[i]))
                continue; /* in a summary line below */
            rows++;
            if (*l.items[i].level && *l.items[i].unit)
                snprintf(task, sizeof(task), _("%d (%s), consolidated report (%s) for %s: --unit %s"),
                         l.items[i].task_id, l.items[i].what,
                         consolidation_level_label(l.items[i].level), l.items[i].unit_name,
                         l.items[i].unit);
            else if (*l.items[i].level && !l.items[i].task_id)
                snprintf(task, sizeof(task), _("consolidated report (%s)"),
                         consolidation_level_label(l.items[i].level));
            else if (*l.items[i].level)
                snprintf(task, sizeof(task), _("%d (%s), consolidated report (%s)"),
                         l.items[i].task_id, l.items[i].what,
                         consolidation_level_label(l.items[i].level));
            else if (*l.items[i].unit)
                snprintf(task, sizeof(task), _("%d (%s), for unit %s: --unit %s"),
                         l.items[i].task_id, l.items[i].what, l.items[i].unit, l.items[i].unit);
            else
                snprintf(task, sizeof(task), "%d (%s)", l.items[i].task_id, l.items[i].what);
            int overdue = strcmp(l.items[i].deadline, now) < 0;
            snprintf(deadline, sizeof(deadline), "%s%s", human_date(l.items[i].deadline),
                     overdue ? _(" (overdue)") : "");
            const char *row[] = {l.items[i].period, task,
                                 label_of(LABEL_REPORT_STATE, l.items[i].state), deadline,
                                 l.items[i].reason};
            table_add_row(t, row);
            if (overdue)
                table_colour_last_row(t, COLOUR_LATE);
        }
        if (rows)
            table_print(t, stdout, 1);
        table_free(t);
        if (!all)
            print_summaries(&l, now);
        printf(ngettext("%zu report due: %d overdue, %d due within %d days.\n",
                        "%zu reports due: %d overdue, %d due within %d days.\n", l.n),
               l.n, l.overdue, l.soon, SOON_DAYS);
    }
    free(l.items);
    return EXIT_OK;
}

/* The reminder's state beside the session: the account it belongs to, the
 * Vietnam day it was last shown ("-" never) and until when a check that
 * found nothing due holds (so commands do not each ask the server). */
typedef struct reminder_state {
    char day[11];
    long long checked_until;
    char server[300];
    char username[72];
} reminder_state;

static void reminder_read(const char *path, reminder_state *st)
{
    memset(st, 0, sizeof(*st));
    snprintf(st->day, sizeof(st->day), "-");
    FILE *f = plat_fopen(path, "r");
    if (!f)
        return;
    if (fscanf(f, "%10s %lld %299s %71s", st->day, &st->checked_until, st->server,
               st->username) != 4)
        memset(st, 0, sizeof(*st));
    fclose(f);
}

static void reminder_write(const char *path, const reminder_state *st)
{
    char text[420];
    snprintf(text, sizeof(text), "%s %lld %s %s\n", st->day, st->checked_until, st->server,
             st->username);
    (void)private_file_replace(path, NULL, text); /* a lost write only repeats a reminder */
}

void due_reminder(const cli_options *opts, const char *username)
{
    char path[600];
    if (!*opts->token || !*username || config_path("due-reminder", path, sizeof(path)) != 0)
        return;
    reminder_state st;
    reminder_read(path, &st);
    if (strcmp(st.server, opts->server) != 0 || strcmp(st.username, username) != 0) {
        memset(&st, 0, sizeof(st)); /* another account: its own day */
        snprintf(st.day, sizeof(st.day), "-");
        snprintf(st.server, sizeof(st.server), "%s", opts->server);
        snprintf(st.username, sizeof(st.username), "%s", username);
    }
    long long now = (long long)time(NULL);
    char today_vn[11];
    human_vietnam_day(now, today_vn, sizeof(today_vn));
    if (strcmp(st.day, today_vn) == 0 || st.checked_until > now)
        return; /* shown today, or nothing was due a moment ago */
    due_list l;
    if (collect(opts, &l, 1) == EXIT_OK && (l.overdue || l.soon)) {
        fprintf(stderr,
                ngettext("Reminder: %d report overdue, %d due within %d days — see 'cchc due'.",
                         "Reminder: %d reports overdue, %d due within %d days — see 'cchc due'.",
                         (unsigned long)l.overdue),
                l.overdue, l.soon, SOON_DAYS);
        fputc('\n', stderr);
        snprintf(st.day, sizeof(st.day), "%s", today_vn);
    } else {
        st.checked_until = now + REMINDER_RECHECK_SECONDS;
    }
    free(l.items);
    reminder_write(path, &st);
}
