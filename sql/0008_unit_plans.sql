-- 0008_unit_plans: the plan's one-off obligation. Every unit implementing
-- the plan issues its own implementation plan before the plan's deadline
-- (31 July 2023) and sends it to Sở Nội vụ. One row per unit and plan,
-- recorded by Sở Nội vụ: the unit's document number, the date it was
-- issued, the date Sở Nội vụ received it.
-- Functions and views live in sql/functions/ since issue 9 (applied after
-- the migrations and re-applied when they change); who owes a plan
-- (unit_plan_status) is in sql/functions/060_unit_plans.sql.

CREATE TABLE unit_plan_deliverable (
    plan_code   text NOT NULL REFERENCES plan (code),
    unit_code   text NOT NULL REFERENCES org_unit (code),
    doc_number  text NOT NULL CHECK (doc_number <> ''),
    issued_on   date NOT NULL,
    received_on date,
    recorded_by bigint REFERENCES account (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_code, unit_code),
    CHECK (received_on IS NULL OR received_on >= issued_on)
);
COMMENT ON TABLE unit_plan_deliverable IS
  'A unit''s own implementation plan for a plan (Plan 121: due 31/7/2023, sent to Sở Nội vụ).';
