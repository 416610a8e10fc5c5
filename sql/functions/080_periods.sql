-- 080_periods: the life of a reporting period and the period list. Its own
-- file, after 070, because approval snapshots the status functions'
-- figures (live_report_facts, live_period_leads) and the period list
-- counts through report_facts, so the list, the status and the HTML
-- report share one definition. Tables in 0007_reports and
-- 0011_period_states; docs/periods.md describes the states.
--
--   planned --open--> open --close--> closed --approve--> approved
--                        <---open----        <--reopen---
-- extend (deadlines) is legal while planned, open or closed. Nothing
-- leads out of approved but reopen, which needs a reason. The old `lock`
-- is refused with the way forward: approval locks a period.

-- What may be done to a period in a state, in the order messages name it.
CREATE OR REPLACE FUNCTION period_next_actions(state text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE state
        WHEN 'planned' THEN ARRAY['open', 'extend']
        WHEN 'open' THEN ARRAY['close', 'extend']
        WHEN 'closed' THEN ARRAY['approve', 'open', 'extend']
        WHEN 'approved' THEN ARRAY['reopen']
    END
$$;

-- An administrator's action on a period: {"actor": …, "action":
-- "open"|"close"|"approve"|"reopen"|"extend", "period": "2023-6M",
-- "unit_deadline": "…", "lead_deadline": "…", "unit": "…", "until": "…",
-- "reason": "…", "accept_remaining": true, "accept_ids": [12, 13]}.
-- extend with a unit grants that unit until a date; without one it moves
-- the period's deadlines. approve refuses while a report of the period
-- waits for review (submitted), unless it is told to accept them all
-- (accept_remaining) or it accepts the ones listed and none is left; it
-- then marks the accepted reports approved and freezes the figures
-- (period_approval and its snapshot). Returned reports stay returned and
-- missing ones missing in the snapshot, and stores the trend's figures
-- (period_figures, 0018). reopen ends the approval (its snapshot stays as
-- history; its stored figures go), puts the reports back to accepted and the
-- period back to closed. Returns the errors (field, message), or no rows.
CREATE OR REPLACE FUNCTION period_action(doc jsonb)
RETURNS TABLE (field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
    action text := doc ->> 'action';
    p report_period;
    unit text;
    to_state text;
    accept_ids bigint[];
    waiting bigint[];
    accepted int := 0;
    approval bigint;
    detail jsonb := doc - 'actor' - 'action' - 'period';
    legal text;
BEGIN
    IF doc ->> 'period' ~ '^[0-9]{4}-(Q1|6M|9M|Y)$' THEN
        PERFORM ensure_periods(left(doc ->> 'period', 4)::int);
    END IF;
    -- FOR UPDATE: submit_reports and review_reports hold the period FOR
    -- SHARE while they work, so none is half done while its state changes.
    SELECT * INTO p FROM report_period WHERE id = doc ->> 'period' FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'period', cchc_msg('period "%s" is not valid; write 2023-Q1, 2023-6M, 2023-9M or 2023-Y',
                                               doc ->> 'period');
        RETURN;
    END IF;
    legal := array_to_string(period_next_actions(p.state), ', ');
    IF action = 'lock' THEN
        RETURN QUERY SELECT 'action', cchc_msg('there is no lock action any more: approving a period locks it; period %s is %s, '
                                               'next actions allowed: %s', p.id, p.state, legal);
        RETURN;
    END IF;
    IF action NOT IN ('open', 'close', 'approve', 'reopen', 'extend') THEN
        RETURN QUERY SELECT 'action', cchc_msg('unknown action "%s"; use open, close, approve, reopen or extend', action);
        RETURN;
    END IF;
    -- open on an open period, close on a closed one: already done (a
    -- retried request), nothing to change or audit
    IF (action, p.state) IN (('open', 'open'), ('close', 'closed')) THEN
        RETURN;
    END IF;
    IF NOT action = ANY (period_next_actions(p.state)) THEN
        RETURN QUERY SELECT 'action', cchc_msg('period %s is %s and cannot %s; next actions allowed: %s',
                                               p.id, p.state, action, legal);
        RETURN;
    END IF;

    CASE action
    WHEN 'open' THEN
        UPDATE report_period SET state = 'open' WHERE id = p.id;
    WHEN 'close' THEN
        UPDATE report_period SET state = 'closed' WHERE id = p.id;
    WHEN 'approve' THEN
        accept_ids := ARRAY(SELECT DISTINCT j::bigint FROM jsonb_array_elements_text(
                                coalesce(doc -> 'accept_ids', '[]')) j ORDER BY 1);
        RETURN QUERY
        SELECT 'accept_report_ids',
               cchc_msg('report %s is not a submitted report of period %s', i::text, p.id)
          FROM unnest(accept_ids) i
         WHERE NOT EXISTS (SELECT 1 FROM report x WHERE x.id = i AND x.period_id = p.id AND x.state = 'submitted')
         ORDER BY i;
        IF FOUND THEN
            RETURN;
        END IF;
        waiting := ARRAY(SELECT x.id FROM report x
                          WHERE x.period_id = p.id AND x.state = 'submitted' AND x.id <> ALL (accept_ids)
                          ORDER BY x.id);
        IF cardinality(waiting) > 0 AND NOT coalesce((doc ->> 'accept_remaining')::boolean, false) THEN
            RETURN QUERY SELECT 'period',
                cchc_msg('period %s has %s reports awaiting review (%s%s); review them (cchc review), or '
                         'approve the period with --accept-remaining or --accept ID,…',
                         p.id, cardinality(waiting)::text, array_to_string(waiting[1:20], ', '),
                         CASE WHEN cardinality(waiting) > 20 THEN ', …' ELSE '' END);
            RETURN;
        END IF;
        -- the approval accepts what it was told to, each audited as a
        -- review by the administrator on the revision it accepted
        WITH acc AS (
            UPDATE report x SET state = 'accepted', return_reason = NULL, updated_at = now()
             WHERE x.period_id = p.id AND x.state = 'submitted'
               AND (x.id = ANY (accept_ids) OR coalesce((doc ->> 'accept_remaining')::boolean, false))
            RETURNING x.id, x.revision),
        rev AS (
            INSERT INTO report_review (report_id, revision, action, level, reason, account_id, username, address)
            -- no reason: the level ('admin', shown as "period approval") says it
            SELECT acc.id, acc.revision, 'accept', 'admin', '',
                   (doc -> 'actor' ->> 'id')::bigint, doc -> 'actor' ->> 'username', doc -> 'actor' ->> 'address'
              FROM acc RETURNING report_id)
        SELECT count(*) INTO accepted FROM rev;
        INSERT INTO report_review (report_id, revision, action, level, account_id, username, address)
        SELECT x.id, x.revision, 'approve', 'admin', (doc -> 'actor' ->> 'id')::bigint,
               doc -> 'actor' ->> 'username', doc -> 'actor' ->> 'address'
          FROM report x WHERE x.period_id = p.id AND x.state = 'accepted';
        UPDATE report SET state = 'approved', updated_at = now()
         WHERE period_id = p.id AND state = 'accepted';
        INSERT INTO period_approval (period_id, approved_by, approved_by_name, accepted_at_approval)
        VALUES (p.id, (doc -> 'actor' ->> 'id')::bigint, doc -> 'actor' ->> 'username', accepted)
        RETURNING id INTO approval;
        INSERT INTO period_frozen_report
        SELECT approval, f.unit_code, f.unit_name, f.unit_kind, u.parent_code, f.district_code, f.task_id,
               f.state, f.received, f.on_time, f.late, f.status, f.progress, f.report_id
          FROM live_report_facts(p.id) f JOIN org_unit u ON u.code = f.unit_code;
        INSERT INTO period_frozen_lead
        SELECT approval, l.task_id, l.unit_code FROM live_period_leads(p.id) l;
        -- the trend's figures of every scope, from the snapshot just taken
        -- (report_facts reads it now: the approval is current)
        INSERT INTO period_figures
        SELECT approval, t.* FROM trend_figures(p.id, '', true, true) t;
        UPDATE report_period SET state = 'approved', approved_at = now(),
               approved_by = (doc -> 'actor' ->> 'id')::bigint
         WHERE id = p.id;
        detail := detail || jsonb_build_object(
            'accepted_now', accepted,
            'expected', (SELECT count(*) FROM period_frozen_report f WHERE f.approval_id = approval),
            'missing', (SELECT count(*) FROM period_frozen_report f
                         WHERE f.approval_id = approval AND NOT f.received),
            'returned', (SELECT count(*) FROM period_frozen_report f
                          WHERE f.approval_id = approval AND f.state = 'returned'));
    WHEN 'reopen' THEN
        IF btrim(coalesce(doc ->> 'reason', '')) = '' THEN
            RETURN QUERY SELECT 'reason', cchc_msg('reopening period %s needs a reason: --reason "…"', p.id);
            RETURN;
        END IF;
        -- the stored trend figures end with the approval (its snapshot stays)
        DELETE FROM period_figures
         WHERE approval_id = (SELECT a.id FROM period_approval a
                               WHERE a.period_id = p.id AND a.reopened_at IS NULL);
        UPDATE period_approval
           SET reopened_at = now(), reopened_by = (doc -> 'actor' ->> 'id')::bigint,
               reopened_by_name = doc -> 'actor' ->> 'username', reopen_reason = btrim(doc ->> 'reason')
         WHERE period_id = p.id AND reopened_at IS NULL;
        UPDATE report SET state = 'accepted', updated_at = now()
         WHERE period_id = p.id AND state = 'approved';
        UPDATE report_period SET state = 'closed', approved_at = NULL, approved_by = NULL WHERE id = p.id;
    WHEN 'extend' THEN
        IF coalesce(doc ->> 'unit', '') <> '' THEN
            unit := unit_resolve(doc ->> 'unit');
            IF unit IS NULL THEN
                RETURN QUERY SELECT 'unit', unit_resolve_problem(doc ->> 'unit');
                RETURN;
            END IF;
            IF (doc ->> 'until')::date < p.unit_deadline THEN
                RETURN QUERY SELECT 'until', cchc_msg('an extension ends after the common deadline');
                RETURN;
            END IF;
            INSERT INTO period_extension (period_id, unit_code, until, granted_by)
            VALUES (p.id, unit, (doc ->> 'until')::date, (doc -> 'actor' ->> 'id')::bigint)
            ON CONFLICT (period_id, unit_code) DO UPDATE SET until = EXCLUDED.until,
                granted_by = EXCLUDED.granted_by, granted_at = now();
        ELSE
            IF coalesce((doc ->> 'unit_deadline')::date, p.unit_deadline)
               > coalesce((doc ->> 'lead_deadline')::date, p.lead_deadline) THEN
                RETURN QUERY SELECT 'lead_deadline', cchc_msg('the lead agencies'' deadline comes after the units'' deadline');
                RETURN;
            END IF;
            IF coalesce((doc ->> 'unit_deadline')::date, p.unit_deadline) < p.data_until THEN
                RETURN QUERY SELECT 'unit_deadline',
                    cchc_msg('the deadline is on or after %s, the end of the data window', p.data_until::text);
                RETURN;
            END IF;
            UPDATE report_period
               SET unit_deadline = coalesce((doc ->> 'unit_deadline')::date, unit_deadline),
                   lead_deadline = coalesce((doc ->> 'lead_deadline')::date, lead_deadline)
             WHERE id = p.id;
        END IF;
    END CASE;
    SELECT state INTO to_state FROM report_period WHERE id = p.id;
    PERFORM audit_write(doc, 'period.' || action, p.id,
                        detail || jsonb_build_object('from', p.state, 'to', to_state));
END
$$;

-- A period as the protocol's Period message shows it. expected and
-- received count report_facts, as status does, so the list and the
-- status agree (and an approved period's counts are frozen with it).
CREATE OR REPLACE VIEW period_info AS
SELECT p.id, p.year, p.kind, p.data_from::text AS data_from, p.data_until::text AS data_until,
       p.unit_deadline::text AS unit_deadline, p.lead_deadline::text AS lead_deadline, p.state,
       c.expected, c.received
  FROM report_period p
 CROSS JOIN LATERAL (SELECT count(*)::int AS expected, (count(*) FILTER (WHERE f.received))::int AS received
                       FROM report_facts(p.id) f) c;
