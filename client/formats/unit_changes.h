/* Reading a change set for `cchc units apply`: the CSV of
 * sql/units/changes_*.csv (a header naming the columns effective_date,
 * action, subject_codes, result_code, result_name, result_kind,
 * parent_after, source_id, partial_subjects, note; others ignored) or JSON
 * ({"changes": [...]} or [...] of {"op", "effective_on", "from", "to",
 * "legal_basis", "partial", "note"}). Both become the same JSON list of
 * changes, each with the line it came from. Pure, bytes in, JSON out. */
#ifndef CCHC_UNIT_CHANGES_H
#define CCHC_UNIT_CHANGES_H

#include <jansson.h>
#include <stddef.h>

/* The changes as a JSON array (caller owns), or NULL with why[] set
 * ("dòng N: …" where a line is at fault). */
json_t *unit_changes_parse(const char *data, size_t len, char *why, size_t why_size);

#endif
