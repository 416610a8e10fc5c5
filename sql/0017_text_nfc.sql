-- 0017_text_nfc: text stored before cchc normalised it (issue 13) put in
-- NFC, the form both programs now send and store (proto/src/wire_nfc.c),
-- so a report typed in NFD on macOS before the change compares, sorts and
-- matches like one typed afterwards. PostgreSQL's own normalize() and
-- IS NFC NORMALIZED (13+, UTF-8 databases); only rows that are not NFC
-- are touched. The plan's seed text (0003_plan_data) is NFC already
-- (checked when this was written), so plan rows are not touched; units
-- are, for names and aliases administrators typed. Passwords cannot be
-- normalised here (only their hashes are stored): login tries the other
-- forms and rehashes (server/handlers/sessions.c). The audit log is a
-- record of what was sent and stays as it was.

UPDATE report SET return_reason = normalize(return_reason, NFC)
 WHERE return_reason IS NOT NFC NORMALIZED;

UPDATE report_revision
   SET results = normalize(results, NFC),
       difficulties = normalize(difficulties, NFC),
       proposals = normalize(proposals, NFC),
       indicators = normalize(indicators::text, NFC)::jsonb
 WHERE results IS NOT NFC NORMALIZED
    OR difficulties IS NOT NFC NORMALIZED
    OR proposals IS NOT NFC NORMALIZED
    OR indicators::text IS NOT NFC NORMALIZED;

UPDATE report_review SET reason = normalize(reason, NFC) WHERE reason IS NOT NFC NORMALIZED;

UPDATE account SET full_name = normalize(full_name, NFC) WHERE full_name IS NOT NFC NORMALIZED;

UPDATE org_unit
   SET name = normalize(name, NFC),
       note = normalize(note, NFC)
 WHERE name IS NOT NFC NORMALIZED
    OR note IS NOT NFC NORMALIZED;

-- an alias is a key: a non-NFC spelling whose NFC twin exists already is
-- the same alias twice, and goes
DELETE FROM org_unit_alias a
 WHERE a.alias IS NOT NFC NORMALIZED
   AND EXISTS (SELECT 1 FROM org_unit_alias b WHERE b.alias = normalize(a.alias, NFC));
UPDATE org_unit_alias SET alias = normalize(alias, NFC) WHERE alias IS NOT NFC NORMALIZED;

UPDATE period_frozen_report SET unit_name = normalize(unit_name, NFC)
 WHERE unit_name IS NOT NFC NORMALIZED;
