-- 020_plan_check: where the plan contradicts itself, and where the stored data
-- breaks its own invariants.
--
-- The data stores what the plan prints, never a correction; this view lists
-- the places a reader should know about.  It backs `cchc plan check`.  Each row: kind, severity
-- ('error' = the plan contradicts itself or the data is broken, 'warning' =
-- very likely a slip, 'info' = odd but possibly intended), the codes
-- involved ("PAR-INDEX 2.4", "task 130"), and the detail with the figures
-- as a message id with arguments (cchc_msg, 005): cchcd sends its English
-- beside the id and arguments, the client says it in the reader's language.  On Plan 121 as printed it returns (see docs/plan-data.md):
--   group_score_sum        PAR-INDEX 2.4: 3.2047 printed, children sum 3.2407
--   numbering_slip         PAPI 8: printed VII, expected VIII
--   task_text_copied       PAR-INDEX 8.4 repeats the 8.3.2 task text
--   rank_universe_mismatch PAPI 2022 ranked out of 61, published for 63
--   stale_target_year      task 131 (8.5): "mục tiêu ... năm 2022"
--   task_text_repeated     tasks 106 and 107 (3.4.2, 3.4.3), info
--   direction_mismatch     SIPAS 2022 value down, rank up, info
--   note_in_task_column    PAR-INDEX 2.4 and 8.1, info
-- Reads the tables of 0002_plan_schema only.

CREATE OR REPLACE VIEW plan_inconsistency (kind, severity, codes, detail) AS

-- A criterion's printed score differs from the sum of its printed children.
SELECT 'group_score_sum', 'error',
       ARRAY[p.index_code || ' ' || p.code] || array_agg(c.index_code || ' ' || c.code ORDER BY c.code),
       cchc_msg('%s %s: printed %s score %s, sum of children %s (difference %s)',
                p.index_code, p.code, s.year::text, s.score::text, sum(cs.score)::text,
                (s.score - sum(cs.score))::text)
  FROM criterion p
  JOIN criterion_score s ON s.index_code = p.index_code AND s.criterion_code = p.code
  JOIN criterion c ON c.index_code = p.index_code AND c.parent_code = p.code
  JOIN criterion_score cs ON cs.index_code = c.index_code AND cs.criterion_code = c.code AND cs.year = s.year
 GROUP BY p.index_code, p.code, s.year, s.score
HAVING s.score <> sum(cs.score)

UNION ALL
-- A criterion's printed maximum differs from the sum of its children's.
SELECT 'group_max_sum', 'error',
       ARRAY[p.index_code || ' ' || p.code],
       cchc_msg('%s %s: printed maximum %s, sum of children %s', p.index_code, p.code, p.max_points::text,
                sum(c.max_points)::text)
  FROM criterion p
  JOIN criterion c ON c.index_code = p.index_code AND c.parent_code = p.code
 WHERE p.max_points IS NOT NULL
 GROUP BY p.index_code, p.code, p.max_points
HAVING p.max_points <> sum(c.max_points)

UNION ALL
-- A score above the criterion's maximum.
SELECT 'score_above_max', 'error',
       ARRAY[c.index_code || ' ' || c.code],
       cchc_msg('%s %s: %s score %s above maximum %s', c.index_code, c.code, s.year::text, s.score::text,
                c.max_points::text)
  FROM criterion c
  JOIN criterion_score s ON s.index_code = c.index_code AND s.criterion_code = c.code
 WHERE s.score > c.max_points

UNION ALL
-- Top-level groups printed with Roman numerals out of sequence (a repeated
-- or skipped numeral).
SELECT 'numbering_slip', 'warning',
       ARRAY[c.index_code || ' ' || c.code],
       CASE WHEN also.codes IS NULL
            THEN cchc_msg('%s group at position %s printed "%s", expected "%s"', c.index_code, c.code,
                          c.printed_code, r.numeral)
            ELSE cchc_msg('%s group at position %s printed "%s", expected "%s" (also printed for %s)',
                          c.index_code, c.code, c.printed_code, r.numeral, also.codes) END
  FROM criterion c
  JOIN (VALUES (1, 'I'), (2, 'II'), (3, 'III'), (4, 'IV'), (5, 'V'), (6, 'VI'), (7, 'VII'),
               (8, 'VIII'), (9, 'IX'), (10, 'X'), (11, 'XI'), (12, 'XII')) AS r (n, numeral)
    ON r.n::text = c.code
 CROSS JOIN LATERAL (SELECT string_agg(o.index_code || ' ' || o.code, ', ') AS codes
                       FROM criterion o
                      WHERE o.index_code = c.index_code AND o.parent_code IS NULL
                        AND o.printed_code = c.printed_code AND o.code <> c.code) also
 WHERE c.parent_code IS NULL AND c.printed_code ~ '^[IVX]+$' AND c.printed_code <> r.numeral

UNION ALL
-- Sub-criteria whose printed number is not their position among siblings,
-- or siblings sharing a printed number (SIPAS/PAPI restart numbering per group).
SELECT 'numbering_slip', 'warning',
       ARRAY[c.index_code || ' ' || c.code],
       cchc_msg('%s %s printed "%s" but is number %s under %s', c.index_code, c.code, c.printed_code,
                c.pos::text, c.parent_code)
  FROM (SELECT c.*, row_number() OVER (PARTITION BY c.index_code, c.parent_code
                                       ORDER BY string_to_array(c.code, '.')::int[]) AS pos
          FROM criterion c
         WHERE c.index_code <> 'PAR-INDEX' AND c.parent_code IS NOT NULL) c
 WHERE c.printed_code <> c.pos::text

UNION ALL
-- Criteria printed out of code order within an annex.
SELECT 'criterion_order', 'warning',
       ARRAY[c.index_code || ' ' || c.prev_code, c.index_code || ' ' || c.code],
       cchc_msg('%s %s is printed after %s', c.index_code, c.code, c.prev_code)
  FROM (SELECT c.index_code, c.code,
               lag(c.code) OVER w AS prev_code,
               string_to_array(c.code, '.')::int[] AS k,
               lag(string_to_array(c.code, '.')::int[]) OVER w AS prev_k
          FROM criterion c
        WINDOW w AS (PARTITION BY c.index_code, c.annex ORDER BY c.annex_row, c.code)) c
 WHERE c.k < c.prev_k

UNION ALL
-- Annex tasks numbered by the plan (Annex II STT) out of sequence.
SELECT 'numbering_slip', 'warning',
       ARRAY['task ' || t.id],
       cchc_msg('task %s (%s) printed STT "%s", position %s', t.id::text, t.ref, t.printed_stt, t.seq::text)
  FROM task t
 WHERE t.printed_stt IS NOT NULL AND t.printed_stt <> t.seq::text

UNION ALL
-- A task whose text begins with the whole text of the task printed just
-- before it, while the two address criteria of different groups: the text
-- was evidently copied from the row above.
SELECT 'task_text_copied', 'error',
       ARRAY(SELECT tc.index_code || ' ' || tc.criterion_code FROM task_criterion tc WHERE tc.task_id = t.id)
         || ARRAY['task ' || t.id, 'task ' || p.id],
       cchc_msg('task %s (criteria %s) starts with the full text of task %s (criteria %s): "%s"',
                t.id::text, (SELECT string_agg(criterion_code, ', ') FROM task_criterion WHERE task_id = t.id),
                p.id::text, (SELECT string_agg(criterion_code, ', ') FROM task_criterion WHERE task_id = p.id),
                left(p.text, 80))
  FROM task t
  JOIN task p ON p.plan_code = t.plan_code AND p.annex = t.annex AND p.seq = t.seq - 1
 WHERE starts_with(t.text, p.text)
   AND NOT EXISTS (SELECT 1
                     FROM task_criterion a JOIN criterion ca ON ca.index_code = a.index_code AND ca.code = a.criterion_code,
                          task_criterion b JOIN criterion cb ON cb.index_code = b.index_code AND cb.code = b.criterion_code
                    WHERE a.task_id = t.id AND b.task_id = p.id
                      AND ca.index_code = cb.index_code
                      AND regexp_replace(ca.code, '[.][0-9]+$', '') = regexp_replace(cb.code, '[.][0-9]+$', ''))

UNION ALL
-- The same task text printed again for sibling criteria (intended, but
-- reports would be duplicated per task).
SELECT 'task_text_repeated', 'info',
       ARRAY['task ' || p.id, 'task ' || t.id],
       cchc_msg('tasks %s and %s (criteria %s / %s) have identical text', p.id::text, t.id::text,
                (SELECT string_agg(criterion_code, ', ') FROM task_criterion WHERE task_id = p.id),
                (SELECT string_agg(criterion_code, ', ') FROM task_criterion WHERE task_id = t.id))
  FROM task t
  JOIN task p ON p.plan_code = t.plan_code AND p.id < t.id AND p.text = t.text

UNION ALL
-- A task stating a goal for a year before the plan was issued.
SELECT 'stale_target_year', 'warning',
       ARRAY(SELECT tc.index_code || ' ' || tc.criterion_code FROM task_criterion tc WHERE tc.task_id = t.id)
         || ARRAY['task ' || t.id],
       cchc_msg('task %s aims at year %s in a plan issued %s: "%s"', t.id::text, m.y[1], pl.issued_on::text,
                substring(t.text FROM 'mục tiêu[^.]*năm [0-9]{4}'))
  FROM task t
  JOIN plan pl ON pl.code = t.plan_code
 CROSS JOIN LATERAL regexp_matches(t.text, 'mục tiêu[^.]*năm ([0-9]{4})', 'g') AS m (y)
 WHERE m.y[1]::int < extract(year FROM pl.issued_on)

UNION ALL
-- Index results: printed rank change against the two printed ranks.
SELECT 'rank_change_mismatch', 'error',
       ARRAY[r.index_code || ' ' || r.year],
       cchc_msg('%s %s: printed rank change %s, ranks %s -> %s', r.index_code, r.year::text,
                r.rank_change::text, p.rank::text, r.rank::text)
  FROM gov_index_result r
  JOIN gov_index_result p ON p.index_code = r.index_code AND p.year = r.year - 1
 WHERE r.rank_change IS NOT NULL AND p.rank IS NOT NULL AND r.rank IS NOT NULL
   AND r.rank_change <> p.rank - r.rank

UNION ALL
-- Index results: printed value change against two printed values.
SELECT 'value_change_mismatch', 'error',
       ARRAY[r.index_code || ' ' || r.year],
       cchc_msg('%s %s: printed change %s, values %s -> %s', r.index_code, r.year::text,
                r.change_vs_previous::text, p.value::text, r.value::text)
  FROM gov_index_result r
  JOIN gov_index_result p ON p.index_code = r.index_code AND p.year = r.year - 1
 WHERE r.change_vs_previous IS NOT NULL AND NOT p.value_derived AND NOT r.value_derived
   AND r.change_vs_previous <> r.value - p.value

UNION ALL
-- Value and rank moving in opposite directions in the printed changes.
SELECT 'direction_mismatch', 'info',
       ARRAY[r.index_code || ' ' || r.year],
       cchc_msg('%s %s: value change %s but rank change %s', r.index_code, r.year::text,
                r.change_vs_previous::text, r.rank_change::text)
  FROM gov_index_result r
 WHERE sign(r.change_vs_previous) * sign(r.rank_change) < 0

UNION ALL
-- The rank's "out of" differs from the number of provinces the same text
-- says the index was published for.
SELECT 'rank_universe_mismatch', 'warning',
       ARRAY[r.index_code || ' ' || r.year],
       cchc_msg('%s %s: ranked %s/%s, but published for %s provinces', r.index_code, r.year::text,
                r.rank::text, r.out_of::text, r.entities_published::text)
  FROM gov_index_result r
 WHERE r.entities_published IS NOT NULL AND r.out_of IS NOT NULL AND r.entities_published <> r.out_of

UNION ALL
-- A note about a criterion printed in the task column of a row without a task.
SELECT 'note_in_task_column', 'info',
       ARRAY[c.index_code || ' ' || c.code],
       cchc_msg('%s %s: the "Nhiệm vụ, giải pháp" cell holds a note, stored as the criterion''s note: "%s"',
                c.index_code, c.code, left(c.note, 60))
  FROM criterion c
 WHERE c.note_printed_in = 'task_column'

UNION ALL
-- Integrity: a criterion without children and without a task.
SELECT 'criterion_without_task', 'error',
       ARRAY[c.index_code || ' ' || c.code],
       cchc_msg('%s %s (%s) has neither sub-criteria nor a task', c.index_code, c.code, left(c.name, 60))
  FROM criterion c
 WHERE NOT EXISTS (SELECT 1 FROM criterion k WHERE k.index_code = c.index_code AND k.parent_code = c.code)
   AND NOT EXISTS (SELECT 1 FROM task_criterion tc WHERE tc.index_code = c.index_code AND tc.criterion_code = c.code)

UNION ALL
-- Integrity: fragments that must be cut from their task's text.
SELECT 'fragment_not_in_text', 'error',
       ARRAY['task ' || t.id],
       CASE WHEN f.item IS NULL
            THEN cchc_msg('task %s target "%s" is not part of the task text', t.id::text, left(f.s, 60))
            ELSE cchc_msg('task %s item %s "%s" is not part of the task text', t.id::text, f.item, left(f.s, 60))
       END
  FROM task t
  JOIN (SELECT task_id, label AS item, text AS s FROM task_item
        UNION ALL
        SELECT task_id, NULL, printed_text FROM task_target) f ON f.task_id = t.id
 WHERE strpos(t.text, f.s) = 0

UNION ALL
-- Integrity: a printed lead or implementer fragment not found in its cell, or
-- a lead whose printed name is not an alias of the unit it resolves to.
SELECT 'assignment_text', 'error',
       ARRAY['assignment ' || a.id],
       CASE x.what
            WHEN 'lead' THEN cchc_msg('assignment %s: lead "%s" not in "%s"', a.id::text, x.s, c.cell)
            ELSE cchc_msg('assignment %s: implementer "%s" not in "%s"', a.id::text, x.s, c.cell) END
  FROM task_assignment a
  JOIN (SELECT assignment_id, 'lead' AS what, printed_text AS s FROM assignment_lead
        UNION ALL
        SELECT assignment_id, 'implementer', printed_text FROM assignment_implementer) x
    ON x.assignment_id = a.id
 CROSS JOIN LATERAL (SELECT CASE x.what WHEN 'lead' THEN a.leads_text ELSE a.implementers_text END AS cell) c
 WHERE strpos(c.cell, x.s) = 0
UNION ALL
SELECT 'assignment_text', 'error',
       ARRAY['assignment ' || l.assignment_id],
       cchc_msg('assignment %s: lead "%s" is not an alias of %s', l.assignment_id::text, l.printed_text,
                l.unit_code)
  FROM assignment_lead l
 WHERE NOT EXISTS (SELECT 1 FROM org_unit_alias al WHERE al.alias = l.printed_text AND al.unit_code = l.unit_code);

COMMENT ON VIEW plan_inconsistency IS
  'Places where the plan contradicts itself (printed figures kept as printed) and integrity failures of the '
  'stored plan data. Backs `cchc plan check`.';
