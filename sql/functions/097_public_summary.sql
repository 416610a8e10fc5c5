-- The public summary of a period (issue 17, Deliver 4): what the city may
-- publish on its web portal, computed here so that nothing else ever
-- leaves the server for it. Per index and criterion only the figures
-- `cchc status` computes (completeness, timeliness, mean and overall
-- progress over every unit, whoever asks) and the assessment text of each
-- lead agency's consolidated report on a task serving the criterion, and
-- only the revision Sở Nội vụ accepted: never a draft, a returned or a
-- merely submitted text, never difficulties or proposals (they name units'
-- problems and requests, internal until the city publishes a decision),
-- never a return reason, never an account or person.

-- The period and whether its figures are approved (frozen).
CREATE OR REPLACE FUNCTION public_summary_period(pid text)
RETURNS TABLE (period_id text, approved boolean)
LANGUAGE sql STABLE AS $$
    SELECT p.id, period_current_approval(p.id) IS NOT NULL
      FROM report_period p WHERE p.id = pid
$$;

-- One row per criterion a task of the period serves, in the plan's order.
CREATE OR REPLACE FUNCTION public_summary_criteria(pid text)
RETURNS TABLE (index_code text, index_name text, criterion_code text, printed_code text,
               criterion_name text, expected int, received int, on_time int, late int,
               missing int, mean_progress text, overall_progress text)
LANGUAGE sql STABLE AS $$
    SELECT c.index_code, g.name, c.code, c.printed_code, c.name, s.expected, s.received,
           s.on_time, s.late, s.missing, coalesce(s.mean_progress::text, ''),
           coalesce(s.effective_progress::text, '')
      FROM status_figures(pid, ARRAY['criterion'], NULL, true) s
      JOIN criterion c ON c.index_code || ' ' || c.code = s.key
      JOIN gov_index g ON g.code = c.index_code
     WHERE s.section = 'criterion'
     ORDER BY c.index_code, string_to_array(c.code, '.')::int[]
$$;

-- The lead agencies' accepted assessments, once per criterion their task
-- serves: the revision an acceptance names, of a consolidation still
-- accepted (a newer revision or a return would have changed its state).
CREATE OR REPLACE FUNCTION public_summary_assessments(pid text)
RETURNS TABLE (index_code text, criterion_code text, unit_name text, task_ref text,
               assessment text)
LANGUAGE sql STABLE AS $$
    SELECT tc.index_code, tc.criterion_code, u.name, t.ref, v.assessment
      FROM consolidation k
      JOIN consolidation_sent v ON v.consolidation_id = k.id
      JOIN org_unit u ON u.code = k.unit_code
      JOIN task t ON t.id = k.task_id
      JOIN task_criterion tc ON tc.task_id = k.task_id
     WHERE k.period_id = pid AND k.level = 'lead' AND k.state = 'accepted'
       AND v.assessment <> ''
       AND EXISTS (SELECT 1 FROM consolidation_review r
                    WHERE r.consolidation_id = k.id AND r.revision = v.revision
                      AND r.action = 'accept')
     ORDER BY tc.index_code, string_to_array(tc.criterion_code, '.')::int[], t.id, u.name
$$;
