#!/usr/bin/env python3
"""Check the loaded plan data against the seed text, independently of
plan_extract.py (it shares no code with it).

Developer helper only: the project never runs this at build or test time.
It reads ../shared/seeds/000_c48acc517a7429e1.txt and queries a database
where sql/0002 and 0003 were loaded, through psql:

  python3 scripts/dev/plan_verify.py --psql 'psql -h /tmp/x -p 55439 -U postgres -d plan'

Checks:
  1. every stored Vietnamese text is NFC;
  2. every stored cell text (task text, criterion name, lead, implementer,
     timeline and note cells) is byte-exact a chain of printed cells of the
     same column, markup removed, joined by one space, where each next link
     is the next non-empty cell of that column further down the table (this
     is how a page break splits a cell);
  3. every fragment (items, targets, printed lead/implementer parts, aliases,
     criteria cut out of a shared cell) is a substring of one printed cell or
     of a stored chain;
  4. completeness: every non-empty printed cell of the task, lead,
     implementer, timeline and note columns is inside some stored text, and
     every criterion code printed in Annex I is stored with its points;
  5. numbers: max points and 2022 scores equal the printed ones.
Exit status 0 when all pass; otherwise the failures are listed.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'seeds',
                                     '000_c48acc517a7429e1.txt'))
MARKUP = re.compile(r'<(?:/)?[bip]>')
# column roles by table width
ROLES = {9: {'name': 1, 'task': 4, 'lead': 5, 'impl': 6, 'time': 7, 'note': 8},
         5: {'task': 1, 'lead': 2, 'impl': 3, 'time': 4},
         6: {'name': 1, 'task': 2, 'lead': 3, 'impl': 4, 'time': 5}}

failures = []


def fail(msg):
    failures.append(msg)


def query(psql, sql):
    cmd = shlex.split(psql) + ['-X', '-A', '-t', '-F', '\x1f', '-R', '\x1e',
                               '-v', 'ON_ERROR_STOP=1', '-c', sql]
    out = subprocess.run(cmd, check=True, capture_output=True).stdout.decode('utf-8')
    out = out[:-1] if out.endswith('\n') else out   # psql's final newline
    return [r.split('\x1f') for r in out.split('\x1e') if r != '']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--psql', required=True)
    ap.add_argument('--seed', default=SEED)
    args = ap.parse_args()
    lines = open(args.seed, encoding='utf-8').read().split('\n')

    # table cells: (width, column) -> list of (lineno, cleaned text)
    cols = {}
    for n, line in enumerate(lines, 1):
        if '\t' not in line or line.startswith('STT\t'):
            continue
        f = line.split('\t')
        for c, x in enumerate(f):
            if x:
                cols.setdefault((len(f), c), []).append((n, MARKUP.sub('', x)))
    all_cells = [x for v in cols.values() for _, x in v]
    clean_seed = MARKUP.sub('', '\n'.join(lines))

    def chain_ok(s, role):
        for width, roles in ROLES.items():
            if role not in roles:
                continue
            cells = cols.get((width, roles[role]), [])
            for i, (_, c) in enumerate(cells):
                if not s.startswith(c):
                    continue
                rest, j = s[len(c):], i
                while rest.startswith(' ') and j + 1 < len(cells) and \
                        rest[1:].startswith(cells[j + 1][1]):
                    rest, j = rest[1 + len(cells[j + 1][1]):], j + 1
                if rest == '':
                    return True
        return False

    def fragment_ok(s, chains):
        return any(s in c for c in all_cells) or any(s in c for c in chains) or s in clean_seed

    P = args.psql
    tasks = query(P, 'SELECT id, text, coalesce(note, \'\') FROM task ORDER BY id')
    crit = query(P, "SELECT index_code, code, printed_code, name, coalesce(max_points::text,''), "
                    "coalesce((SELECT score::text FROM criterion_score s WHERE s.index_code = c.index_code "
                    "AND s.criterion_code = c.code AND year = 2022), ''), coalesce(note, '') "
                    "FROM criterion c ORDER BY 1, 2")
    assigns = query(P, 'SELECT id, leads_text, implementers_text, timeline_text FROM task_assignment')
    frags = query(P, "SELECT 'item', text FROM task_item UNION ALL "
                     "SELECT 'target', printed_text FROM task_target UNION ALL "
                     "SELECT 'lead', printed_text FROM assignment_lead UNION ALL "
                     "SELECT 'impl', printed_text FROM assignment_implementer UNION ALL "
                     "SELECT 'unit alias', alias FROM org_unit_alias UNION ALL "
                     "SELECT 'class alias', alias FROM unit_class_alias UNION ALL "
                     "SELECT 'target text', printed_text FROM gov_index_target UNION ALL "
                     "SELECT 'result source', source_text FROM gov_index_result")
    everything = query(P, "SELECT text FROM task UNION ALL SELECT note FROM task WHERE note IS NOT NULL "
                          "UNION ALL SELECT name FROM criterion UNION ALL SELECT leads_text FROM task_assignment "
                          "UNION ALL SELECT implementers_text FROM task_assignment UNION ALL "
                          "SELECT timeline_text FROM task_assignment UNION ALL SELECT text FROM task_item "
                          "UNION ALL SELECT name FROM org_unit UNION ALL SELECT name FROM unit_class")

    # 1. NFC
    for (s,) in everything + [[f[1]] for f in frags]:
        if not unicodedata.is_normalized('NFC', s):
            fail('not NFC: %r' % s[:60])

    # 2. chains
    chains = []
    for tid, text, note in tasks:
        if not chain_ok(text, 'task'):
            fail('task %s text is not a printed chain: %r' % (tid, text[:60]))
        if note and not chain_ok(note, 'note'):
            fail('task %s note is not a printed chain: %r' % (tid, note[:60]))
        chains += [text, note]
    for aid, leads, impl, time in assigns:
        for role, s in (('lead', leads), ('impl', impl), ('time', time)):
            if not chain_ok(s, role):
                fail('assignment %s %s is not a printed chain: %r' % (aid, role, s))
            chains.append(s)
    for idx, code, printed, name, mx, score, note in crit:
        if not chain_ok(name, 'name') and not fragment_ok(name, []):
            fail('criterion %s %s name not printed: %r' % (idx, code, name[:60]))
        if note and not chain_ok(note, 'task'):
            fail('criterion %s %s note not printed: %r' % (idx, code, note[:60]))
        chains += [name, note]

    # 3. fragments
    for kind, s in frags:
        if not fragment_ok(s, chains):
            fail('%s not printed: %r' % (kind, s[:60]))

    # 4. completeness
    stored = [s for s in chains if s]
    for (width, c), cells in sorted(cols.items()):
        roles = {v: k for k, v in ROLES[width].items()}
        role = roles.get(c)
        if role is None:
            continue
        for n, x in cells:
            if role == 'name' and re.match(r'1\. ', x):
                # one cell listing numbered sub-criteria (Annex III V)
                parts = [re.sub(r'^\d+\. ', '', p) for p in re.split(r' (?=\d+\. )', x)]
                if all(any(p == s for s in stored) for p in parts):
                    continue
            if not any(x in s for s in stored):
                fail('line %d column %d (%s) not stored: %r' % (n, c, role, x[:60]))
    printed_codes = {}
    for n, x in cols.get((9, 0), []):
        f = lines[n - 1].split('\t')
        printed_codes[x] = (MARKUP.sub('', f[2]).replace(',', '.'),
                            MARKUP.sub('', f[3]).replace(',', '.'))
    stored_par = {code: (mx, score) for idx, code, _, _, mx, score, _ in crit if idx == 'PAR-INDEX'}
    if set(printed_codes) != set(stored_par):
        fail('Annex I codes differ: printed-only %r stored-only %r' % (
            set(printed_codes) - set(stored_par), set(stored_par) - set(printed_codes)))
    # 5. numbers
    for code, (mx, sc) in printed_codes.items():
        if code in stored_par and stored_par[code] != (mx, sc):
            fail('criterion %s points %r, printed %r' % (code, stored_par[code], (mx, sc)))

    print('checked %d tasks, %d criteria, %d assignments, %d fragments' % (
        len(tasks), len(crit), len(assigns), len(frags)))
    if failures:
        print('\n'.join('FAIL ' + f for f in failures))
        sys.exit(1)
    print('all checks passed')


if __name__ == '__main__':
    main()
