-- 0021_status_cache: the structure a period's status is counted over,
-- kept per period instead of derived on every request (issue 15, status
-- p99 within 15 ms and trend within 50 ms on ten years of history).
--
-- The status of a period that is not approved is computed live. Most of
-- that work does not depend on the reports at all: which units owe which
-- tasks (expected_reports: the plan's assignments expanded over the unit
-- classes, units, parents and successors on the period's last data day),
-- the area each unit is counted under (unit_areas_on) and each task's lead
-- agencies (live_period_leads). They change only when the plan, the unit
-- structure or the period's dates change: rare writes by administrators,
-- while status is read all the time. These tables keep them per period.
--
-- Kept exact, never stale (sql/functions/075_status_cache.sql):
--   * status_cache_period lists the periods whose rows below are complete;
--     a reader uses the rows only for a period listed there and computes
--     the period as before otherwise, so an empty cache is always correct;
--   * a statement trigger on every table those three computations read
--     deletes the cached rows inside the very statement that changes the
--     table (so no snapshot ever sees the change without the deletion);
--   * the deletion also updates status_cache_generation's one row, which
--     queues a deferred trigger that refills the open and closed periods at
--     the commit of that same transaction, from what it sees then; the row
--     lock taken by that update makes writers of those tables take turns,
--     so a refill never misses a change committed meanwhile.

CREATE TABLE status_cache_period (
    period_id text PRIMARY KEY
);

CREATE TABLE status_cache_expected (
    period_id text NOT NULL,
    unit_code text NOT NULL,
    task_id   int  NOT NULL,
    PRIMARY KEY (period_id, unit_code, task_id)
);

CREATE TABLE status_cache_area (
    period_id text NOT NULL,
    unit_code text NOT NULL,
    area_code text,
    PRIMARY KEY (period_id, unit_code)
);

CREATE TABLE status_cache_lead (
    period_id text NOT NULL,
    task_id   int  NOT NULL,
    unit_code text NOT NULL,
    PRIMARY KEY (period_id, task_id, unit_code)
);

CREATE TABLE status_cache_generation (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    generation bigint NOT NULL DEFAULT 0
);
INSERT INTO status_cache_generation DEFAULT VALUES;
