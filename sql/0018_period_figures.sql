-- 0018_period_figures: the trend figures of approved periods, stored when
-- a period is approved (issue 15, "status from facts computed once").
--
-- `cchc status trend` shows, for every period, its expected, received and
-- on-time reports, effective progress and points at risk, as the caller
-- sees them (every task, or the tasks the caller's unit leads). An
-- approved period's facts are frozen (0011_period_states), so its figures
-- cannot move either; computing them again for every past period on every
-- trend took seconds on ten years of history. The approval now stores them
-- (period_action in sql/functions/080_periods.sql, from trend_figures in
-- 070_status.sql) for every scope the trend may ask: '' (every task:
-- administrators and viewers) and each lead agency of the period (the
-- tasks it leads). A reopen deletes them with the approval's end; the
-- next approval stores its own. trend_point reads them for the period's
-- current approval and computes only the periods not approved.
--
-- They are derived from the approval's snapshot (period_frozen_report,
-- period_frozen_lead) and the plan's criteria and base-year scores, which
-- only migrations change: a migration that changes those, or how the
-- figures are computed, refreshes this table too.

CREATE TABLE period_figures (
    approval_id        bigint  NOT NULL REFERENCES period_approval (id),
    scope              text    NOT NULL, -- '' every task; else a lead agency's unit code
    expected           int     NOT NULL,
    received           int     NOT NULL,
    on_time            int     NOT NULL,
    effective_progress numeric NOT NULL, -- as computed: round(…, 2), scale kept
    points_at_risk     numeric NOT NULL, -- sum of round(…, 4) per criterion, or 0
    PRIMARY KEY (approval_id, scope)
);
COMMENT ON TABLE period_figures IS
  'The trend figures of an approved period, per scope ('''' = every task, else a lead agency), '
  'computed at approval from its frozen facts (trend_figures); read by the trend.';

-- Periods approved before this migration: their figures from their
-- snapshots, by the definition of trend_figures (sql/functions/070) written
-- out over the tables, since the functions are applied after the
-- migrations and trend_figures does not exist yet on an upgraded database.
WITH facts AS (
    SELECT f.approval_id, f.task_id, f.received, f.on_time, f.progress
      FROM period_frozen_report f
      JOIN period_approval a ON a.id = f.approval_id
     WHERE a.reopened_at IS NULL),
scoped AS (
    SELECT x.approval_id, ''::text AS scope, x.task_id, x.received, x.on_time, x.progress FROM facts x
    UNION ALL
    SELECT x.approval_id, l.unit_code, x.task_id, x.received, x.on_time, x.progress
      FROM facts x JOIN period_frozen_lead l ON l.approval_id = x.approval_id AND l.task_id = x.task_id),
crit AS (
    SELECT c.index_code, c.code, c.max_points - s.score AS lost
      FROM criterion c
      JOIN criterion_score s ON s.index_code = c.index_code AND s.criterion_code = c.code
                            AND s.year = (SELECT base_year FROM plan ORDER BY issued_on LIMIT 1)
     WHERE c.max_points IS NOT NULL),
risks AS (
    SELECT s.approval_id, s.scope,
           round(c.lost * (1 - coalesce(sum(s.progress) FILTER (WHERE s.received), 0) / count(*) / 100), 4)
             AS risk
      FROM crit c
      JOIN task_criterion tc ON tc.index_code = c.index_code AND tc.criterion_code = c.code
      JOIN scoped s ON s.task_id = tc.task_id
     GROUP BY s.approval_id, s.scope, c.index_code, c.code, c.lost),
risk_sums AS (
    SELECT r.approval_id, r.scope, sum(r.risk) AS points FROM risks r GROUP BY r.approval_id, r.scope)
INSERT INTO period_figures
SELECT s.approval_id, s.scope, count(*), count(*) FILTER (WHERE s.received),
       count(*) FILTER (WHERE s.on_time),
       round(coalesce(sum(s.progress) FILTER (WHERE s.received), 0) / count(*), 2),
       coalesce(min(rs.points), 0)
  FROM scoped s
  LEFT JOIN risk_sums rs ON rs.approval_id = s.approval_id AND rs.scope = s.scope
 GROUP BY s.approval_id, s.scope;
