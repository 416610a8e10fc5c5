-- 090_plan_assign: dated amendments to the plan's assignments (`cchc plan
-- assign`, issue 12: the plan follows the city). Table in
-- 0015_assignment_amendments; read by assignment_implementers_on and
-- assignment_named_leads_on (030). The printed plan's rows are never
-- changed: an amendment replaces an assignment's implementers and/or leads
-- from a date on, and periods whose last data day falls before that date
-- keep expecting what the plan (or an earlier amendment) said.

-- An implementer as typed: a class by code or name (case-insensitive),
-- else a unit by code, name or alias. ('class', code), ('unit', code), or
-- no row.
CREATE OR REPLACE FUNCTION implementer_resolve(q text)
RETURNS TABLE (kind text, code text)
LANGUAGE sql STABLE AS $$
    SELECT 'class', c.code FROM unit_class c
     WHERE upper(c.code) = upper(btrim(q)) OR lower(c.name) = lower(btrim(q))
    UNION ALL
    SELECT 'unit', unit_resolve(btrim(q))
     WHERE unit_resolve(btrim(q)) IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM unit_class c
                        WHERE upper(c.code) = upper(btrim(q)) OR lower(c.name) = lower(btrim(q)))
    UNION ALL
    -- a class by its name with case and diacritics forgiven, when that
    -- names one class and no unit (text_fold_key, 025)
    SELECT 'class', min(c.code) FROM unit_class c
     WHERE text_fold_key(c.name) = text_fold_key(q)
       AND unit_resolve(btrim(q)) IS NULL
    HAVING count(*) = 1
    LIMIT 1
$$;

-- Records an amendment, all or nothing: {"task": 105, "assignment": 0 (the
-- assignment's number within the task; 0 = the task's only one),
-- "implementers": ["UBND-XA", "SNV"], "leads": ["VP-UBND"], "from":
-- "2025-07-01", "legal_basis": "…", "actor": {…}}. An empty list keeps
-- what is in force the day before. Returns the errors (field, message), or
-- one row whose result is the amendment as `cchc plan task` shows it.
CREATE OR REPLACE FUNCTION plan_assign(doc jsonb)
RETURNS TABLE (field text, message text, result jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    tid int := (doc ->> 'task')::int;
    aseq int := coalesce((doc ->> 'assignment')::int, 0);
    d date;
    aid int;
    n_assignments int;
    mid bigint;
    q text;
    k text;
    c text;
    pos int;
    errors text[] := '{}';
    fields text[] := '{}';
    impl jsonb := '[]';
    leads jsonb := '[]';
BEGIN
    BEGIN
        d := (doc ->> 'from')::date;
    EXCEPTION WHEN others THEN
        d := NULL;
    END;
    IF d IS NULL THEN
        RETURN QUERY SELECT 'from', cchc_msg('date "%s" is not valid; write 2025-07-01', doc ->> 'from'),
                            NULL::jsonb;
        RETURN;
    END IF;
    SELECT count(*) INTO n_assignments FROM task_assignment a WHERE a.task_id = tid;
    IF n_assignments = 0 THEN
        RETURN QUERY SELECT 'task', cchc_msg('no task %s', tid::text), NULL::jsonb;
        RETURN;
    END IF;
    IF aseq = 0 AND n_assignments > 1 THEN
        RETURN QUERY SELECT 'assignment',
            cchc_msg('task %s has %s assignment lines; choose one with --assignment 1..%s',
                     tid::text, n_assignments::text, n_assignments::text), NULL::jsonb;
        RETURN;
    END IF;
    SELECT a.id INTO aid FROM task_assignment a
     WHERE a.task_id = tid AND (a.seq = aseq OR aseq = 0);
    IF aid IS NULL THEN
        RETURN QUERY SELECT 'assignment', cchc_msg('task %s has no assignment line %s',
                                                   tid::text, aseq::text), NULL::jsonb;
        RETURN;
    END IF;
    IF jsonb_array_length(coalesce(doc -> 'implementers', '[]')) = 0
       AND jsonb_array_length(coalesce(doc -> 'leads', '[]')) = 0 THEN
        RETURN QUERY SELECT 'implementers', cchc_msg('nothing to amend: give --implementers or --lead'), NULL::jsonb;
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM assignment_amendment m WHERE m.assignment_id = aid AND m.effective_from = d) THEN
        RETURN QUERY SELECT 'from', cchc_msg('assignment %s already has an amendment from %s',
                                             aid::text, d::text), NULL::jsonb;
        RETURN;
    END IF;

    -- what is named, resolved; every error collected before anything is written
    pos := 0;
    FOR q IN SELECT jsonb_array_elements_text(coalesce(doc -> 'implementers', '[]')) LOOP
        pos := pos + 1;
        SELECT r.kind, r.code INTO k, c FROM implementer_resolve(q) r;
        IF NOT FOUND THEN
            -- two rows, so that neither message nests the other
            fields := fields || 'implementers'::text || 'implementers'::text;
            errors := errors || cchc_msg('"%s" is neither a unit nor a class of units', q)
                             || unit_resolve_problem(btrim(q));
        ELSIF k = 'unit' AND NOT EXISTS (SELECT unit_on(c, d)) THEN
            fields := fields || 'implementers'::text;
            errors := errors || cchc_msg('unit %s no longer exists (nor does a successor) on %s', c, d::text);
        ELSIF impl @> jsonb_build_array(jsonb_build_object(k, c)) THEN
            fields := fields || 'implementers'::text;
            errors := errors || cchc_msg('"%s" is named twice', q);
        ELSE
            impl := impl || jsonb_build_array(jsonb_build_object(k, c));
        END IF;
    END LOOP;
    FOR q IN SELECT jsonb_array_elements_text(coalesce(doc -> 'leads', '[]')) LOOP
        c := unit_resolve(btrim(q));
        IF c IS NULL THEN
            fields := fields || 'leads'::text;
            errors := errors || unit_resolve_problem(btrim(q), 'lead');
        ELSIF NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = c AND unit_exists_on(u, d)) THEN
            fields := fields || 'leads'::text;
            errors := errors || cchc_msg('unit %s does not exist on %s', c, d::text);
        ELSIF leads ? c THEN
            fields := fields || 'leads'::text;
            errors := errors || cchc_msg('"%s" is named twice', q);
        ELSE
            leads := leads || to_jsonb(c);
        END IF;
    END LOOP;
    IF cardinality(errors) > 0 THEN
        RETURN QUERY SELECT f, e, NULL::jsonb FROM unnest(fields, errors) AS x (f, e);
        RETURN;
    END IF;

    INSERT INTO assignment_amendment (assignment_id, effective_from, legal_basis, account_id, username)
    VALUES (aid, d, coalesce(doc ->> 'legal_basis', ''), (doc -> 'actor' ->> 'id')::bigint,
            coalesce(doc -> 'actor' ->> 'username', ''))
    RETURNING id INTO mid;
    -- a list not given: the one in force the day before
    IF jsonb_array_length(impl) > 0 THEN
        INSERT INTO assignment_amendment_implementer (amendment_id, seq, unit_code, class_code)
        SELECT mid, e.ord, e.x ->> 'unit', e.x ->> 'class'
          FROM jsonb_array_elements(impl) WITH ORDINALITY e (x, ord);
    ELSE
        INSERT INTO assignment_amendment_implementer (amendment_id, seq, unit_code, class_code)
        SELECT mid, i.seq, i.unit_code, i.class_code
          FROM assignment_implementers_on(d - 1) i WHERE i.assignment_id = aid;
    END IF;
    IF jsonb_array_length(leads) > 0 THEN
        INSERT INTO assignment_amendment_lead (amendment_id, seq, unit_code)
        SELECT mid, e.ord, e.x FROM jsonb_array_elements_text(leads) WITH ORDINALITY e (x, ord);
    ELSE
        INSERT INTO assignment_amendment_lead (amendment_id, seq, unit_code)
        SELECT mid, row_number() OVER (ORDER BY l.seq), l.unit_code
          FROM (SELECT DISTINCT ON (l.unit_code) l.seq, l.unit_code
                  FROM assignment_named_leads_on(d - 1) l WHERE l.assignment_id = aid
                 ORDER BY l.unit_code, l.seq) l;
    END IF;
    result := assignment_amendment_json(mid);
    PERFORM audit_write(doc, 'plan.assign', aid::text, result);
    RETURN QUERY SELECT NULL::text, NULL::text, result;
END
$$;

-- An amendment as the protocol shows it: {"assignment_id", "from",
-- "implementers": [codes], "leads": [codes], "legal_basis", "recorded_by",
-- "recorded_at"}.
CREATE OR REPLACE FUNCTION assignment_amendment_json(mid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'assignment_id', m.assignment_id, 'from', m.effective_from::text,
        'implementers', (SELECT coalesce(jsonb_agg(coalesce(i.unit_code, i.class_code) ORDER BY i.seq), '[]')
                           FROM assignment_amendment_implementer i WHERE i.amendment_id = m.id),
        'leads', (SELECT coalesce(jsonb_agg(l.unit_code ORDER BY l.seq), '[]')
                    FROM assignment_amendment_lead l WHERE l.amendment_id = m.id),
        'legal_basis', m.legal_basis, 'recorded_by', m.username, 'recorded_at', iso_utc(m.recorded_at))
      FROM assignment_amendment m WHERE m.id = mid
$$;
