-- 010_unit_classes: the views over the plan's units and classes of units
-- (tables in 0002_plan_schema). Applied by `cchcd migrate` after every
-- migration, re-applied whenever this file changes; see sql/README.md.

-- Units of a class, following include_class_code transitively.  Validity is
-- exposed, not filtered: callers pick the date.
CREATE OR REPLACE VIEW unit_class_member AS
WITH RECURSIVE closure (class_code, member_class_code) AS (
    SELECT code, code FROM unit_class
    UNION
    SELECT c.class_code, r.include_class_code
      FROM closure c
      JOIN unit_class_rule r ON r.class_code = c.member_class_code
     WHERE r.include_class_code IS NOT NULL
)
SELECT DISTINCT c.class_code, u.code AS unit_code, u.valid_from, u.valid_until
  FROM closure c
  JOIN unit_class_rule r ON r.class_code = c.member_class_code AND r.include_class_code IS NULL
  JOIN org_unit u ON (r.match_unit_code = u.code)
                  OR (r.match_unit_code IS NULL
                      AND (r.match_kind IS NULL OR r.match_kind = u.kind)
                      AND (r.match_category IS NULL OR r.match_category = u.category)
                      AND (r.match_parent_code IS NULL OR r.match_parent_code = u.parent_code)
                      AND (r.match_parent_kind IS NULL
                           OR EXISTS (SELECT 1 FROM org_unit p
                                       WHERE p.code = u.parent_code AND p.kind = r.match_parent_kind)));
COMMENT ON VIEW unit_class_member IS
  'Member units of each unit class (rules applied, included classes followed). Filter on valid_from/valid_until '
  'for a given date.';

-- Units that implement each assignment, classes expanded.
CREATE OR REPLACE VIEW assignment_unit AS
SELECT a.id AS assignment_id, a.task_id, i.seq AS implementer_seq, i.unit_code, NULL::text AS via_class_code,
       u.valid_from, u.valid_until
  FROM task_assignment a
  JOIN assignment_implementer i ON i.assignment_id = a.id
  JOIN org_unit u ON u.code = i.unit_code
UNION ALL
SELECT a.id, a.task_id, i.seq, m.unit_code, i.class_code, m.valid_from, m.valid_until
  FROM task_assignment a
  JOIN assignment_implementer i ON i.assignment_id = a.id
  JOIN unit_class_member m ON m.class_code = i.class_code;
COMMENT ON VIEW assignment_unit IS
  'Implementing units of each assignment with unit classes expanded to their members (via_class_code says '
  'which class brought the unit in; a unit may appear through several classes).';
