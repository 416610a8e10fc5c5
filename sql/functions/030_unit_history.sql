-- 030_unit_history: units as they are on a given date, and the changes an
-- administrator makes to them (close, rename, merge, split, commune import).
--
-- A unit exists on day d when valid_from <= d <= valid_until (NULL = open
-- ended). Units are never deleted or renamed in place: a rename, merge or
-- split closes the old unit the day before the change and links it to its
-- successor(s) in unit_succession. So
--   - a report stays with the unit that made it (its code never changes);
--   - an assignment made to a unit that no longer exists on day d is carried
--     by that unit's successors on d (unit_on);
--   - asking about an earlier date shows the units as they were then.
-- Everything here is SQL the server calls with parameters; the JSON
-- arguments are built by the server with a JSON library, never by string
-- formatting.
-- Tables in 0002_plan_schema; unit_class_member in 010.

-- True when the unit exists on day d.
CREATE OR REPLACE FUNCTION unit_exists_on(u org_unit, d date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (u.valid_from IS NULL OR u.valid_from <= d)
       AND (u.valid_until IS NULL OR u.valid_until >= d)
$$;

-- The unit(s) carrying unit_code's duties on day d: itself while it exists,
-- else its successors (followed through later changes) whose change took
-- effect on or before d. Empty when the unit was closed without successor,
-- or did not exist yet.
CREATE OR REPLACE FUNCTION unit_on(unit_code text, d date) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE chain (code, depth) AS (
        SELECT unit_code, 0
        UNION
        SELECT s.successor_code, c.depth + 1
          FROM chain c
          JOIN unit_succession s ON s.predecessor_code = c.code
          JOIN org_unit cu ON cu.code = c.code
         WHERE s.effective_on <= d
           AND NOT unit_exists_on(cu, d)
           AND c.depth < 32
    )
    SELECT c.code
      FROM chain c JOIN org_unit u ON u.code = c.code
     WHERE unit_exists_on(u, d)
$$;

-- The units what a person typed names when case and diacritics are
-- forgiven (text_fold_key, 025): "binh thuy", "QUẬN BÌNH THỦY" and the NFD
-- form of "Bình Thủy" all name Q-BINHTHUY. Several rows when the key is
-- ambiguous (two units fold to the same key; units existing today are
-- preferred over closed ones of the same key).
CREATE OR REPLACE FUNCTION unit_resolve_folded(q text) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    WITH k AS (SELECT text_fold_key(q) AS key),
    m AS (
        SELECT u.code FROM org_unit u, k
         WHERE k.key <> ''
           AND (text_fold_key(u.name) = k.key
                OR (u.kind = 'district' AND text_fold_key(u.name) IN ('quan ' || k.key, 'huyen ' || k.key)))
        UNION
        SELECT a.unit_code FROM org_unit_alias a, k WHERE k.key <> '' AND text_fold_key(a.alias) = k.key
    ),
    open_today AS (
        SELECT m.code FROM m JOIN org_unit u ON u.code = m.code
         WHERE unit_exists_on(u, (now() AT TIME ZONE INTERVAL '+07:00')::date)
    )
    SELECT code FROM open_today
    UNION ALL
    SELECT code FROM m WHERE NOT EXISTS (SELECT 1 FROM open_today)
$$;

-- Resolves what a person typed to a unit code: the code itself (any case),
-- the unit's name, a printed alias, or a district's name without "Quận" or
-- "Huyện"; failing those, the same forgiving case, diacritics and normal
-- form when that names one unit only (unit_resolve_folded). NULL when
-- nothing matches or the forgiving match is ambiguous (unit_resolve_problem
-- says which).
CREATE OR REPLACE FUNCTION unit_resolve(q text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found text;
    n int;
BEGIN
    -- a unit's exact code (what cchc and cchcd send) by its primary key:
    -- codes are upper case only (org_unit's CHECK), so no other code is
    -- equal to it in any case and the search below would find just this
    IF EXISTS (SELECT 1 FROM org_unit WHERE code = q) THEN
        RETURN q;
    END IF;
    SELECT code INTO found FROM (
        SELECT code, 1 AS pref FROM org_unit WHERE upper(code) = upper(q)
        UNION ALL
        SELECT code, 2 FROM org_unit WHERE lower(name) = lower(q)
        UNION ALL
        SELECT unit_code, 3 FROM org_unit_alias WHERE lower(alias) = lower(q)
        UNION ALL
        -- a district by its name alone: "Ninh Kiều" for "Quận Ninh Kiều"
        SELECT code, 4 FROM org_unit
         WHERE kind = 'district' AND lower(name) IN (lower('Quận ' || q), lower('Huyện ' || q))
    ) m
    ORDER BY pref, code
    LIMIT 1;
    IF found IS NOT NULL OR q IS NULL THEN
        RETURN found;
    END IF;
    SELECT min(f), count(*) INTO found, n FROM unit_resolve_folded(q) f;
    RETURN CASE WHEN n = 1 THEN found END;
END
$$;

-- Why what a person typed names no unit, as a message id with arguments
-- (cchc_msg, 005_messages.sql): the units an ambiguous forgiving match
-- names (each with its code, so the next try can be exact), or the closest
-- names by edit distance on their keys (did you mean), or plain "unknown".
-- role says which unit the message names: 'unit' (any unit) or 'lead' (a
-- lead agency); the words are the message's, in the reader's language.
CREATE OR REPLACE FUNCTION unit_resolve_problem(q text, role text DEFAULT 'unit') RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    listed text;
    key text := text_fold_key(coalesce(q, ''));
BEGIN
    IF key = '' THEN
        RETURN CASE role WHEN 'lead' THEN cchc_msg('no lead agency given')
                         ELSE cchc_msg('no unit given') END;
    END IF;
    SELECT string_agg(format('"%s" (%s)', u.name, u.code), ', ' ORDER BY u.code) INTO listed
      FROM unit_resolve_folded(q) f JOIN org_unit u ON u.code = f;
    IF (SELECT count(*) FROM unit_resolve_folded(q)) > 1 THEN
        RETURN CASE role WHEN 'lead'
            THEN cchc_msg('"%s" matches several lead agencies: %s — type the diacritics or use the code', q, listed)
            ELSE cchc_msg('"%s" matches several units: %s — type the diacritics or use the code', q, listed) END;
    END IF;
    -- the closest names among units existing today, by their keys, with
    -- and without "quận", "phường"… in front; only names whose length
    -- could be close are compared
    SELECT string_agg(format('"%s" (%s)', c.name, c.code), ', ' ORDER BY c.d, c.code) INTO listed
      FROM (SELECT x.* FROM (
                SELECT n.name, n.code,
                       least(text_edit_distance(key, n.full_key),
                             text_edit_distance(key, n.short_key)) AS d
                  FROM (SELECT u.name, u.code, text_fold_key(u.name) AS full_key,
                               regexp_replace(text_fold_key(u.name),
                                              '^(quan|huyen|phuong|xa|thi tran) ', '') AS short_key
                          FROM org_unit u
                         WHERE unit_exists_on(u, (now() AT TIME ZONE INTERVAL '+07:00')::date)) n
                 WHERE least(abs(length(n.full_key) - length(key)),
                             abs(length(n.short_key) - length(key))) <= greatest(2, length(key) / 3)) x
             WHERE x.d <= greatest(2, length(key) / 3)
             ORDER BY x.d, x.code
             LIMIT 3) c;
    IF listed IS NOT NULL THEN
        RETURN CASE role WHEN 'lead'
            THEN cchc_msg('no lead agency "%s" — did you mean: %s?', q, listed)
            ELSE cchc_msg('no unit "%s" — did you mean: %s?', q, listed) END;
    END IF;
    RETURN CASE role WHEN 'lead' THEN cchc_msg('lead agency "%s" not found; see ''cchc units''', q)
                     ELSE cchc_msg('unit "%s" not found; see ''cchc units''', q) END;
END
$$;

-- The parent of a unit on day d: the latest parent change effective on or
-- before d (unit_parent_change, e.g. communes under the city from
-- 2025-07-01), else the parent it was created with.
CREATE OR REPLACE FUNCTION unit_parent_on(unit_code text, d date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT c.parent_code FROM unit_parent_change c
          WHERE c.unit_code = unit_parent_on.unit_code AND c.effective_on <= d
          ORDER BY c.effective_on DESC LIMIT 1),
        (SELECT u.parent_code FROM org_unit u WHERE u.code = unit_parent_on.unit_code))
$$;

-- Units of a class on day d: the same rules, matched against the units
-- existing on d and each unit's parent on d (unit_parent_on, below), so a
-- class defined by its parent ("units under UBND-TP") follows the changes
-- of structure (issue 12: the plan follows the city). Kinds are not dated:
-- a unit that changes kind is a new unit. Expectations (assignment_units_on)
-- use this; the undated view above stays for callers that pick dates
-- themselves.
CREATE OR REPLACE FUNCTION unit_class_members_on(d date)
RETURNS TABLE (class_code text, unit_code text)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE closure (class_code, member_class_code) AS (
        SELECT code, code FROM unit_class
        UNION
        SELECT c.class_code, r.include_class_code
          FROM closure c
          JOIN unit_class_rule r ON r.class_code = c.member_class_code
         WHERE r.include_class_code IS NOT NULL
    ),
    units_on AS (
        SELECT u.code, u.kind, u.category, unit_parent_on(u.code, d) AS parent_code
          FROM org_unit u
         WHERE unit_exists_on(u, d)
    )
    SELECT DISTINCT c.class_code, u.code
      FROM closure c
      JOIN unit_class_rule r ON r.class_code = c.member_class_code AND r.include_class_code IS NULL
      JOIN units_on u ON (r.match_unit_code = u.code)
                      OR (r.match_unit_code IS NULL
                          AND (r.match_kind IS NULL OR r.match_kind = u.kind)
                          AND (r.match_category IS NULL OR r.match_category = u.category)
                          AND (r.match_parent_code IS NULL OR r.match_parent_code = u.parent_code)
                          AND (r.match_parent_kind IS NULL
                               OR EXISTS (SELECT 1 FROM org_unit p
                                           WHERE p.code = u.parent_code AND p.kind = r.match_parent_kind)))
$$;

-- The implementers of each assignment in force on day d: the printed ones
-- (assignment_implementer), unless an amendment (0015, `cchc plan assign`)
-- effective on or before d replaces them; the latest such amendment wins.
-- amendment_id is NULL for the printed list; printed_text is the unit's or
-- class's name for an amendment's rows.
CREATE OR REPLACE FUNCTION assignment_implementers_on(d date)
RETURNS TABLE (assignment_id int, seq int, printed_text text, unit_code text, class_code text,
               amendment_id bigint)
LANGUAGE sql STABLE AS $$
    WITH amended AS (
        SELECT DISTINCT ON (m.assignment_id) m.assignment_id, m.id
          FROM assignment_amendment m
         WHERE m.effective_from <= d
         ORDER BY m.assignment_id, m.effective_from DESC)
    SELECT i.assignment_id, i.seq, i.printed_text, i.unit_code, i.class_code, NULL::bigint
      FROM assignment_implementer i
     WHERE i.assignment_id NOT IN (SELECT am.assignment_id FROM amended am)
    UNION ALL
    SELECT am.assignment_id, x.seq, coalesce(u.name, c.name), x.unit_code, x.class_code, am.id
      FROM amended am
      JOIN assignment_amendment_implementer x ON x.amendment_id = am.id
      LEFT JOIN org_unit u ON u.code = x.unit_code
      LEFT JOIN unit_class c ON c.code = x.class_code
$$;

-- The lead agencies of each assignment in force on day d, as named (not
-- yet carried by successors): printed, or as the latest amendment
-- effective on or before d says.
CREATE OR REPLACE FUNCTION assignment_named_leads_on(d date)
RETURNS TABLE (assignment_id int, seq int, unit_code text, printed_text text, amendment_id bigint)
LANGUAGE sql STABLE AS $$
    WITH amended AS (
        SELECT DISTINCT ON (m.assignment_id) m.assignment_id, m.id
          FROM assignment_amendment m
         WHERE m.effective_from <= d
         ORDER BY m.assignment_id, m.effective_from DESC)
    SELECT l.assignment_id, l.seq, l.unit_code, l.printed_text, NULL::bigint
      FROM assignment_lead l
     WHERE l.assignment_id NOT IN (SELECT am.assignment_id FROM amended am)
    UNION ALL
    SELECT am.assignment_id, x.seq, x.unit_code, u.name, am.id
      FROM amended am
      JOIN assignment_amendment_lead x ON x.amendment_id = am.id
      JOIN org_unit u ON u.code = x.unit_code
$$;

-- Units implementing each assignment on day d: the implementers in force
-- on d (assignment_implementers_on), unit classes expanded to their
-- members on d (unit_class_members_on, above: the units existing on d,
-- parents as on d), named units carried by their successors.
-- implementer_seq says which implementer in force brought the unit in.
CREATE OR REPLACE FUNCTION assignment_units_on(d date)
RETURNS TABLE (assignment_id int, task_id int, implementer_seq int, unit_code text,
               via_class_code text, assigned_unit_code text)
LANGUAGE sql STABLE AS $$
    WITH i AS (SELECT * FROM assignment_implementers_on(d))
    SELECT a.id, a.task_id, i.seq, m.unit_code, i.class_code, NULL::text
      FROM task_assignment a
      JOIN i ON i.assignment_id = a.id
      JOIN unit_class_members_on(d) m ON m.class_code = i.class_code
    UNION
    SELECT a.id, a.task_id, i.seq, e.code, NULL, i.unit_code
      FROM task_assignment a
      JOIN i ON i.assignment_id = a.id
     CROSS JOIN LATERAL unit_on(i.unit_code, d) AS e (code)
     WHERE i.unit_code IS NOT NULL
$$;

-- Lead agencies of each assignment on day d (in force on d), carried by
-- successors.
CREATE OR REPLACE FUNCTION assignment_leads_on(d date)
RETURNS TABLE (assignment_id int, task_id int, seq int, unit_code text, assigned_unit_code text,
               printed_text text)
LANGUAGE sql STABLE AS $$
    SELECT l.assignment_id, a.task_id, l.seq, e.code, l.unit_code, l.printed_text
      FROM assignment_named_leads_on(d) l
      JOIN task_assignment a ON a.id = l.assignment_id
     CROSS JOIN LATERAL unit_on(l.unit_code, d) AS e (code)
$$;

-- Communes imported from a file: {"rows": [{"line": 2, "code": "31117",
-- "name": "Phường Tân An", "district": "Q-NINHKIEU" or a district's name}],
-- "valid_from": "2023-01-01" or null}. All rows are checked first; any error
-- means nothing is imported. Returns the errors (line, field, message), or
-- no rows when every commune was added.
CREATE OR REPLACE FUNCTION import_communes(doc jsonb)
RETURNS TABLE (line int, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
    valid_from date := nullif(doc ->> 'valid_from', '')::date;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS commune_import (
        line int, code text, name text, district text, district_code text
    ) ON COMMIT DROP;
    DELETE FROM commune_import;
    INSERT INTO commune_import
    SELECT r.line, btrim(r.code), btrim(r.name), btrim(r.district), NULL
      FROM jsonb_to_recordset(doc -> 'rows') AS r (line int, code text, name text, district text);
    -- a district by code, name or alias, or by its name without "Quận"/"Huyện"
    UPDATE commune_import c
       SET district_code = (SELECT u.code FROM org_unit u
                             WHERE u.kind = 'district'
                               AND (u.code = unit_resolve(c.district)
                                    OR lower(u.name) IN (lower('Quận ' || c.district),
                                                         lower('Huyện ' || c.district)))
                             ORDER BY u.code LIMIT 1);

    RETURN QUERY
    SELECT e.line, e.field, e.message FROM (
        SELECT c.line, 'code' AS field, cchc_msg('the unit code is empty') AS message
          FROM commune_import c WHERE coalesce(c.code, '') = ''
        UNION ALL
        SELECT c.line, 'code', cchc_msg('code "%s" is not valid: use capital letters, digits and hyphens',
                                        c.code)
          FROM commune_import c WHERE c.code <> '' AND c.code !~ '^[A-Z0-9][A-Z0-9-]*$'
        UNION ALL
        SELECT c.line, 'code', cchc_msg('code "%s" is already used: %s', c.code, u.name)
          FROM commune_import c JOIN org_unit u ON u.code = c.code
        UNION ALL
        SELECT c.line, 'code', cchc_msg('code "%s" is already on line %s', c.code, d.line::text)
          FROM commune_import c
          JOIN commune_import d ON d.code = c.code AND d.line < c.line
        UNION ALL
        SELECT c.line, 'name', cchc_msg('the unit name is empty')
          FROM commune_import c WHERE coalesce(c.name, '') = ''
        UNION ALL
        SELECT c.line, 'district', CASE WHEN coalesce(c.district, '') = ''
                                        THEN cchc_msg('the district is missing')
                                        ELSE cchc_msg('district "%s" not found', c.district)
                                   END
          FROM commune_import c WHERE c.district_code IS NULL
    ) e
    ORDER BY e.line, e.field;
    IF FOUND THEN
        RETURN;
    END IF;
    INSERT INTO org_unit (code, name, kind, parent_code, valid_from)
    SELECT c.code, c.name, 'commune', c.district_code, valid_from
      FROM commune_import c ORDER BY c.line;
END
$$;

-- One change to the organisation as of a date (the first day of the new
-- state): {"op": "close"|"rename"|"merge"|"split", "from": ["CODE", ...],
-- "to": [{"code": "NEW", "name": "...", "kind": "commune", "parent": "CODE"}
-- or {"code": "EXISTING"}], "effective_on": "2025-07-01",
-- "legal_basis": "Nghị quyết ..."}.
--   close:  one unit, no successor.
--   rename: one unit to one new unit (same kind and parent unless given).
--   merge:  several units into one unit, new or existing.
--   split:  one unit into several units, new or existing.
-- Old units end the day before; new units start on the day. Returns the
-- errors (field, message), or no rows when the change was recorded.
CREATE OR REPLACE FUNCTION change_units(doc jsonb)
RETURNS TABLE (field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
    op text := doc ->> 'op';
    d date;
    from_codes text[];
    n_from int;
    n_to int := coalesce(jsonb_array_length(doc -> 'to'), 0);
    t jsonb;
    f text;
    first_from org_unit;
BEGIN
    BEGIN
        d := (doc ->> 'effective_on')::date;
    EXCEPTION WHEN others THEN
        RETURN QUERY SELECT 'effective_on', cchc_msg('date "%s" is not valid; write YYYY-MM-DD',
                                                     doc ->> 'effective_on');
        RETURN;
    END;
    IF d IS NULL THEN
        RETURN QUERY SELECT 'effective_on', cchc_msg('the date the change takes effect is required');
        RETURN;
    END IF;
    SELECT array_agg(coalesce(unit_resolve(x), x) ORDER BY o)
      INTO from_codes
      FROM jsonb_array_elements_text(doc -> 'from') WITH ORDINALITY AS j (x, o);
    n_from := coalesce(array_length(from_codes, 1), 0);

    IF op NOT IN ('close', 'rename', 'merge', 'split') OR op IS NULL THEN
        RETURN QUERY SELECT 'op', cchc_msg('unknown change "%s"; use close, rename, merge or split', op);
        RETURN;
    END IF;
    IF n_from = 0 THEN
        RETURN QUERY SELECT 'from', cchc_msg('no unit given');
        RETURN;
    END IF;
    IF (op IN ('close', 'rename', 'split') AND n_from <> 1) OR (op = 'merge' AND n_from < 2) THEN
        RETURN QUERY SELECT 'from', CASE op WHEN 'merge'
            THEN cchc_msg('%s needs at least 2 units, got %s', op, n_from::text)
            ELSE cchc_msg('%s needs 1 unit, got %s', op, n_from::text) END;
        RETURN;
    END IF;
    IF (op = 'close' AND n_to <> 0) OR (op IN ('rename', 'merge') AND n_to <> 1)
       OR (op = 'split' AND n_to < 2) THEN
        RETURN QUERY SELECT 'to', cchc_msg('%s: wrong number of successors (%s)', op, n_to::text);
        RETURN;
    END IF;
    FOREACH f IN ARRAY from_codes LOOP
        IF NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = f) THEN
            RETURN QUERY SELECT 'from', unit_resolve_problem(f);
            RETURN;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = f AND unit_exists_on(u, d - 1)) THEN
            RETURN QUERY SELECT 'from', cchc_msg('unit "%s" does not exist on %s', f, (d - 1)::text);
            RETURN;
        END IF;
    END LOOP;
    SELECT * INTO first_from FROM org_unit WHERE code = from_codes[1];

    -- check every successor before changing anything
    FOR t IN SELECT * FROM jsonb_array_elements(coalesce(doc -> 'to', '[]'::jsonb)) LOOP
        IF coalesce(t ->> 'code', '') = '' THEN
            RETURN QUERY SELECT 'to.code', cchc_msg('the successor''s code is missing');
            RETURN;
        END IF;
        IF (t ->> 'code') = ANY (from_codes) THEN
            RETURN QUERY SELECT 'to.code', cchc_msg('"%s" cannot succeed itself', t ->> 'code');
            RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM org_unit u WHERE u.code = t ->> 'code') THEN
            IF t ? 'name' THEN
                RETURN QUERY SELECT 'to.code', cchc_msg('code "%s" exists; leave out the name to use that unit',
                                                        t ->> 'code');
                RETURN;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = t ->> 'code' AND unit_exists_on(u, d)) THEN
                RETURN QUERY SELECT 'to.code', cchc_msg('successor "%s" does not exist on %s',
                                                        t ->> 'code', d::text);
                RETURN;
            END IF;
            CONTINUE;
        END IF;
        IF (t ->> 'code') !~ '^[A-Z0-9][A-Z0-9-]*$' THEN
            RETURN QUERY SELECT 'to.code', cchc_msg('code "%s" is not valid: use capital letters, digits and hyphens',
                                                    t ->> 'code');
            RETURN;
        END IF;
        IF coalesce(btrim(t ->> 'name'), '') = '' THEN
            RETURN QUERY SELECT 'to.name', cchc_msg('the new unit "%s" needs a name', t ->> 'code');
            RETURN;
        END IF;
        IF coalesce(t ->> 'kind', first_from.kind) NOT IN ('city', 'department', 'district', 'commune', 'other') THEN
            RETURN QUERY SELECT 'to.kind', cchc_msg('unknown kind of unit "%s"', t ->> 'kind');
            RETURN;
        END IF;
        IF t ? 'parent' AND NOT EXISTS (SELECT 1 FROM org_unit u
                                         WHERE u.code = coalesce(unit_resolve(t ->> 'parent'), t ->> 'parent')
                                           AND unit_exists_on(u, d)) THEN
            RETURN QUERY SELECT 'to.parent', cchc_msg('parent unit "%s" not found on %s', t ->> 'parent', d::text);
            RETURN;
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM org_unit u WHERE u.code = ANY (from_codes)
                AND u.valid_from IS NOT NULL AND u.valid_from >= d) THEN
        RETURN QUERY SELECT 'effective_on', cchc_msg('%s is not after the day the unit began', d::text);
        RETURN;
    END IF;

    -- record the change
    FOR t IN SELECT * FROM jsonb_array_elements(coalesce(doc -> 'to', '[]'::jsonb)) LOOP
        IF NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = t ->> 'code') THEN
            INSERT INTO org_unit (code, name, kind, category, parent_code, valid_from)
            VALUES (t ->> 'code', btrim(t ->> 'name'),
                    coalesce(t ->> 'kind', first_from.kind),
                    CASE WHEN coalesce(t ->> 'kind', first_from.kind) = 'other'
                         THEN coalesce(t ->> 'category', first_from.category) END,
                    CASE WHEN t ? 'parent' THEN coalesce(unit_resolve(t ->> 'parent'), t ->> 'parent')
                         ELSE first_from.parent_code END,
                    d);
        END IF;
        FOREACH f IN ARRAY from_codes LOOP
            INSERT INTO unit_succession (predecessor_code, successor_code, effective_on, change_kind, legal_basis)
            VALUES (f, t ->> 'code', d, op, nullif(doc ->> 'legal_basis', ''));
        END LOOP;
    END LOOP;
    UPDATE org_unit SET valid_until = d - 1 WHERE code = ANY (from_codes);
END
$$;

-- ["2024", "09", "28"] as ["28", "09", "2024"]: a date as Vietnamese write it.
CREATE OR REPLACE FUNCTION array_reverse_text(a text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(a[i] ORDER BY i DESC), '{}') FROM generate_subscripts(a, 1) i
$$;

-- A legal basis as people read it: each source id of unit_source that
-- carries an act's number shown as the number, with the act's date where
-- the source is the act itself ("1192/NQ-UBTVQH15 ngày 28/09/2024"; a
-- press report's date is the article's, not the act's); each number once
-- (press reports quoting the same act); other ids kept. Free text (no
-- known id) is kept as typed.
CREATE OR REPLACE FUNCTION legal_basis_text(basis text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM unnest(string_to_array(basis, ';')) x
                                   JOIN unit_source s ON s.id = btrim(x))
                THEN basis
                ELSE (SELECT string_agg(label, '; ' ORDER BY first_o)
                        FROM (SELECT DISTINCT ON (k) k, label, min(o) OVER (PARTITION BY k) AS first_o
                                FROM (SELECT coalesce(nullif(s.number, ''), btrim(x)) AS k,
                                             coalesce(nullif(s.number, ''), btrim(x))
                                             || CASE WHEN coalesce(s.issued, '') <> '' AND coalesce(s.number, '') <> ''
                                                          AND s.id NOT LIKE 'NEWS-%'
                                                     THEN ' ngày ' || array_to_string(array_reverse_text(
                                                              string_to_array(s.issued, '-')), '/')
                                                     ELSE '' END AS label,
                                             o
                                        FROM unnest(string_to_array(basis, ';')) WITH ORDINALITY AS u (x, o)
                                        LEFT JOIN unit_source s ON s.id = btrim(x)) named
                               ORDER BY k, length(label) DESC, o) once)
           END
$$;

-- A unit's life, oldest first: created, formed from, absorbed, renamed,
-- moved, merged or split into, closed. on_date is the first day of the new
-- state; other_code/other_name the unit on the other side of the change;
-- part the code of a succession that took part of a unit ('part', 'rest',
-- '' for the whole), which the client labels in the reader's language
-- (issue 14: it was written into the note as "một phần (part)"). Dropped
-- first: a column was added, and CREATE OR REPLACE cannot change a result.
DROP FUNCTION IF EXISTS unit_history(text);
CREATE OR REPLACE FUNCTION unit_history(code text)
RETURNS TABLE (on_date text, event text, other_code text, other_name text, legal_basis text, note text,
               part text)
LANGUAGE sql STABLE AS $$
    SELECT e.d::text, e.event, coalesce(e.other, ''), coalesce(o.name, ''),
           coalesce(legal_basis_text(e.basis), ''), coalesce(e.note, ''), coalesce(e.part, '')
      FROM (
        SELECT u.valid_from AS d, 'created' AS event, NULL::text AS other, u.began_basis AS basis,
               NULL::text AS note, NULL::text AS part, 0 AS rank
          FROM org_unit u
         WHERE u.code = unit_history.code AND u.valid_from IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM unit_succession s
                            WHERE s.successor_code = u.code AND s.effective_on = u.valid_from)
        UNION ALL
        SELECT s.effective_on,
               CASE s.change_kind WHEN 'rename' THEN 'renamed_from' WHEN 'absorb' THEN 'absorbed'
                                  WHEN 'split' THEN 'split_from' ELSE 'formed_from' END,
               s.predecessor_code, s.legal_basis, s.note, s.part, 1
          FROM unit_succession s WHERE s.successor_code = unit_history.code
        UNION ALL
        SELECT c.effective_on, 'moved', c.parent_code, c.legal_basis, NULL, NULL, 2
          FROM unit_parent_change c WHERE c.unit_code = unit_history.code
        UNION ALL
        SELECT s.effective_on,
               CASE s.change_kind WHEN 'rename' THEN 'renamed_to' WHEN 'absorb' THEN 'absorbed_into'
                                  WHEN 'split' THEN 'split_into' ELSE 'merged_into' END,
               s.successor_code, s.legal_basis, s.note, s.part, 3
          FROM unit_succession s WHERE s.predecessor_code = unit_history.code
        UNION ALL
        -- closed without successor (a merge or split already says where it went)
        SELECT u.valid_until + 1, 'closed', NULL, u.ended_basis, NULL, NULL, 4
          FROM org_unit u
         WHERE u.code = unit_history.code AND u.valid_until IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM unit_succession s
                            WHERE s.predecessor_code = u.code AND s.effective_on = u.valid_until + 1)
      ) e
      LEFT JOIN org_unit o ON o.code = e.other
     ORDER BY e.d, e.rank, e.other
$$;
