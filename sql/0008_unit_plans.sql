-- 0008_unit_plans: the plan's one-off obligation. Every unit implementing
-- the plan issues its own implementation plan before the plan's deadline
-- (31 July 2023) and sends it to Sở Nội vụ. One row per unit and plan,
-- recorded by Sở Nội vụ: the unit's document number, the date it was
-- issued, the date Sở Nội vụ received it.

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

-- Every unit that owes one: the units implementing a task of the plan on
-- its deadline, with what they delivered (NULLs when nothing yet).
CREATE VIEW unit_plan_status AS
SELECT pl.code AS plan_code, u.code AS unit_code, u.name AS unit_name,
       coalesce(pl.unit_plan_deadline::text, '') AS deadline,
       coalesce(d.doc_number, '') AS doc_number, coalesce(d.issued_on::text, '') AS issued_on,
       coalesce(d.received_on::text, '') AS received_on,
       d.unit_code IS NOT NULL AS delivered,
       coalesce(d.issued_on > pl.unit_plan_deadline, false) AS late
  FROM plan pl
  JOIN LATERAL (SELECT DISTINCT au.unit_code
                  FROM assignment_units_on(coalesce(pl.unit_plan_deadline, today_in_vietnam())) au) owe ON true
  JOIN org_unit u ON u.code = owe.unit_code
  LEFT JOIN unit_plan_deliverable d ON d.plan_code = pl.code AND d.unit_code = u.code;
