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

-- A week of request keys, as a working server holds them (keys live 7
-- days, docs/retry.md): 300 per account. Without them the benchmark starts
-- with an empty request_key table, and the plans a pool connection makes
-- on its first call (generic, kept for the connection) scan the table
-- whole; they stay until autovacuum analyses it, up to a minute into the
-- run, so the submission figures (cchcd's and pgbench's alike) depended
-- on when that happened.
INSERT INTO request_key (account_id, key, request_type, request_digest, response, created_at)
SELECT a.id, 'bench-history-key-' || a.id || '-' || g.n, 70, repeat('0', 64), '\x0a00',
       now() - (g.n * interval '30 minutes')
  FROM account a
 CROSS JOIN generate_series(1, 300) AS g(n);
COMMIT;
-- statistics as autovacuum would have made them on a working server
ANALYZE;
