-- 095_consolidation: the consolidated reports of districts, lead agencies
-- and Sở Nội vụ (tables in 0020_consolidation; docs/consolidation.md).
-- Who owes one, what the level below gives it (figures and the texts of
-- the reports under it, attributed), saving (revisions, idempotency keys,
-- base revision, audit, as submit_reports does for units) and review one
-- level up (as review_reports). The figures are GROUP BYs over
-- report_facts (070_status), so a consolidation counts exactly what
-- `cchc status` counts.

-- The unit that writes the city report: Sở Nội vụ (plan 121/KH-UBND IV.3,
-- "Giao Giám đốc Sở Nội vụ theo dõi, đôn đốc, tổng hợp"), the unit SNV of
-- the plan's data (0003_plan_data).
CREATE OR REPLACE FUNCTION city_consolidator() RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'SNV'::text $$;

-- The last day a level's consolidation is on time (a Vietnamese date):
-- lead agencies lead_deadline; districts and the city the period's
-- setting, lead_deadline when none was set (no rule was found for them).
CREATE OR REPLACE FUNCTION consolidation_deadline(p report_period, lvl text) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT CASE lvl WHEN 'district' THEN coalesce(p.district_deadline, p.lead_deadline)
                    WHEN 'city' THEN coalesce(p.city_deadline, p.lead_deadline)
                    ELSE p.lead_deadline END
$$;

-- The lead agencies' and the city's rows of consolidations_owed, and only
-- those: the same rules, without the district level, whose structure is
-- read from the period's facts (report_facts). For the city report
-- (city_report_consolidations, 096), which quotes no district's text: it
-- computed and planned the facts of the whole period only to drop those
-- rows (issue 15, the HTML export). consolidations_owed adds the district
-- level's rows to these: no rule compares rows across levels.
CREATE OR REPLACE FUNCTION consolidations_owed_above_districts(pid text)
RETURNS TABLE (level text, unit_code text, task_id int)
LANGUAGE sql STABLE AS $$
    WITH structure AS (
        SELECT DISTINCT 'lead'::text AS level, l.unit_code, l.task_id FROM period_leads(pid) l
        UNION ALL
        SELECT 'city', city_consolidator(), NULL::int
          FROM report_period p WHERE p.id = pid),
    sent AS (
        SELECT c.level, c.unit_code, c.task_id FROM consolidation c
         WHERE c.period_id = pid AND c.first_submitted_at IS NOT NULL AND c.level <> 'district')
    SELECT s.level, s.unit_code, s.task_id FROM structure s
     WHERE NOT EXISTS (
        SELECT 1 FROM sent x JOIN report_period p ON p.id = pid
         WHERE x.level = s.level AND x.task_id IS NOT DISTINCT FROM s.task_id
           AND x.unit_code <> s.unit_code
           AND s.unit_code IN (SELECT unit_on(x.unit_code, p.data_until)))
    UNION
    SELECT x.level, x.unit_code, x.task_id FROM sent x
$$;

-- Every consolidation a period asks for: a lead agency's on each task it
-- leads (period_leads), a district's on each task its communes report on
-- (while districts exist: a commune's area is a district only before the
-- district level ended, unit_areas_on), and the city report — the
-- structure of the period's last data day, as for the units' reports
-- (expected_reports). And, as for the units' reports (counted_reports),
-- every consolidation sent for the period besides: a unit change recorded
-- later (a lead agency merged, a district closed, a commune moved) never
-- makes a sent consolidation disappear. A sent consolidation of a unit
-- whose duties passed, by the period's last data day, to the unit now
-- owing the same level and task fulfils that obligation: one citywide (or
-- district) report per task, not one per name its author has had
-- (docs/consolidation.md, "Units that change").
CREATE OR REPLACE FUNCTION consolidations_owed(pid text)
RETURNS TABLE (level text, unit_code text, task_id int)
LANGUAGE sql STABLE AS $$
    WITH structure AS (
        SELECT DISTINCT 'district'::text AS level, f.district_code AS unit_code, f.task_id
          FROM report_facts(pid) f
          JOIN org_unit d ON d.code = f.district_code AND d.kind = 'district'
         WHERE f.unit_kind = 'commune'),
    sent AS (
        SELECT c.level, c.unit_code, c.task_id FROM consolidation c
         WHERE c.period_id = pid AND c.first_submitted_at IS NOT NULL AND c.level = 'district')
    (SELECT s.level, s.unit_code, s.task_id FROM structure s
      WHERE NOT EXISTS (
         SELECT 1 FROM sent x JOIN report_period p ON p.id = pid
          WHERE x.task_id IS NOT DISTINCT FROM s.task_id
            AND x.unit_code <> s.unit_code
            AND s.unit_code IN (SELECT unit_on(x.unit_code, p.data_until)))
     UNION
     SELECT x.level, x.unit_code, x.task_id FROM sent x)
    UNION ALL
    SELECT o.level, o.unit_code, o.task_id FROM consolidations_owed_above_districts(pid) o
$$;

-- The units' facts a consolidation sums: a district's communes on the
-- task, every unit on the task for a lead agency, every fact for the city.
CREATE OR REPLACE FUNCTION consolidation_facts(pid text, lvl text, unit text, task int)
RETURNS TABLE (unit_code text, unit_name text, task_id int, state text, received boolean,
               on_time boolean, late boolean, status text, progress numeric, report_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT f.unit_code, f.unit_name, f.task_id, f.state, f.received, f.on_time, f.late, f.status,
           f.progress, f.report_id
      FROM report_facts(pid) f
     WHERE CASE lvl WHEN 'district' THEN f.task_id = task AND f.unit_kind = 'commune'
                                         AND f.district_code = unit
                    WHEN 'lead' THEN f.task_id = task
                    ELSE true END
$$;

-- The latest submitted revision of each consolidation (what reviewers and
-- the level above read).
CREATE OR REPLACE VIEW consolidation_sent AS
SELECT DISTINCT ON (v.consolidation_id) v.*
  FROM consolidation_revision v
 WHERE v.saved_as = 'submitted'
 ORDER BY v.consolidation_id, v.revision DESC;

-- The figures a consolidation starts from, computed from the level below
-- (docs/consolidation.md, "Figures"): the units' reports counted as
-- `cchc status` counts them (expected, received, on time, late, missing,
-- accepted, by status, average progress of the received reports and
-- overall progress with a missing report as 0 %), the indicators of the
-- received reports summed, or averaged when the task's targets are
-- percentages, and for a lead agency its districts' consolidations (for the
-- city, the lead agencies') owed, received, on time and accepted.
-- Decimals travel as text with a dot, as everywhere in the protocol.
CREATE OR REPLACE FUNCTION consolidation_figures(pid text, lvl text, unit text, task int)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH f AS (SELECT * FROM consolidation_facts(pid, lvl, unit, task)),
    rule AS (
        SELECT CASE WHEN lvl <> 'city'
                     AND EXISTS (SELECT 1 FROM task_target g WHERE g.task_id = task AND g.unit = 'percent')
                     AND NOT EXISTS (SELECT 1 FROM task_target g WHERE g.task_id = task AND g.unit = 'count')
                    THEN 'average' ELSE 'sum' END AS how),
    ind AS (
        SELECT e.key, CASE (SELECT how FROM rule) WHEN 'average' THEN round(avg(e.value::numeric), 2)
                                                  ELSE sum(e.value::numeric) END AS value
          FROM f
          JOIN LATERAL (SELECT r.indicators FROM report_revision r
                         WHERE r.report_id = f.report_id AND r.saved_as = 'submitted'
                         ORDER BY r.revision DESC LIMIT 1) v ON true
         CROSS JOIN LATERAL jsonb_each_text(v.indicators) e
         WHERE f.received AND lvl <> 'city' AND e.value ~ '^-?[0-9]+(\.[0-9]+)?$'
         GROUP BY e.key),
    below AS (
        SELECT o.level, o.unit_code, c.state, c.late, c.first_submitted_at
          FROM consolidations_owed(pid) o
          LEFT JOIN consolidation c ON c.period_id = pid AND c.level = o.level
                                   AND c.unit_code = o.unit_code AND c.task_id = o.task_id
         WHERE (lvl = 'lead' AND o.level = 'district' AND o.task_id = task)
            OR (lvl = 'city' AND o.level = 'lead'))
    SELECT jsonb_build_object(
        'expected', count(*),
        'received', count(*) FILTER (WHERE f.received),
        'on_time', count(*) FILTER (WHERE f.on_time),
        'late', count(*) FILTER (WHERE f.late),
        'missing', count(*) FILTER (WHERE NOT f.received),
        'accepted', count(*) FILTER (WHERE f.state IN ('accepted', 'approved')),
        'not_started', count(*) FILTER (WHERE f.received AND f.status = 'not_started'),
        'in_progress', count(*) FILTER (WHERE f.received AND f.status = 'in_progress'),
        'completed', count(*) FILTER (WHERE f.received AND f.status = 'completed'),
        'behind', count(*) FILTER (WHERE f.received AND f.status = 'behind'),
        'average_progress', coalesce(trim_scale(round(avg(f.progress) FILTER (WHERE f.received), 2))::text, ''),
        'overall_progress', CASE WHEN count(*) = 0 THEN ''
                                 ELSE trim_scale(round(coalesce(sum(f.progress) FILTER (WHERE f.received), 0)
                                                       / count(*), 2))::text END,
        'indicator_rule', (SELECT how FROM rule),
        'indicators', coalesce((SELECT jsonb_object_agg(i.key, trim_scale(i.value)::text) FROM ind i), '{}'),
        'below', CASE lvl WHEN 'district' THEN NULL ELSE (
            SELECT jsonb_build_object(
                'level', CASE lvl WHEN 'lead' THEN 'district' ELSE 'lead' END,
                'expected', count(*),
                'received', count(*) FILTER (WHERE b.first_submitted_at IS NOT NULL),
                'on_time', count(*) FILTER (WHERE b.first_submitted_at IS NOT NULL AND NOT b.late),
                'late', count(*) FILTER (WHERE b.first_submitted_at IS NOT NULL AND b.late),
                'accepted', count(*) FILTER (WHERE b.state = 'accepted'))
              FROM below b) END)
      FROM f
$$;

-- The texts of the reports a consolidation gathers, each with its author:
-- the units' difficulties and proposals (their latest sent revision), for
-- a lead agency also its districts' consolidations, for the city the lead
-- agencies' (their assessment too). Only sent reports; empty texts left out.
CREATE OR REPLACE FUNCTION consolidation_sources(pid text, lvl text, unit text, task int)
RETURNS TABLE (source_level text, unit_code text, unit_name text, task_id int, ref text,
               assessment text, difficulties text, proposals text)
LANGUAGE sql STABLE AS $$
    SELECT * FROM (
        SELECT 'unit'::text, f.unit_code, f.unit_name, f.task_id, t.ref, ''::text,
               v.difficulties, v.proposals
          FROM consolidation_facts(pid, lvl, unit, task) f
          JOIN task t ON t.id = f.task_id
          JOIN LATERAL (SELECT r.difficulties, r.proposals FROM report_revision r
                         WHERE r.report_id = f.report_id AND r.saved_as = 'submitted'
                         ORDER BY r.revision DESC LIMIT 1) v ON true
         WHERE f.received AND lvl <> 'city'
        UNION ALL
        SELECT c.level, c.unit_code, u.name, c.task_id, coalesce(t.ref, ''), s.assessment,
               s.difficulties, s.proposals
          FROM consolidation c
          JOIN consolidation_sent s ON s.consolidation_id = c.id
          JOIN org_unit u ON u.code = c.unit_code
          LEFT JOIN task t ON t.id = c.task_id
         WHERE c.period_id = pid
           AND ((lvl = 'lead' AND c.level = 'district' AND c.task_id = task)
                OR (lvl = 'city' AND c.level = 'lead'))
    ) x (source_level, unit_code, unit_name, task_id, ref, assessment, difficulties, proposals)
     WHERE x.assessment <> '' OR x.difficulties <> '' OR x.proposals <> ''
     ORDER BY x.source_level DESC, x.task_id, x.unit_name COLLATE "vi-VN-x-icu", x.unit_code
$$;

-- What a consolidation request names that does not exist: the period, or
-- the task (0 or NULL: none named). field 'not_found' (the server answers
-- NOT_FOUND, as for the units' commands); no row when both exist.
CREATE OR REPLACE FUNCTION consolidation_lookup_problem(pid text, task int)
RETURNS TABLE (field text, message text)
LANGUAGE sql STABLE AS $$
    SELECT 'not_found'::text, cchc_msg('unknown period %s; see ''cchc period list''', pid)
     WHERE NOT EXISTS (SELECT 1 FROM report_period p WHERE p.id = pid)
    UNION ALL
    SELECT 'not_found', cchc_msg('unknown task %s; see ''cchc plan tasks''', task::text)
     WHERE coalesce(task, 0) <> 0 AND EXISTS (SELECT 1 FROM report_period p WHERE p.id = pid)
       AND NOT EXISTS (SELECT 1 FROM task t WHERE t.id = task)
$$;

-- The unit whose consolidation a caller writes (docs/consolidation.md,
-- "Units that change"): Sở Nội vụ's for the city report; the unit the
-- request names (the template's "Đơn vị" column); else the caller's own
-- unit when it owes that level and task; else a closed unit it succeeds
-- (reporting_predecessors, as for the units' reports) that owes it; else
-- the caller's unit (whose scope check then says why not).
CREATE OR REPLACE FUNCTION consolidation_author(pid text, lvl text, caller_unit text, task int,
                                                typed_unit text)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN lvl = 'city' THEN city_consolidator()
        WHEN coalesce(typed_unit, '') <> '' THEN coalesce(unit_resolve(typed_unit), typed_unit)
        -- a unit succeeding no closed unit (nearly every caller) writes its
        -- own: the period's obligations, which cost a reading of all its
        -- facts, are read only for a successor, and then once
        WHEN NOT EXISTS (SELECT 1 FROM reporting_predecessors(caller_unit)) THEN caller_unit
        ELSE coalesce((SELECT o.unit_code FROM consolidations_owed(pid) o
                        WHERE o.level = lvl AND o.task_id = task
                          AND (o.unit_code = caller_unit
                               OR o.unit_code IN (SELECT r.unit_code FROM reporting_predecessors(caller_unit) r))
                        ORDER BY o.unit_code <> caller_unit, o.unit_code LIMIT 1), caller_unit)
    END
$$;

-- Why caller_unit may not write the lvl consolidation of task in period
-- pid (field, message), or no row when it may. field says what the server
-- answers: 'not_found' (an unknown period or task), 'invalid' (an unknown
-- level), 'precondition' (a district's consolidation in a period without
-- districts), 'scope' (permission: a lead agency only on the tasks it
-- leads, a district only on the tasks its communes report on, the city
-- report only Sở Nội vụ's administrators, a closed unit's only its
-- successor). Dropped first: it answered a message alone before.
DROP FUNCTION IF EXISTS consolidation_scope_problem(text, text, text, int, boolean);
CREATE OR REPLACE FUNCTION consolidation_scope_problem(pid text, lvl text, caller_unit text, task int,
                                                       is_admin boolean, typed_unit text)
RETURNS TABLE (field text, message text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    author text;
    any_district boolean;
    owed boolean;
BEGIN
    RETURN QUERY SELECT * FROM consolidation_lookup_problem(pid, task) LIMIT 1;
    IF FOUND THEN
        RETURN;
    END IF;
    IF lvl IS NULL OR lvl NOT IN ('district', 'lead', 'city') THEN
        RETURN QUERY SELECT 'invalid'::text, cchc_msg('unknown level %s; use district, lead or city', lvl);
        RETURN;
    END IF;
    IF lvl = 'city' THEN
        IF NOT is_admin THEN
            RETURN QUERY SELECT 'scope'::text,
                                cchc_msg('only Sở Nội vụ''s administrators write the city report');
        END IF;
        RETURN;
    END IF;
    author := consolidation_author(pid, lvl, caller_unit, task, typed_unit);
    SELECT coalesce(bool_or(o.level = 'district'), false),
           coalesce(bool_or(o.level = lvl AND o.unit_code = author AND o.task_id = task), false)
      INTO any_district, owed
      FROM consolidations_owed(pid) o;
    IF lvl = 'district' AND NOT any_district THEN
        RETURN QUERY SELECT 'precondition'::text,
            cchc_msg('period %s asks no district''s consolidated report: no district exists on its last data day (%s); communes report to the lead agencies directly',
                     pid, (SELECT p.data_until::text FROM report_period p WHERE p.id = pid));
        RETURN;
    END IF;
    IF author IS DISTINCT FROM caller_unit AND NOT may_report_for(caller_unit, author) THEN
        RETURN QUERY SELECT 'scope'::text,
            cchc_msg('unit %s does not report for "%s": only the successor of a unit that has closed '
                     'sends or fixes the reports that unit still owes', caller_unit, author);
        RETURN;
    END IF;
    IF NOT owed THEN
        RETURN QUERY SELECT 'scope'::text, CASE lvl WHEN 'lead'
                 THEN cchc_msg('your unit does not lead task %s in period %s', task::text, pid)
                 ELSE cchc_msg('your unit is not a district whose communes report on task %s in period %s',
                               task::text, pid) END;
    END IF;
END
$$;

-- Saves a consolidation, as submit_reports saves a unit's report:
-- {"actor": {...}, "admin": bool, "period", "level", "task", "unit",
-- "assessment", "difficulties", "proposals", "key", "base", "draft"}. The
-- author is the caller's unit, or a closed unit it succeeds
-- (consolidation_author; Sở Nội vụ for the city report); the figures are
-- computed now and kept with the revision. Refused: out of scope (field
-- as consolidation_scope_problem says), an accepted consolidation or an
-- approved period, a draft over a submitted one, a key used for another
-- consolidation, a base that is not the latest revision (field
-- 'conflict', naming who saved the newer one). A key seen before answers
-- what it saved (replayed); so does a text identical to the latest
-- revision (trimmed; a file sent again after a lost answer, with a new
-- key and the old base), which never conflicts and writes nothing, as for
-- the units' unchanged rows (docs/concurrency.md). Timeliness is the first
-- submission's (Vietnam date against consolidation_deadline).
CREATE OR REPLACE FUNCTION submit_consolidation(doc jsonb)
RETURNS TABLE (field text, message text, consolidation_id bigint, revision int, state text,
               late boolean, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
    lvl text := doc ->> 'level';
    is_admin boolean := coalesce((doc ->> 'admin')::boolean, false);
    task int := nullif((doc ->> 'task')::int, 0);
    unit text;
    is_draft boolean := coalesce((doc ->> 'draft')::boolean, false);
    base int := coalesce((doc ->> 'base')::int, 0);
    key text := doc ->> 'key';
    p report_period;
    c consolidation;
    prev consolidation_revision;
    problem record;
    is_late boolean;
    latest consolidation_revision;
    new_rev int;
BEGIN
    IF lvl = 'city' THEN
        task := NULL;
    END IF;
    SELECT * INTO p FROM report_period WHERE id = doc ->> 'period' FOR SHARE;
    SELECT * INTO problem FROM consolidation_scope_problem(doc ->> 'period', lvl, doc -> 'actor' ->> 'unit',
                                                           task, is_admin, doc ->> 'unit') LIMIT 1;
    IF FOUND THEN
        RETURN QUERY SELECT problem.field, problem.message, NULL::bigint, NULL::int, NULL::text,
                            NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    unit := consolidation_author(p.id, lvl, doc -> 'actor' ->> 'unit', task, doc ->> 'unit');
    -- one save of a consolidation at a time: two reporters sending its
    -- first revision together would both find no row and both insert (the
    -- second failing on the unique index); taken in turn, the second is
    -- judged against the first's revision (a conflict, or unchanged)
    PERFORM pg_advisory_xact_lock(hashtext('submit_consolidation ' || p.id || ' ' || lvl || ' '
                                           || unit || ' ' || coalesce(task, 0)));
    SELECT x.* INTO c FROM consolidation x
     WHERE x.period_id = p.id AND x.level = lvl AND x.unit_code = unit
       AND x.task_id IS NOT DISTINCT FROM task
       FOR UPDATE;
    -- a retried send: answer what the first one saved
    SELECT v.* INTO prev FROM consolidation_revision v WHERE v.idempotency_key = key;
    IF FOUND THEN
        IF c.id IS DISTINCT FROM prev.consolidation_id THEN
            RETURN QUERY SELECT 'key'::text, cchc_msg('this idempotency key was used for another report'),
                                NULL::bigint, NULL::int, NULL::text, NULL::boolean, NULL::boolean;
            RETURN;
        END IF;
        RETURN QUERY SELECT NULL::text, NULL::text, c.id, prev.revision, c.state, prev.late, true;
        RETURN;
    END IF;
    IF p.state = 'approved' THEN
        RETURN QUERY SELECT 'period'::text, cchc_msg('period %s is locked', p.id), NULL::bigint,
                            NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    -- as for the units' reports: nothing is written for a period not yet open
    IF p.state = 'planned' THEN
        RETURN QUERY SELECT 'period'::text, cchc_msg('period %s is not open yet', p.id), NULL::bigint,
                            NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    -- the same text as the latest revision: nothing new to write, whatever
    -- the base (a draft sent as a draft, a sent one sent again)
    SELECT v.* INTO latest FROM consolidation_revision v
     WHERE v.consolidation_id = c.id AND v.revision = c.revision;
    IF c.id IS NOT NULL AND (latest.saved_as = 'submitted' OR is_draft)
       AND btrim(latest.assessment) = btrim(coalesce(doc ->> 'assessment', ''))
       AND btrim(latest.difficulties) = btrim(coalesce(doc ->> 'difficulties', ''))
       AND btrim(latest.proposals) = btrim(coalesce(doc ->> 'proposals', '')) THEN
        RETURN QUERY SELECT NULL::text, NULL::text, c.id, c.revision, c.state, c.late, true;
        RETURN;
    END IF;
    IF c.state = 'accepted' THEN
        RETURN QUERY SELECT 'state'::text,
                            cchc_msg('this consolidated report is already accepted and cannot be changed'),
                            NULL::bigint, NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    IF is_draft AND c.state = 'submitted' THEN
        RETURN QUERY SELECT 'draft'::text,
                            cchc_msg('this consolidated report is already submitted; submit again instead of saving a draft'),
                            NULL::bigint, NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    IF c.id IS NOT NULL AND base <> c.revision THEN
        SELECT v.* INTO prev FROM consolidation_revision v
         WHERE v.consolidation_id = c.id AND v.revision = c.revision;
        RETURN QUERY SELECT 'conflict'::text,
                            cchc_msg('the consolidated report is at revision %s, saved by %s at %s; yours was made from revision %s',
                                     c.revision::text, prev.username, iso_utc(prev.saved_at), base::text),
                            NULL::bigint, NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;
    IF c.id IS NULL AND base <> 0 THEN
        RETURN QUERY SELECT 'base_revision'::text,
                            cchc_msg('there is no consolidated report yet, so no revision %s', base::text),
                            NULL::bigint, NULL::int, NULL::text, NULL::boolean, NULL::boolean;
        RETURN;
    END IF;

    is_late := NOT is_draft AND today_in_vietnam() > consolidation_deadline(p, lvl);
    IF c.id IS NULL THEN
        INSERT INTO consolidation (period_id, level, unit_code, task_id, state, revision)
        VALUES (p.id, lvl, unit, task, 'draft', 0) RETURNING * INTO c;
        prev := NULL;
    ELSE
        SELECT v.* INTO prev FROM consolidation_revision v
         WHERE v.consolidation_id = c.id AND v.revision = c.revision;
    END IF;
    new_rev := c.revision + 1;
    INSERT INTO consolidation_revision (consolidation_id, revision, saved_as, figures, assessment,
                                        difficulties, proposals, late, idempotency_key, changed,
                                        account_id, username, address)
    VALUES (c.id, new_rev, CASE WHEN is_draft THEN 'draft' ELSE 'submitted' END,
            consolidation_figures(p.id, lvl, unit, task), coalesce(doc ->> 'assessment', ''),
            coalesce(doc ->> 'difficulties', ''), coalesce(doc ->> 'proposals', ''), is_late, key,
            array_remove(ARRAY[
                CASE WHEN prev.assessment IS DISTINCT FROM coalesce(doc ->> 'assessment', '') THEN 'assessment' END,
                CASE WHEN prev.difficulties IS DISTINCT FROM coalesce(doc ->> 'difficulties', '') THEN 'difficulties' END,
                CASE WHEN prev.proposals IS DISTINCT FROM coalesce(doc ->> 'proposals', '') THEN 'proposals' END],
                NULL),
            (doc -> 'actor' ->> 'id')::bigint, doc -> 'actor' ->> 'username', doc -> 'actor' ->> 'address');
    UPDATE consolidation x
       SET revision = new_rev,
           state = CASE WHEN is_draft AND x.state = 'returned' THEN 'returned'
                        WHEN is_draft THEN 'draft' ELSE 'submitted' END,
           first_submitted_at = CASE WHEN is_draft THEN x.first_submitted_at
                                     ELSE coalesce(x.first_submitted_at, now()) END,
           -- as for units: the first submission decides on time or late
           late = CASE WHEN x.first_submitted_at IS NULL THEN is_late ELSE x.late END,
           return_reason = CASE WHEN is_draft THEN x.return_reason END,
           updated_at = now()
     WHERE x.id = c.id
    RETURNING * INTO c;
    PERFORM audit_write(doc, CASE WHEN is_draft THEN 'consolidation.draft' ELSE 'consolidation.submit' END,
                        lvl || ' ' || unit || ' ' || p.id || coalesce(' ' || task::text, ''),
                        jsonb_build_object('consolidation', c.id, 'revision', new_rev, 'late', is_late));
    RETURN QUERY SELECT NULL::text, NULL::text, c.id, new_rev, c.state, c.late, false;
END
$$;

-- Who reviews a consolidation, seen from reviewer_unit: a district's is
-- the lead agency's of its task ('lead'), a lead agency's is Sở Nội vụ's
-- administrators' ('admin'); the city report is approved with the period
-- (cchc period approve), nobody reviews it. A lead agency that has closed
-- since the period's last data day reviews through the unit carrying its
-- duties today (reporting_predecessors), as its reports are written. NULL
-- when reviewer_unit may not.
CREATE OR REPLACE FUNCTION consolidation_reviewer(pid text, lvl text, task int, reviewer_unit text,
                                                  is_admin boolean)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN lvl = 'district' AND EXISTS (SELECT 1 FROM period_leads(pid) l
                                           WHERE l.task_id = task
                                             AND (l.unit_code = reviewer_unit
                                                  OR l.unit_code IN (SELECT r.unit_code
                                                                       FROM reporting_predecessors(reviewer_unit) r)))
            THEN 'lead'
        WHEN lvl = 'lead' AND is_admin THEN 'admin'
    END
$$;

-- Reviews consolidations, all or none, as review_reports reviews units'
-- reports: {"actor", "admin", "action": "accept"|"return", "reason",
-- "ids", "revisions"} (revisions[i] is the one read of ids[i]; a newer
-- submitted revision refuses with field 'revision'). kind says what the
-- server answers for an error: 'not_found' (no such consolidation),
-- 'scope' (not the caller's to review), '' (any other). Dropped first: kind
-- was added.
DROP FUNCTION IF EXISTS review_consolidations(jsonb);
CREATE OR REPLACE FUNCTION review_consolidations(doc jsonb)
RETURNS TABLE (consolidation_id bigint, field text, message text, state text, level text, kind text)
LANGUAGE plpgsql AS $$
DECLARE
    action text := doc ->> 'action';
    is_admin boolean := coalesce((doc ->> 'admin')::boolean, false);
BEGIN
    PERFORM 1 FROM consolidation x
     WHERE x.id IN (SELECT j::bigint FROM jsonb_array_elements_text(doc -> 'ids') j)
     ORDER BY x.id FOR UPDATE;
    RETURN QUERY
    WITH t AS (
        SELECT j.id::bigint AS id, v.seen::int AS seen, j.ord
          FROM jsonb_array_elements_text(doc -> 'ids') WITH ORDINALITY j (id, ord)
          LEFT JOIN jsonb_array_elements_text(doc -> 'revisions') WITH ORDINALITY v (seen, ord)
            ON v.ord = j.ord),
    k AS (
        SELECT t.*, x.state AS cur, x.period_id, consolidation_reviewer(x.period_id, x.level, x.task_id, doc -> 'actor' ->> 'unit', is_admin) AS lvl,
               s.revision AS sent, s.username, s.saved_at, x.id IS NOT NULL AS found
          FROM t LEFT JOIN consolidation x ON x.id = t.id
          LEFT JOIN consolidation_sent s ON s.consolidation_id = t.id)
    SELECT e.id, e.field, e.message, NULL::text, NULL::text, e.kind FROM (
        SELECT k.id, 'ids' AS field, cchc_msg('no consolidated report %s', k.id::text) AS message,
               'not_found' AS kind
          FROM k WHERE NOT k.found
        UNION ALL
        SELECT k.id, 'ids', cchc_msg('consolidated report %s is not yours to review', k.id::text), 'scope'
          FROM k WHERE k.found AND k.lvl IS NULL
        UNION ALL
        SELECT k.id, 'ids', cchc_msg('consolidated report %s is %s and cannot be reviewed', k.id::text, k.cur), ''
          FROM k WHERE k.found AND k.lvl IS NOT NULL
           AND NOT (k.cur = 'submitted' OR (action = 'return' AND k.cur = 'accepted'))
        UNION ALL
        SELECT k.id, 'ids', cchc_msg('period %s is locked', k.period_id), ''
          FROM k JOIN report_period p ON p.id = k.period_id WHERE p.state = 'approved'
        UNION ALL
        SELECT k.id, 'revision',
               cchc_msg('consolidated report %s has revision %s by %s at %s; you read revision %s',
                        k.id::text, k.sent::text, k.username, iso_utc(k.saved_at), k.seen::text), ''
          FROM k WHERE k.found AND k.lvl IS NOT NULL AND k.seen IS DISTINCT FROM k.sent
    ) e ORDER BY e.id, e.field;
    IF FOUND THEN
        RETURN;
    END IF;
    INSERT INTO consolidation_review (consolidation_id, revision, action, level, reason, account_id,
                                      username, address)
    SELECT x.id, v.seen::int, action, consolidation_reviewer(x.period_id, x.level, x.task_id, doc -> 'actor' ->> 'unit', is_admin),
           coalesce(doc ->> 'reason', ''), (doc -> 'actor' ->> 'id')::bigint,
           doc -> 'actor' ->> 'username', doc -> 'actor' ->> 'address'
      FROM jsonb_array_elements_text(doc -> 'ids') WITH ORDINALITY j (id, ord)
      JOIN jsonb_array_elements_text(doc -> 'revisions') WITH ORDINALITY v (seen, ord) ON v.ord = j.ord
      JOIN consolidation x ON x.id = j.id::bigint;
    UPDATE consolidation x
       SET state = CASE action WHEN 'accept' THEN 'accepted' ELSE 'returned' END,
           return_reason = CASE action WHEN 'return' THEN doc ->> 'reason' END,
           updated_at = now()
     WHERE x.id IN (SELECT j::bigint FROM jsonb_array_elements_text(doc -> 'ids') j);
    PERFORM audit_write(doc, 'consolidation.' || action, '',
                        jsonb_build_object('consolidations', doc -> 'ids', 'revisions', doc -> 'revisions',
                                           'reason', doc ->> 'reason'));
    RETURN QUERY SELECT x.id, NULL::text, NULL::text, x.state, NULL::text, NULL::text
                   FROM consolidation x
                  WHERE x.id IN (SELECT j::bigint FROM jsonb_array_elements_text(doc -> 'ids') j)
                  ORDER BY x.id;
END
$$;

-- Every consolidation a period asks for, with what was sent (its latest
-- submitted revision; the author's unsent draft only when viewer_unit is
-- the author or writes for it, a closed unit it succeeds) and whether on
-- time: the protocol's Consolidation.
-- state 'missing' when nothing was ever saved, 'approved' once the period
-- is approved (an accepted consolidation, or the city report sent).
CREATE OR REPLACE FUNCTION consolidation_rows(pid text, viewer_unit text)
RETURNS TABLE (consolidation_id bigint, period_id text, level text, unit_code text, unit_name text,
               task_id int, ref text, state text, revision int, late boolean, on_time boolean,
               submitted_at text, return_reason text, deadline text, assessment text,
               difficulties text, proposals text, figures text, saved_by text)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(c.id, 0), pid, o.level, o.unit_code, u.name, coalesce(o.task_id, 0),
           coalesce(t.ref, ''),
           CASE WHEN c.id IS NULL THEN 'missing'
                WHEN p.state = 'approved' AND (c.state = 'accepted'
                                               OR (c.level = 'city' AND c.state = 'submitted'))
                    THEN 'approved'
                ELSE c.state END,
           coalesce(v.revision, 0), coalesce(c.first_submitted_at IS NOT NULL AND c.late, false),
           coalesce(c.first_submitted_at IS NOT NULL AND NOT c.late, false),
           coalesce(iso_utc(c.first_submitted_at), ''), coalesce(c.return_reason, ''),
           consolidation_deadline(p, o.level)::text,
           coalesce(v.assessment, ''), coalesce(v.difficulties, ''), coalesce(v.proposals, ''),
           coalesce(v.figures::text, ''), coalesce(v.username, '')
      FROM report_period p
     CROSS JOIN LATERAL consolidations_owed(p.id) o
      JOIN org_unit u ON u.code = o.unit_code
      LEFT JOIN LATERAL (SELECT viewer_unit IS NOT NULL AND (o.unit_code = viewer_unit
                                OR o.unit_code IN (SELECT r.unit_code FROM reporting_predecessors(viewer_unit) r))
                                AS writes) w ON true
      LEFT JOIN task t ON t.id = o.task_id
      LEFT JOIN consolidation c ON c.period_id = p.id AND c.level = o.level
                               AND c.unit_code = o.unit_code AND c.task_id IS NOT DISTINCT FROM o.task_id
      LEFT JOIN LATERAL (
           SELECT r.* FROM consolidation_revision r
            WHERE r.consolidation_id = c.id
              AND (r.saved_as = 'submitted' OR w.writes)
            ORDER BY r.revision DESC LIMIT 1) v ON true
     WHERE p.id = pid
$$;

-- A period's district and city deadlines, set by an administrator
-- ({"actor", "period", "district_deadline", "city_deadline"}, dates or ""
-- to go back to lead_deadline). A district's deadline lies between the
-- units' and the lead agencies' (issue 17): after the units report, before
-- the lead agencies consolidate what the districts sent.
CREATE OR REPLACE FUNCTION consolidation_deadlines_set(doc jsonb)
RETURNS TABLE (field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
    p report_period;
    d date := nullif(doc ->> 'district_deadline', '')::date;
    city date := nullif(doc ->> 'city_deadline', '')::date;
BEGIN
    SELECT * INTO p FROM report_period WHERE id = doc ->> 'period' FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'period'::text, cchc_msg('unknown period %s; see ''cchc period list''', doc ->> 'period');
        RETURN;
    END IF;
    IF d IS NOT NULL AND (d < p.unit_deadline OR d > p.lead_deadline) THEN
        RETURN QUERY SELECT 'district_deadline'::text,
                            cchc_msg('the districts'' deadline must lie between the units'' (%s) and the lead agencies'' (%s)',
                                     p.unit_deadline::text, p.lead_deadline::text);
        RETURN;
    END IF;
    IF city IS NOT NULL AND city < p.unit_deadline THEN
        RETURN QUERY SELECT 'city_deadline'::text,
                            cchc_msg('the city report''s deadline must not be before the units'' (%s)',
                                     p.unit_deadline::text);
        RETURN;
    END IF;
    UPDATE report_period SET district_deadline = d, city_deadline = city WHERE id = p.id;
    PERFORM audit_write(doc, 'period.consolidation_deadlines', p.id,
                        jsonb_build_object('district_deadline', d, 'city_deadline', city));
END
$$;
