-- 0007_reports: reporting periods, the reports every implementing unit owes
-- on each of its tasks, their revisions and their review.
--
-- Periods follow Decree 09/2019/NĐ-CP: each year has four cumulative
-- reports (Q1, 6 months, 9 months, year) whose data runs from 15 December
-- of the year before to the 14th of the period's last month. A period is
-- planned, then open (submissions on time), closed (still accepted, marked
-- late), locked (nothing changes; an approved period is locked).
--
-- A report is one row per (period, unit, task); every save is a new
-- revision, never an update, so the history is complete. A revision
-- carries the client's idempotency key: a retried send finds its revision
-- instead of making another.
-- Functions and views live in sql/functions/ since issue 9 (applied after
-- the migrations and re-applied when they change); those over these
-- tables are in sql/functions/050_reports.sql.

CREATE TABLE report_period (
    id            text PRIMARY KEY CHECK (id ~ '^[0-9]{4}-(Q1|6M|9M|Y)$'),
    year          int  NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    kind          text NOT NULL REFERENCES report_period_kind (code),
    data_from     date NOT NULL,
    data_until    date NOT NULL,
    unit_deadline date NOT NULL,
    lead_deadline date NOT NULL,
    state         text NOT NULL DEFAULT 'planned'
                  CHECK (state IN ('planned', 'open', 'closed', 'locked')),
    approved_at   timestamptz,
    approved_by   bigint REFERENCES account (id),
    UNIQUE (year, kind),
    CHECK (data_from < data_until AND data_until <= unit_deadline AND unit_deadline <= lead_deadline)
);
COMMENT ON TABLE report_period IS
  'A periodic progress report of the plan (2023-Q1, 2023-6M, 2023-9M, 2023-Y): data window per Decree '
  '09/2019/NĐ-CP, the deadlines for implementing units and for lead agencies, and its state.';

-- One unit given more time for one period.
CREATE TABLE period_extension (
    period_id  text NOT NULL REFERENCES report_period (id),
    unit_code  text NOT NULL REFERENCES org_unit (code),
    until      date NOT NULL,
    granted_by bigint REFERENCES account (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, unit_code)
);

CREATE TABLE report (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id        text NOT NULL REFERENCES report_period (id),
    unit_code        text NOT NULL REFERENCES org_unit (code),
    task_id          int  NOT NULL REFERENCES task (id),
    state            text NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'accepted', 'approved')),
    revision         int  NOT NULL CHECK (revision >= 0), -- 0 only inside submit_reports
    first_submitted_at timestamptz,
    late             boolean NOT NULL DEFAULT false,
    return_reason    text,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (period_id, unit_code, task_id)
);
CREATE INDEX report_period_state_idx ON report (period_id, state);
CREATE INDEX report_task_idx ON report (task_id, period_id);
COMMENT ON TABLE report IS
  'A unit''s report on one task for one period: its review state and its latest revision. '
  'draft -> submitted -> (returned -> submitted)* -> accepted -> approved (period approved).';

CREATE TABLE report_revision (
    report_id       bigint NOT NULL REFERENCES report (id),
    revision        int    NOT NULL,
    saved_as        text   NOT NULL CHECK (saved_as IN ('draft', 'submitted')),
    status          text   NOT NULL CHECK (status IN ('not_started', 'in_progress', 'completed', 'behind')),
    progress        numeric(5, 2) NOT NULL CHECK (progress BETWEEN 0 AND 100),
    results         text   NOT NULL DEFAULT '',
    difficulties    text   NOT NULL DEFAULT '',
    proposals       text   NOT NULL DEFAULT '',
    indicators      jsonb  NOT NULL DEFAULT '{}',
    late            boolean NOT NULL DEFAULT false,
    idempotency_key text   NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 16 AND 64),
    changed         text[] NOT NULL DEFAULT '{}',
    account_id      bigint REFERENCES account (id),
    username        text   NOT NULL,
    address         text   NOT NULL,
    saved_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report_id, revision)
);
COMMENT ON COLUMN report_revision.indicators IS
  'Values of the task''s quantified targets, e.g. {"ty_le_dung_han": "99.5"}; decimals as strings.';
COMMENT ON COLUMN report_revision.changed IS 'Fields that differ from the previous revision.';

CREATE TABLE report_review (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id  bigint NOT NULL REFERENCES report (id),
    revision   int    NOT NULL,
    action     text   NOT NULL CHECK (action IN ('accept', 'return', 'approve')),
    level      text   NOT NULL CHECK (level IN ('district', 'lead', 'admin')),
    reason     text   NOT NULL DEFAULT '',
    account_id bigint REFERENCES account (id),
    username   text   NOT NULL,
    address    text   NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (report_id, revision) REFERENCES report_revision (report_id, revision)
);
CREATE INDEX report_review_report_idx ON report_review (report_id);

-- The idempotency keys of rows that wrote nothing because they repeated
-- the latest submitted revision word for word: their retry must still be
-- a replay, not new work (after a return, it would otherwise undo it).
CREATE TABLE unchanged_submission_key (
    key       text PRIMARY KEY,
    report_id bigint NOT NULL REFERENCES report (id),
    revision  int NOT NULL
);
