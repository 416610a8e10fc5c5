-- Ten years of reporting history for scripts/bench's status figures: a
-- report for nearly every expected unit and task of every period of
-- 2017–2026 that the script opened (one in thirty left missing, one in ten
-- late), each with one to three submitted revisions of varied status and
-- progress; reports of periods before 2026 accepted (the script then
-- closes and approves those periods through cchc, as an administrator
-- would). Deterministic (hashes, no random()), so two runs measure the
-- same data. Written straight into the tables: it is test data, made in
-- seconds instead of the hours real submissions would take.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE bench_history_periods AS
SELECT p.id, p.year, p.unit_deadline
  FROM report_period p
 WHERE p.year BETWEEN 2017 AND 2026
   AND NOT EXISTS (SELECT 1 FROM report r WHERE r.period_id = p.id);

INSERT INTO report (period_id, unit_code, task_id, state, revision, first_submitted_at, late, updated_at)
SELECT p.id, e.unit_code, e.task_id,
       CASE WHEN p.year < 2026 THEN 'accepted' ELSE 'submitted' END,
       1 + abs(hashtext(p.id || e.unit_code || e.task_id)) % 3,
       p.unit_deadline::timestamptz - interval '2 days',
       abs(hashtext(e.unit_code || p.id)) % 10 = 0,
       p.unit_deadline::timestamptz
  FROM bench_history_periods p
 CROSS JOIN LATERAL expected_reports(p.id) e
 WHERE abs(hashtext(e.unit_code || e.task_id || p.id || 'missing')) % 30 <> 0;

INSERT INTO report_revision (report_id, revision, saved_as, status, progress, results,
                             difficulties, proposals, late, idempotency_key, changed,
                             username, address, saved_at)
SELECT r.id, g.rev, 'submitted', s.status,
       CASE s.status WHEN 'completed' THEN 100 WHEN 'not_started' THEN 0
                     ELSE 5 + abs(hashtext(r.id::text || g.rev)) % 90 END,
       'Kết quả thực hiện nhiệm vụ ' || r.task_id || ', lần ' || g.rev,
       CASE WHEN s.status = 'behind' THEN 'Thiếu kinh phí và nhân lực' ELSE '' END,
       '', r.late, 'bench-history-' || r.id || '-' || g.rev,
       CASE WHEN g.rev = 1 THEN ARRAY['status', 'progress', 'results', 'difficulties',
                                      'proposals', 'indicators']
            ELSE ARRAY['progress', 'results'] END,
       'lich.su', '127.0.0.1',
       r.first_submitted_at - (r.revision - g.rev) * interval '1 day'
  FROM report r
  JOIN bench_history_periods p ON p.id = r.period_id
 CROSS JOIN LATERAL generate_series(1, r.revision) AS g(rev)
 CROSS JOIN LATERAL (SELECT (ARRAY['completed', 'in_progress', 'in_progress', 'behind',
                                   'not_started'])[1 + abs(hashtext(r.id::text || 's' || g.rev)) % 5]
                            AS status) s;
COMMIT;
ANALYZE report;
ANALYZE report_revision;
