-- 060_unit_plans: which units owe their own implementation plan and what
-- they delivered (table in 0008_unit_plans). Uses assignment_units_on (030)
-- and today_in_vietnam (050).

-- Every unit that owes one: the units implementing a task of the plan on
-- its deadline, with what they delivered (NULLs when nothing yet).
CREATE OR REPLACE VIEW unit_plan_status AS
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
