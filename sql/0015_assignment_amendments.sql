-- 0015_assignment_amendments: dated amendments to the plan's assignments
-- (issue 12, "the plan follows the city"). The printed plan (0003) stays
-- as printed; an amendment says who implements and who leads an
-- assignment from a date on (e.g. a task of the abolished districts passed
-- to the commune level from 2025-07-01). A period's expectations use the
-- assignment in force on its last data day (assignment_units_on and
-- assignment_leads_on, sql/functions/030_unit_history.sql); written by
-- `cchc plan assign` through plan_assign (sql/functions/090_plan_assign.sql).

CREATE TABLE assignment_amendment (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assignment_id  int  NOT NULL REFERENCES task_assignment (id),
    effective_from date NOT NULL,
    legal_basis    text NOT NULL DEFAULT '',
    account_id     bigint REFERENCES account (id),
    username       text NOT NULL DEFAULT '',
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (assignment_id, effective_from)
);
COMMENT ON TABLE assignment_amendment IS
  'Who implements and leads an assignment from effective_from on, replacing the printed lists (and any '
  'earlier amendment) from that day; the rows are in assignment_amendment_implementer and _lead.';

CREATE TABLE assignment_amendment_implementer (
    amendment_id bigint NOT NULL REFERENCES assignment_amendment (id),
    seq          int    NOT NULL CHECK (seq >= 1),
    unit_code    text   REFERENCES org_unit (code),
    class_code   text   REFERENCES unit_class (code),
    PRIMARY KEY (amendment_id, seq),
    CHECK (num_nonnulls(unit_code, class_code) = 1)
);
COMMENT ON TABLE assignment_amendment_implementer IS
  'An implementing unit or unit class of an amended assignment (classes expand on each period''s date).';

CREATE TABLE assignment_amendment_lead (
    amendment_id bigint NOT NULL REFERENCES assignment_amendment (id),
    seq          int    NOT NULL CHECK (seq >= 1),
    unit_code    text   NOT NULL REFERENCES org_unit (code),
    PRIMARY KEY (amendment_id, seq),
    UNIQUE (amendment_id, unit_code)
);
COMMENT ON TABLE assignment_amendment_lead IS 'A lead agency of an amended assignment.';
