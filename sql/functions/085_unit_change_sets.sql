-- 085_unit_change_sets: a set of dated changes to the organisation (close,
-- rename, merge into a new or an existing unit, split, move under another
-- parent, create), checked whole and applied in one transaction; `cchc
-- units apply FILE` and the one-change commands (`cchc units close` …)
-- both come here. Why a set: a reform (Resolution 1668: 28 merges, 4
-- moves, 71 new units and 9 districts closed on one day) is one act, and
-- half of it applied is a city that never existed.
--
-- Idempotent: each change is recognised as already applied by its recorded
-- effect (the unit closed the day before, the succession rows, the parent
-- change, the unit created on the day), so applying a set twice changes
-- nothing and says so; a set overlapping an applied one applies the rest.
-- The one-change commands are strict: there a change already applied is an
-- error ("closing twice" is refused).
-- After 080: uses audit_write (040) and expected_reports (050).

-- A unit kind of a change file: ward (phường) and commune_town (thị trấn)
-- are communes in org_unit, whose name says which.
CREATE OR REPLACE FUNCTION unit_kind_of(k text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN k IN ('ward', 'commune_town') THEN 'commune' ELSE nullif(k, '') END
$$;

-- What a rename, merge or split does, for the preview and the report of a
-- set: a message id with arguments (cchc_msg, 005), one id per kind of
-- change so that each language says the verb its own way.
CREATE OR REPLACE FUNCTION unit_change_summary(op text, from_codes text[], to_list jsonb, d date)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE op WHEN 'rename' THEN cchc_msg('rename %s → %s from %s', f, t, d::text)
                   WHEN 'merge' THEN cchc_msg('merge %s → %s from %s', f, t, d::text)
                   ELSE cchc_msg('split %s → %s from %s', f, t, d::text) END
      FROM (SELECT array_to_string(from_codes, ', ') AS f,
                   (SELECT string_agg(tt ->> 'code', ', ') FROM jsonb_array_elements(to_list) tt) AS t) x
$$;

-- One change: {"op", "from": [...], "to": [{"code", "name", "kind",
-- "parent"}], "effective_on", "legal_basis", "partial": ["CODE:part"],
-- "note"}. Checks it against the units as they are now (earlier changes
-- of the set already written) and writes it. state: applied, already or
-- error (field, message); summary says what it does; closing lists the
-- units it ends with their successors, for the preview.
CREATE OR REPLACE FUNCTION unit_change_one(c jsonb)
RETURNS TABLE (state text, field text, message text, summary text, closing jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    op text := c ->> 'op';
    d date;
    basis text := nullif(btrim(coalesce(c ->> 'legal_basis', '')), '');
    note text := nullif(btrim(coalesce(c ->> 'note', '')), '');
    from_codes text[];
    to_list jsonb := coalesce(c -> 'to', '[]'::jsonb);
    n_from int;
    n_to int;
    t jsonb;
    f text;
    r text;
    u org_unit;
    res org_unit;
    parts jsonb := '{}'::jsonb;
    parent text;
    kind text;
    n_done int;
    n_children int;
    ends jsonb := '[]'::jsonb;
BEGIN
    BEGIN
        d := (c ->> 'effective_on')::date;
    EXCEPTION WHEN others THEN
        RETURN QUERY SELECT 'error', 'effective_on',
            cchc_msg('date "%s" is not valid; write YYYY-MM-DD', c ->> 'effective_on'), '', NULL::jsonb;
        RETURN;
    END;
    IF d IS NULL THEN
        RETURN QUERY SELECT 'error', 'effective_on', cchc_msg('the date the change takes effect is required'), '', NULL::jsonb;
        RETURN;
    END IF;
    SELECT coalesce(array_agg(coalesce(unit_resolve(btrim(x)), btrim(x)) ORDER BY o), '{}')
      INTO from_codes
      FROM jsonb_array_elements_text(coalesce(c -> 'from', '[]'::jsonb)) WITH ORDINALITY AS j (x, o)
     WHERE btrim(x) <> '';
    n_from := coalesce(array_length(from_codes, 1), 0);
    n_to := jsonb_array_length(to_list);
    SELECT coalesce(jsonb_object_agg(split_part(x, ':', 1), split_part(x, ':', 2)), '{}')
      INTO parts FROM jsonb_array_elements_text(coalesce(c -> 'partial', '[]'::jsonb)) x;

    IF op IS NULL OR op NOT IN ('close', 'rename', 'merge', 'split', 'move', 'create') THEN
        RETURN QUERY SELECT 'error', 'op', cchc_msg('unknown change "%s"; use close, rename, merge, split, move or create',
                                                    op), '', NULL::jsonb;
        RETURN;
    END IF;
    IF (op IN ('close', 'rename', 'split', 'move') AND n_from <> 1) OR (op = 'merge' AND n_from < 1)
       OR (op = 'create' AND n_from <> 0) THEN
        RETURN QUERY SELECT 'error', 'from', cchc_msg('%s: wrong number of units (%s)',
                                                      op, n_from::text), '', NULL::jsonb;
        RETURN;
    END IF;
    IF (op = 'close' AND n_to <> 0) OR (op IN ('rename', 'merge', 'create', 'move') AND n_to <> 1)
       OR (op = 'split' AND n_to < 2) THEN
        RETURN QUERY SELECT 'error', 'to', cchc_msg('%s: wrong number of successors (%s)', op, n_to::text), '', NULL::jsonb;
        RETURN;
    END IF;
    FOREACH f IN ARRAY from_codes LOOP
        IF NOT EXISTS (SELECT 1 FROM org_unit x WHERE x.code = f) THEN
            RETURN QUERY SELECT 'error', 'from', unit_resolve_problem(f), '',
                                NULL::jsonb;
            RETURN;
        END IF;
    END LOOP;

    -- ---- move: the same unit under another parent from d
    IF op = 'move' THEN
        SELECT * INTO u FROM org_unit x WHERE x.code = from_codes[1];
        parent := coalesce(unit_resolve(to_list -> 0 ->> 'parent'), to_list -> 0 ->> 'parent');
        IF coalesce(to_list -> 0 ->> 'code', u.code) NOT IN (u.code, '') THEN
            RETURN QUERY SELECT 'error', 'to.code', cchc_msg('move: "%s" must be the unit "%s" itself (a move keeps the unit)',
                                                             to_list -> 0 ->> 'code', u.code), '', NULL::jsonb;
            RETURN;
        END IF;
        IF parent IS NULL OR NOT EXISTS (SELECT 1 FROM org_unit x WHERE x.code = parent AND unit_exists_on(x, d)) THEN
            RETURN QUERY SELECT 'error', 'to.parent', cchc_msg('parent unit "%s" not found on %s',
                                                               to_list -> 0 ->> 'parent', d::text), '', NULL::jsonb;
            RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM unit_parent_change p WHERE p.unit_code = u.code AND p.effective_on = d
                    AND p.parent_code = parent) THEN
            RETURN QUERY SELECT 'already', NULL::text, NULL::text,
                cchc_msg('move %s (%s) under %s from %s', u.name, u.code, parent, d::text), NULL::jsonb;
            RETURN;
        END IF;
        IF NOT unit_exists_on(u, d) OR (u.valid_from IS NOT NULL AND u.valid_from >= d) THEN
            RETURN QUERY SELECT 'error', 'from', cchc_msg('unit "%s" does not exist on %s, or begins that day',
                                                          u.code, d::text), '', NULL::jsonb;
            RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM unit_parent_change p WHERE p.unit_code = u.code AND p.effective_on = d) THEN
            RETURN QUERY SELECT 'error', 'to.parent', cchc_msg('"%s" is already moved to another unit from %s',
                                                               u.code, d::text), '', NULL::jsonb;
            RETURN;
        END IF;
        INSERT INTO unit_parent_change (unit_code, parent_code, effective_on, legal_basis)
        VALUES (u.code, parent, d, basis);
        RETURN QUERY SELECT 'applied', NULL::text, NULL::text,
            cchc_msg('move %s (%s) under %s from %s', u.name, u.code, parent, d::text), NULL::jsonb;
        RETURN;
    END IF;

    -- ---- close: the unit ends the day before, no successor
    IF op = 'close' THEN
        SELECT * INTO u FROM org_unit x WHERE x.code = from_codes[1];
        IF u.valid_until = d - 1 AND NOT EXISTS (SELECT 1 FROM unit_succession s
                                                  WHERE s.predecessor_code = u.code AND s.effective_on = d) THEN
            RETURN QUERY SELECT 'already', 'from', cchc_msg('unit "%s" is already closed from %s', u.code, d::text),
                cchc_msg('close %s (%s) from %s', u.name, u.code, d::text), NULL::jsonb;
            RETURN;
        END IF;
        IF u.valid_until IS NOT NULL THEN
            RETURN QUERY SELECT 'error', 'from', cchc_msg('unit "%s" already ended on %s',
                                                          u.code, u.valid_until::text), '', NULL::jsonb;
            RETURN;
        END IF;
        IF u.valid_from IS NOT NULL AND u.valid_from >= d THEN
            RETURN QUERY SELECT 'error', 'effective_on', cchc_msg('%s is not after the day "%s" began (%s)',
                                                                  d::text, u.code, u.valid_from::text), '', NULL::jsonb;
            RETURN;
        END IF;
        SELECT count(*) INTO n_children FROM org_unit x
         WHERE unit_exists_on(x, d) AND unit_parent_on(x.code, d) = u.code;
        IF n_children > 0 THEN
            RETURN QUERY SELECT 'error', 'from', cchc_msg('"%s" still has %s units under it on %s; move or merge them first',
                                                          u.code, n_children::text, d::text), '', NULL::jsonb;
            RETURN;
        END IF;
        UPDATE org_unit x SET valid_until = d - 1, ended_basis = basis WHERE x.code = u.code;
        RETURN QUERY SELECT 'applied', NULL::text, NULL::text, cchc_msg('close %s (%s) from %s', u.name, u.code, d::text),
            jsonb_build_array(jsonb_build_object('unit', u.code, 'successors', '[]'::jsonb));
        RETURN;
    END IF;

    -- ---- create: a new unit with no predecessor in the product
    IF op = 'create' THEN
        t := to_list -> 0;
        r := btrim(coalesce(t ->> 'code', ''));
        SELECT * INTO res FROM org_unit x WHERE x.code = r;
        IF FOUND THEN
            IF res.valid_from = d AND res.name = btrim(coalesce(t ->> 'name', '')) THEN
                RETURN QUERY SELECT 'already', 'to.code', cchc_msg('unit "%s" already exists from %s', r, d::text),
                    cchc_msg('create %s (%s) from %s', res.name, r, d::text), NULL::jsonb;
            ELSE
                RETURN QUERY SELECT 'error', 'to.code', cchc_msg('code "%s" is already used: %s', r, res.name),
                    '', NULL::jsonb;
            END IF;
            RETURN;
        END IF;
    END IF;

    -- ---- check the successors (create, rename, merge, split)
    FOR t IN SELECT * FROM jsonb_array_elements(to_list) LOOP
        r := btrim(coalesce(t ->> 'code', ''));
        IF r = '' THEN
            RETURN QUERY SELECT 'error', 'to.code', cchc_msg('the successor''s code is missing'), '', NULL::jsonb;
            RETURN;
        END IF;
        SELECT * INTO res FROM org_unit x WHERE x.code = r;
        IF FOUND THEN
            IF op = 'rename' THEN
                RETURN QUERY SELECT 'error', 'to.code', cchc_msg('code "%s" already exists; a rename needs a new code', r), '',
                                    NULL::jsonb;
                RETURN;
            END IF;
            IF coalesce(btrim(t ->> 'name'), '') NOT IN ('', res.name) THEN
                RETURN QUERY SELECT 'error', 'to.name', cchc_msg('code "%s" exists with the name "%s"; leave out the name to use that unit',
                                                                 r, res.name), '', NULL::jsonb;
                RETURN;
            END IF;
            IF NOT unit_exists_on(res, d) AND NOT (res.valid_from = d AND EXISTS (
                    SELECT 1 FROM unit_succession s WHERE s.successor_code = r AND s.effective_on = d)) THEN
                RETURN QUERY SELECT 'error', 'to.code', cchc_msg('successor "%s" does not exist on %s', r, d::text), '', NULL::jsonb;
                RETURN;
            END IF;
            CONTINUE;
        END IF;
        IF r !~ '^[A-Z0-9][A-Z0-9-]*$' THEN
            RETURN QUERY SELECT 'error', 'to.code', cchc_msg('code "%s" is not valid: use capital letters, digits and hyphens', r),
                                '', NULL::jsonb;
            RETURN;
        END IF;
        IF coalesce(btrim(t ->> 'name'), '') = '' THEN
            RETURN QUERY SELECT 'error', 'to.name', cchc_msg('the new unit "%s" needs a name', r), '',
                                NULL::jsonb;
            RETURN;
        END IF;
        kind := coalesce(unit_kind_of(t ->> 'kind'), (SELECT x.kind FROM org_unit x WHERE x.code = from_codes[1]));
        -- an 'other' unit needs a category: only one taking over an 'other' unit has it
        IF kind IS NULL OR kind NOT IN ('city', 'department', 'district', 'commune', 'other')
           OR (kind = 'other' AND NOT EXISTS (SELECT 1 FROM org_unit x WHERE x.code = from_codes[1]
                                                AND x.kind = 'other')) THEN
            RETURN QUERY SELECT 'error', 'to.kind', cchc_msg('unknown kind of unit "%s"',
                                                             coalesce(t ->> 'kind', '')), '', NULL::jsonb;
            RETURN;
        END IF;
        parent := coalesce(unit_resolve(nullif(t ->> 'parent', '')), nullif(t ->> 'parent', ''));
        IF parent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM org_unit x WHERE x.code = parent AND unit_exists_on(x, d)) THEN
            RETURN QUERY SELECT 'error', 'to.parent', cchc_msg('parent unit "%s" not found on %s',
                                                               t ->> 'parent', d::text), '', NULL::jsonb;
            RETURN;
        END IF;
        IF op = 'create' AND parent IS NULL THEN
            RETURN QUERY SELECT 'error', 'to.parent', cchc_msg('the new unit "%s" needs a parent unit', r), '', NULL::jsonb;
            RETURN;
        END IF;
    END LOOP;

    IF op = 'create' THEN
        t := to_list -> 0;
        INSERT INTO org_unit (code, name, kind, parent_code, valid_from, began_basis, note)
        VALUES (btrim(t ->> 'code'), btrim(t ->> 'name'), unit_kind_of(t ->> 'kind'),
                coalesce(unit_resolve(t ->> 'parent'), t ->> 'parent'), d, basis, note);
        RETURN QUERY SELECT 'applied', NULL::text, NULL::text,
            cchc_msg('create %s (%s) from %s', btrim(t ->> 'name'), btrim(t ->> 'code'), d::text), NULL::jsonb;
        RETURN;
    END IF;

    -- ---- rename, merge, split: recognised as applied by their successions
    SELECT count(*) INTO n_done
      FROM unnest(from_codes) fc, jsonb_array_elements(to_list) tt
     WHERE fc <> tt ->> 'code'
       AND EXISTS (SELECT 1 FROM unit_succession s WHERE s.predecessor_code = fc
                      AND s.successor_code = tt ->> 'code' AND s.effective_on = d);
    IF n_done > 0 THEN
        IF n_done = (SELECT count(*) FROM unnest(from_codes) fc, jsonb_array_elements(to_list) tt
                      WHERE fc <> tt ->> 'code') THEN
            RETURN QUERY SELECT 'already', 'from',
                CASE op WHEN 'rename' THEN cchc_msg('the rename is already recorded from %s', d::text)
                        WHEN 'merge' THEN cchc_msg('the merge is already recorded from %s', d::text)
                        ELSE cchc_msg('the split is already recorded from %s', d::text) END,
                unit_change_summary(op, from_codes, to_list, d), NULL::jsonb;
        ELSE
            RETURN QUERY SELECT 'error', 'from',
                CASE op WHEN 'rename' THEN cchc_msg('the rename is only partly recorded from %s: fix the file', d::text)
                        WHEN 'merge' THEN cchc_msg('the merge is only partly recorded from %s: fix the file', d::text)
                        ELSE cchc_msg('the split is only partly recorded from %s: fix the file', d::text) END,
                '', NULL::jsonb;
        END IF;
        RETURN;
    END IF;
    FOREACH f IN ARRAY from_codes LOOP
        IF f = ANY (SELECT tt ->> 'code' FROM jsonb_array_elements(to_list) tt) THEN
            -- absorbing into one of the subjects: it stays open
            SELECT * INTO u FROM org_unit x WHERE x.code = f;
            IF op <> 'merge' OR NOT unit_exists_on(u, d) OR NOT unit_exists_on(u, d - 1) THEN
                RETURN QUERY SELECT 'error', 'to.code', cchc_msg('"%s" cannot succeed itself here: a unit absorbs others only in a merge, '
                                                                 'existing before and after the date', f), '', NULL::jsonb;
                RETURN;
            END IF;
            CONTINUE;
        END IF;
        SELECT * INTO u FROM org_unit x WHERE x.code = f;
        IF u.valid_from IS NOT NULL AND u.valid_from >= d THEN
            RETURN QUERY SELECT 'error', 'effective_on', cchc_msg('%s is not after the day "%s" began (%s)',
                                                                  d::text, f, u.valid_from::text), '', NULL::jsonb;
            RETURN;
        END IF;
        -- a unit split between rows (CODE:part / CODE:rest) is closed by the
        -- first of them; the other finds it ended the day before
        IF u.valid_until IS NOT NULL AND NOT (u.valid_until = d - 1 AND parts ? f AND EXISTS (
                SELECT 1 FROM unit_succession s WHERE s.predecessor_code = f AND s.effective_on = d
                   AND s.part IS NOT NULL)) THEN
            RETURN QUERY SELECT 'error', 'from', cchc_msg('unit "%s" already ended on %s',
                                                          f, u.valid_until::text), '', NULL::jsonb;
            RETURN;
        END IF;
    END LOOP;

    -- write: new successors, successions, subjects closed
    FOR t IN SELECT * FROM jsonb_array_elements(to_list) LOOP
        r := btrim(t ->> 'code');
        parent := coalesce(unit_resolve(nullif(t ->> 'parent', '')), nullif(t ->> 'parent', ''));
        IF NOT EXISTS (SELECT 1 FROM org_unit x WHERE x.code = r) THEN
            SELECT * INTO u FROM org_unit x WHERE x.code = from_codes[1];
            INSERT INTO org_unit (code, name, kind, category, parent_code, valid_from, began_basis)
            VALUES (r, btrim(t ->> 'name'), coalesce(unit_kind_of(t ->> 'kind'), u.kind),
                    CASE WHEN coalesce(unit_kind_of(t ->> 'kind'), u.kind) = 'other' THEN u.category END,
                    coalesce(parent, unit_parent_on(u.code, d - 1)), d, basis);
        ELSIF parent IS NOT NULL AND unit_parent_on(r, d) IS DISTINCT FROM parent THEN
            INSERT INTO unit_parent_change (unit_code, parent_code, effective_on, legal_basis)
            VALUES (r, parent, d, basis)
            ON CONFLICT (unit_code, effective_on) DO UPDATE SET parent_code = EXCLUDED.parent_code;
        END IF;
        FOREACH f IN ARRAY from_codes LOOP
            CONTINUE WHEN f = r;
            INSERT INTO unit_succession (predecessor_code, successor_code, effective_on, change_kind,
                                         legal_basis, note, part)
            VALUES (f, r, d,
                    CASE WHEN op = 'merge' AND EXISTS (SELECT 1 FROM org_unit x WHERE x.code = r
                                                        AND (x.valid_from IS NULL OR x.valid_from < d))
                         THEN 'absorb' ELSE op END,
                    basis, note, nullif(parts ->> f, ''));
        END LOOP;
    END LOOP;
    FOREACH f IN ARRAY from_codes LOOP
        CONTINUE WHEN f = ANY (SELECT tt ->> 'code' FROM jsonb_array_elements(to_list) tt);
        UPDATE org_unit x SET valid_until = d - 1, ended_basis = coalesce(x.ended_basis, basis)
         WHERE x.code = f AND x.valid_until IS NULL;
        ends := ends || jsonb_build_object('unit', f, 'successors',
                                           (SELECT jsonb_agg(tt ->> 'code') FROM jsonb_array_elements(to_list) tt));
    END LOOP;
    RETURN QUERY SELECT 'applied', NULL::text, NULL::text, unit_change_summary(op, from_codes, to_list, d), ends;
END
$$;

-- A change set: {"changes": [{"line": 2, …one change…}], "dry_run": bool,
-- "strict": bool, "source_name": "changes_2025.csv", "actor": {…}}.
-- Changes apply in order, inside a savepoint: any error, or dry_run, rolls
-- every one of them back. Returns the errors (line, field, message), or one
-- row whose result is {"digest", "applied", "already", "dry_run",
-- "effects": [{"line", "op", "state", "summary" (English), "summary_id",
-- "summary_args" (the same as a message id with arguments), "affected": [{"unit",
-- "successors", "expected": ["2025-6M/12"], "accounts": ["name"]}]}]}.
-- The preview (dry_run) lists, per unit a change ends, the reports still
-- expected from it in open periods (none or a returned/draft one made)
-- and the accounts on it.
CREATE OR REPLACE FUNCTION apply_unit_changes(doc jsonb)
RETURNS TABLE (line int, field text, message text, result jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    dry boolean := coalesce((doc ->> 'dry_run')::boolean, false);
    strict_mode boolean := coalesce((doc ->> 'strict')::boolean, false);
    digest text := encode(sha256(convert_to(coalesce(doc -> 'changes', '[]'::jsonb)::text, 'UTF8')), 'hex');
    c jsonb;
    k int;
    o record;
    errs jsonb := '[]'::jsonb;
    effects jsonb := '[]'::jsonb;
    affected jsonb;
    n_applied int := 0;
    n_already int := 0;
BEGIN
    IF jsonb_array_length(coalesce(doc -> 'changes', '[]'::jsonb)) = 0 THEN
        RETURN QUERY SELECT 0, 'changes', cchc_msg('no changes'), NULL::jsonb;
        RETURN;
    END IF;
    -- the same change twice in one file is a mistake, not "already applied"
    RETURN QUERY
    SELECT coalesce((b.x ->> 'line')::int, b.n::int), 'op',
           cchc_msg('the same change is already on line %s',
                    coalesce((a.x ->> 'line')::int, a.n::int)::text), NULL::jsonb
      FROM jsonb_array_elements(doc -> 'changes') WITH ORDINALITY AS a (x, n)
      JOIN jsonb_array_elements(doc -> 'changes') WITH ORDINALITY AS b (x, n)
        ON a.n < b.n AND (a.x - 'line') = (b.x - 'line')
     ORDER BY b.n;
    IF FOUND THEN
        RETURN;
    END IF;
    -- one set at a time: two admins applying overlapping sets would each
    -- see the other's half-written units
    PERFORM pg_advisory_xact_lock(hashtext('cchc.unit_change_set'));
    IF dry THEN
        CREATE TEMP TABLE IF NOT EXISTS unit_change_open (period_id text, unit_code text, task_id int)
            ON COMMIT DROP;
        DELETE FROM unit_change_open;
        INSERT INTO unit_change_open
        SELECT p.id, e.unit_code, e.task_id
          FROM report_period p CROSS JOIN LATERAL expected_reports(p.id) e
         WHERE p.state = 'open'
           AND NOT EXISTS (SELECT 1 FROM report r WHERE r.period_id = p.id AND r.unit_code = e.unit_code
                              AND r.task_id = e.task_id AND r.state IN ('submitted', 'accepted', 'approved'));
    END IF;
    BEGIN
        FOR c, k IN SELECT j.x, j.n FROM jsonb_array_elements(doc -> 'changes') WITH ORDINALITY AS j (x, n) LOOP
            SELECT * INTO o FROM unit_change_one(c);
            IF o.state = 'error' OR (strict_mode AND o.state = 'already') THEN
                errs := errs || jsonb_build_object('line', coalesce((c ->> 'line')::int, k), 'field', o.field,
                                                   'message', o.message);
                CONTINUE;
            END IF;
            IF o.state = 'already' THEN
                n_already := n_already + 1;
            ELSE
                n_applied := n_applied + 1;
            END IF;
            affected := '[]'::jsonb;
            IF dry AND o.closing IS NOT NULL THEN
                SELECT coalesce(jsonb_agg(jsonb_build_object(
                           'unit', e ->> 'unit', 'successors', coalesce(e -> 'successors', '[]'::jsonb),
                           'expected', (SELECT coalesce(jsonb_agg(w.period_id || '/' || w.task_id
                                                                  ORDER BY w.period_id, w.task_id), '[]'::jsonb)
                                          FROM unit_change_open w WHERE w.unit_code = e ->> 'unit'),
                           'accounts', (SELECT coalesce(jsonb_agg(a.username ORDER BY a.username), '[]'::jsonb)
                                          FROM account a WHERE a.unit_code = e ->> 'unit' AND NOT a.disabled))),
                       '[]'::jsonb)
                  INTO affected FROM jsonb_array_elements(o.closing) e;
            END IF;
            effects := effects || jsonb_build_object('line', coalesce((c ->> 'line')::int, k), 'op', c ->> 'op',
                                                     'state', CASE WHEN o.state = 'already' THEN 'already'
                                                                   WHEN dry THEN 'would_apply' ELSE 'applied' END,
                                                     'summary', cchc_msg_english(o.summary),
                                                     'summary_id', cchc_msg_id(o.summary),
                                                     'summary_args', to_jsonb((string_to_array(o.summary, chr(31)))[2:]),
                                                     'affected', affected);
        END LOOP;
        IF jsonb_array_length(errs) > 0 OR dry THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'cchc: roll the change set back';
        END IF;
    EXCEPTION WHEN raise_exception THEN
        IF SQLERRM <> 'cchc: roll the change set back' THEN
            RAISE;
        END IF;
    END;
    IF jsonb_array_length(errs) > 0 THEN
        RETURN QUERY SELECT (e ->> 'line')::int, e ->> 'field', e ->> 'message', NULL::jsonb
                       FROM jsonb_array_elements(errs) e;
        RETURN;
    END IF;
    IF NOT dry AND n_applied > 0 THEN
        INSERT INTO unit_change_set (digest, source_name, applied_by, changes, already, doc)
        VALUES (digest, coalesce(doc ->> 'source_name', ''), (doc -> 'actor' ->> 'id')::bigint,
                n_applied, n_already, doc -> 'changes');
    END IF;
    IF NOT dry THEN
        PERFORM audit_write(doc,
                            CASE WHEN strict_mode THEN 'units.' || (doc -> 'changes' -> 0 ->> 'op') ELSE 'units.apply' END,
                            CASE WHEN strict_mode
                                 THEN (SELECT string_agg(x, ',')
                                         FROM jsonb_array_elements_text(doc -> 'changes' -> 0 -> 'from') x)
                                 ELSE coalesce(doc ->> 'source_name', '') END,
                            jsonb_build_object('digest', digest, 'applied', n_applied, 'already', n_already,
                                               'source_name', coalesce(doc ->> 'source_name', ''))
                            -- one change is small enough to keep whole; a set is in unit_change_set
                            || CASE WHEN strict_mode THEN doc -> 'changes' -> 0 ELSE '{}'::jsonb END);
    END IF;
    RETURN QUERY SELECT NULL::int, NULL::text, NULL::text,
        jsonb_build_object('digest', digest, 'applied', n_applied, 'already', n_already, 'dry_run', dry,
                           'effects', effects);
END
$$;
