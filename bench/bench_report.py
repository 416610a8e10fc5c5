#!/usr/bin/env python3
"""Turns scripts/bench's raw measurements (one JSON object per line) into
the results file (bench/results/<date>-<host>.json) and prints the table
of docs/performance.md with the ratios to the baselines and the issue's
targets beside them. Each figure is the median of its repetitions, shown
with min and max; ratios are of medians, raw and per CPU second (requests
per second of CPU that the server side used: cchcd and PostgreSQL for
cchcd, PostgreSQL alone for pgbench, redis-server for Redis).

    bench_report.py RAW.jsonl OUT.json [--machine key=value ...]
"""
import json
import statistics
import sys


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "max": max(values),
            "n": len(values)}


def med(s):
    return s["median"] if s else None


def summarise(records):
    """figure -> side -> aggregated figures"""
    out = {}
    for r in records:
        out.setdefault(r["figure"], {}).setdefault(r["side"], []).append(r)
    figures = {}
    for figure, sides in out.items():
        figures[figure] = {}
        for side, rs in sides.items():
            if figure == "idle":
                figures[figure][side] = {str(r["connections"]): r for r in rs}
                continue
            lat = [r.get("latency_ms") or {} for r in rs]
            cpu_keys = sorted({k for r in rs for k in (r.get("cpu_us_per_request") or {})})
            agg = {
                "per_s": spread([r.get("per_s") for r in rs]),
                "rows_per_s": spread([r.get("rows_per_s") for r in rs]),
                "p50_ms": spread([l.get("p50") for l in lat]),
                "p99_ms": spread([l.get("p99") for l in lat]),
                "max_ms": spread([l.get("max") for l in lat]),
                "ms": spread([r.get("ms") for r in rs]),
                "cpu_us_per_request": {k: spread([(r.get("cpu_us_per_request") or {}).get(k)
                                                  for r in rs]) for k in cpu_keys},
                "load1": [r.get("load1") for r in rs],
                "errors": sum(r.get("errors") or 0 for r in rs),
            }
            if any("stored_equals_acknowledged" in r for r in rs):
                agg["stored_equals_acknowledged"] = all(r.get("stored_equals_acknowledged")
                                                        for r in rs)
            figures[figure][side] = {k: v for k, v in agg.items() if v not in (None, {}, [])}
    return figures


def cpu_total(side):
    cpu = side.get("cpu_us_per_request") or {}
    total = sum(med(v) or 0 for v in cpu.values())
    return total or None


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def fmt(x, unit=""):
    if x is None:
        return "—"
    if isinstance(x, float) and x < 10:
        return f"{x:.2f}{unit}"
    return f"{x:,.0f}{unit}"


def fmt_spread(s, unit=""):
    if not s:
        return "—"
    if s["n"] == 1:
        return fmt(s["median"], unit)
    return f"{fmt(s['median'], unit)} ({fmt(s['min'])}–{fmt(s['max'])})"


def main():
    raw_path, out_path = sys.argv[1], sys.argv[2]
    machine = {}
    args = sys.argv[3:]
    for i in range(0, len(args), 2):
        if args[i] == "--machine":
            key, _, value = args[i + 1].partition("=")
            machine[key] = value
    records = [json.loads(line) for line in open(raw_path) if line.strip()]
    figures = summarise(records)

    def side(fig, name):
        return figures.get(fig, {}).get(name, {})

    class Rows(list):
        """rows of the table; a figure this run did not measure is left out"""
        def add(self, key, row):
            if key in figures:
                self.append(row)

    rows = Rows()  # (figure, cchcd, baseline, ratio, per-CPU ratio, target)
    submit_ratio = {}
    for c in (8, 64):
        a, b = side(f"submit_{c}", "cchcd"), side(f"submit_{c}", "pgbench")
        raw_r = ratio(med(a.get("per_s")), med(b.get("per_s")))
        cpu_r = ratio(cpu_total(b), cpu_total(a))  # requests per CPU second, cchcd / pgbench
        submit_ratio[str(c)] = {"raw": raw_r, "per_cpu_second": cpu_r}
        rows.add(f"submit_{c}", (f"single-row submissions, {c} connections (per s; p99)",
                     f"{fmt_spread(a.get('per_s'))}; p99 {fmt(med(a.get('p99_ms')), ' ms')}",
                     f"pgbench same SQL: {fmt_spread(b.get('per_s'))}; p99 {fmt(med(b.get('p99_ms')), ' ms')}",
                     raw_r, cpu_r, "≥ 3× pgbench" + ("; p99 ≤ 20 ms" if c == 64 else "")))
    a, b = side("batch_8", "cchcd"), side("batch_8", "pgbench")
    rows.add("batch_8", ("60-row template, 8 districts (rows per s)", fmt_spread(a.get("rows_per_s")),
                 f"pgbench same SQL: {fmt_spread(b.get('rows_per_s'))}",
                 ratio(med(a.get("rows_per_s")), med(b.get("rows_per_s"))),
                 ratio(cpu_total(b), cpu_total(a)), "—"))
    for d in (1, 16):
        a, b = side(f"ping_d{d}", "cchcd"), side(f"ping_d{d}", "redis")
        rows.add(f"ping_d{d}", (f"ping, 50 connections, depth {d} (per s; CPU per ping)",
                     f"{fmt_spread(a.get('per_s'))}; {fmt(cpu_total(a), ' µs')}",
                     f"Redis PING: {fmt_spread(b.get('per_s'))}; {fmt(cpu_total(b), ' µs')}",
                     ratio(med(a.get("per_s")), med(b.get("per_s"))),
                     ratio(cpu_total(b), cpu_total(a)), "≥ 0.5× Redis" if d == 16 else "—"))
    a, b = side("two_instances_64", "cchcd"), side("submit_64", "cchcd")
    rows.add("two_instances_64", ("two cchcd on one PostgreSQL, 64 connections (per s)",
                 fmt_spread(a.get("per_s")) + ("; stored = acknowledged"
                                               if a.get("stored_equals_acknowledged") else
                                               "; STORED ≠ ACKNOWLEDGED"),
                 f"one cchcd: {fmt_spread(b.get('per_s'))}",
                 ratio(med(a.get("per_s")), med(b.get("per_s"))), None, "scales, stays correct"))
    s = side("status", "cchcd")
    rows.add("status", ("status p50 / p99, ten years of history",
                 f"{fmt(med(s.get('p50_ms')), ' ms')} / {fmt(med(s.get('p99_ms')), ' ms')}", "—",
                 None, None, "p99 ≤ 15 ms"))
    for fig, label, target in (("status_by_lead", "`cchc status --by lead` (whole command)", "—"),
                               ("trend", "`cchc status trend` (whole command)", "≤ 50 ms"),
                               ("html_export", "HTML export (whole command)", "≤ 100 ms")):
        rows.add(fig, (label, fmt_spread(side(fig, "cchc").get("ms"), " ms"), "—", None, None,
                     target))
    st = figures.get("start_to_answer", {})
    rows.add("start_to_answer", ("start to answer (median of whole commands)",
                 f"cchc ping {fmt(med(st.get('cchc', {}).get('ms')), ' ms')}",
                 f"redis-cli {fmt(med(st.get('redis-cli', {}).get('ms')), ' ms')}, "
                 f"psql {fmt(med(st.get('psql', {}).get('ms')), ' ms')}",
                 ratio(med(st.get("cchc", {}).get("ms")), med(st.get("redis-cli", {}).get("ms"))),
                 None, "—"))
    idle = figures.get("idle", {})
    for n in ("1000", "10000"):
        if n not in idle.get("plaintext", {}):
            continue
        kib = lambda s: (idle.get(s, {}).get(n) or {}).get("kib_per_connection")
        rows.add("idle", (f"idle connections ({int(n):,}), KiB each",
                     f"plaintext {fmt(kib('plaintext'))}, TLS {fmt(kib('tls'))}",
                     f"Redis {fmt(kib('redis'))}", ratio(kib("plaintext"), kib("redis")), None,
                     "plaintext ≤ 1 KiB, TLS ≤ 16 KiB"))

    loads = [r.get("load1") for r in records if r.get("load1") is not None]
    result = {
        "machine": machine,
        "load1": spread(loads),
        "submit_ratio_vs_pgbench": submit_ratio,
        "table": [{"figure": r[0], "cchcd": r[1], "baseline": r[2], "ratio": r[3],
                   "ratio_per_cpu_second": r[4], "target": r[5]} for r in rows],
        "figures": figures,
        "raw": records,
    }
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")

    print()
    print(f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores; "
          f"load average during the run {fmt_spread(result['load1'])}")
    width = max([len(r[0]) for r in rows] + [6])
    print(f"{'figure':<{width}}  {'cchcd':<34} {'baseline':<44} {'ratio':>6} {'/CPU s':>7}  target")
    for r in rows:
        print(f"{r[0]:<{width}}  {r[1]:<34} {r[2]:<44} {fmt(r[3]):>6} {fmt(r[4]):>7}  {r[5]}")
    bad = [f for f, s in figures.items() for name, v in s.items()
           if isinstance(v, dict) and v.get("stored_equals_acknowledged") is False]
    errors = sum(r.get("errors") or 0 for r in records)
    if bad or errors:
        print(f"\nWARNING: errors {errors}; stored ≠ acknowledged in {bad}")


if __name__ == "__main__":
    main()
