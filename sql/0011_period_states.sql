-- 0011_period_states: periods as a state machine without dead ends, and
-- approval that freezes a period's figures (issue 10).
--
-- A period is planned -> open -> closed -> approved; approved is the
-- locked state, and an administrator may reopen it (back to closed) with
-- a reason. The old 'locked' state goes: `period lock` without approval
-- was a dead end (no approve, no unlock), so a period locked without
-- having been approved becomes closed (where approve and open are legal),
-- and a locked period that was approved becomes approved.
--
-- Approval snapshots what the period's figures are made of: the reports
-- the plan expected (unit x task as of the period's last data day), each
-- with its unit's name, parent and district and its report's state and
-- latest submitted status and progress, and the lead agencies of each
-- task. report_facts() and period_leads() (sql/functions/070_status.sql)
-- read the snapshot of a period's current approval, so later unit
-- changes, commune imports or plan changes leave an approved period's
-- status, missing list, export and HTML report as they were. A reopen
-- ends the approval but keeps its snapshot as history.

ALTER TABLE report_period DROP CONSTRAINT report_period_state_check;
UPDATE report_period SET state = CASE WHEN approved_at IS NULL THEN 'closed' ELSE 'approved' END
 WHERE state = 'locked';
ALTER TABLE report_period ADD CONSTRAINT report_period_state_check
    CHECK (state IN ('planned', 'open', 'closed', 'approved'));

-- Every approval of a period; the one not reopened is the current one.
CREATE TABLE period_approval (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id     text NOT NULL REFERENCES report_period (id),
    approved_at   timestamptz NOT NULL DEFAULT now(),
    approved_by   bigint REFERENCES account (id),
    approved_by_name text NOT NULL,
    accepted_at_approval int NOT NULL DEFAULT 0, -- submitted reports the approval accepted
    reopened_at   timestamptz,
    reopened_by   bigint REFERENCES account (id),
    reopened_by_name text,
    reopen_reason text CHECK (reopen_reason IS NULL OR btrim(reopen_reason) <> ''),
    CHECK ((reopened_at IS NULL) = (reopen_reason IS NULL))
);
CREATE UNIQUE INDEX period_approval_current_idx ON period_approval (period_id) WHERE reopened_at IS NULL;
COMMENT ON TABLE period_approval IS
  'An approval of a period by Sở Nội vụ and, once reopened, who reopened it, when and why. '
  'At most one per period is current (not reopened); its snapshot is the period''s figures.';

-- report_facts() of the period at approval, one row per expected report.
CREATE TABLE period_frozen_report (
    approval_id   bigint NOT NULL REFERENCES period_approval (id),
    unit_code     text   NOT NULL,
    unit_name     text   NOT NULL,
    unit_kind     text   NOT NULL,
    parent_code   text,
    district_code text,
    task_id       int    NOT NULL,
    state         text   NOT NULL,
    received      boolean NOT NULL,
    on_time       boolean NOT NULL,
    late          boolean NOT NULL,
    status        text,
    progress      numeric(5, 2),
    report_id     bigint REFERENCES report (id),
    PRIMARY KEY (approval_id, unit_code, task_id)
);
COMMENT ON TABLE period_frozen_report IS
  'The expected reports of an approved period as they stood at approval (report_facts), '
  'with the unit structure of the period: what its status, missing list and report show.';

-- period_leads() of the period at approval.
CREATE TABLE period_frozen_lead (
    approval_id bigint NOT NULL REFERENCES period_approval (id),
    task_id     int    NOT NULL,
    unit_code   text   NOT NULL,
    PRIMARY KEY (approval_id, task_id, unit_code)
);

-- Periods approved before this migration: their approval and a snapshot
-- of their figures as the functions of the time compute them now (the
-- best that can be had; they may already have moved). The functions exist
-- only on a database that had periods, and the loop runs only then; the
-- live ones are used when this runs again under newer functions (where
-- report_facts would already read the approval being made).
DO $$
DECLARE
    p record;
    approval bigint;
    facts text := CASE WHEN to_regproc('live_report_facts') IS NULL THEN 'report_facts'
                       ELSE 'live_report_facts' END;
    leads text := CASE WHEN to_regproc('live_period_leads') IS NULL THEN 'period_leads'
                       ELSE 'live_period_leads' END;
BEGIN
    FOR p IN SELECT rp.id, rp.approved_at, rp.approved_by, coalesce(a.username, 'admin') AS name
               FROM report_period rp LEFT JOIN account a ON a.id = rp.approved_by
              WHERE rp.state = 'approved' ORDER BY rp.id LOOP
        INSERT INTO period_approval (period_id, approved_at, approved_by, approved_by_name)
        VALUES (p.id, p.approved_at, p.approved_by, p.name) RETURNING id INTO approval;
        EXECUTE format('INSERT INTO period_frozen_report
                        SELECT $1, f.unit_code, f.unit_name, f.unit_kind, u.parent_code, f.district_code,
                               f.task_id, f.state, f.received, f.on_time, f.late, f.status, f.progress,
                               f.report_id
                          FROM %I($2) f JOIN org_unit u ON u.code = f.unit_code', facts)
          USING approval, p.id;
        EXECUTE format('INSERT INTO period_frozen_lead SELECT $1, l.task_id, l.unit_code FROM %I($2) l', leads)
          USING approval, p.id;
    END LOOP;
END
$$;
