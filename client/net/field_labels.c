/* See field_labels.h. The names are those the server's handlers, its SQL
 * functions and common/validate.c put in FieldError.field; labels are
 * English message ids (N_) translated where looked up. */
#include "field_labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

static const struct {
    const char *field;
    const char *label;
} fields[] = {
    /* reports (submit, review) */
    {"period", N_("period")},
    {"period_id", N_("period")},
    {"unit", N_("unit")},
    {"task", N_("task")},
    {"task_id", N_("task")},
    {"status", N_("status")},
    {"progress", N_("progress")},
    {"results", N_("results")},
    {"difficulties", N_("difficulties")},
    {"proposals", N_("proposals")},
    {"indicators", N_("indicators")},
    {"key", N_("idempotency key")},
    {"idempotency_key", N_("idempotency key")},
    /* TRANSLATORS: the state of a report (submitted, accepted…) */
    {"state", N_("state")},
    {"draft", N_("draft")},
    {"conflict", N_("newer revision")},
    {"base_revision", N_("base revision")},
    {"revision", N_("revision")},
    {"ids", N_("report")},
    {"report_ids", N_("report")},
    {"accept_report_ids", N_("reports to accept")},
    {"reason", N_("reason")},
    {"action", N_("action")},
    /* periods */
    {"until", N_("extended until")},
    {"unit_deadline", N_("units' deadline")},
    {"lead_deadline", N_("lead agencies' deadline")},
    {"as_of", N_("as of")},
    {"since", N_("since")},
    /* units and their changes */
    {"code", N_("code")},
    {"name", N_("name")},
    {"district", N_("district")},
    {"effective_on", N_("effective date")},
    {"effective_from", N_("effective date")},
    {"valid_from", N_("valid from")},
    {"op", N_("change")},
    {"from", N_("units changed")},
    {"to", N_("successors")},
    {"to.code", N_("successor's code")},
    {"to.name", N_("successor's name")},
    {"to.kind", N_("successor's kind")},
    {"to.parent", N_("parent unit")},
    {"changes", N_("changes")},
    {"legal_basis", N_("legal basis")},
    {"note", N_("note")},
    {"source_name", N_("file name")},
    /* plan */
    {"implementers", N_("implementing units")},
    {"leads", N_("lead agencies")},
    {"lead", N_("lead agency")},
    {"assignment", N_("assignment")},
    {"index_code", N_("index")},
    {"doc_number", N_("document number")},
    {"issued_on", N_("date issued")},
    {"received_on", N_("date received")},
    /* accounts */
    {"username", N_("username")},
    {"full_name", N_("full name")},
    {"role", N_("role")},
    {"roles", N_("roles")},
};

const char *field_label_known(const char *field)
{
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strcmp(fields[i].field, field) == 0)
            return _(fields[i].label);
    return NULL;
}

static const char *label_of_field(const char *field)
{
    const char *label = field_label_known(field);
    return label ? label : field;
}

void field_label(const char *field, char *out, size_t size)
{
    /* "line N: name", as the server labels a row of a file */
    if (strncmp(field, "line ", 5) == 0) {
        char *end;
        long line = strtol(field + 5, &end, 10);
        if (end != field + 5 && line > 0 && end[0] == ':' && end[1] == ' ') {
            char number[24];
            snprintf(number, sizeof(number), "%ld", line);
            /* TRANSLATORS: a row of a file the server refused, then the field */
            snprintf(out, size, _("line %s: %s"), number, label_of_field(end + 2));
            return;
        }
    }
    snprintf(out, size, "%s", label_of_field(field));
}
