-- 075_status_cache: keeps the per-period cache of the structure a period's
-- status is counted over (sql/0021_status_cache: the expected reports, each
-- unit's area, each task's lead agencies) exact. Readers: period_expected,
-- period_unit_areas and live_period_leads (070_status), which fall back to
-- computing a period the cache does not hold.
--
-- Why it can never be stale:
--   * every table expected_reports (050), unit_areas_on and
--     computed_period_leads (070) read has a statement trigger that deletes
--     the cache (every period) inside the statement that wrote the table;
--     report_period has a row trigger that deletes the periods whose id,
--     last data day or kind changed;
--   * the deletion first updates status_cache_generation's one row: that
--     row lock makes the transactions writing those tables take turns
--     until they commit, and queues the deferred refill below;
--   * the refill runs at that transaction's commit (a deferred constraint
--     trigger), computing the open and closed periods the cache lacks
--     with the functions the readers would otherwise use, so a reader sees
--     either the old structure with its old cache or the new with the new;
--   * re-applying this file (which migrate does whenever it, an earlier
--     file such as 030, 050 or 070, or a migration changes) empties and
--     refills the cache, so a changed rule never meets rows computed by the
--     old one.
-- Approved periods are read from their frozen snapshot (0011), so the
-- refill skips them, and planned ones (nothing is reported in them yet;
-- each refill would only pay for them); their rows, while any remain, are
-- still exact, and without rows they are computed as before.

-- Empties the cache of the periods named (every period when NULL) and
-- queues the refill at commit.
CREATE OR REPLACE FUNCTION status_cache_invalidate(pids text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- first: writers of the sources take turns from here until they commit
    UPDATE status_cache_generation SET generation = generation + 1;
    DELETE FROM status_cache_period WHERE pids IS NULL OR period_id = ANY (pids);
    DELETE FROM status_cache_expected WHERE pids IS NULL OR period_id = ANY (pids);
    DELETE FROM status_cache_area WHERE pids IS NULL OR period_id = ANY (pids);
    DELETE FROM status_cache_lead WHERE pids IS NULL OR period_id = ANY (pids);
END $$;

-- Computes every open or closed period the cache does not hold.
CREATE OR REPLACE FUNCTION status_cache_fill() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    pid text;
BEGIN
    FOR pid IN SELECT p.id FROM report_period p
                WHERE p.state IN ('open', 'closed')
                  AND NOT EXISTS (SELECT 1 FROM status_cache_period k WHERE k.period_id = p.id)
                ORDER BY p.id
    LOOP
        INSERT INTO status_cache_expected (period_id, unit_code, task_id)
        SELECT pid, e.unit_code, e.task_id FROM computed_period_expected(pid) e;
        INSERT INTO status_cache_area (period_id, unit_code, area_code)
        SELECT pid, ar.unit_code, ar.area_code FROM computed_period_unit_areas(pid) ar;
        INSERT INTO status_cache_lead (period_id, task_id, unit_code)
        SELECT pid, l.task_id, l.unit_code FROM computed_period_leads(pid) l;
        -- last: readers use the rows above only once the period is listed
        INSERT INTO status_cache_period (period_id) VALUES (pid);
    END LOOP;
END $$;

-- Empties and refills the whole cache now.
CREATE OR REPLACE FUNCTION status_cache_reset() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM status_cache_invalidate(NULL);
    PERFORM status_cache_fill();
END $$;

CREATE OR REPLACE FUNCTION status_cache_sources_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM status_cache_invalidate(NULL);
    RETURN NULL;
END $$;

-- A period's own row: its id, last data day and kind decide its structure;
-- a change of state (opened, reopened) only asks for a refill.
CREATE OR REPLACE FUNCTION status_cache_period_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM status_cache_invalidate(ARRAY[NEW.id]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM status_cache_invalidate(ARRAY[OLD.id]);
    ELSIF (OLD.id, OLD.data_until, OLD.kind) IS DISTINCT FROM (NEW.id, NEW.data_until, NEW.kind) THEN
        PERFORM status_cache_invalidate(ARRAY[OLD.id, NEW.id]);
    ELSIF OLD.state IS DISTINCT FROM NEW.state THEN
        UPDATE status_cache_generation SET generation = generation + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION status_cache_refill() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM status_cache_fill();
    RETURN NULL;
END $$;

-- The tables the cached computations read (expected_reports,
-- assignment_units_on, assignment_implementers_on, unit_class_members_on,
-- unit_on, unit_parent_on, unit_areas_on, assignment_leads_on,
-- assignment_named_leads_on), each written as a trigger named after it.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['org_unit', 'unit_succession', 'unit_parent_change',
                             'unit_former_province', 'unit_class', 'unit_class_rule',
                             'task_assignment', 'assignment_report_period',
                             'assignment_implementer', 'assignment_lead',
                             'assignment_amendment', 'assignment_amendment_implementer',
                             'assignment_amendment_lead']
    LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER status_cache_%s
                            AFTER INSERT OR UPDATE OR DELETE ON %I
                            FOR EACH STATEMENT EXECUTE FUNCTION status_cache_sources_changed()', t, t);
        EXECUTE format('CREATE OR REPLACE TRIGGER status_cache_%s_truncate
                            AFTER TRUNCATE ON %I
                            FOR EACH STATEMENT EXECUTE FUNCTION status_cache_sources_changed()', t, t);
    END LOOP;
END $$;

CREATE OR REPLACE TRIGGER status_cache_report_period
    AFTER INSERT OR UPDATE OR DELETE ON report_period
    FOR EACH ROW EXECUTE FUNCTION status_cache_period_changed();
CREATE OR REPLACE TRIGGER status_cache_report_period_truncate
    AFTER TRUNCATE ON report_period
    FOR EACH STATEMENT EXECUTE FUNCTION status_cache_sources_changed();

-- Constraint triggers cannot be replaced in place.
DROP TRIGGER IF EXISTS status_cache_refill ON status_cache_generation;
CREATE CONSTRAINT TRIGGER status_cache_refill
    AFTER UPDATE ON status_cache_generation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION status_cache_refill();

-- This file is re-applied whenever a rule the cache was computed by may
-- have changed (see the top): start again from those rules.
SELECT status_cache_reset();
