/* `cchc units …`: the organisation as on a date (a tree: city, departments,
 * districts and their communes, other bodies), commune import from a CSV
 * file, and the changes Sở Nội vụ records as the organisation is reformed:
 * close, rename, merge, split, each as of a date; a whole change set from a
 * file (`units apply`, issue 12) and a unit's life (`units history`). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "commands.h"
#include "date_option.h"
#include "commune_csv.h"
#include "file_read.h"
#include "human.h"
#include "i18n.h"
#include "labels.h"
#include "message_text.h"
#include "output.h"
#include "pb_json.h"
#include "unit_changes.h"

static const char *kind_name(const char *kind)
{
    return label_of(LABEL_UNIT_KIND, kind);
}

static const char *event_name(const char *e);

/* A succession's change ("rename", "merge", "split", "absorb") said as the
 * unit's history says it. */
static const char *change_name(const char *change)
{
    static const struct { const char *change, *event; } events[] = {
        {"rename", "renamed_to"}, {"merge", "merged_into"},
        {"split", "split_into"},  {"absorb", "absorbed_into"},
    };
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
        if (strcmp(events[i].change, change) == 0)
            return event_name(events[i].event);
    return change;
}

/* Prints u and, indented below it, the units whose parent it is. */
static void print_tree(const Cchc__V1__UnitListResponse *ul, const Cchc__V1__Unit *u, int depth,
                       char *printed, int show_dates)
{
    printf("%*s%s (%s, %s)", depth * 2, "", u->name, u->code, kind_name(u->kind));
    if (show_dates && (*u->valid_from || *u->valid_until))
        printf(" [%s – %s]", *u->valid_from ? human_date(u->valid_from) : "…",
               *u->valid_until ? human_date(u->valid_until) : "…");
    for (size_t i = 0; i < u->n_successors; i++)
        printf(_(" → %s %s from %s"), change_name(u->successors[i]->change), u->successors[i]->code,
               human_date(u->successors[i]->effective_on));
    printf("\n");
    if (depth > 16)
        return;
    for (size_t i = 0; i < ul->n_units; i++) {
        const Cchc__V1__Unit *c = ul->units[i];
        if (!printed[i] && strcmp(c->parent_code, u->code) == 0) {
            printed[i] = 1;
            print_tree(ul, c, depth + 1, printed, show_dates);
        }
    }
}

static int units_list(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"as-of", required_argument, NULL, 'd'},
        {"all", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__UnitListRequest body = CCHC__V1__UNIT_LIST_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "d:ah", options, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if (!(body.as_of = date_option("--as-of", optarg)))
                return EXIT_USAGE;
            break;
        case 'a': body.all = 1; break;
        case 'h':
            printf(_("usage: cchc units [--as-of YYYY-MM-DD] [--all]\n"
                     "       cchc units import FILE.csv [--valid-from YYYY-MM-DD]\n"
                     "       cchc units close UNIT --on DATE [--basis TEXT]\n"
                     "       cchc units rename UNIT --code NEW --name NAME --on DATE\n"
                     "       cchc units merge UNIT UNIT... --into CODE [--name NAME] --on DATE\n"
                     "       cchc units split UNIT --into CODE=NAME --into CODE=NAME --on DATE\n"
                     "       cchc units apply FILE.csv|FILE.json [--dry-run]\n"
                     "       cchc units history UNIT\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_UNIT_LIST, &body,
                  CCHC__V1__RESPONSE__BODY_UNIT_LIST, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__UnitListResponse *ul = response->unit_list;
    if (opts->json) {
        output_json(pb_to_json(&ul->base));
    } else {
        char *printed = calloc(ul->n_units + 1, 1);
        /* roots: units whose parent is not in the list; the city's own
         * first, then bodies outside its administration (press, mass
         * organisations, central bodies) under their own heading */
        for (int outside = 0; outside < 2 && printed; outside++) {
            int headed = 0;
            for (size_t i = 0; i < ul->n_units; i++) {
                const Cchc__V1__Unit *u = ul->units[i];
                int has_parent = 0;
                for (size_t j = 0; j < ul->n_units && *u->parent_code; j++)
                    has_parent |= strcmp(ul->units[j]->code, u->parent_code) == 0;
                if (has_parent || printed[i] || (strcmp(u->kind, "other") == 0) != outside)
                    continue;
                if (outside && !headed++)
                    printf("%s", _("\nOutside the city administration:\n"));
                printed[i] = 1;
                print_tree(ul, u, outside, printed, body.all);
            }
        }
        free(printed);
        if (body.all)
            printf(ngettext("%zu unit (all dates).\n", "%zu units (all dates).\n", ul->n_units),
                   ul->n_units);
        else if (*body.as_of)
            printf(ngettext("%zu unit (on %s).\n", "%zu units (on %s).\n", ul->n_units),
                   ul->n_units, human_date(body.as_of));
        else
            printf(ngettext("%zu unit (today).\n", "%zu units (today).\n", ul->n_units),
                   ul->n_units);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- import ------------------------------------------------------------------ */

static int units_import(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"valid-from", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__UnitImportRequest body = CCHC__V1__UNIT_IMPORT_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (!(body.valid_from = date_option("--valid-from", optarg)))
                return EXIT_USAGE;
            break;
        case 'h':
            printf(_("usage: cchc units import FILE.csv [--valid-from YYYY-MM-DD]\n"
                     "FILE.csv has the columns: mã (code), tên (name), quận/huyện (district\n"
                     "code or name), with or without a header line, UTF-8, comma or semicolon.\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "%s", _("cchc units import: give one CSV file\n"));
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    size_t len;
    char *data = file_read_input(path, &len);
    if (!data)
        return EXIT_USAGE;
    commune_list list;
    int parsed = commune_csv_parse(data, len, &list);
    free(data);
    if (parsed != 0) {
        fprintf(stderr, _("cchc: out of memory reading %s\n"), path);
        return EXIT_USAGE;
    }
    if (list.file_problem[0]) {
        fprintf(stderr, "%s: %s\n", path, list.file_problem);
        commune_list_free(&list);
        return EXIT_USAGE;
    }
    if (list.notice[0])
        fprintf(stderr, "%s: %s\n", path, list.notice);
    if (list.n_problems > 0 || list.n_rows == 0) {
        for (size_t i = 0; i < list.n_problems; i++)
            fprintf(stderr, _("%s: line %d: %s\n"), path, list.problems[i].line,
                    list.problems[i].message);
        if (list.n_rows == 0 && list.n_problems == 0)
            fprintf(stderr, _("%s: no data rows\n"), path);
        fprintf(stderr, "%s", _("cchc: nothing imported; fix the file and run again\n"));
        commune_list_free(&list);
        return EXIT_USAGE;
    }
    Cchc__V1__CommuneRow *rows = calloc(list.n_rows, sizeof(*rows));
    Cchc__V1__CommuneRow **ptrs = calloc(list.n_rows, sizeof(*ptrs));
    if (!rows || !ptrs) {
        free(rows);
        free(ptrs);
        commune_list_free(&list);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < list.n_rows; i++) {
        Cchc__V1__CommuneRow init = CCHC__V1__COMMUNE_ROW__INIT;
        rows[i] = init;
        rows[i].line = list.rows[i].line;
        rows[i].code = list.rows[i].code;
        rows[i].name = list.rows[i].name;
        rows[i].district = list.rows[i].district;
        ptrs[i] = &rows[i];
    }
    body.rows = ptrs;
    body.n_rows = list.n_rows;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_UNIT_IMPORT, &body,
                  CCHC__V1__RESPONSE__BODY_UNIT_IMPORT, &response);
    free(rows);
    free(ptrs);
    commune_list_free(&list);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json)
        output_json(pb_to_json(&response->unit_import->base));
    else
        printf(ngettext("Imported %d commune, ward or township.\n",
                        "Imported %d communes, wards and townships.\n",
                        (unsigned long)response->unit_import->imported),
               response->unit_import->imported);
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- close, rename, merge, split ---------------------------------------------------- */

#define MAX_CHANGE_UNITS 64

static int units_change(const cli_options *opts, const char *op, int argc, char **argv)
{
    static const struct option options[] = {
        {"on", required_argument, NULL, 'o'},
        {"basis", required_argument, NULL, 'b'},
        {"into", required_argument, NULL, 'i'},
        {"code", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"kind", required_argument, NULL, 'k'},
        {"parent", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__UnitChangeRequest body = CCHC__V1__UNIT_CHANGE_REQUEST__INIT;
    Cchc__V1__NewUnit to[MAX_CHANGE_UNITS], *to_ptrs[MAX_CHANGE_UNITS];
    size_t n_to = 0;
    const char *name = "", *kind = "", *parent = "";
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "o:b:i:c:n:k:p:h", options, NULL)) != -1) {
        switch (opt) {
        case 'o':
            if (!(body.effective_on = date_option("--on", optarg)))
                return EXIT_USAGE;
            break;
        case 'b': body.legal_basis = optarg; break;
        case 'i':
        case 'c': {
            if (n_to == MAX_CHANGE_UNITS) {
                fprintf(stderr, _("cchc units %s: too many successors\n"), op);
                return EXIT_USAGE;
            }
            Cchc__V1__NewUnit init = CCHC__V1__NEW_UNIT__INIT;
            to[n_to] = init;
            /* --into CODE=NAME names a new unit in one go */
            char *eq = strchr(optarg, '=');
            if (eq) {
                *eq = '\0';
                to[n_to].name = eq + 1;
            }
            to[n_to].code = optarg;
            to_ptrs[n_to] = &to[n_to];
            n_to++;
            break;
        }
        case 'n': name = optarg; break;
        case 'k': kind = optarg; break;
        case 'p': parent = optarg; break;
        case 'h':
            printf(_("usage: cchc units %s UNIT... --on YYYY-MM-DD [--basis \"Nghị quyết …\"]\n"
                     "  close:  cchc units close UNIT --on DATE\n"
                     "  rename: cchc units rename UNIT --code NEWCODE --name \"Tên mới\" --on DATE\n"
                     "  merge:  cchc units merge A B … --into CODE [--name \"Tên\"] --on DATE\n"
                     "          (without --name CODE must be an existing unit)\n"
                     "  split:  cchc units split UNIT --into CODE=\"Tên\" --into CODE=\"Tên\" --on DATE\n"
                     "DATE is the first day of the new organisation; the old unit ends the day\n"
                     "before. Reports made before stay with the old unit.\n"),
                   op);
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, _("cchc units %s: name the units to change\n"), op);
        return EXIT_USAGE;
    }
    if (!*body.effective_on) {
        fprintf(stderr, _("cchc units %s: --on YYYY-MM-DD is required\n"), op);
        return EXIT_USAGE;
    }
    /* --name/--kind/--parent apply to a single successor given by --code/--into */
    if ((*name || *kind || *parent) && n_to == 1) {
        if (*name)
            to[0].name = (char *)name;
        to[0].kind = (char *)kind;
        to[0].parent = (char *)parent;
    } else if (*name || *kind || *parent) {
        fprintf(stderr, _("cchc units %s: --name, --kind and --parent go with exactly one "
                          "--code or --into\n"), op);
        return EXIT_USAGE;
    }
    body.op = (char *)op;
    body.from = argv + optind;
    body.n_from = (size_t)(argc - optind);
    body.to = to_ptrs;
    body.n_to = n_to;
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_UNIT_CHANGE, &body,
                  CCHC__V1__RESPONSE__BODY_UNIT_CHANGE, &response);
    if (rc != EXIT_OK)
        return rc;
    if (opts->json)
        output_json(json_pack("{s:s, s:s}", "recorded", op, "effective_on", body.effective_on));
    else
        printf(_("Recorded (%s) from %s.\n"), op, human_date(body.effective_on));
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- apply a change set ------------------------------------------------------------ */

static char *json_text(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return (char *)(v ? v : "");
}

/* The strings of a JSON array, pointing into it; NULL when empty. */
static char **json_texts(json_t *arr, size_t *n)
{
    *n = 0;
    char **out = json_array_size(arr) ? calloc(json_array_size(arr), sizeof(char *)) : NULL;
    for (size_t i = 0; out && i < json_array_size(arr); i++) {
        const char *v = json_string_value(json_array_get(arr, i));
        out[(*n)++] = (char *)(v ? v : "");
    }
    return out;
}

static void change_set_free(Cchc__V1__UnitChangeSetRequest *body)
{
    for (size_t i = 0; i < body->n_changes; i++) {
        Cchc__V1__UnitChange *c = body->changes[i];
        for (size_t k = 0; k < c->n_to; k++)
            free(c->to[k]);
        free(c->to);
        free(c->from);
        free(c->partial);
        free(c);
    }
    free(body->changes);
}

/* The request for the changes of a file; strings point into changes. */
static int change_set_build(json_t *changes, Cchc__V1__UnitChangeSetRequest *body)
{
    size_t n = json_array_size(changes);
    body->changes = calloc(n, sizeof(*body->changes));
    if (!body->changes)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_array_get(changes, i);
        Cchc__V1__UnitChange *c = malloc(sizeof(*c));
        if (!c)
            return -1;
        cchc__v1__unit_change__init(c);
        body->changes[body->n_changes++] = c;
        c->line = (int32_t)json_integer_value(json_object_get(j, "line"));
        c->op = json_text(j, "op");
        c->effective_on = json_text(j, "effective_on");
        c->legal_basis = json_text(j, "legal_basis");
        c->note = json_text(j, "note");
        c->from = json_texts(json_object_get(j, "from"), &c->n_from);
        c->partial = json_texts(json_object_get(j, "partial"), &c->n_partial);
        json_t *to = json_object_get(j, "to");
        c->to = json_array_size(to) ? calloc(json_array_size(to), sizeof(*c->to)) : NULL;
        for (size_t k = 0; c->to && k < json_array_size(to); k++) {
            json_t *t = json_array_get(to, k);
            Cchc__V1__NewUnit *u = malloc(sizeof(*u));
            if (!u)
                return -1;
            cchc__v1__new_unit__init(u);
            u->code = json_text(t, "code");
            u->name = json_text(t, "name");
            u->kind = json_text(t, "kind");
            u->parent = json_text(t, "parent");
            c->to[c->n_to++] = u;
        }
    }
    return 0;
}

static void print_effects(const Cchc__V1__UnitChangeSetResponse *res)
{
    for (size_t i = 0; i < res->n_effects; i++) {
        const Cchc__V1__UnitChangeEffect *e = res->effects[i];
        const char *state = strcmp(e->state, "already") == 0 ? _("already applied")
                            : strcmp(e->state, "would_apply") == 0 ? _("would apply")
                                                                    : _("applied");
        char summary[512];
        message_text(e->summary_id, e->summary_args, e->n_summary_args, e->summary, summary,
                     sizeof(summary));
        printf(_("line %d [%s] %s\n"), e->line, state, summary);
        for (size_t k = 0; k < e->n_affected; k++) {
            const Cchc__V1__UnitAffected *a = e->affected[k];
            /* two counts, each with its own plural */
            printf(ngettext("    %s ends: %zu report still expected in open periods, ",
                            "    %s ends: %zu reports still expected in open periods, ",
                            a->n_expected),
                   a->unit, a->n_expected);
            printf(ngettext("%zu account\n", "%zu accounts\n", a->n_accounts), a->n_accounts);
            /* "PERIOD/TASK", sorted: one line per period, its tasks after it */
            for (size_t x = 0; x < a->n_expected; x++) {
                const char *slash = strchr(a->expected[x], '/');
                size_t plen = slash ? (size_t)(slash - a->expected[x]) : strlen(a->expected[x]);
                int same = x > 0 && strncmp(a->expected[x - 1], a->expected[x], plen) == 0 &&
                           a->expected[x - 1][plen] == '/';
                if (!same)
                    printf(_("%s      still expected in period %.*s, tasks"), x ? "\n" : "", (int)plen,
                           a->expected[x]);
                printf(" %s", slash ? slash + 1 : "");
            }
            if (a->n_expected)
                printf("\n");
            for (size_t x = 0; x < a->n_accounts; x++)
                printf(_("      account %s: cchc user move %s --unit %s\n"), a->accounts[x], a->accounts[x],
                       a->n_successors ? a->successors[0] : _("NEW-UNIT"));
        }
    }
}

static int units_apply(const cli_options *opts, int argc, char **argv)
{
    static const struct option options[] = {
        {"dry-run", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Cchc__V1__UnitChangeSetRequest body = CCHC__V1__UNIT_CHANGE_SET_REQUEST__INIT;
    int opt;
    optind = 0; /* 0, not 1: makes glibc re-read the optstring (main used "+") */
    while ((opt = getopt_long(argc, argv, "nh", options, NULL)) != -1) {
        switch (opt) {
        case 'n': body.dry_run = 1; break;
        case 'h':
            printf(_("usage: cchc units apply FILE.csv|FILE.json [--dry-run]\n"
                     "Applies a change set (the format of sql/units/changes_2025.csv, see\n"
                     "docs/units.md) whole, in one transaction: any error and nothing changes.\n"
                     "Changes already applied are recognised and passed over, so applying a\n"
                     "file twice changes nothing. --dry-run shows every change and, per unit\n"
                     "it ends, the reports still expected in open periods and its accounts.\n"));
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "%s", _("cchc units apply: give one file\n"));
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    size_t len;
    char *data = file_read_input(path, &len);
    if (!data)
        return EXIT_USAGE;
    char why[1600] = "";
    json_t *changes = unit_changes_parse(data, len, why, sizeof(why));
    free(data);
    if (!changes) {
        fprintf(stderr, _("%s: %s\ncchc: nothing applied; fix the file and run again\n"), path, why);
        return EXIT_USAGE;
    }
    const char *base = strrchr(path, '/');
    body.source_name = (char *)(base ? base + 1 : path);
    if (change_set_build(changes, &body) != 0) {
        change_set_free(&body);
        json_decref(changes);
        fprintf(stderr, _("cchc: out of memory reading %s\n"), path);
        return EXIT_USAGE;
    }
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_UNIT_CHANGE_SET, &body,
                  CCHC__V1__RESPONSE__BODY_UNIT_CHANGE_SET, &response);
    change_set_free(&body);
    json_decref(changes);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__UnitChangeSetResponse *res = response->unit_change_set;
    if (opts->json) {
        output_json(pb_to_json(&res->base));
    } else {
        print_effects(res);
        if (res->dry_run)
            printf(ngettext("Dry run (--dry-run): %d change would apply, %d applied before; "
                            "nothing written.\n",
                            "Dry run (--dry-run): %d changes would apply, %d applied before; "
                            "nothing written.\n",
                            (unsigned long)res->applied),
                   res->applied, res->already);
        else if (res->applied == 0)
            printf(ngettext("Nothing changed: already applied before: %d change.\n",
                            "Nothing changed: already applied before: %d changes.\n",
                            (unsigned long)res->already),
                   res->already);
        else
            printf(ngettext("Applied %d change (%d applied before).\n",
                            "Applied %d changes (%d applied before).\n", (unsigned long)res->applied),
                   res->applied, res->already);
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

/* ---- history ------------------------------------------------------------------------- */

static const char *event_name(const char *e)
{
    static const struct { const char *code, *name; } names[] = {
        {"created", N_("created")},           {"formed_from", N_("formed from")},
        {"absorbed", N_("took in")},          {"renamed_from", N_("renamed from")},
        {"split_from", N_("split off from")}, {"moved", N_("moved under")},
        {"merged_into", N_("merged into")},   {"absorbed_into", N_("merged into")},
        {"renamed_to", N_("renamed to")},     {"split_into", N_("split, a part into")},
        {"closed", N_("closed (the day before was its last)")},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(e, names[i].code) == 0)
            return _(names[i].name);
    return e;
}

static int units_history(const cli_options *opts, int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf(_("usage: cchc units history UNIT\n"
                 "A unit's life: created, formed from, renamed, merged into, moved, closed,\n"
                 "with dates (the first day of the new state) and legal basis.\n"));
        return argc == 2 ? EXIT_OK : EXIT_USAGE;
    }
    Cchc__V1__UnitHistoryRequest body = CCHC__V1__UNIT_HISTORY_REQUEST__INIT;
    body.unit = argv[1];
    Cchc__V1__Response *response;
    int rc = call(opts, CCHC__V1__REQUEST__BODY_UNIT_HISTORY, &body,
                  CCHC__V1__RESPONSE__BODY_UNIT_HISTORY, &response);
    if (rc != EXIT_OK)
        return rc;
    const Cchc__V1__UnitHistoryResponse *h = response->unit_history;
    if (opts->json) {
        output_json(pb_to_json(&h->base));
    } else {
        if (h->unit)
            printf("%s (%s, %s) [%s – %s]\n", h->unit->name, h->unit->code, kind_name(h->unit->kind),
                   *h->unit->valid_from ? human_date(h->unit->valid_from) : "…",
                   *h->unit->valid_until ? human_date(h->unit->valid_until) : "…");
        if (h->n_events == 0)
            printf("%s", _("  no recorded change\n"));
        for (size_t i = 0; i < h->n_events; i++) {
            const Cchc__V1__UnitEvent *e = h->events[i];
            printf("  %s  %s", human_date(e->on_date), event_name(e->event));
            if (*e->other_code)
                printf(" %s (%s)", *e->other_name ? e->other_name : e->other_code, e->other_code);
            /* part of a split unit by its label; --json keeps the code */
            if (*e->part)
                printf(" — %s", label_of(LABEL_SUCCESSION_PART, e->part));
            if (*e->note)
                printf("%s%s", *e->part ? "; " : " — ", e->note);
            if (*e->legal_basis)
                printf(_("\n              legal basis: %s"), e->legal_basis);
            printf("\n");
        }
    }
    cchc__v1__response__free_unpacked(response, NULL);
    return EXIT_OK;
}

const char *const units_subcommands[] = {"import", "close", "rename", "merge", "split", "apply", "history", NULL};

int cmd_units(const cli_options *opts, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "import") == 0)
        return units_import(opts, argc - 1, argv + 1);
    if (strcmp(sub, "apply") == 0)
        return units_apply(opts, argc - 1, argv + 1);
    if (strcmp(sub, "history") == 0)
        return units_history(opts, argc - 1, argv + 1);
    static const char *const ops[] = {"close", "rename", "merge", "split"};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(sub, ops[i]) == 0)
            return units_change(opts, ops[i], argc - 1, argv + 1);
    if (*sub && sub[0] != '-') {
        fprintf(stderr, _("cchc units: unknown subcommand '%s'; see 'cchc units --help'\n"), sub);
        return EXIT_USAGE;
    }
    return units_list(opts, argc, argv);
}
