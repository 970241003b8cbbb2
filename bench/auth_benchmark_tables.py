"""The tables of docs/benchmarks/auth-benchmark.md from the JSON reports of bench/auth_benchmark.sh.

Arguments: BACKEND:CELL:REPEAT:LABEL:IDLE_RSS_KIB:REPORT_PATH, one per cell run. Every figure is
the median of the repeats with their range (min-max) beside it.
"""

import json
import statistics
import sys
from collections import defaultdict

# The original's published run of its k6 script (5 + 5 virtual users, bcrypt cost 10, its own
# machine), as its benchmark report gives it.
ORIGINAL = {
    "iterations": 175,
    "requests": 650,
    "req_s": 25.01,
    "it_s": 6.73,
    "p95": 684.36,
    "p99": 900.44,
    "checks": "1,050/1,050",
    "failed": 0.0,
}


def spread(values, fmt="{:,.1f}", scale=1.0):
    values = [v * scale for v in values if v is not None]
    if not values:
        return "-"
    median = fmt.format(statistics.median(values))
    if len(values) == 1 or min(values) == max(values):
        return median
    return f"{median} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def load(items):
    cells = defaultdict(list)  # (backend, cell, label) -> [(idle_kib, report)]
    for item in items:
        backend, cell, _repeat, label, idle, path = item.split(":", 5)
        with open(path) as f:
            cells[(backend, cell, label)].append((int(idle), json.load(f)))
    return cells


def column(runs, get):
    out = []
    for idle, report in runs:
        try:
            out.append(get(idle, report))
        except (KeyError, TypeError):
            out.append(None)
    return out


def hash_share(_, r):
    return r["password_hashing"]["share_of_server_cpu"]


def checks(runs):
    texts = []
    for _, r in runs:
        c = r["overall"]["checks"]
        texts.append(f"{c['passed']:,}/{c['passed'] + c['failed']:,}")
    return ", ".join(texts)


def shed(runs):
    return spread(column(runs, lambda _, r: r["overall"]["requests"]["status_503"]), "{:,.0f}")


def profile_table(cells, backends):
    print("\n### The original's published profile (session-lifecycle 5 workers x 20 s with 1 s"
          " think time, beside refresh-replay 5 workers x 25 iterations)\n")
    print("| run | iterations | requests | requests/s | iterations/s | p95 / p99 (ms) | checks"
          " passed | http_req_failed | thresholds | CPU in hashing | server CPU | loadgen CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    o = ORIGINAL
    print(f"| the original, as published (bcrypt 10) | {o['iterations']} | {o['requests']} "
          f"| {o['req_s']} | {o['it_s']} | {o['p95']} / {o['p99']} | {o['checks']} "
          f"| {o['failed']:.0f} % | all passed | – | – | – |")
    for backend, label in backends:
        runs = cells.get((backend, "profile", label))
        if not runs:
            continue
        overall = lambda f: column(runs, lambda _, r: f(r["overall"]))
        p95 = overall(lambda o: o["requests"]["expected_latency_ms"]["p95"])
        p99 = overall(lambda o: o["requests"]["expected_latency_ms"]["p99"])
        passed = column(runs, lambda _, r: r["thresholds"]["all_passed"])
        print(f"| {backend} ({label}, {len(runs)} runs) "
              f"| {spread(overall(lambda o: o['iterations']), '{:,.0f}')} "
              f"| {spread(overall(lambda o: o['requests']['sent']), '{:,.0f}')} "
              f"| {spread(overall(lambda o: o['requests']['per_second']), '{:,.2f}')} "
              f"| {spread(overall(lambda o: o['iterations_per_second']), '{:,.2f}')} "
              f"| {spread(p95)} / {spread(p99)} | {checks(runs)} "
              f"| {spread(overall(lambda o: o['requests']['failed_rate']), '{:.2f} %', 100)} "
              f"| {'all passed' if all(passed) else 'FAILED in ' + str(passed.count(False))} "
              f"| {spread(column(runs, hash_share), '{:.0f} %', 100)} "
              f"| {spread(column(runs, lambda _, r: r['server']['cpu']['share_of_one_core']), '{:.0f} %', 100)} "
              f"| {spread(column(runs, lambda _, r: r['loadgen']['share_of_one_core']), '{:.1f} %', 100)} |")


def who(backend, label, backends):
    """The row's backend, with the server's label when the run compares several servers."""
    return backend if len({l for _, l in backends}) == 1 else f"{backend} ({label})"


def load_table(cells, backends, names, title):
    print(f"\n### {title}\n")
    print("| backend | scenario | workers | iterations/s | requests/s | p50 / p95 / p99 (ms) |"
          " checks passed | 503 | CPU in hashing | server CPU | loadgen CPU (µs/request) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for backend, label in backends:
        for name in names:
            runs = cells.get((backend, name, label))
            if not runs:
                continue
            report = runs[0][1]
            scenario = report["groups"][0]["scenario"]
            lat = lambda q: spread(column(
                runs, lambda _, r: r["overall"]["requests"]["latency_ms"][q]), "{:,.1f}")
            cpu_us = column(runs, lambda _, r: r["loadgen"]["cpu_us_per_request"])
            print(f"| {who(backend, label, backends)} | {scenario} | {report['groups'][0]['workers']} "
                  f"| {spread(column(runs, lambda _, r: r['overall']['iterations_per_second']))} "
                  f"| {spread(column(runs, lambda _, r: r['overall']['requests']['per_second']))} "
                  f"| {lat('p50')} / {lat('p95')} / {lat('p99')} | {checks(runs)} | {shed(runs)} "
                  f"| {spread(column(runs, hash_share), '{:.0f} %', 100)} "
                  f"| {spread(column(runs, lambda _, r: r['server']['cpu']['share_of_one_core']), '{:.0f} %', 100)} "
                  f"| {spread(column(runs, lambda _, r: r['loadgen']['share_of_one_core']), '{:.0f} %', 100)}"
                  f" ({spread(cpu_us, '{:.0f}')}) |")


def memory_table(cells, backends, names):
    print("\n### The server's memory (VmRSS, MiB) under each scenario\n")
    print("| backend | cell | idle (after start-up) | before the run | peak during the run |"
          " after the run |")
    print("|---|---|---:|---:|---:|---:|")
    mib = 1 / 1024
    for backend, label in backends:
        for name in names:
            runs = cells.get((backend, name, label))
            if not runs:
                continue
            server = lambda key: spread(column(runs, lambda _, r: r["server"][key]), "{:.1f}", mib)
            print(f"| {who(backend, label, backends)} | {name} "
                  f"| {spread(column(runs, lambda idle, _: idle), '{:.1f}', mib)} "
                  f"| {server('rss_before_kib')} | {server('rss_peak_kib')} "
                  f"| {server('rss_after_kib')} |")


def rss_at(series, seconds):
    """The sample nearest to `seconds` since the start."""
    return min(series, key=lambda s: abs(s[0] - seconds))[1]


def long_run_table(cells, backends):
    rows = [(b, l, cells[(b, "memory", l)]) for b, l in backends if (b, "memory", l) in cells]
    if not rows:
        return
    print("\n### The server's RSS over the long refresh run (refresh-chain)\n")
    print("| backend | workers | duration | refreshes/s | checks passed | RSS at 1 min (MiB) |"
          " RSS at the end (MiB) | end ÷ 1 min | min – max after 1 min (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    series_rows = []
    for backend, label, runs in rows:
        for _, r in runs:
            series = r["server"]["rss_series"]
            end = series[-1]
            at_minute = rss_at(series, 60)
            later = [kib for t, kib in series if t >= 60]
            print(f"| {backend} | {r['groups'][0]['workers']} | {end[0]:.0f} s "
                  f"| {r['overall']['requests']['per_second']:,.1f} | {checks([(0, r)])} "
                  f"| {at_minute / 1024:.1f} | {end[1] / 1024:.1f} "
                  f"| {100 * end[1] / at_minute:.1f} % "
                  f"| {min(later) / 1024:.1f} – {max(later) / 1024:.1f} |")
            series_rows.append((backend, series))
    print("\nRSS (MiB) every 30 s:\n")
    marks = list(range(0, int(max(s[-1][0] for _, s in series_rows)) + 1, 30))
    print("| backend | " + " | ".join(f"{m} s" for m in marks) + " |")
    print("|---|" + "---:|" * len(marks))
    for backend, series in series_rows:
        print(f"| {backend} | " + " | ".join(f"{rss_at(series, m) / 1024:.1f}" for m in marks)
              + " |")


def main():
    cells = load(sys.argv[1:])
    backends = []
    for backend, _, label in cells:
        if (backend, label) not in backends:
            backends.append((backend, label))
    routes = ["me", "refresh-chain", "login", "health"]
    profile_table(cells, backends)
    load_table(cells, backends, ["saturate"], "Saturating: the lifecycle scenario, no think time")
    load_table(cells, backends, routes, "Each route alone")
    memory_table(cells, backends, ["profile", "saturate"] + routes)
    long_run_table(cells, backends)


main()
