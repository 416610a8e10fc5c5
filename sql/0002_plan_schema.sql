-- 0002_plan_schema: the plan's structure.
--
-- Plan 121/KH-UBND (Can Tho, 6 June 2023) raises three national indices
-- (PAR-INDEX, SIPAS, PAPI).  This migration holds what the plan says:
--   org units (with validity dates and successors, since the 2025 reform
--   merged and closed units) and the classes of units the plan assigns
--   tasks to ("Sở, ban, ngành TP", "UBND cấp huyện" ...);
--   the indices, their yearly results and the city's target;
--   each index's criteria tree with maximum points and yearly scores;
--   the tasks of Annexes I-III, their lettered items and quantified
--   targets, the criteria they cover, and their assignments (lead
--   agencies, implementing units or unit classes, reporting cadence).
-- Printed text is stored byte-exact next to every resolved code, so a
-- resolution can be audited against the plan.  Text columns hold UTF-8 NFC
-- Vietnamese; points and percentages are numeric, never floating point.
-- Applied after 0001 (schema_migrations) into the default schema; needs
-- nothing beyond stock PostgreSQL 15.  The migration runner records the
-- version and owns the transaction; this file has no BEGIN/COMMIT and does
-- not touch schema_migrations.  It contains no backslash, so it means the
-- same whatever standard_conforming_strings is.
-- Functions and views live in sql/functions/ since issue 9 (applied after
-- the migrations and re-applied when they change); the views over
-- these tables are in sql/functions/010_unit_classes.sql.

-- ---------------------------------------------------------------------------
-- Reporting period kinds (Decree 09/2019/NĐ-CP: quarter, 6 and 9 months, year)
-- ---------------------------------------------------------------------------

CREATE TABLE report_period_kind (
    code   text PRIMARY KEY CHECK (code IN ('quarter', 'half_year', 'nine_months', 'year')),
    months int  NOT NULL UNIQUE CHECK (months IN (3, 6, 9, 12)),
    name   text NOT NULL
);
COMMENT ON TABLE report_period_kind IS
  'Kinds of periodic progress report a task can require (quý, 6 tháng, 9 tháng, năm).';
COMMENT ON COLUMN report_period_kind.months IS
  'Length of the period counted from the start of the year.';

-- ---------------------------------------------------------------------------
-- Organisation units
-- ---------------------------------------------------------------------------

CREATE TABLE org_unit (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]*$'),
    name        text NOT NULL CHECK (name <> ''),
    kind        text NOT NULL CHECK (kind IN ('city', 'department', 'district', 'commune', 'other')),
    category    text CHECK (category IN ('agency', 'public_service_unit', 'portal', 'inspectorate',
                                         'vertical_agency', 'enterprise', 'press', 'mass_org',
                                         'party', 'council', 'hospital', 'hamlet', 'external')),
    parent_code text REFERENCES org_unit (code),
    valid_from  date,
    valid_until date,
    note        text,
    CHECK (parent_code IS DISTINCT FROM code),
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from),
    CHECK ((kind = 'other') = (category IS NOT NULL))
);
CREATE INDEX org_unit_parent_idx ON org_unit (parent_code);
CREATE INDEX org_unit_kind_idx ON org_unit (kind, category);
COMMENT ON TABLE org_unit IS
  'An organisation the plan names or that takes part in reporting: the city People''s Committee, '
  'departments, districts, communes (imported later) and other bodies. One row per canonical unit; '
  'printed spelling variants are in org_unit_alias.';
COMMENT ON COLUMN org_unit.code IS 'Stable natural key, e.g. SNV for Sở Nội vụ, Q-NINHKIEU for Quận Ninh Kiều.';
COMMENT ON COLUMN org_unit.name IS 'Canonical (official) name; the plan''s own spellings are aliases.';
COMMENT ON COLUMN org_unit.kind IS
  'city = UBND thành phố; department = cơ quan chuyên môn thuộc UBND thành phố (sở, Thanh tra, Văn phòng); '
  'district = quận/huyện; commune = xã/phường/thị trấn; other = anything else (see category).';
COMMENT ON COLUMN org_unit.category IS
  'Finer class of an ''other'' unit, used by unit_class_rule (e.g. public_service_unit, mass_org, '
  'hamlet for ấp/khu vực, external for central bodies). NULL exactly when kind <> ''other''.';
COMMENT ON COLUMN org_unit.parent_code IS
  'Unit this one belongs to (city -> departments and districts -> communes). NULL for bodies outside '
  'the city administration or whose parent the plan does not state.';
COMMENT ON COLUMN org_unit.valid_from IS 'First day the unit exists; NULL = existed before the data starts.';
COMMENT ON COLUMN org_unit.valid_until IS
  'Last day the unit exists (inclusive); NULL = still exists. Set when a unit is merged, split or closed.';

CREATE TABLE org_unit_alias (
    alias     text PRIMARY KEY CHECK (alias <> ''),
    unit_code text NOT NULL REFERENCES org_unit (code)
);
CREATE INDEX org_unit_alias_unit_idx ON org_unit_alias (unit_code);
COMMENT ON TABLE org_unit_alias IS
  'Every spelling of a unit''s name printed in the plan (e.g. "Văn phòng UBND TP", "Văn phòng UBND thành phố", '
  '"VP UBND TP" -> VP-UBND). Used to resolve printed lead and implementer text to a unit.';

CREATE TABLE unit_succession (
    predecessor_code text NOT NULL REFERENCES org_unit (code),
    successor_code   text NOT NULL REFERENCES org_unit (code),
    effective_on     date NOT NULL,
    change_kind      text NOT NULL CHECK (change_kind IN ('rename', 'merge', 'split', 'absorb', 'transfer')),
    legal_basis      text,
    note             text,
    PRIMARY KEY (predecessor_code, successor_code, effective_on),
    CHECK (predecessor_code <> successor_code)
);
CREATE INDEX unit_succession_successor_idx ON unit_succession (successor_code);
COMMENT ON TABLE unit_succession IS
  'A unit''s duties passing to another from a date (rename, merge, split, absorption, transfer). '
  'Assignments move to successors from effective_on; reports stay with the unit that made them. '
  'A merge is several rows with the same successor, a split several with the same predecessor.';
COMMENT ON COLUMN unit_succession.effective_on IS
  'First day the successor carries the duties; the predecessor''s valid_until is normally the day before.';

-- Classes of units the plan assigns work to ("Sở, ban, ngành TP", "UBND cấp huyện" ...).

CREATE TABLE unit_class (
    code           text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]*$'),
    name           text NOT NULL CHECK (name <> ''),
    body           text CHECK (body IN ('UBND', 'HĐND')),
    condition_text text,
    note           text
);
COMMENT ON TABLE unit_class IS
  'A class of units named by the plan instead of a unit. Expands to member units through unit_class_rule '
  '(view unit_class_member), so units added later (e.g. communes) join their classes automatically.';
COMMENT ON COLUMN unit_class.body IS
  'Which body of a local government the class names, where that matters: UBND (People''s Committee) or '
  'HĐND (People''s Council). Both expand to the same district/commune units.';
COMMENT ON COLUMN unit_class.condition_text IS
  'A qualification the system cannot evaluate (e.g. "có thẩm quyền tuyển dụng"): the class expands to the '
  'whole base set and the qualification is shown to people.';

CREATE TABLE unit_class_rule (
    id                  int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    class_code          text NOT NULL REFERENCES unit_class (code),
    match_kind          text CHECK (match_kind IN ('city', 'department', 'district', 'commune', 'other')),
    match_category      text,
    match_parent_code   text REFERENCES org_unit (code),
    match_parent_kind   text CHECK (match_parent_kind IN ('city', 'department', 'district', 'commune', 'other')),
    match_unit_code     text REFERENCES org_unit (code),
    include_class_code  text REFERENCES unit_class (code),
    CHECK (include_class_code IS DISTINCT FROM class_code),
    -- exactly one of: a pattern (kind/category/parent), one unit, another class
    CHECK (num_nonnulls(match_unit_code, include_class_code) +
           (CASE WHEN num_nonnulls(match_kind, match_category, match_parent_code, match_parent_kind) > 0
                 THEN 1 ELSE 0 END) = 1)
);
CREATE INDEX unit_class_rule_class_idx ON unit_class_rule (class_code);
COMMENT ON TABLE unit_class_rule IS
  'Membership rules of a unit class; a unit is a member if any rule matches. A pattern rule matches units '
  'satisfying all its non-null match_* columns; match_unit_code names one unit; include_class_code takes '
  'all members of another class.';

CREATE TABLE unit_class_alias (
    alias      text PRIMARY KEY CHECK (alias <> ''),
    class_code text NOT NULL REFERENCES unit_class (code)
);
CREATE INDEX unit_class_alias_class_idx ON unit_class_alias (class_code);
COMMENT ON TABLE unit_class_alias IS
  'Full printed spellings of a class (e.g. "CQCM TP", "Cơ quan chuyên môn cấp thành phố" -> CQCM-TP). '
  'Elliptical fragments such as "cấp xã" in "UBND cấp huyện, cấp xã" are not aliases; they are resolved '
  'per implementer row.';

-- ---------------------------------------------------------------------------
-- The plan, the indices, their results and the target
-- ---------------------------------------------------------------------------

CREATE TABLE plan (
    code                    text PRIMARY KEY,
    number_printed          text NOT NULL,
    issued_on               date NOT NULL,
    issuer_code             text NOT NULL REFERENCES org_unit (code),
    title                   text NOT NULL,
    signed_by               text,
    signer_title            text,
    base_year               int  NOT NULL CHECK (base_year BETWEEN 2000 AND 2100),
    unit_plan_deadline      date,
    unit_plan_deadline_text text
);
COMMENT ON TABLE plan IS 'A plan document; Plan 121/KH-UBND is the first.';
COMMENT ON COLUMN plan.number_printed IS 'Number as printed, e.g. "121 /KH-UBND".';
COMMENT ON COLUMN plan.base_year IS 'Year of the index results the plan starts from (2022).';
COMMENT ON COLUMN plan.unit_plan_deadline IS
  'Date by which each unit issues its own implementation plan and sends it to Sở Nội vụ (31/7/2023).';

CREATE TABLE gov_index (
    code           text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z-]*$'),
    name           text NOT NULL,
    name_en        text,
    unit           text NOT NULL CHECK (unit IN ('percent', 'points')),
    publisher_code text REFERENCES org_unit (code)
);
COMMENT ON TABLE gov_index IS 'A national index the plan aims to improve: PAR-INDEX, SIPAS, PAPI.';
COMMENT ON COLUMN gov_index.unit IS 'How the overall result is expressed: percent (PAR-INDEX, SIPAS) or points (PAPI).';

CREATE TABLE gov_index_result (
    index_code         text    NOT NULL REFERENCES gov_index (code),
    year               int     NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    value              numeric CHECK (value >= 0),
    unit               text    NOT NULL CHECK (unit IN ('percent', 'points')),
    rank               int     CHECK (rank >= 1),
    out_of             int     CHECK (out_of >= 1),
    entities_published int     CHECK (entities_published >= 1),
    published_on       date,
    change_vs_previous numeric,
    rank_change        int,
    value_derived      boolean NOT NULL DEFAULT false,
    derivation         text,
    source_text        text,
    PRIMARY KEY (index_code, year),
    CHECK (rank IS NULL OR out_of IS NULL OR rank <= out_of),
    CHECK (value_derived = (derivation IS NOT NULL))
);
COMMENT ON TABLE gov_index_result IS
  'The city''s result in an index for a year, as published. Administrators add later years.';
COMMENT ON COLUMN gov_index_result.rank IS 'Rank among provinces (1 = best).';
COMMENT ON COLUMN gov_index_result.out_of IS 'Number of provinces the rank is out of, as printed ("26/63").';
COMMENT ON COLUMN gov_index_result.entities_published IS
  'Number of provinces the publication covers when the text states it separately from out_of '
  '(PAPI 2022: "của 63 tỉnh" but ranked "55/61").';
COMMENT ON COLUMN gov_index_result.change_vs_previous IS
  'Printed change of value against the previous year, in the index''s unit (percentage points or points).';
COMMENT ON COLUMN gov_index_result.rank_change IS 'Printed change of rank against the previous year; positive = moved up.';
COMMENT ON COLUMN gov_index_result.value_derived IS
  'true when value is not printed but computed (2021 = 2022 value - printed change).';
COMMENT ON COLUMN gov_index_result.source_text IS 'The printed sentence fragment the row comes from.';

CREATE TABLE gov_index_target (
    plan_code    text NOT NULL REFERENCES plan (code),
    index_code   text NOT NULL REFERENCES gov_index (code),
    from_year    int  NOT NULL CHECK (from_year BETWEEN 2000 AND 2100),
    until_year   int  CHECK (until_year >= from_year),
    rank_at_most int  NOT NULL CHECK (rank_at_most >= 1),
    printed_text text NOT NULL,
    PRIMARY KEY (plan_code, index_code, from_year)
);
COMMENT ON TABLE gov_index_target IS
  'The city''s target rank for an index: be within the top rank_at_most provinces from from_year on '
  '(until_year NULL = "và những năm tiếp theo").';

-- ---------------------------------------------------------------------------
-- Criteria tree
-- ---------------------------------------------------------------------------

CREATE TABLE criterion (
    index_code         text    NOT NULL REFERENCES gov_index (code),
    code               text    NOT NULL CHECK (code ~ '^[0-9]+([.][0-9]+)*$'),
    printed_code       text    NOT NULL CHECK (printed_code <> ''),
    name               text    NOT NULL CHECK (name <> ''),
    parent_code        text,
    max_points         numeric CHECK (max_points >= 0),
    note               text,
    note_printed_in    text    CHECK (note_printed_in IN ('task_column', 'note_column')),
    mirrors_index_code text,
    mirrors_code       text,
    annex              text    CHECK (annex IN ('I', 'II', 'III')),
    annex_row          int     CHECK (annex_row >= 1),
    PRIMARY KEY (index_code, code),
    FOREIGN KEY (index_code, parent_code) REFERENCES criterion (index_code, code),
    FOREIGN KEY (mirrors_index_code, mirrors_code) REFERENCES criterion (index_code, code),
    CHECK (parent_code IS DISTINCT FROM code),
    CHECK ((note IS NULL) = (note_printed_in IS NULL)),
    CHECK (num_nonnulls(mirrors_index_code, mirrors_code) IN (0, 2))
);
CREATE INDEX criterion_parent_idx ON criterion (index_code, parent_code);
COMMENT ON TABLE criterion IS
  'A criterion (tiêu chí / tiêu chí thành phần / lĩnh vực) of an index. Group rows the plan prints '
  '(e.g. PAR-INDEX "2", "3"; PAPI dimensions) are criteria too.';
COMMENT ON COLUMN criterion.code IS
  'Natural key within the index. PAR-INDEX: the printed code ("2.4.1"). SIPAS and PAPI print Roman group '
  'numerals and restart sub-numbers per group, so the key is the group''s position and the printed '
  'sub-number ("3" = Annex III group III, "6.3" = its 6th group, item 3); printed_code keeps what is printed.';
COMMENT ON COLUMN criterion.printed_code IS 'Number as printed in the annex ("2.4.1", "VII", "3"), possibly inconsistent.';
COMMENT ON COLUMN criterion.parent_code IS
  'Nearest ancestor the plan prints (PAR-INDEX 3.2.2 -> 3, since level 3.2 is not printed).';
COMMENT ON COLUMN criterion.max_points IS 'Điểm chuẩn as printed (PAR-INDEX 2022 methodology); NULL where not printed.';
COMMENT ON COLUMN criterion.note IS
  'A note about the criterion itself, e.g. the source of its score. For PAR-INDEX 2.4 and 8.1 it is printed '
  'in the task column of a row that has no task.';
COMMENT ON COLUMN criterion.mirrors_code IS
  'Criterion of another index this one corresponds to (SIPAS groups I-V <-> PAR-INDEX 8.1.1-8.1.5).';
COMMENT ON COLUMN criterion.annex_row IS 'Order of the row within its annex table (1 = first row after the header).';

CREATE TABLE criterion_score (
    index_code     text    NOT NULL,
    criterion_code text    NOT NULL,
    year           int     NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    score          numeric NOT NULL CHECK (score >= 0),
    PRIMARY KEY (index_code, criterion_code, year),
    FOREIGN KEY (index_code, criterion_code) REFERENCES criterion (index_code, code)
);
COMMENT ON TABLE criterion_score IS 'Points the city obtained for a criterion in a year (Điểm đạt được), as printed.';

-- ---------------------------------------------------------------------------
-- Tasks
-- ---------------------------------------------------------------------------

CREATE TABLE task (
    id                         int  PRIMARY KEY CHECK (id > 0),
    plan_code                  text NOT NULL REFERENCES plan (code),
    annex                      text NOT NULL CHECK (annex IN ('I', 'II', 'III')),
    seq                        int  NOT NULL CHECK (seq >= 1),
    printed_stt                text,
    text                       text NOT NULL CHECK (text <> ''),
    note                       text,
    cells_printed_with_task_id int  REFERENCES task (id),
    ref                        text GENERATED ALWAYS AS ('PL' || annex || '-' || lpad(seq::text, 2, '0')) STORED,
    UNIQUE (plan_code, annex, seq),
    CHECK (cells_printed_with_task_id IS DISTINCT FROM id)
);
CREATE INDEX task_cells_printed_with_idx ON task (cells_printed_with_task_id);
COMMENT ON TABLE task IS
  'A task (nhiệm vụ, giải pháp) of the plan: one task cell of an annex table. A cell printed once beside '
  'several criteria rows is one task covering all of them (task_criterion).';
COMMENT ON COLUMN task.id IS
  'Stable id: 100 * annex number + seq (Annex I task 3 = 103, Annex III task 12 = 312).';
COMMENT ON COLUMN task.seq IS 'Order of the task within its annex (1-based, in printed order).';
COMMENT ON COLUMN task.printed_stt IS 'STT printed for the task itself (Annex II numbers its tasks 1-8); NULL elsewhere.';
COMMENT ON COLUMN task.text IS
  'Task text byte-exact as printed, markup removed and page-break splits joined with one space; '
  'lettered items stay in the text and are also in task_item.';
COMMENT ON COLUMN task.note IS 'The "Ghi chú" cell of the task''s row(s), e.g. that the score comes from a sociological survey.';
COMMENT ON COLUMN task.cells_printed_with_task_id IS
  'When the lead, implementer, timeline and note cells are merged cells printed once beside an earlier task '
  '(the row prints them empty), the task they were printed with. Its assignment repeats them.';
COMMENT ON COLUMN task.ref IS 'Human reference: PL<annex>-<seq>, e.g. PLIII-05.';

CREATE TABLE task_item (
    task_id int  NOT NULL REFERENCES task (id),
    label   text NOT NULL CHECK (label ~ '^[a-zđ]$'),
    ord     int  NOT NULL CHECK (ord >= 1),
    text    text NOT NULL CHECK (text <> ''),
    PRIMARY KEY (task_id, label),
    UNIQUE (task_id, ord)
);
COMMENT ON TABLE task_item IS
  'Lettered item a), b), ... of a task (Vietnamese order: a b c d đ e g h i). text is what follows "x) " up to '
  'the next marker; it is a substring of task.text.';

CREATE TABLE task_target (
    task_id       int     NOT NULL REFERENCES task (id),
    ord           int     NOT NULL CHECK (ord >= 1),
    item_label    text,
    printed_text  text    NOT NULL CHECK (printed_text <> ''),
    kind          text    NOT NULL CHECK (kind IN ('at_least', 'at_most', 'range', 'exactly', 'at_least_baseline')),
    min_value     numeric,
    min_inclusive boolean,
    max_value     numeric,
    max_inclusive boolean,
    unit          text    CHECK (unit IN ('percent', 'count')),
    relative_to   text,
    PRIMARY KEY (task_id, ord),
    FOREIGN KEY (task_id, item_label) REFERENCES task_item (task_id, label),
    CHECK ((min_value IS NULL) = (min_inclusive IS NULL)),
    CHECK ((max_value IS NULL) = (max_inclusive IS NULL)),
    CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value),
    CHECK (CASE kind
             WHEN 'at_least' THEN min_value IS NOT NULL AND max_value IS NULL
             WHEN 'at_most' THEN min_value IS NULL AND max_value IS NOT NULL
             WHEN 'range' THEN min_value IS NOT NULL AND max_value IS NOT NULL
             WHEN 'exactly' THEN min_value IS NOT NULL AND min_value = max_value
             WHEN 'at_least_baseline' THEN relative_to IS NOT NULL AND min_value IS NULL AND max_value IS NULL
           END)
);
COMMENT ON TABLE task_target IS
  'A quantified target a task states: "từ 99% trở lên" = min 99 inclusive; "từ 80% đến 100%" = 80..100; '
  '"không có CBCCVC bị kỷ luật" = max 0 (count); "bằng hoặc cao hơn năm 2022" = relative_to.';
COMMENT ON COLUMN task_target.printed_text IS 'The target as printed; a substring of task.text.';
COMMENT ON COLUMN task_target.item_label IS 'The item stating the target, when the task has items; NULL = the task text.';
COMMENT ON COLUMN task_target.kind IS
  'at_least (min), at_most (max), range (min..max), exactly (min = max, e.g. "tiến tới 100%"), '
  'at_least_baseline (no number: at least the value of relative_to).';
COMMENT ON COLUMN task_target.relative_to IS 'Baseline of a relative target, as printed (e.g. "năm 2022").';

CREATE TABLE task_criterion (
    task_id        int  NOT NULL REFERENCES task (id),
    index_code     text NOT NULL,
    criterion_code text NOT NULL,
    PRIMARY KEY (task_id, index_code, criterion_code),
    FOREIGN KEY (index_code, criterion_code) REFERENCES criterion (index_code, code)
);
CREATE INDEX task_criterion_criterion_idx ON task_criterion (index_code, criterion_code);
COMMENT ON TABLE task_criterion IS 'Criteria a task addresses (a task cell printed beside several criteria covers all of them).';

-- An assignment is one lead cell of a task with the implementer and timeline
-- cells beside it.  Most tasks have one; Annex III prints a task with two and
-- one with three, each lead responsible for some of the items.

CREATE TABLE task_assignment (
    id                int  PRIMARY KEY,
    task_id           int  NOT NULL REFERENCES task (id),
    seq               int  NOT NULL CHECK (seq >= 1),
    leads_text        text NOT NULL CHECK (leads_text <> ''),
    implementers_text text NOT NULL CHECK (implementers_text <> ''),
    timeline_text     text NOT NULL CHECK (timeline_text <> ''),
    cadence           text NOT NULL CHECK (cadence IN ('continuous', 'periodic')),
    items_basis       text NOT NULL CHECK (items_basis IN ('whole_task', 'layout', 'content')),
    UNIQUE (task_id, seq),
    UNIQUE (id, task_id)
);
COMMENT ON TABLE task_assignment IS
  'Who does a task: one or more lead agencies (assignment_lead), the implementing units or classes '
  '(assignment_implementer), the items they cover (assignment_item) and the reporting cadence.';
COMMENT ON COLUMN task_assignment.id IS 'Stable id: 10 * task.id + seq.';
COMMENT ON COLUMN task_assignment.leads_text IS 'The "Cơ quan chủ trì" cell as printed.';
COMMENT ON COLUMN task_assignment.implementers_text IS 'The "Đơn vị / Cơ quan thực hiện" cell as printed.';
COMMENT ON COLUMN task_assignment.timeline_text IS 'The "Thời gian thực hiện / hoàn thành" cell as printed.';
COMMENT ON COLUMN task_assignment.cadence IS
  'continuous ("Thường xuyên") or periodic progress reports (periods in assignment_report_period).';
COMMENT ON COLUMN task_assignment.items_basis IS
  'How assignment_item was decided: whole_task = the only assignment, covers every item; layout = the lead is '
  'printed on the row holding those items; content = the plan does not say, items assigned by their subject.';

CREATE TABLE assignment_lead (
    assignment_id int  NOT NULL REFERENCES task_assignment (id),
    seq           int  NOT NULL CHECK (seq >= 1),
    unit_code     text NOT NULL REFERENCES org_unit (code),
    printed_text  text NOT NULL CHECK (printed_text <> ''),
    PRIMARY KEY (assignment_id, seq),
    UNIQUE (assignment_id, unit_code)
);
CREATE INDEX assignment_lead_unit_idx ON assignment_lead (unit_code);
COMMENT ON TABLE assignment_lead IS
  'Lead agency (cơ quan chủ trì) of an assignment; a lead cell may name several (Annex I 7.3.4 names two).';
COMMENT ON COLUMN assignment_lead.printed_text IS 'The lead''s name as printed in the cell (an org_unit_alias).';

CREATE TABLE assignment_item (
    assignment_id int  NOT NULL,
    task_id       int  NOT NULL,
    label         text NOT NULL,
    PRIMARY KEY (assignment_id, label),
    FOREIGN KEY (assignment_id, task_id) REFERENCES task_assignment (id, task_id),
    FOREIGN KEY (task_id, label) REFERENCES task_item (task_id, label)
);
COMMENT ON TABLE assignment_item IS
  'Items of the task an assignment covers. Listed for every assignment of a task that has items; '
  'a task without items has no rows.';

CREATE TABLE assignment_implementer (
    assignment_id int  NOT NULL REFERENCES task_assignment (id),
    seq           int  NOT NULL CHECK (seq >= 1),
    printed_text  text NOT NULL CHECK (printed_text <> ''),
    unit_code     text REFERENCES org_unit (code),
    class_code    text REFERENCES unit_class (code),
    PRIMARY KEY (assignment_id, seq),
    CHECK (num_nonnulls(unit_code, class_code) = 1)
);
CREATE INDEX assignment_implementer_unit_idx ON assignment_implementer (unit_code);
CREATE INDEX assignment_implementer_class_idx ON assignment_implementer (class_code);
COMMENT ON TABLE assignment_implementer IS
  'An implementing unit or unit class of an assignment, in printed order. printed_text is the fragment of the '
  'cell that names it, possibly elliptical ("cấp xã" in "UBND cấp huyện, cấp xã" -> UBND-XA); one fragment may '
  'name two classes ("HĐND" in "HĐND, UBND cấp huyện, cấp xã" -> HĐND cấp huyện and cấp xã).';

CREATE TABLE assignment_report_period (
    assignment_id int  NOT NULL REFERENCES task_assignment (id),
    period_kind   text NOT NULL REFERENCES report_period_kind (code),
    PRIMARY KEY (assignment_id, period_kind)
);
COMMENT ON TABLE assignment_report_period IS
  'Periodic progress reports a periodic assignment requires ("Báo cáo tiến độ định kỳ quý/ 6 tháng/ 9 tháng và năm").';
