/* See statements.h. Names are prefixed so they never collide with anything
 * an operator prepares by hand on the same database. Column aliases are the
 * names of the protobuf fields the rows fill (pgvalue.c's pg_fill). Lists inside one cell
 * are joined with the ASCII unit separator (E'\x1f') and split by
 * pgvalue.c; sub-fields of a list element with the record separator
 * (E'\x1e'). Neither can occur in the plan's text. */
#include "statements.h"

/* Order of the indices everywhere: as the plan presents them. */
#define INDEX_ORDER(col) "array_position(ARRAY['PAR-INDEX','SIPAS','PAPI']::text[], " col ")"
#define CODE_ORDER(col) "string_to_array(" col ", '.')::int[]"
#define AS_OF "coalesce(nullif($1, '')::date, current_date)"
/* Vietnamese alphabetical order (Ô after N, Đ after D), from PostgreSQL's ICU. */
#define VI " COLLATE \"vi-x-icu\""

const statement_def cchc_statements[STMT_COUNT] = {
    [STMT_PING] = {"cchc_ping", "SELECT current_setting('server_version')"},

    [STMT_PLAN_INFO] = {"cchc_plan_info",
        "SELECT code, number_printed, issued_on::text AS issued_on, title,"
        "       coalesce(unit_plan_deadline::text, '') AS unit_plan_deadline, base_year"
        "  FROM plan ORDER BY issued_on LIMIT 1"},

    /* Points over the leaf criteria that print points: the plan lists only
     * the criteria that lost points, so this is what the plan can win back. */
    [STMT_INDEX_SUMMARY] = {"cchc_index_summary",
        "WITH base AS (SELECT base_year AS y FROM plan ORDER BY issued_on LIMIT 1)"
        "SELECT g.code, g.name, g.unit,"
        "       coalesce(t.rank_at_most, 0) AS target_rank, coalesce(t.from_year, 0) AS target_from_year,"
        "       coalesce(t.printed_text, '') AS target_text,"
        "       (SELECT count(*) FROM criterion c WHERE c.index_code = g.code) AS criteria,"
        "       (SELECT count(DISTINCT tc.task_id) FROM task_criterion tc"
        "         WHERE tc.index_code = g.code) AS tasks,"
        "       leaf.max_points::text AS max_points, leaf.score::text AS score,"
        "       (leaf.max_points - leaf.score)::text AS points_lost"
        "  FROM gov_index g"
        "  LEFT JOIN gov_index_target t ON t.index_code = g.code"
        "  LEFT JOIN LATERAL ("
        "       SELECT sum(c.max_points) AS max_points, sum(s.score) AS score"
        "         FROM criterion c"
        "         JOIN criterion_score s ON s.index_code = c.index_code AND s.criterion_code = c.code"
        "                               AND s.year = (SELECT y FROM base)"
        "        WHERE c.index_code = g.code AND c.max_points IS NOT NULL"
        "          AND NOT EXISTS (SELECT 1 FROM criterion k"
        "                           WHERE k.index_code = c.index_code AND k.parent_code = c.code)"
        "       ) leaf ON true"
        " ORDER BY " INDEX_ORDER("g.code") ", g.code"},

    [STMT_INDEX_RESULTS] = {"cchc_index_results",
        "SELECT index_code, year, coalesce(value::text, '') AS value, unit, coalesce(rank, 0) AS rank,"
        "       coalesce(out_of, 0) AS out_of, coalesce(change_vs_previous::text, '') AS change,"
        "       coalesce(rank_change, 0) AS rank_change, value_derived"
        "  FROM gov_index_result ORDER BY index_code, year DESC"},

    /* $1 index code or '' for all, $2 score year or 0 for the base year */
    [STMT_CRITERIA] = {"cchc_criteria",
        "WITH RECURSIVE yr AS ("
        "    SELECT CASE WHEN $2::int > 0 THEN $2::int"
        "                ELSE (SELECT base_year FROM plan ORDER BY issued_on LIMIT 1) END AS y),"
        "tree AS ("
        "    SELECT c.index_code, c.code, 0 AS depth FROM criterion c"
        "     WHERE c.parent_code IS NULL AND ($1 = '' OR c.index_code = upper($1))"
        "    UNION ALL"
        "    SELECT c.index_code, c.code, t.depth + 1 FROM criterion c"
        "      JOIN tree t ON c.index_code = t.index_code AND c.parent_code = t.code)"
        "SELECT c.index_code, c.code, c.printed_code, c.name, coalesce(c.parent_code, '') AS parent_code,"
        "       t.depth, coalesce(c.max_points::text, '') AS max_points,"
        "       coalesce(s.score::text, '') AS score,"
        "       coalesce((c.max_points - s.score)::text, '') AS points_lost,"
        "       coalesce(c.note, '') AS note,"
        "       (SELECT count(*) FROM task_criterion tc"
        "         WHERE tc.index_code = c.index_code AND tc.criterion_code = c.code) AS tasks,"
        "       coalesce(c.annex, '') AS annex, (SELECT y FROM yr) AS year"
        "  FROM tree t JOIN criterion c USING (index_code, code)"
        "  LEFT JOIN criterion_score s ON s.index_code = c.index_code AND s.criterion_code = c.code"
        "                            AND s.year = (SELECT y FROM yr)"
        " ORDER BY " INDEX_ORDER("c.index_code") ", " CODE_ORDER("c.code")},

    /* $1 unit, $2 lead as typed: the codes they resolve to (NULL if none) */
    [STMT_RESOLVE_UNITS] = {"cchc_resolve_units",
        "SELECT unit_resolve(nullif($1, '')), unit_resolve(nullif($2, ''))"},

    /* $1 as_of, $2 unit, $3 lead, $4 criterion code, $5 index code */
    [STMT_TASK_LIST] = {"cchc_task_list",
        "WITH p AS (SELECT " AS_OF " AS d, unit_resolve(nullif($2, '')) AS unit,"
        "                  unit_resolve(nullif($3, '')) AS lead),"
        "units AS MATERIALIZED (SELECT DISTINCT au.task_id FROM p, assignment_units_on(p.d) au"
        "                        WHERE $2 <> '' AND au.unit_code = p.unit),"
        "leads AS MATERIALIZED (SELECT l.task_id, l.unit_code FROM p, assignment_leads_on(p.d) l)"
        "SELECT t.id, t.ref, t.annex, t.text,"
        "       coalesce((SELECT string_agg(tc.index_code || ' ' || tc.criterion_code, E'\\x1f'"
        "                                   ORDER BY " INDEX_ORDER("tc.index_code") ", "
        CODE_ORDER("tc.criterion_code") ")"
        "                   FROM task_criterion tc WHERE tc.task_id = t.id), '') AS criteria,"
        "       coalesce((SELECT string_agg(DISTINCT u.name" VI ", E'\\x1f' ORDER BY u.name" VI ")"
        "                   FROM leads l JOIN org_unit u ON u.code = l.unit_code"
        "                  WHERE l.task_id = t.id), '') AS leads,"
        "       (SELECT CASE WHEN bool_or(a.cadence = 'periodic') THEN 'periodic' ELSE 'continuous' END"
        "          FROM task_assignment a WHERE a.task_id = t.id) AS cadence"
        "  FROM task t, p"
        " WHERE ($2 = '' OR t.id IN (SELECT task_id FROM units))"
        "   AND ($3 = '' OR EXISTS (SELECT 1 FROM leads l WHERE l.task_id = t.id AND l.unit_code = p.lead))"
        "   AND ($4 = '' OR EXISTS (SELECT 1 FROM task_criterion tc WHERE tc.task_id = t.id"
        "                           AND (tc.criterion_code = $4 OR tc.criterion_code LIKE $4 || '.%')"
        "                           AND ($5 = '' OR tc.index_code = upper($5))))"
        "   AND ($5 = '' OR EXISTS (SELECT 1 FROM task_criterion tc WHERE tc.task_id = t.id"
        "                           AND tc.index_code = upper($5)))"
        " ORDER BY t.id"},

    /* $1 task id */
    [STMT_TASK] = {"cchc_task",
        "SELECT t.id, t.ref, t.annex, t.text, coalesce(t.note, '') AS note,"
        "       coalesce(t.cells_printed_with_task_id, 0) AS cells_printed_with_task,"
        "       coalesce(k.criteria, '') AS criteria, coalesce(k.names, '') AS criteria_names"
        "  FROM task t"
        "  LEFT JOIN LATERAL ("
        "       SELECT string_agg(tc.index_code || ' ' || tc.criterion_code, E'\\x1f' ORDER BY "
        INDEX_ORDER("tc.index_code") ", " CODE_ORDER("tc.criterion_code") ") AS criteria,"
        "              string_agg(c.name, E'\\x1f' ORDER BY "
        INDEX_ORDER("tc.index_code") ", " CODE_ORDER("tc.criterion_code") ") AS names"
        "         FROM task_criterion tc"
        "         JOIN criterion c ON c.index_code = tc.index_code AND c.code = tc.criterion_code"
        "        WHERE tc.task_id = t.id) k ON true"
        " WHERE t.id = $1::int"},
    [STMT_TASK_ITEMS] = {"cchc_task_items",
        "SELECT label, text FROM task_item WHERE task_id = $1::int ORDER BY ord"},
    [STMT_TASK_TARGETS] = {"cchc_task_targets",
        "SELECT printed_text, kind, coalesce(min_value::text, '') AS min_value,"
        "       coalesce(max_value::text, '') AS max_value, coalesce(unit, '') AS unit,"
        "       coalesce(item_label, '') AS item_label, coalesce(relative_to, '') AS relative_to"
        "  FROM task_target WHERE task_id = $1::int ORDER BY ord"},
    [STMT_TASK_ASSIGNMENTS] = {"cchc_task_assignments",
        "SELECT a.id, a.items_basis, a.timeline_text, a.cadence,"
        "       coalesce((SELECT string_agg(ai.label, E'\\x1f' ORDER BY ti.ord)"
        "                   FROM assignment_item ai"
        "                   JOIN task_item ti ON ti.task_id = ai.task_id AND ti.label = ai.label"
        "                  WHERE ai.assignment_id = a.id), '') AS item_labels,"
        "       coalesce((SELECT string_agg(rp.period_kind, E'\\x1f' ORDER BY k.months)"
        "                   FROM assignment_report_period rp"
        "                   JOIN report_period_kind k ON k.code = rp.period_kind"
        "                  WHERE rp.assignment_id = a.id), '') AS report_periods"
        "  FROM task_assignment a WHERE a.task_id = $1::int ORDER BY a.seq"},
    /* $1 task id, $2 as_of */
    [STMT_TASK_LEADS] = {"cchc_task_leads",
        "SELECT l.assignment_id, l.printed_text, l.unit_code, u.name AS unit_name,"
        "       l.assigned_unit_code AS assigned_code"
        "  FROM assignment_leads_on(coalesce(nullif($2, '')::date, current_date)) l"
        "  JOIN org_unit u ON u.code = l.unit_code"
        " WHERE l.task_id = $1::int ORDER BY l.assignment_id, l.seq, u.name" VI},
    [STMT_TASK_IMPLEMENTERS] = {"cchc_task_implementers",
        "SELECT i.assignment_id, i.seq, i.printed_text, coalesce(i.unit_code, '') AS unit_code,"
        "       coalesce(i.class_code, '') AS class_code, coalesce(c.name, '') AS class_name"
        "  FROM assignment_implementer i"
        "  JOIN task_assignment a ON a.id = i.assignment_id"
        "  LEFT JOIN unit_class c ON c.code = i.class_code"
        " WHERE a.task_id = $1::int ORDER BY a.seq, i.seq"},
    [STMT_TASK_IMPLEMENTER_UNITS] = {"cchc_task_implementer_units",
        "SELECT au.assignment_id, au.implementer_seq, au.unit_code AS code, u.name"
        "  FROM assignment_units_on(coalesce(nullif($2, '')::date, current_date)) au"
        "  JOIN org_unit u ON u.code = au.unit_code"
        " WHERE au.task_id = $1::int"
        " ORDER BY au.assignment_id, au.implementer_seq,"
        "          array_position(ARRAY['city','department','district','commune','other']::text[], u.kind),"
        "          u.name" VI},

    [STMT_PLAN_CHECK] = {"cchc_plan_check",
        "SELECT kind, severity, array_to_string(codes, E'\\x1f') AS codes, detail"
        "  FROM plan_inconsistency"
        " ORDER BY array_position(ARRAY['error','warning','info']::text[], severity), kind, detail"},

    /* $1 index code: is there such an index, and the plan's base year */
    [STMT_INDEX_RESULT_CONTEXT] = {"cchc_index_result_context",
        "SELECT EXISTS (SELECT 1 FROM gov_index WHERE code = upper($1)) AS index_exists,"
        "       (SELECT base_year FROM plan ORDER BY issued_on LIMIT 1) AS base_year"},
    /* $1 index, $2 year, $3 value, $4 rank, $5 out of: only after the base
     * year, so the plan's printed results can never be overwritten */
    [STMT_INDEX_RESULT_SET] = {"cchc_index_result_set",
        "INSERT INTO gov_index_result (index_code, year, value, unit, rank, out_of)"
        "SELECT g.code, $2::int, $3::numeric, g.unit, nullif($4::int, 0), nullif($5::int, 0)"
        "  FROM gov_index g"
        " WHERE g.code = upper($1)"
        "   AND $2::int > (SELECT base_year FROM plan ORDER BY issued_on LIMIT 1)"
        "ON CONFLICT (index_code, year) DO UPDATE"
        "   SET value = EXCLUDED.value, rank = EXCLUDED.rank, out_of = EXCLUDED.out_of"
        " RETURNING year, value::text AS value, unit, coalesce(rank, 0) AS rank,"
        "           coalesce(out_of, 0) AS out_of, value_derived"},

    /* $1 as_of, $2 all ('t' or 'f') */
    [STMT_UNIT_LIST] = {"cchc_unit_list",
        "SELECT u.code, u.name, u.kind, coalesce(u.category, '') AS category,"
        "       coalesce(u.parent_code, '') AS parent_code,"
        "       coalesce(u.valid_from::text, '') AS valid_from,"
        "       coalesce(u.valid_until::text, '') AS valid_until,"
        "       coalesce((SELECT string_agg(a.alias, E'\\x1f' ORDER BY a.alias)"
        "                   FROM org_unit_alias a WHERE a.unit_code = u.code AND a.alias <> u.name), '')"
        "         AS aliases,"
        "       coalesce((SELECT string_agg(s.successor_code || E'\\x1e' || n.name || E'\\x1e'"
        "                                   || s.effective_on || E'\\x1e' || s.change_kind, E'\\x1f'"
        "                                   ORDER BY s.effective_on, s.successor_code)"
        "                   FROM unit_succession s JOIN org_unit n ON n.code = s.successor_code"
        "                  WHERE s.predecessor_code = u.code), '') AS successor_list,"
        "       coalesce((SELECT string_agg(s.predecessor_code || E'\\x1e' || n.name || E'\\x1e'"
        "                                   || s.effective_on || E'\\x1e' || s.change_kind, E'\\x1f'"
        "                                   ORDER BY s.effective_on, s.predecessor_code)"
        "                   FROM unit_succession s JOIN org_unit n ON n.code = s.predecessor_code"
        "                  WHERE s.successor_code = u.code), '') AS predecessor_list"
        "  FROM org_unit u"
        " WHERE $2::boolean OR unit_exists_on(u, " AS_OF ")"
        " ORDER BY array_position(ARRAY['city','department','district','other','commune']::text[], u.kind),"
        "          u.name" VI ", u.code"},
    [STMT_UNIT_IMPORT] = {"cchc_unit_import",
        "SELECT line, field, message FROM import_communes($1::jsonb)"},
    [STMT_UNIT_CHANGE] = {"cchc_unit_change",
        "SELECT field, message FROM change_units($1::jsonb)"},
};
