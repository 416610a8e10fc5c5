-- 0020_consolidation: the consolidated reports each level above the units
-- writes (issue 17; plan 121/KH-UBND section IV, docs/consolidation.md):
-- a district's report on a task its communes implement (IV.2a), a lead
-- agency's citywide report on a task it leads (IV.4d) and Sở Nội vụ's city
-- report for the period (IV.3). They sit beside the units' reports
-- (0007_reports) with the same life cycle: every save is a revision
-- carrying its idempotency key, review one level up (district -> lead
-- agency -> Sở Nội vụ), return with a reason, fix, resubmit. A sibling
-- table rather than a level column in `report`: every count of the units'
-- reports (report_facts, 070_status) stays as it is, and a consolidation's
-- author is a level and a unit, not an assignment.
--
-- Deadlines: the lead agencies' is the period's lead_deadline; the
-- districts' and the city's are period settings an administrator sets
-- (`cchc consolidate deadlines`), NULL meaning lead_deadline: neither the
-- plan nor Decree 09/2019/NĐ-CP as the project applies it gives a date
-- rule for them (docs/consolidation.md). Functions and views over these
-- tables are in sql/functions/095_consolidation.sql.

ALTER TABLE report_period ADD COLUMN district_deadline date, ADD COLUMN city_deadline date;
COMMENT ON COLUMN report_period.district_deadline IS
  'Last day districts send their consolidations on time; NULL = lead_deadline (no rule found).';
COMMENT ON COLUMN report_period.city_deadline IS
  'Last day Sở Nội vụ sends the city report on time; NULL = lead_deadline (no rule found).';

CREATE TABLE consolidation (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id          text NOT NULL REFERENCES report_period (id),
    level              text NOT NULL CHECK (level IN ('district', 'lead', 'city')),
    unit_code          text NOT NULL REFERENCES org_unit (code),
    task_id            int REFERENCES task (id),
    state              text NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'accepted')),
    revision           int  NOT NULL CHECK (revision >= 0),
    first_submitted_at timestamptz,
    late               boolean NOT NULL DEFAULT false,
    return_reason      text,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((level = 'city') = (task_id IS NULL))
);
CREATE UNIQUE INDEX consolidation_author_idx
    ON consolidation (period_id, level, unit_code, coalesce(task_id, 0));
COMMENT ON TABLE consolidation IS
  'A level''s consolidated report for a period: a district''s or a lead agency''s on one task, '
  'Sở Nội vụ''s city report (no task). draft -> submitted -> (returned -> submitted)* -> accepted; '
  'shown approved once the period is.';

CREATE TABLE consolidation_revision (
    consolidation_id bigint NOT NULL REFERENCES consolidation (id),
    revision         int    NOT NULL CHECK (revision >= 1),
    saved_as         text   NOT NULL CHECK (saved_as IN ('draft', 'submitted')),
    figures          jsonb  NOT NULL,
    assessment       text   NOT NULL DEFAULT '',
    difficulties     text   NOT NULL DEFAULT '',
    proposals        text   NOT NULL DEFAULT '',
    late             boolean NOT NULL DEFAULT false,
    idempotency_key  text   NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 16 AND 64),
    changed          text[] NOT NULL DEFAULT '{}',
    account_id       bigint REFERENCES account (id),
    username         text   NOT NULL,
    address          text   NOT NULL,
    saved_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consolidation_id, revision)
);
COMMENT ON COLUMN consolidation_revision.figures IS
  'The figures computed from the level below when this revision was saved (consolidation_figures).';

CREATE TABLE consolidation_review (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consolidation_id bigint NOT NULL REFERENCES consolidation (id),
    revision         int    NOT NULL,
    action           text   NOT NULL CHECK (action IN ('accept', 'return')),
    level            text   NOT NULL CHECK (level IN ('lead', 'admin')),
    reason           text   NOT NULL DEFAULT '',
    account_id       bigint REFERENCES account (id),
    username         text   NOT NULL,
    address          text   NOT NULL,
    at               timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (consolidation_id, revision) REFERENCES consolidation_revision (consolidation_id, revision)
);
CREATE INDEX consolidation_review_idx ON consolidation_review (consolidation_id);
