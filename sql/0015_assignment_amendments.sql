-- 0015_assignment_amendments: dated amendments to the plan's assignments
-- (issue 12, "the plan follows the city"), and the former province of each
-- unit of the merged city (the area `status --by area` groups by after the
-- district level ended; at the end of this file). The printed plan (0003) stays
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

-- The area a commune-level unit of the merged city belongs to after the
-- district level ended (2025-07-01): the former province or city it was
-- formed in, as sql/units/units_2025_merged_city.csv gives it (column
-- former_province; sources there: BANDO-SN for what each unit was formed
-- from, GSO-DVHC-2025-03 for the former province of each old unit). Used
-- by `cchc status --by area` (unit_areas_on, sql/functions/070_status.sql);
-- before 2025-07-01 a unit's area is its district. unit_code has no
-- foreign key: the units are created by the 2025 change set
-- (`cchc units apply sql/units/changes_2025.csv`), after this migration.
-- The 103 rows were generated from the CSV's former_province column (a
-- one-off; the CSV stays the source); a correction is a new migration.
CREATE TABLE former_province (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]*$'),
    name text NOT NULL UNIQUE
);
COMMENT ON TABLE former_province IS
  'The provinces merged into Cần Thơ in 2025 (Resolution 202/2025/QH15): the areas of status --by area after '
  'the district level ended.';
INSERT INTO former_province (code, name) VALUES
  ('CU-CANTHO', 'Thành phố Cần Thơ (cũ)'),
  ('CU-HAUGIANG', 'Tỉnh Hậu Giang (cũ)'),
  ('CU-SOCTRANG', 'Tỉnh Sóc Trăng (cũ)');

CREATE TABLE unit_former_province (
    unit_code     text PRIMARY KEY,
    province_code text NOT NULL REFERENCES former_province (code)
);
COMMENT ON TABLE unit_former_province IS
  'The former province or city each commune-level unit of the merged city (2025-07-01) was formed in, from '
  'sql/units/units_2025_merged_city.csv.';
INSERT INTO unit_former_province (unit_code, province_code) VALUES
  ('P-CAIKHE', 'CU-CANTHO'),
  ('P-NINHKIEU', 'CU-CANTHO'),
  ('P-TANAN', 'CU-CANTHO'),
  ('P-ANBINH', 'CU-CANTHO'),
  ('P-OMON', 'CU-CANTHO'),
  ('P-THOILONG', 'CU-CANTHO'),
  ('P-PHUOCTHOI', 'CU-CANTHO'),
  ('P-BINHTHUY', 'CU-CANTHO'),
  ('P-THOIANDONG', 'CU-CANTHO'),
  ('P-LONGTUYEN', 'CU-CANTHO'),
  ('P-CAIRANG', 'CU-CANTHO'),
  ('P-HUNGPHU', 'CU-CANTHO'),
  ('P-THOTNOT', 'CU-CANTHO'),
  ('P-TN-TANLOC', 'CU-CANTHO'),
  ('P-TRUNGNHUT', 'CU-CANTHO'),
  ('P-THUANHUNG', 'CU-CANTHO'),
  ('X-THANHAN', 'CU-CANTHO'),
  ('X-VINHTHANH', 'CU-CANTHO'),
  ('X-VINHTRINH', 'CU-CANTHO'),
  ('X-THANHQUOI', 'CU-CANTHO'),
  ('X-CD-THANHPHU', 'CU-CANTHO'),
  ('X-TRUNGHUNG', 'CU-CANTHO'),
  ('X-THOILAI', 'CU-CANTHO'),
  ('X-CODO', 'CU-CANTHO'),
  ('X-CD-THOIHUNG', 'CU-CANTHO'),
  ('X-DONGHIEP', 'CU-CANTHO'),
  ('X-DONGTHUAN', 'CU-CANTHO'),
  ('X-TRUONGTHANH', 'CU-CANTHO'),
  ('X-TRUONGXUAN', 'CU-CANTHO'),
  ('X-PHONGDIEN', 'CU-CANTHO'),
  ('X-PD-TRUONGLONG', 'CU-CANTHO'),
  ('X-NHONAI', 'CU-CANTHO'),
  ('P-VITHANH', 'CU-HAUGIANG'),
  ('P-VITAN', 'CU-HAUGIANG'),
  ('X-HOALUU', 'CU-HAUGIANG'),
  ('P-NGABAY', 'CU-HAUGIANG'),
  ('X-TANHOA', 'CU-HAUGIANG'),
  ('X-TRUONGLONGTAY', 'CU-HAUGIANG'),
  ('X-THANHXUAN', 'CU-HAUGIANG'),
  ('X-CHAUTHANH', 'CU-HAUGIANG'),
  ('X-DONGPHUOC', 'CU-HAUGIANG'),
  ('X-PHUHUU', 'CU-HAUGIANG'),
  ('X-HOAAN', 'CU-HAUGIANG'),
  ('X-HIEPHUNG', 'CU-HAUGIANG'),
  ('X-TANBINH', 'CU-HAUGIANG'),
  ('X-THANHHOA', 'CU-HAUGIANG'),
  ('P-DAITHANH', 'CU-HAUGIANG'),
  ('X-PHUNGHIEP', 'CU-HAUGIANG'),
  ('X-PHUONGBINH', 'CU-HAUGIANG'),
  ('X-TANPHUOCHUNG', 'CU-HAUGIANG'),
  ('X-VITHUY', 'CU-HAUGIANG'),
  ('X-VINHTHUANDONG', 'CU-HAUGIANG'),
  ('X-VINHTUONG', 'CU-HAUGIANG'),
  ('X-VITHANH1', 'CU-HAUGIANG'),
  ('P-LONGMY', 'CU-HAUGIANG'),
  ('P-LONGBINH', 'CU-HAUGIANG'),
  ('P-LONGPHU1', 'CU-HAUGIANG'),
  ('X-VINHVIEN', 'CU-HAUGIANG'),
  ('X-LUONGTAM', 'CU-HAUGIANG'),
  ('X-XAPHIEN', 'CU-HAUGIANG'),
  ('P-SOCTRANG', 'CU-SOCTRANG'),
  ('P-PHULOI', 'CU-SOCTRANG'),
  ('X-KESACH', 'CU-SOCTRANG'),
  ('X-ANLACTHON', 'CU-SOCTRANG'),
  ('X-PHONGNAM', 'CU-SOCTRANG'),
  ('X-THOIANHOI', 'CU-SOCTRANG'),
  ('X-NHONMY', 'CU-SOCTRANG'),
  ('X-DAIHAI', 'CU-SOCTRANG'),
  ('X-MYTU', 'CU-SOCTRANG'),
  ('X-PHUTAM', 'CU-SOCTRANG'),
  ('X-HODACKIEN', 'CU-SOCTRANG'),
  ('X-LONGHUNG', 'CU-SOCTRANG'),
  ('X-THUANHOA', 'CU-SOCTRANG'),
  ('X-MYHUONG', 'CU-SOCTRANG'),
  ('X-ANNINH', 'CU-SOCTRANG'),
  ('X-MYPHUOC', 'CU-SOCTRANG'),
  ('X-ANTHANH', 'CU-SOCTRANG'),
  ('X-CULAODUNG', 'CU-SOCTRANG'),
  ('X-LONGPHU', 'CU-SOCTRANG'),
  ('X-DAINGAI', 'CU-SOCTRANG'),
  ('X-TRUONGKHANH', 'CU-SOCTRANG'),
  ('X-TANTHANH', 'CU-SOCTRANG'),
  ('X-TRANDE', 'CU-SOCTRANG'),
  ('X-LIEUTU', 'CU-SOCTRANG'),
  ('X-LICHHOITHUONG', 'CU-SOCTRANG'),
  ('P-MYXUYEN', 'CU-SOCTRANG'),
  ('X-TAIVAN', 'CU-SOCTRANG'),
  ('X-THANHTHOIAN', 'CU-SOCTRANG'),
  ('X-NHUGIA', 'CU-SOCTRANG'),
  ('X-HOATU', 'CU-SOCTRANG'),
  ('X-NGOCTO', 'CU-SOCTRANG'),
  ('X-GIAHOA', 'CU-SOCTRANG'),
  ('P-NGANAM', 'CU-SOCTRANG'),
  ('X-TANLONG', 'CU-SOCTRANG'),
  ('P-MYQUOI', 'CU-SOCTRANG'),
  ('X-PHULOC', 'CU-SOCTRANG'),
  ('X-LAMTAN', 'CU-SOCTRANG'),
  ('X-VINHLOI', 'CU-SOCTRANG'),
  ('P-VINHCHAU', 'CU-SOCTRANG'),
  ('P-KHANHHOA', 'CU-SOCTRANG'),
  ('X-VINHHAI', 'CU-SOCTRANG'),
  ('P-VINHPHUOC', 'CU-SOCTRANG'),
  ('X-LAIHOA', 'CU-SOCTRANG');
