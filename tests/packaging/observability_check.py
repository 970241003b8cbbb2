#!/usr/bin/env python3
"""Checks packaging/observability against the real server and promtool:

- prometheus.yml passes `promtool check config` (its credentials file swapped for a dummy one,
  since promtool requires it to exist) and the alerting rules pass `promtool test rules`;
- the Grafana dashboard is well-formed JSON with unique panel ids and one query per target;
- every PromQL expression of the dashboard parses (promtool check rules on a rules file made
  of them);
- every metric the dashboard and the alerts use is one the server exports on /metrics, and every
  family the server exports appears on the dashboard (a new metric needs a panel).

usage: observability_check.py <packaging/observability> <authkit-server binary>
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

PROMTOOL = "/usr/bin/promtool"
# Series Prometheus makes itself for every target, not exported by the server.
SYNTHETIC = {"up"}
# PromQL words that look like metric names.
PROMQL_WORDS = {"sum", "by", "rate", "increase", "histogram_quantile", "le", "without", "avg",
                "max", "min", "count", "on", "ignoring", "and", "or", "unless", "offset"}


def fail(message):
    print(f"observability: {message}")
    sys.exit(1)


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    print(result.stdout + result.stderr)
    if result.returncode != 0:
        fail(f"{' '.join(args)} exited {result.returncode}")


def metric_names(expr):
    """Metric names of a PromQL expression: identifiers not inside {...}, not functions or
    keywords, not label names after by(...)."""
    expr = re.sub(r"\{[^}]*\}", "", expr)           # label matchers
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)  # grouping labels
    expr = re.sub(r"\[[^\]]*\]", "", expr)           # ranges
    names = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr))
    functions = set(re.findall(r"([a-zA-Z_]+)\s*\(", expr))
    return {n for n in names - functions - PROMQL_WORDS if not re.fullmatch(r"e\d*", n)}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_metric_names(server):
    """Starts the server with metrics on, returns the sample names /metrics can hold."""
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PORT": str(port),
           "DATABASE_URL": "sqlite::memory:", "METRICS_ENABLED": "true", "LOG_LEVEL": "silent",
           "ACCESS_TOKEN_SECRET": "observability-access-secret-0123456789abcdef",
           "REFRESH_TOKEN_SECRET": "observability-refresh-secret-0123456789abcdef"}
    for key in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if key in os.environ:
            env[key] = os.environ[key]
    with tempfile.TemporaryDirectory() as cwd:
        process = subprocess.Popen([server, "serve"], env=env, cwd=cwd)
        try:
            text = None
            for _ in range(300):  # up to 30 s: a sanitizer build starts slower
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                        text = r.read().decode()
                    break
                except OSError:
                    if process.poll() is not None:
                        fail(f"the server exited with {process.returncode}")
                    time.sleep(0.1)
            if text is None:
                fail("the server did not serve /metrics")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    names = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M):
        names.add(name)
        if kind == "histogram":
            names |= {name + "_bucket", name + "_sum", name + "_count"}
        if kind == "summary":
            names |= {name + "_sum", name + "_count"}
    families = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
    if not families:
        fail("/metrics holds no metric family")
    return names, families


def family_of(name, families):
    for suffix in ("", "_bucket", "_sum", "_count"):
        if name.endswith(suffix) and name[: len(name) - len(suffix)] in families:
            return name[: len(name) - len(suffix)]
    return None


def main():
    directory, server = sys.argv[1], sys.argv[2]
    if not os.path.exists(PROMTOOL):
        fail(f"{PROMTOOL} is missing: scripts/install-deps.sh installs it (package prometheus)")

    with tempfile.TemporaryDirectory() as tmp:
        # promtool check config: the rule file beside it, a dummy credentials file.
        config = yaml.safe_load(open(os.path.join(directory, "prometheus.yml")))
        token = os.path.join(tmp, "token")
        open(token, "w").write("dummy-metrics-token-0123456789\n")
        for job in config["scrape_configs"]:
            if "authorization" in job:
                job["authorization"]["credentials_file"] = token
        for rule_file in config.get("rule_files", []):
            shutil.copy(os.path.join(directory, rule_file), tmp)
        yaml.safe_dump(config, open(os.path.join(tmp, "prometheus.yml"), "w"))
        run([PROMTOOL, "check", "config", os.path.join(tmp, "prometheus.yml")])
        run([PROMTOOL, "test", "rules", "authkit-alerts.test.yml"], cwd=directory)

        dashboard = json.load(open(os.path.join(directory, "grafana-dashboard.json")))
        for key in ("uid", "title", "panels", "schemaVersion", "templating"):
            if key not in dashboard:
                fail(f"dashboard has no {key}")
        ids = [p["id"] for p in dashboard["panels"]]
        if len(ids) != len(set(ids)):
            fail(f"duplicate panel ids: {ids}")
        exprs = []
        for panel in dashboard["panels"]:
            if panel["type"] == "row":
                continue
            for key in ("title", "gridPos", "datasource", "targets"):
                if key not in panel:
                    fail(f"panel {panel['id']} has no {key}")
            if not panel["targets"]:
                fail(f"panel {panel['id']} has no query")
            refs = [t["refId"] for t in panel["targets"]]
            if len(refs) != len(set(refs)):
                fail(f"panel {panel['id']}: duplicate refIds")
            exprs += [t["expr"] for t in panel["targets"]]

        # Grafana's variables become plain PromQL so that promtool can parse every query.
        def promql(expr):
            return expr.replace("$__rate_interval", "5m").replace("$job", ".*")
        rules = {"groups": [{"name": "dashboard", "rules": [
            {"record": f"dashboard:query{i}", "expr": promql(e)} for i, e in enumerate(exprs)]}]}
        yaml.safe_dump(rules, open(os.path.join(tmp, "dashboard-rules.yml"), "w"))
        run([PROMTOOL, "check", "rules", os.path.join(tmp, "dashboard-rules.yml")])

    alerts = yaml.safe_load(open(os.path.join(directory, "authkit-alerts.yml")))
    alert_exprs = [r["expr"] for g in alerts["groups"] for r in g["rules"]]

    names, families = server_metric_names(server)
    for expr in exprs + alert_exprs:
        for name in metric_names(expr):
            if name not in names and name not in SYNTHETIC:
                fail(f"'{name}' (in {expr!r}) is not a metric the server exports")
    on_dashboard = {family_of(n, families) for e in exprs for n in metric_names(e)}
    missing = sorted(f for f in families if f not in on_dashboard)
    if missing:
        fail(f"exported but on no dashboard panel: {missing}")
    print(f"observability: {len(exprs)} dashboard queries and {len(alert_exprs)} alerts use "
          f"{len(on_dashboard - {None})} of the server's {len(families)} metric families: ok")


if __name__ == "__main__":
    main()
