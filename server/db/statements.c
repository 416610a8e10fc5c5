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
#define AS_OF "coalesce(nullif($1, '')::date, today_in_vietnam())"
/* Vietnamese alphabetical order (Ô after N, Đ after D), from PostgreSQL's ICU. */
#define VI " COLLATE \"vi-x-icu\""
/* How long a write's request key answers its retries (docs/retry.md). */
#define REQUEST_KEY_LIFETIME "7 days"

/* The session of a token hash ($1) still valid for an idle timeout of $2
 * seconds, as s; marks it seen at most every 30 s (or half the idle
 * timeout), so reads do not each write. */
#define SESSION_CHECK_WITH \
    "WITH s AS (" \
    "    SELECT s.token_hash, s.last_seen_at, a.id, a.username, a.unit_code," \
    "           array_to_string(a.roles, ',') AS roles" \
    "      FROM session s JOIN account a ON a.id = s.account_id" \
    "     WHERE s.token_hash = decode($1, 'hex') AND s.revoked_at IS NULL" \
    "       AND s.expires_at > now() AND NOT a.disabled" \
    "       AND s.last_seen_at > now() - make_interval(secs => $2::int))," \
    "touch AS (" \
    "    UPDATE session x SET last_seen_at = now() FROM s" \
    "     WHERE x.token_hash = s.token_hash" \
    "       AND x.last_seen_at < now() - make_interval(secs => least(30, $2::int / 2)))"

/* A unit's reports for period $1 (counted_reports: expected, or sent
 * before a change made the period stop expecting them) with their state and latest
 * revision (my tasks, and a successor's inherited ones): callers add the
 * WHERE that says whose. A report not begun yet shows what it carries over
 * from an earlier period of the year (carried_report, functions/050). */
#define MY_TASKS_SELECT \
    "SELECT e.task_id, t.ref, t.text," \
    "       coalesce((SELECT string_agg(tc.index_code || ' ' || tc.criterion_code, E'\\x1f'" \
    "                                   ORDER BY " INDEX_ORDER("tc.index_code") ", " \
    CODE_ORDER("tc.criterion_code") ")" \
    "                   FROM task_criterion tc WHERE tc.task_id = t.id), '') AS criteria," \
    "       coalesce(x.state, 'missing') AS report_state, coalesce(x.revision, 0) AS revision," \
    "       coalesce(x.late, false) AS late, coalesce(x.return_reason, '') AS return_reason," \
    "       coalesce(v.status, c.status, '') AS status," \
    "       coalesce(trim_scale(coalesce(v.progress, c.progress))::text, '') AS progress," \
    "       coalesce(v.results, c.results, '') AS results," \
    "       coalesce(v.difficulties, c.difficulties, '') AS difficulties," \
    "       coalesce(v.proposals, c.proposals, '') AS proposals," \
    "       coalesce(nullif(coalesce(v.indicators, c.indicators)::text, '{}'), '') AS indicators," \
    "       coalesce((SELECT string_agg(g.printed_text, E'\\x1f' ORDER BY g.ord)" \
    "                   FROM task_target g WHERE g.task_id = t.id), '') AS targets," \
    "       e.unit_code, eu.name AS unit_name," \
    "       coalesce(c.period_id, '') AS carried_from, coalesce(c.revision, 0) AS carried_revision" \
    "  FROM counted_reports($1) e" \
    "  JOIN task t ON t.id = e.task_id" \
    "  JOIN org_unit eu ON eu.code = e.unit_code" \
    "  LEFT JOIN report x ON x.period_id = $1 AND x.unit_code = e.unit_code AND x.task_id = e.task_id" \
    "  LEFT JOIN report_revision v ON v.report_id = x.id AND v.revision = x.revision" \
    "  LEFT JOIN LATERAL (SELECT * FROM carried_report($1, e.unit_code, e.task_id)" \
    "                      WHERE x.id IS NULL) c ON true"

const statement_def cchc_statements[STMT_COUNT] = {
    [STMT_PING] = {"cchc_ping", "SELECT current_setting('server_version')"},

    /* $1 account, $2 key, $3 request type, $4 request digest: the first
     * statement of a keyed write's transaction. A key recorded by an earlier
     * attempt that committed is a unique violation, which rolls this attempt
     * back before it changes anything; the account's expired keys go. */
    [STMT_REQUEST_KEY_CLAIM] = {"cchc_request_key_claim",
        "WITH expired AS ("
        "    DELETE FROM request_key WHERE account_id = $1::bigint"
        "       AND created_at < now() - interval '" REQUEST_KEY_LIFETIME "')"
        "INSERT INTO request_key (account_id, key, request_type, request_digest)"
        "VALUES ($1::bigint, $2, $3::int, $4)"},
    /* $1 account, $2 key, $3 the encoded answer in hex: the last statement
     * of the same transaction */
    [STMT_REQUEST_KEY_STORE] = {"cchc_request_key_store",
        "UPDATE request_key SET response = decode($3, 'hex')"
        " WHERE account_id = $1::bigint AND key = $2"},
    /* $1 account, $2 key */
    [STMT_REQUEST_KEY_GET] = {"cchc_request_key_get",
        "SELECT request_type, request_digest, coalesce(encode(response, 'hex'), '') AS response"
        "  FROM request_key"
        " WHERE account_id = $1::bigint AND key = $2"
        "   AND created_at >= now() - interval '" REQUEST_KEY_LIFETIME "'"},

    /* $1 accounts, $2 keys, $3 the encoded answers in hex, as arrays
     * (element i of each is one answer): cchc_request_key_store for the
     * submissions of a group transaction at once (db/db_group_merge.c) */
    [STMT_REQUEST_KEY_STORE_MANY] = {"cchc_request_key_store_many",
        "UPDATE request_key k SET response = decode(a.hex, 'hex')"
        "  FROM unnest($1::bigint[], $2::text[], $3::text[]) AS a (account_id, key, hex)"
        " WHERE k.account_id = a.account_id AND k.key = a.key"},

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

    /* $1 unit, $2 lead as typed: the codes they resolve to (NULL if none),
     * then why each typed one resolves to none (ambiguous, or the closest
     * names: unit_resolve_problem), NULL otherwise */
    [STMT_RESOLVE_UNITS] = {"cchc_resolve_units",
        "SELECT r.unit, r.lead,"
        "       CASE WHEN $1 <> '' AND r.unit IS NULL THEN unit_resolve_problem($1) END,"
        "       CASE WHEN $2 <> '' AND r.lead IS NULL"
        "            THEN unit_resolve_problem($2, 'lead') END"
        "  FROM (SELECT unit_resolve(nullif($1, '')) AS unit, unit_resolve(nullif($2, '')) AS lead) r"},

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
        "  FROM assignment_leads_on(coalesce(nullif($2, '')::date, today_in_vietnam())) l"
        "  JOIN org_unit u ON u.code = l.unit_code"
        " WHERE l.task_id = $1::int ORDER BY l.assignment_id, l.seq, u.name" VI},
    /* $1 task, $2 date or '' (today): the implementers in force on the
     * date (printed, or as amended: assignment_implementers_on, 030) */
    [STMT_TASK_IMPLEMENTERS] = {"cchc_task_implementers",
        "SELECT i.assignment_id, i.seq, i.printed_text, coalesce(i.unit_code, '') AS unit_code,"
        "       coalesce(i.class_code, '') AS class_code, coalesce(c.name, '') AS class_name"
        "  FROM assignment_implementers_on(coalesce(nullif($2, '')::date, today_in_vietnam())) i"
        "  JOIN task_assignment a ON a.id = i.assignment_id"
        "  LEFT JOIN unit_class c ON c.code = i.class_code"
        " WHERE a.task_id = $1::int ORDER BY a.seq, i.seq"},
    /* $1 task, $2 date or '' (today): the task's dated amendments, oldest
     * first; in_force marks the one in force on the date */
    [STMT_TASK_AMENDMENTS] = {"cchc_task_amendments",
        "WITH d AS (SELECT coalesce(nullif($2, '')::date, today_in_vietnam()) AS d)"
        "SELECT m.assignment_id, m.effective_from::text AS effective_from,"
        "       array_to_string(ARRAY(SELECT coalesce(i.unit_code, i.class_code)"
        "                               FROM assignment_amendment_implementer i"
        "                              WHERE i.amendment_id = m.id ORDER BY i.seq), E'\\x1f') AS implementers,"
        "       array_to_string(ARRAY(SELECT l.unit_code FROM assignment_amendment_lead l"
        "                              WHERE l.amendment_id = m.id ORDER BY l.seq), E'\\x1f') AS leads,"
        "       m.legal_basis, m.username AS recorded_by, iso_utc(m.recorded_at) AS recorded_at,"
        "       m.effective_from = (SELECT max(o.effective_from) FROM assignment_amendment o, d"
        "                            WHERE o.assignment_id = m.assignment_id AND o.effective_from <= d.d)"
        "         AS in_force"
        "  FROM assignment_amendment m JOIN task_assignment a ON a.id = m.assignment_id"
        " WHERE a.task_id = $1::int ORDER BY a.seq, m.effective_from"},
    [STMT_TASK_IMPLEMENTER_UNITS] = {"cchc_task_implementer_units",
        "SELECT au.assignment_id, au.implementer_seq, au.unit_code AS code, u.name"
        "  FROM assignment_units_on(coalesce(nullif($2, '')::date, today_in_vietnam())) au"
        "  JOIN org_unit u ON u.code = au.unit_code"
        " WHERE au.task_id = $1::int"
        " ORDER BY au.assignment_id, au.implementer_seq,"
        "          array_position(ARRAY['city','department','district','commune','other']::text[], u.kind),"
        "          u.name" VI},

    /* $1 the amendment and actor as JSON (plan_assign, functions/090) */
    [STMT_PLAN_ASSIGN] = {"cchc_plan_assign",
        "SELECT field, message, result::text AS result FROM plan_assign($1::jsonb)"},
    [STMT_PLAN_CHECK] = {"cchc_plan_check",
        "SELECT kind, severity, array_to_string(codes, E'\\x1f') AS codes,"
        "       cchc_msg_english(detail) AS detail, cchc_msg_id(detail) AS message_id,"
        "       cchc_msg_args(detail) AS args"
        "  FROM plan_inconsistency"
        " ORDER BY array_position(ARRAY['error','warning','info']::text[], severity), kind,"
        "          cchc_msg_english(detail)"},

    /* $1 index code: is there such an index, and the plan's base year */
    [STMT_INDEX_RESULT_CONTEXT] = {"cchc_index_result_context",
        "SELECT EXISTS (SELECT 1 FROM gov_index WHERE code = upper($1)) AS index_exists,"
        "       (SELECT base_year FROM plan ORDER BY issued_on LIMIT 1) AS base_year"},
    /* $1 index, $2 year, $3 value, $4 rank, $5 out of, $6 actor id, $7 actor
     * name, $8 address: only after the base year, so the plan's printed
     * results can never be overwritten */
    [STMT_INDEX_RESULT_SET] = {"cchc_index_result_set",
        "WITH w AS ("
        "INSERT INTO gov_index_result (index_code, year, value, unit, rank, out_of)"
        "SELECT g.code, $2::int, $3::numeric, g.unit, nullif($4::int, 0), nullif($5::int, 0)"
        "  FROM gov_index g"
        " WHERE g.code = upper($1)"
        "   AND $2::int > (SELECT base_year FROM plan ORDER BY issued_on LIMIT 1)"
        "ON CONFLICT (index_code, year) DO UPDATE"
        "   SET value = EXCLUDED.value, rank = EXCLUDED.rank, out_of = EXCLUDED.out_of"
        " RETURNING index_code, year, value::text AS value, unit, coalesce(rank, 0) AS rank,"
        "           coalesce(out_of, 0) AS out_of, value_derived),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
        "      SELECT $6::bigint, $7, $8, 'plan.index_result', w.index_code || ' ' || w.year,"
        "             jsonb_build_object('value', w.value, 'rank', w.rank, 'out_of', w.out_of) FROM w)"
        "SELECT year, value, unit, rank, out_of, value_derived FROM w"},

    /* $1 as_of, $2 all ('t' or 'f') */
    [STMT_UNIT_LIST] = {"cchc_unit_list",
        "SELECT u.code, u.name, u.kind, coalesce(u.category, '') AS category,"
        /* the parent on as_of (units move: communes under the city from
         * 2025-07-01); with --all, the parent the unit was created with */
        "       coalesce(CASE WHEN $2::boolean THEN u.parent_code"
        "                     ELSE unit_parent_on(u.code, " AS_OF ") END, '') AS parent_code,"
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
    /* $1 the rows and the actor as JSON; audited inside the function */
    [STMT_UNIT_IMPORT] = {"cchc_unit_import",
        "SELECT line, field, message FROM import_communes_audited($1::jsonb)"},
    /* the one-change commands are change sets of one, strict: see
     * sql/functions/085_unit_change_sets.sql */
    [STMT_UNIT_CHANGE] = {"cchc_unit_change",
        "SELECT line, field, message, result::text AS result FROM apply_unit_changes($1::jsonb)"},
    [STMT_UNIT_CHANGE_SET] = {"cchc_unit_change_set",
        "SELECT line, field, message, result::text AS result FROM apply_unit_changes($1::jsonb)"},
    /* $1 a unit's code, name or alias: its life, oldest first */
    [STMT_UNIT_HISTORY] = {"cchc_unit_history",
        "SELECT on_date, event, other_code, other_name, legal_basis, note, part"
        "  FROM unit_history(coalesce(unit_resolve($1), $1))"},
    /* $1 what was typed for a unit that resolved to none: why, in words */
    [STMT_UNIT_PROBLEM] = {"cchc_unit_problem", "SELECT unit_resolve_problem($1)"},
    /* $1 a unit's code, name or alias: the unit, with its original parent */
    [STMT_UNIT_GET] = {"cchc_unit_get",
        "SELECT u.code, u.name, u.kind, coalesce(u.category, '') AS category,"
        "       coalesce(u.parent_code, '') AS parent_code,"
        "       coalesce(u.valid_from::text, '') AS valid_from,"
        "       coalesce(u.valid_until::text, '') AS valid_until"
        "  FROM org_unit u WHERE u.code = (SELECT coalesce(unit_resolve($1), $1))"},

    /* $1 token hash (hex), $2 idle timeout in seconds (SESSION_CHECK_WITH) */
    [STMT_SESSION_CHECK] = {"cchc_session_check",
        SESSION_CHECK_WITH
        "SELECT id, username, unit_code, roles FROM s"},
    /* $1 token hash, $2 idle timeout, as cchc_session_check; $3 the
     * request key of a write: the session's columns, then the key's record
     * as cchc_request_key_get gives it (key_found false when there is none),
     * so a keyed write needs one round trip before its transaction, not two
     * (rpc/dispatch.c; issue 15) */
    [STMT_SESSION_CHECK_KEYED] = {"cchc_session_check_keyed",
        SESSION_CHECK_WITH
        "SELECT s.id, s.username, s.unit_code, s.roles,"
        "       k.request_type, k.request_digest,"
        "       coalesce(encode(k.response, 'hex'), '') AS response,"
        "       k.request_type IS NOT NULL AS key_found"
        "  FROM s LEFT JOIN LATERAL ("
        "    SELECT request_type, request_digest, response FROM request_key"
        "     WHERE account_id = s.id AND key = $3"
        "       AND created_at >= now() - interval '" REQUEST_KEY_LIFETIME "') k ON true"},
    /* $1 username typed, $2 address: the throttle decided before anything
     * is written. Blocked: attempt_id NULL, nothing written, until when in
     * user_blocked_until / address_blocked_until. Else the attempt is
     * recorded as failed, so concurrent attempts count against each other,
     * and a success turns it into one (STMT_ATTEMPT_SUCCEEDED). The rule
     * and the locking that makes it race-free are
     * sql/functions/040_accounts.sql's. */
    [STMT_LOGIN_ATTEMPT_BEGIN] = {"cchc_login_attempt_begin",
        "SELECT attempt_id, user_blocked_until, address_blocked_until"
        "  FROM login_attempt_begin($1, $2)"},
    [STMT_ATTEMPT_SUCCEEDED] = {"cchc_attempt_succeeded",
        "UPDATE login_attempt SET succeeded = true WHERE id = $1::bigint"},
    [STMT_LOGIN_ACCOUNT] = {"cchc_login_account",
        "SELECT a.id, a.password_hash, i.*"
        "  FROM account a JOIN account_info i ON i.id = a.id WHERE a.username = $1"},
    /* $1 token hash, $2 account id, $3 lifetime in seconds, $4 address,
     * $5 username, $6 the password hash that was verified: no session when
     * the password changed or the account was disabled meanwhile */
    /* $1 account id, $2 new hash, $3 the hash it replaces: a hash made
     * from a password's NFD or combining form, made again from its NFC
     * form at a login that verified it (nothing when it changed meanwhile) */
    [STMT_PASSWORD_REHASH] = {"cchc_password_rehash",
        "UPDATE account SET password_hash = $2 WHERE id = $1::bigint AND password_hash = $3"},
    [STMT_SESSION_CREATE] = {"cchc_session_create",
        "WITH s AS ("
        "    INSERT INTO session (token_hash, account_id, expires_at, client_address)"
        "    SELECT decode($1, 'hex'), a.id, now() + make_interval(secs => $3::int), $4"
        "      FROM account a WHERE a.id = $2::bigint AND a.password_hash = $6 AND NOT a.disabled"
        "    RETURNING expires_at),"
        "a AS (INSERT INTO audit_log (account_id, username, address, action)"
        "      SELECT $2::bigint, $5, $4, 'session.login' FROM s)"
        "SELECT iso_utc(expires_at) AS expires_at FROM s"},
    /* $1 token hash, $2 account id, $3 username, $4 address */
    [STMT_SESSION_REVOKE] = {"cchc_session_revoke",
        "WITH s AS (UPDATE session SET revoked_at = now()"
        "            WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL RETURNING 1)"
        "INSERT INTO audit_log (account_id, username, address, action)"
        "SELECT $2::bigint, $3, $4, 'session.logout' FROM s"},
    /* $1 token hash */
    [STMT_WHOAMI] = {"cchc_whoami",
        "SELECT i.*, iso_utc(s.expires_at) AS session_expires_at"
        "  FROM session s JOIN account_info i ON i.id = s.account_id"
        " WHERE s.token_hash = decode($1, 'hex')"},
    /* $1 account id */
    [STMT_ACCOUNT_HASH] = {"cchc_account_hash",
        "SELECT password_hash FROM account WHERE id = $1::bigint"},
    /* $1 account id, $2 new hash, $3 username, $4 address, $5 the hash the
     * current password was verified against, $6 this session's token hash:
     * every session of the account ends, this one included; nothing
     * happens if the password, the account or the session changed meanwhile */
    [STMT_PASSWORD_CHANGE] = {"cchc_password_change",
        "WITH a AS (UPDATE account SET password_hash = $2, password_changed_at = now()"
        "            WHERE id = $1::bigint AND password_hash = $5 AND NOT disabled"
        "              AND EXISTS (SELECT 1 FROM session WHERE token_hash = decode($6, 'hex')"
        "                            AND account_id = $1::bigint AND revoked_at IS NULL)"
        "            RETURNING id),"
        "s AS (UPDATE session SET revoked_at = now()"
        "       WHERE account_id IN (SELECT id FROM a) AND revoked_at IS NULL RETURNING 1),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, detail)"
        "      SELECT id, $3, $4, 'account.password_change',"
        "             jsonb_build_object('sessions_revoked', (SELECT count(*) FROM s)) FROM a)"
        "SELECT count(*) AS updated FROM a"},

    /* $1 username, $2 unit as typed: does the account exist, the unit's code */
    [STMT_USER_CONTEXT] = {"cchc_user_context",
        "SELECT c.account_exists, c.unit_code,"
        "       CASE WHEN c.unit_code IS NULL THEN unit_resolve_problem($2) END AS unit_problem"
        "  FROM (SELECT EXISTS (SELECT 1 FROM account WHERE username = $1) AS account_exists,"
        "               unit_resolve(nullif($2, '')) AS unit_code) c"},
    /* $1 username, $2 full name, $3 unit, $4 roles (comma separated), $5 hash,
     * $6 actor id, $7 actor name, $8 address */
    [STMT_USER_ADD] = {"cchc_user_add",
        "WITH a AS ("
        "    INSERT INTO account (username, full_name, unit_code, roles, password_hash, created_by)"
        "    SELECT $1, $2, unit_resolve($3), string_to_array($4, ','), $5, $6::bigint"
        "     WHERE unit_resolve($3) IS NOT NULL"
        "       AND NOT EXISTS (SELECT 1 FROM account WHERE username = $1)"
        "    RETURNING id, username, unit_code, roles),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
        "      SELECT $6::bigint, $7, $8, 'account.add', a.username,"
        "             jsonb_build_object('unit', a.unit_code, 'roles', a.roles) FROM a)"
        "SELECT username FROM a"},
    /* $1 unit (code, name or alias) or '', $2 role or '' */
    [STMT_USER_LIST] = {"cchc_user_list",
        "SELECT * FROM account_info"
        " WHERE ($1 = '' OR unit_code = (SELECT unit_resolve($1)))"
        "   AND ($2 = '' OR $2 = ANY (string_to_array(roles, E'\\x1f')))"
        " ORDER BY unit_code, username"},
    [STMT_USER_SHOW] = {"cchc_user_show",
        "SELECT * FROM account_info WHERE username = $1"},
    /* $1 username, $2 enabled, $3 actor id, $4 actor name, $5 address.
     * Disabling ends every session of the account. These account changes
     * answer a count: the handler reads the account back with a second
     * statement, which (unlike this one's own snapshot) sees the change. */
    [STMT_USER_SET_ENABLED] = {"cchc_user_set_enabled",
        "WITH a AS (UPDATE account SET disabled = NOT $2::boolean"
        "            WHERE username = $1 AND disabled = $2::boolean RETURNING id),"
        "s AS (UPDATE session SET revoked_at = now()"
        "       WHERE NOT $2::boolean AND account_id IN (SELECT id FROM a) AND revoked_at IS NULL"
        "       RETURNING 1),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
        "      SELECT $3::bigint, $4, $5,"
        "             CASE WHEN $2::boolean THEN 'account.enable' ELSE 'account.disable' END, $1,"
        "             jsonb_build_object('sessions_revoked', (SELECT count(*) FROM s)) FROM a)"
        "SELECT count(*) AS updated FROM a"},
    /* $1 username, $2 new hash, $3 actor id, $4 actor name, $5 address */
    [STMT_USER_RESET_PASSWORD] = {"cchc_user_reset_password",
        "WITH a AS (UPDATE account SET password_hash = $2, password_changed_at = now(),"
        "                   failures_cleared_at = now()" /* a reset also lifts a lockout */
        "            WHERE username = $1 RETURNING id),"
        "s AS (UPDATE session SET revoked_at = now()"
        "       WHERE account_id IN (SELECT id FROM a) AND revoked_at IS NULL RETURNING 1),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
        "      SELECT $3::bigint, $4, $5, 'account.reset_password', $1,"
        "             jsonb_build_object('sessions_revoked', (SELECT count(*) FROM s)) FROM a)"
        "SELECT count(*) AS updated FROM a"},
    /* $1 username, $2 actor id, $3 actor name, $4 address: failed logins so
     * far no longer count; the audit row says what was lifted (the CTEs
     * see the failures from before the change) */
    [STMT_USER_UNLOCK] = {"cchc_user_unlock",
        "WITH a AS (UPDATE account SET failures_cleared_at = now()"
        "            WHERE username = $1 RETURNING id),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
        "      SELECT $2::bigint, $3, $4, 'account.unlock', $1,"
        "             jsonb_build_object("
        "                 'failed_logins', (SELECT count(*) FROM login_failures_of_user($1)),"
        "                 'blocked_until', iso_utc(login_user_blocked_until($1))) FROM a)"
        "SELECT count(*) AS updated FROM a"},
    /* $1 username, $2 unit as typed, $3 actor id, $4 actor name, $5 address:
     * moves the account to a unit that exists today (the unit's code, NULL
     * when none does; the account is read back separately). Audited with
     * the unit it leaves. Moving to the unit it is on changes nothing. */
    [STMT_USER_MOVE] = {"cchc_user_move",
        "WITH u AS (SELECT u.code FROM org_unit u"
        "            WHERE u.code = (SELECT unit_resolve($2)) AND unit_exists_on(u, today_in_vietnam())),"
        "old AS (SELECT unit_code FROM account WHERE username = $1),"
        "a AS (UPDATE account SET unit_code = (SELECT code FROM u)"
        "       WHERE username = $1 AND EXISTS (SELECT 1 FROM u)"
        "         AND unit_code <> (SELECT code FROM u) RETURNING id),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
        "      SELECT $3::bigint, $4, $5, 'account.move', $1,"
        "             jsonb_build_object('from', (SELECT unit_code FROM old),"
        "                                'to', (SELECT code FROM u)) FROM a)"
        "SELECT (SELECT code FROM u) AS unit_code, (SELECT count(*) FROM a) AS updated"},
    /* $1 username, $2 roles (comma separated), $3 actor id, $4 actor name, $5 address */
    [STMT_USER_SET_ROLES] = {"cchc_user_set_roles",
        "WITH old AS (SELECT roles FROM account WHERE username = $1),"
        "a AS (UPDATE account SET roles = string_to_array($2, ',')"
        "       WHERE username = $1 AND roles IS DISTINCT FROM string_to_array($2, ',') RETURNING id),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
        "      SELECT $3::bigint, $4, $5, 'account.roles', $1,"
        "             jsonb_build_object('from', (SELECT roles FROM old), 'to', string_to_array($2, ','))"
        "        FROM a)"
        "SELECT count(*) AS updated FROM a"},
    /* $1 username or '', $2 action or prefix ending in '.', $3 since, $4 until, $5 limit */
    [STMT_AUDIT_LIST] = {"cchc_audit_list",
        "SELECT id, iso_utc(at) AS at, username, address, action, target, detail::text AS detail"
        "  FROM audit_log"
        " WHERE ($1 = '' OR username = $1)"
        "   AND ($2 = '' OR action = $2 OR (right($2, 1) = '.' AND starts_with(action, $2)))"
        "   AND ($3 = '' OR at >= $3::date)"
        "   AND ($4 = '' OR at < $4::date + 1)"
        " ORDER BY id DESC LIMIT $5::int"},

    /* $1 the rows, unit and actor as JSON (submit_reports, functions/050) */
    [STMT_REPORT_SUBMIT] = {"cchc_report_submit",
        "SELECT line, field, message, task_id, report_id, revision, state, late, replayed"
        "  FROM submit_reports($1::jsonb)"},
    /* $1 account, $2 request key, $3 request type, $4 request digest (as
     * cchc_request_key_claim), $5 the document of cchc_report_submit: the
     * same rows, or one row with key_taken when the key is recorded
     * (submit_reports_keyed, functions/050; a grouped write, rpc/request_group.c) */
    [STMT_REPORT_SUBMIT_KEYED] = {"cchc_report_submit_keyed",
        "SELECT line, field, message, task_id, report_id, revision, state, late, replayed,"
        "       key_taken"
        "  FROM submit_reports_keyed($1::bigint, $2, $3::int, $4,"
        "                            interval '" REQUEST_KEY_LIFETIME "', $5::jsonb)"},
    /* $1 accounts, $2 request keys (NULL: the submission has none),
     * $3 request types, $4 request digests, $5 documents, as arrays whose
     * element i is submission i: the rows of cchc_report_submit_keyed of
     * every submission, each tagged with its item (submit_reports_many,
     * functions/050; the group transaction's submissions in one statement,
     * db/db_group_merge.c) */
    [STMT_REPORT_SUBMIT_MANY] = {"cchc_report_submit_many",
        "SELECT item, line, field, message, task_id, report_id, revision, state, late,"
        "       replayed, key_taken"
        "  FROM submit_reports_many($1::bigint[], $2::text[], $3::int[], $4::text[],"
        "                           interval '" REQUEST_KEY_LIFETIME "', $5::jsonb[])"},
    /* $1 period id */
    [STMT_PERIOD_GET] = {"cchc_period_get",
        "SELECT * FROM period_info WHERE id = $1"},
    /* $1 period id, $2 unit as typed ('' = the caller's), $3 the caller's
     * unit, $4 the caller's username: the unit's name and its own deadline,
     * and when the caller's own unit has closed, what the account is told
     * (functions/040); no row when the caller may not write that unit's
     * reports (tasks_unit, functions/050) */
    [STMT_UNIT_PERIOD] = {"cchc_unit_period",
        "SELECT u.name AS unit_name, u.code AS unit_code, unit_deadline(p, u.code)::text AS deadline,"
        "       coalesce(cchc_msg_english(n.notice), '') AS unit_notice,"
        "       coalesce(cchc_msg_id(n.notice), '') AS unit_notice_id,"
        "       coalesce(cchc_msg_args(n.notice), '') AS unit_notice_args"
        "  FROM report_period p, org_unit u"
        " CROSS JOIN LATERAL (SELECT CASE WHEN $2 = '' THEN account_unit_notice($4, u.code) END AS notice) n"
        " WHERE p.id = $1 AND u.code = (SELECT tasks_unit($2, $3))"},
    /* $1 period id, $2 unit as typed ('' = the caller's), $3 the caller's
     * unit: that unit's expected reports with their state */
    [STMT_MY_TASKS] = {"cchc_my_tasks",
        MY_TASKS_SELECT
        /* a subquery, so it is computed once: as a bare call it ran for
         * every counted report of the city (seconds with --unit) */
        " WHERE e.unit_code = (SELECT tasks_unit($2, $3))"
        " ORDER BY e.task_id"},
    /* $1 period id, $2 the caller's unit: the open reports (missing, draft,
     * returned) of the closed units whose duties it carries today */
    [STMT_MY_TASKS_INHERITED] = {"cchc_my_tasks_inherited",
        MY_TASKS_SELECT
        " WHERE e.unit_code IN (SELECT p.unit_code FROM reporting_predecessors($2) p)"
        "   AND coalesce(x.state, 'missing') IN ('missing', 'draft', 'returned')"
        " ORDER BY e.unit_code, e.task_id"},
    /* $1 period, $2 state or '', $3 task or 0, $4 unit filter or '',
     * $5 the caller's unit, $6 sees everything (admin, viewer). Drafts
     * stay private to their unit. */
    [STMT_REPORT_LIST] = {"cchc_report_list",
        "WITH lead_tasks AS ("
        "    SELECT DISTINCT l.task_id FROM report_period p"
        "     CROSS JOIN LATERAL assignment_leads_on(p.data_until) l"
        "     WHERE p.id = $1 AND l.unit_code = $5),"
        "r AS ("
        "    SELECT i.*,"
        "           CASE WHEN i.unit_code = $5 THEN ''"
        "                WHEN i.task_id IN (SELECT task_id FROM lead_tasks) THEN 'lead'"
        "                WHEN district_reviews($5, i.period_id, i.unit_code) THEN 'district'"
        "                ELSE '' END AS review_level"
        "      FROM report_info i"
        "     WHERE i.period_id = $1 AND i.state <> 'draft'"
        "       AND ($2 = '' OR i.state = $2) AND ($3::int = 0 OR i.task_id = $3::int)"
        "       AND ($4 = '' OR i.unit_code = (SELECT unit_resolve($4))))"
        "SELECT * FROM r WHERE $6::boolean OR review_level <> ''"
        " ORDER BY task_id, unit_code"},
    /* $1 the ids, action, reason and actor as JSON (review_reports, functions/050) */
    [STMT_REVIEW] = {"cchc_review",
        "SELECT report_id, field, message, state, level FROM review_reports($1::jsonb)"},
    /* $1 the same JSON: the reviewed reports as they now are */
    [STMT_REVIEWED] = {"cchc_reviewed",
        "SELECT i.*, '' AS review_level FROM report_info i"
        " WHERE i.report_id IN (SELECT j::bigint FROM jsonb_array_elements_text($1::jsonb -> 'ids') j)"
        " ORDER BY i.report_id"},
    /* $1 period, $2 task, $3 unit as typed ('' = the caller's), $4 the
     * caller's unit, $5 sees everything:
     * the report, if the caller may see it (its own unit's, or one it may
     * review) */
    [STMT_REPORT_GET] = {"cchc_report_get",
        "SELECT i.*, coalesce(review_level($4, i.period_id, i.task_id, i.unit_code), '') AS review_level"
        "  FROM report_info i"
        " WHERE i.period_id = $1 AND i.task_id = $2::int"
        "   AND i.unit_code = (SELECT coalesce(unit_resolve(nullif($3, '')), $4))"
        "   AND ($5::boolean OR may_report_for($4, i.unit_code)"
        "        OR (i.state <> 'draft' AND review_level($4, i.period_id, i.task_id, i.unit_code) IS NOT NULL))"},
    [STMT_REPORT_REVISIONS] = {"cchc_report_revisions",
        "SELECT v.revision, v.saved_as, v.status, trim_scale(v.progress)::text AS progress, v.results,"
        "       v.difficulties, v.proposals, coalesce(nullif(v.indicators::text, '{}'), '') AS indicators,"
        "       v.late, array_to_string(v.changed, E'\\x1f') AS changed, v.username,"
        "       iso_utc(v.saved_at) AS saved_at"
        "  FROM report x JOIN report_revision v ON v.report_id = x.id"
        " WHERE x.period_id = $1 AND x.task_id = $2::int"
        "   AND x.unit_code = (SELECT coalesce(unit_resolve(nullif($3, '')), $4))"
        "   AND (v.saved_as = 'submitted' OR may_report_for($4, x.unit_code))" /* drafts: the unit's own */
        " ORDER BY v.revision DESC"},
    [STMT_REPORT_REVIEWS] = {"cchc_report_reviews",
        "SELECT r.revision, r.action, r.level, r.reason, r.username, iso_utc(r.at) AS at"
        "  FROM report x JOIN report_review r ON r.report_id = x.id"
        " WHERE x.period_id = $1 AND x.task_id = $2::int"
        "   AND x.unit_code = (SELECT coalesce(unit_resolve(nullif($3, '')), $4))"
        " ORDER BY r.id DESC"},
    /* $1 year or 0 */
    [STMT_PERIOD_LIST] = {"cchc_period_list",
        "SELECT * FROM period_info WHERE $1::int = 0 OR year = $1::int ORDER BY data_until, id"},
    /* $1 action, period, dates and actor as JSON (period_action, functions/050) */
    [STMT_PERIOD_ACTION] = {"cchc_period_action",
        "SELECT field, message FROM period_action($1::jsonb)"},
    /* $1 the same JSON: the period as it now is */
    [STMT_PERIOD_OF_DOC] = {"cchc_period_of_doc",
        "SELECT * FROM period_info WHERE id = $1::jsonb ->> 'period'"},
    /* $1 missing only, $2 unit or '': the units owing the plan's own
     * implementation plan, in Vietnamese order */
    [STMT_UNIT_PLAN_LIST] = {"cchc_unit_plan_list",
        "SELECT * FROM unit_plan_status"
        " WHERE plan_code = (SELECT code FROM plan ORDER BY issued_on LIMIT 1)"
        "   AND (NOT $1::boolean OR NOT delivered)"
        "   AND ($2 = '' OR unit_code = (SELECT unit_resolve($2)))"
        " ORDER BY unit_name" VI},
    /* $1 unit, $2 number, $3 issued, $4 received or '', $5 actor id,
     * $6 actor name, $7 address: only for a unit that owes one */
    [STMT_UNIT_PLAN_RECORD] = {"cchc_unit_plan_record",
        "WITH pl AS (SELECT code FROM plan ORDER BY issued_on LIMIT 1),"
        "u AS (SELECT s.unit_code FROM unit_plan_status s, pl"
        "       WHERE s.plan_code = pl.code AND s.unit_code = (SELECT unit_resolve($1))),"
        "w AS (INSERT INTO unit_plan_deliverable"
        "          (plan_code, unit_code, doc_number, issued_on, received_on, recorded_by)"
        "      SELECT pl.code, u.unit_code, $2, $3::date, nullif($4, '')::date, $5::bigint FROM pl, u"
        "      ON CONFLICT (plan_code, unit_code) DO UPDATE"
        "         SET doc_number = EXCLUDED.doc_number, issued_on = EXCLUDED.issued_on,"
        "             received_on = EXCLUDED.received_on, recorded_by = EXCLUDED.recorded_by,"
        "             recorded_at = now()"
        "      RETURNING unit_code),"
        "l AS (INSERT INTO audit_log (account_id, username, address, action, target, detail)"
        "      SELECT $5::bigint, $6, $7, 'unit_plan.record', w.unit_code,"
        "             jsonb_build_object('number', $2, 'issued_on', $3, 'received_on', nullif($4, ''))"
        "        FROM w)"
        "SELECT unit_code FROM w"},
    [STMT_UNIT_PLAN_COUNTS] = {"cchc_unit_plan_counts",
        "SELECT count(*)::int AS owed, count(*) FILTER (WHERE delivered)::int AS delivered"
        "  FROM unit_plan_status WHERE plan_code = (SELECT code FROM plan ORDER BY issued_on LIMIT 1)"},

    /* Citywide status (functions/070). Every statement takes the caller's unit and
     * whether it sees everything; a lead agency sees the tasks it leads. */
    /* $1 period, $2 dimension, $3 caller's unit, $4 sees all, $5 only this key or '' */
    [STMT_STATUS_GROUPS] = {"cchc_status_groups",
        "SELECT key, name, expected, received, on_time, late, missing, not_started, in_progress,"
        "       completed, behind, coalesce(mean_progress::text, '') AS mean_progress,"
        "       coalesce(effective_progress::text, '') AS effective_progress"
        "  FROM status_groups($1, $2, $3, $4::boolean)"
        " WHERE $5 = '' OR key = $5"
        " ORDER BY CASE WHEN $2 IN ('unit', 'district', 'lead') THEN name END" VI ", key"},
    /* $1 period, $2 the groupings as a text array ('{lead}', '{}': none), $3
     * caller's unit, $4 sees all: every figure of the period's status from
     * its facts computed once (status_figures), one row per figure, by
     * section: the period (with period_info's columns), the total, the
     * groups of each grouping, the criteria at risk, each in the order
     * `cchc status` prints it (handlers/status_figures.c splits them) */
    [STMT_STATUS_FIGURES] = {"cchc_status_figures",
        "SELECT s.section, s.key, s.name, s.expected, s.received, s.on_time, s.late, s.missing,"
        "       s.not_started, s.in_progress, s.completed, s.behind,"
        "       coalesce(s.mean_progress::text, '') AS mean_progress,"
        "       coalesce(s.effective_progress::text, '') AS effective_progress,"
        "       s.index_code, s.code, s.max_points::text AS max_points, s.score::text AS score,"
        "       s.points_lost::text AS points_lost, s.tasks, s.risk::text AS risk,"
        "       p.id, p.year, p.kind, p.data_from::text AS data_from, p.data_until::text AS data_until,"
        "       p.unit_deadline::text AS unit_deadline, p.lead_deadline::text AS lead_deadline, p.state"
        "  FROM status_figures($1, $2::text[], $3, $4::boolean) s"
        "  LEFT JOIN report_period p ON s.section = 'period' AND p.id = $1"
        " ORDER BY CASE s.section WHEN 'period' THEN 0 WHEN 'total' THEN 1 WHEN 'risk' THEN 3 ELSE 2 END,"
        "          s.section,"
        "          CASE WHEN s.section IN ('unit', 'district', 'lead') THEN s.name END" VI ", s.key,"
        "          s.risk DESC, s.points_lost DESC, s.index_code, " CODE_ORDER("s.code")},
    /* $1 year or 0, $2 caller's unit, $3 sees all: periods that have opened;
     * an approved period's point is the one stored at its approval
     * (trend_point, period_figures) */
    [STMT_TREND] = {"cchc_trend",
        "SELECT p.id AS period_id, t.expected, t.received, t.on_time,"
        "       t.effective_progress::text AS effective_progress,"
        "       t.points_at_risk::text AS points_at_risk"
        "  FROM report_period p CROSS JOIN LATERAL trend_point(p.id, $2, $3::boolean) t"
        " WHERE p.state <> 'planned' AND ($1::int = 0 OR p.year = $1::int)"
        " ORDER BY p.year, p.data_until, p.id"},
    /* $1 period, $2 district or '', $3 lead or '', $4 caller's unit, $5 sees all.
     * successors: who owes a closed unit's report today (none once the
     * period is approved: nothing is owed in it any more) */
    [STMT_MISSING] = {"cchc_missing",
        "SELECT f.unit_code, f.unit_name, f.task_id, t.ref, f.state,"
        "       coalesce((SELECT string_agg(lu.name, E'\\x1f' ORDER BY lu.name" VI ")"
        "                   FROM period_leads($1) l JOIN org_unit lu ON lu.code = l.unit_code"
        "                  WHERE l.task_id = f.task_id), '') AS leads,"
        "       coalesce((SELECT string_agg(su.name || ' (' || su.code || ')', E'\\x1f' ORDER BY su.code)"
        "                   FROM org_unit fu CROSS JOIN LATERAL unit_on(fu.code, today_in_vietnam()) s (code)"
        "                   JOIN org_unit su ON su.code = s.code"
        "                  WHERE fu.code = f.unit_code"
        "                    AND NOT unit_exists_on(fu, today_in_vietnam())"
        "                    AND period_current_approval($1) IS NULL), '') AS successors"
        "  FROM scoped_facts($1, $4, $5::boolean) f JOIN task t ON t.id = f.task_id"
        " WHERE NOT f.received"
        "   AND ($2 = '' OR f.district_code = (SELECT coalesce(unit_resolve($2),"
        "                       (SELECT fp.code FROM former_province fp"
        "                         WHERE upper(fp.code) = upper($2) OR lower(fp.name) = lower($2)))))"
        "   AND ($3 = '' OR f.task_id IN (SELECT l.task_id FROM period_leads($1) l"
        "                                  WHERE l.unit_code = (SELECT unit_resolve($3))))"
        " ORDER BY f.unit_name" VI ", f.unit_code, f.task_id"},
    /* $1 period, $2 task, $3 caller's unit, $4 sees all: every unit's report on the task */
    [STMT_STATUS_TASK_UNITS] = {"cchc_status_task_units",
        "SELECT f.unit_code, f.unit_name, f.state, f.late, coalesce(f.status, '') AS status,"
        "       coalesce(trim_scale(f.progress)::text, '') AS progress,"
        "       coalesce(v.results, '') AS results, coalesce(v.difficulties, '') AS difficulties,"
        "       coalesce(v.proposals, '') AS proposals,"
        "       coalesce(nullif(v.indicators::text, '{}'), '') AS indicators"
        "  FROM scoped_facts($1, $3, $4::boolean) f"
        "  LEFT JOIN report x ON x.id = f.report_id"
        "  LEFT JOIN report_revision v ON v.report_id = x.id AND v.revision = x.submitted_revision"
        " WHERE f.task_id = $2::int"
        " ORDER BY f.received DESC, f.unit_name" VI ", f.unit_code"},
    /* $1 period, $2 caller's unit, $3 sees all: every received report, as
     * last submitted (the revision the report row names, sql/0019): the
     * received facts of scoped_facts (functions/070), so the export, the
     * HTML report and the status count the same reports */
    [STMT_EXPORT] = {"cchc_export",
        "WITH task_criteria AS ("  /* once per task, not once per report */
        "  SELECT tc.task_id, string_agg(tc.index_code || ' ' || tc.criterion_code, ', '"
        "                                ORDER BY " INDEX_ORDER("tc.index_code") ", "
        CODE_ORDER("tc.criterion_code") ") AS criteria"
        "    FROM task_criterion tc GROUP BY tc.task_id)"
        "SELECT x.period_id, x.unit_code, u.name AS unit_name, x.task_id, t.ref,"
        "       coalesce(c.criteria, '') AS criteria,"
        "       x.state, v.revision, x.late, coalesce(iso_utc(x.first_submitted_at), '') AS submitted_at,"
        "       v.status, trim_scale(v.progress)::text AS progress, v.results, v.difficulties,"
        "       v.proposals, coalesce(nullif(v.indicators::text, '{}'), '') AS indicators,"
        "       coalesce((SELECT r.action || ' (' || r.level || ') ' || r.username || ' ' || iso_utc(r.at)"
        "                   FROM report_review r WHERE r.report_id = x.id ORDER BY r.id DESC LIMIT 1), '')"
        "         AS last_review,"
        "       coalesce(x.return_reason, '') AS return_reason"
        "  FROM scoped_facts($1, $2, $3::boolean) f"
        "  JOIN report x ON x.id = f.report_id"
        "  JOIN org_unit u ON u.code = x.unit_code"
        "  JOIN task t ON t.id = x.task_id"
        "  LEFT JOIN task_criteria c ON c.task_id = t.id"
        "  JOIN report_revision v ON v.report_id = x.id AND v.revision = x.submitted_revision"
        " WHERE f.received"
        " ORDER BY x.task_id, u.name" VI ", x.unit_code"},
    /* $1 period, $2 caller's unit, $3 sees all: the HTML report's two
     * lists from one reading of the period's facts (scoped_facts): what is
     * missing, as cchc_missing with no district or lead named (list
     * 'missing'), then every received report, as cchc_export (list
     * 'rows'), each in that statement's order and with its columns (the
     * sort columns o_* are for the ORDER BY). Each task's lead agencies
     * and criteria are joined once per task, not once per report.
     * tests/e2e/test_status_live.c checks both lists against those two
     * statements. The units' names are ranked once in Vietnamese order
     * (o_name: the rank; a deterministic collation ranks no two names
     * alike), so the ~5,000 rows sort on that number instead of comparing
     * their names under ICU one pair at a time (issue 15). */
    [STMT_BUNDLE_LISTS] = {"cchc_bundle_lists",
        "WITH f AS MATERIALIZED (SELECT * FROM scoped_facts($1, $2, $3::boolean)),"
        "name_rank AS MATERIALIZED ("
        "  SELECT n.name, dense_rank() OVER (ORDER BY n.name" VI ") AS rank"
        "    FROM (SELECT f.unit_name AS name FROM f UNION SELECT u.name FROM org_unit u) n),"
        "unit_rank AS MATERIALIZED ("  /* the rank of each unit's name today, by code */
        "  SELECT u.code, nr.rank FROM org_unit u JOIN name_rank nr ON nr.name = u.name),"
        "task_leads AS ("
        "  SELECT l.task_id, string_agg(lu.name, E'\x1f' ORDER BY lu.name" VI ") AS leads"
        "    FROM period_leads($1) l JOIN org_unit lu ON lu.code = l.unit_code GROUP BY l.task_id),"
        "task_criteria AS ("
        "  SELECT tc.task_id, string_agg(tc.index_code || ' ' || tc.criterion_code, ', '"
        "                                ORDER BY " INDEX_ORDER("tc.index_code") ", "
        CODE_ORDER("tc.criterion_code") ") AS criteria"
        "    FROM task_criterion tc GROUP BY tc.task_id)"
        "SELECT 'missing' AS list, NULL::int AS o_task, nr.rank AS o_name, f.unit_code AS o_code,"
        "       f.task_id AS o_task2,"
        "       f.unit_code, f.unit_name, f.task_id, t.ref, f.state,"
        "       coalesce(tl.leads, '') AS leads,"
        "       coalesce((SELECT string_agg(su.name || ' (' || su.code || ')', E'\x1f' ORDER BY su.code)"
        "                   FROM org_unit fu CROSS JOIN LATERAL unit_on(fu.code, today_in_vietnam()) s (code)"
        "                   JOIN org_unit su ON su.code = s.code"
        "                  WHERE fu.code = f.unit_code"
        "                    AND NOT unit_exists_on(fu, today_in_vietnam())"
        "                    AND period_current_approval($1) IS NULL), '') AS successors,"
        "       NULL AS period_id, NULL AS criteria, NULL::int AS revision, NULL::boolean AS late,"
        "       NULL AS submitted_at, NULL AS status, NULL AS progress, NULL AS results,"
        "       NULL AS difficulties, NULL AS proposals, NULL AS indicators, NULL AS last_review,"
        "       NULL AS return_reason"
        "  FROM f JOIN task t ON t.id = f.task_id LEFT JOIN task_leads tl ON tl.task_id = f.task_id"
        "  JOIN name_rank nr ON nr.name = f.unit_name"
        " WHERE NOT f.received"
        " UNION ALL "
        "SELECT 'rows', x.task_id, ur.rank, x.unit_code, NULL,"
        "       x.unit_code, u.name, x.task_id, t.ref, x.state, NULL, NULL,"
        "       x.period_id, coalesce(c.criteria, ''),"
        "       v.revision, x.late, coalesce(iso_utc(x.first_submitted_at), ''),"
        "       v.status, trim_scale(v.progress)::text, v.results, v.difficulties,"
        "       v.proposals, coalesce(nullif(v.indicators::text, '{}'), ''),"
        "       coalesce((SELECT r.action || ' (' || r.level || ') ' || r.username || ' ' || iso_utc(r.at)"
        "                   FROM report_review r WHERE r.report_id = x.id ORDER BY r.id DESC LIMIT 1), ''),"
        "       coalesce(x.return_reason, '')"
        "  FROM f"
        /* the period too: a hash of its reports, not of every report */
        "  JOIN report x ON x.id = f.report_id AND x.period_id = $1"
        "  JOIN org_unit u ON u.code = x.unit_code"
        "  JOIN unit_rank ur ON ur.code = x.unit_code"
        "  JOIN task t ON t.id = x.task_id"
        "  LEFT JOIN task_criteria c ON c.task_id = t.id"
        "  JOIN report_revision v ON v.report_id = x.id AND v.revision = x.submitted_revision"
        " WHERE f.received"
        " ORDER BY list, o_task NULLS FIRST, o_name, o_code, o_task2 NULLS FIRST"},
    /* $1 period, $2 caller's unit, $3 sees all: cchc_bundle_lists' rows
     * that the HTML document prints, in its order (functions/098,
     * ReportBundleRequest.for_document; tests/e2e/test_bundle_document.c
     * compares the two) */
    [STMT_BUNDLE_DOCUMENT_LISTS] = {"cchc_bundle_document_lists",
        "SELECT * FROM bundle_document_lists($1, $2, $3::boolean)"},
    /* The plan's tasks by number with their names, what the HTML document
     * and the city report print of cchc_task_list's rows (every task,
     * ordered by id); the leads and criteria it also works out for today
     * are not printed there */
    [STMT_BUNDLE_DOCUMENT_TASKS] = {"cchc_bundle_document_tasks",
        "SELECT t.id, t.ref, t.annex, t.text FROM task t ORDER BY t.id"},
    /* The city report per index and criterion (functions/096_city_report,
     * handlers/report_bundle.c). No parameters: every criterion a task
     * serves with the plan's facts of it, in the plan's order (the bundle
     * keeps those with figures in the caller's scope) */
    [STMT_BUNDLE_CRITERIA] = {"cchc_bundle_criteria",
        "SELECT * FROM city_report_criteria() c"
        " ORDER BY " INDEX_ORDER("c.index_code") ", " CODE_ORDER("c.code")},
    /* $1 period, $2 caller's unit, $3 sees all: the lead agencies'
     * consolidations of the tasks in scope and the city report, their
     * latest sent texts; the city report first, then by task and lead */
    [STMT_BUNDLE_CONSOLIDATIONS] = {"cchc_bundle_consolidations",
        "SELECT * FROM city_report_consolidations($1, $2, $3::boolean) c"
        " ORDER BY c.level = 'lead', c.task_id, c.unit_name" VI ", c.unit_code"},

    /* Consolidated reports (sql/functions/095_consolidation.sql). The
     * author of a level's report is the caller's unit, or a closed unit it
     * succeeds, Sở Nội vụ's for the city report (consolidation_author):
     * $3 below is the caller's unit, $6 the unit the request names ("" =
     * none). */
    /* $1 period, $2 level, $3 caller's unit, $4 task, $5 is admin, $6 the
     * unit named: why the caller may not write that consolidation (field
     * says which answer; no row when it may) */
    [STMT_CONSOLIDATION_SCOPE] = {"cchc_consolidation_scope",
        "SELECT field, message FROM consolidation_scope_problem($1, $2, $3, nullif($4::int, 0),"
        "                                                      $5::boolean, $6) LIMIT 1"},
    /* the same parameters: the consolidation as saved (its writers see its draft) */
    [STMT_CONSOLIDATION_CURRENT] = {"cchc_consolidation_current",
        "SELECT r.*, '' AS review_level FROM consolidation_rows($1, $3) r"
        " WHERE r.level = $2 AND r.task_id = $4::int AND $5 IN ('t', 'f')"
        /* a subquery: computed once, not per row */
        "   AND r.unit_code = (SELECT consolidation_author($1, $2, $3, nullif($4::int, 0), $6))"},
    /* the same parameters: the figures of the level below as they are now */
    [STMT_CONSOLIDATION_FIGURES] = {"cchc_consolidation_figures",
        "SELECT consolidation_figures($1, $2, consolidation_author($1, $2, $3, nullif($4::int, 0), $6),"
        "                             nullif($4::int, 0))::text AS figures WHERE $5 IN ('t', 'f')"},
    /* the same parameters: the texts gathered from the level below */
    [STMT_CONSOLIDATION_SOURCES] = {"cchc_consolidation_sources",
        "SELECT * FROM consolidation_sources($1, $2, consolidation_author($1, $2, $3, nullif($4::int, 0), $6),"
        "                                    nullif($4::int, 0)) WHERE $5 IN ('t', 'f')"},
    /* $1 period, $2 task (0: none): an unknown period or task (no row
     * when both exist) */
    [STMT_CONSOLIDATION_LOOKUP] = {"cchc_consolidation_lookup",
        "SELECT field, message FROM consolidation_lookup_problem($1, $2::int) LIMIT 1"},
    /* $1 the JSON document of submit_consolidation */
    [STMT_CONSOLIDATION_SUBMIT] = {"cchc_consolidation_submit",
        "SELECT field, message, consolidation_id, revision, state, late, replayed"
        "  FROM submit_consolidation($1::jsonb)"},
    /* $1 period, $2 caller's unit, $3 is admin, $4 level or '', $5 state
     * or '', $6 task or 0, $7 only the caller's own, $8 sees everything:
     * the consolidations the caller owes (its own unit's and those of the
     * closed units it succeeds) or reviews (all for $8) */
    [STMT_CONSOLIDATION_LIST] = {"cchc_consolidation_list",
        /* the caller's tasks read once, not per row: consolidation_reviewer
         * per row read the leads of the period for each (seconds) */
        "WITH own AS (SELECT $2::text AS unit_code UNION SELECT p.unit_code FROM reporting_predecessors($2) p),"
        " led AS (SELECT DISTINCT l.task_id FROM period_leads($1) l WHERE l.unit_code IN (SELECT unit_code FROM own)),"
        " r AS (SELECT c.*,"
        "              CASE WHEN c.level = 'district' AND c.task_id IN (SELECT task_id FROM led)"
        "                   THEN 'lead'"
        "                   WHEN c.level = 'lead' AND $3::boolean THEN 'admin'"
        "                   ELSE '' END AS review_level"
        "         FROM consolidation_rows($1, $2) c)"
        "SELECT r.* FROM r"
        " WHERE ($4 = '' OR r.level = $4) AND ($5 = '' OR r.state = $5)"
        "   AND ($6::int = 0 OR r.task_id = $6::int)"
        "   AND (r.unit_code IN (SELECT unit_code FROM own) OR (r.level = 'city' AND $3::boolean)"
        "        OR (NOT $7::boolean AND ($8::boolean OR r.review_level <> '')))"
        " ORDER BY array_position(ARRAY['city', 'lead', 'district'], r.level), r.task_id,"
        "          r.unit_name" VI ", r.unit_code"},
    /* $1 the JSON document of review_consolidations */
    [STMT_CONSOLIDATION_REVIEW] = {"cchc_consolidation_review",
        "SELECT consolidation_id, field, message, state, level, kind FROM review_consolidations($1::jsonb)"},
    /* $1 the same JSON: the reviewed consolidations as they now are */
    [STMT_CONSOLIDATION_REVIEWED] = {"cchc_consolidation_reviewed",
        "WITH ids AS (SELECT j::bigint AS id FROM jsonb_array_elements_text($1::jsonb -> 'ids') j),"
        " ps AS (SELECT DISTINCT x.period_id FROM consolidation x WHERE x.id IN (SELECT id FROM ids))"
        "SELECT r.*, '' AS review_level"
        "  FROM ps CROSS JOIN LATERAL consolidation_rows(ps.period_id, $1::jsonb -> 'actor' ->> 'unit') r"
        " WHERE r.consolidation_id IN (SELECT id FROM ids) ORDER BY r.consolidation_id"},
    /* $1 the JSON document of consolidation_deadlines_set */
    [STMT_CONSOLIDATION_DEADLINES] = {"cchc_consolidation_deadlines",
        "SELECT field, message FROM consolidation_deadlines_set($1::jsonb)"},
    /* $1 the same JSON: the period's deadlines as they now are */
    [STMT_CONSOLIDATION_DEADLINES_OF] = {"cchc_consolidation_deadlines_of",
        "SELECT consolidation_deadline(p, 'district')::text AS district_deadline,"
        "       consolidation_deadline(p, 'city')::text AS city_deadline,"
        "       p.lead_deadline::text AS lead_deadline"
        "  FROM report_period p WHERE p.id = $1::jsonb ->> 'period'"},
    /* The public summary (sql/functions/097_public_summary.sql); $1 the
     * period, all three in one snapshot (handlers/public_summary.c) */
    [STMT_PUBLIC_SUMMARY_PERIOD] = {"cchc_public_summary_period",
        "SELECT * FROM public_summary_period($1)"},
    [STMT_PUBLIC_SUMMARY_CRITERIA] = {"cchc_public_summary_criteria",
        "SELECT * FROM public_summary_criteria($1)"},
    [STMT_PUBLIC_SUMMARY_ASSESSMENTS] = {"cchc_public_summary_assessments",
        "SELECT * FROM public_summary_assessments($1)"},

    /* A batch (one implicit transaction) whose statements must all see one
     * snapshot starts with these three: under READ COMMITTED each
     * statement would take its own. SET TRANSACTION is allowed before the
     * batch's first query and lasts until its sync; outside BEGIN it warns
     * that it "can only be used in transaction blocks", which is not so in
     * the extended protocol, hence the warning is silenced around it (a
     * failed batch rolls the SET back). No BEGIN/COMMIT: a failing
     * statement would leave the connection in an aborted transaction. */
    [STMT_SNAPSHOT_QUIET] = {"cchc_snapshot_quiet", "SET client_min_messages = error"},
    [STMT_SNAPSHOT_BEGIN] = {"cchc_snapshot_begin",
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"},
    [STMT_SNAPSHOT_LOUD] = {"cchc_snapshot_loud", "RESET client_min_messages"},
};
