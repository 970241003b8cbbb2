#!/usr/bin/env python3
"""Keeps the Dockerfile honest without a Docker engine: every RUN must call exactly one script
that `make test` also runs, so a broken build step fails CI instead of rotting unnoticed.

Checks: each RUN is one allowed script invocation (no &&, ;, | or inline commands); each allowed
script is run by `make test` (Makefile recipe or a ctest of tests/packaging); COPY sources exist;
the build stage is debian:12, the final stage debian:12-slim with a non-root USER, EXPOSE 3000,
a HEALTHCHECK and an exec-form ENTRYPOINT.

usage: dockerfile_check.py <source dir> [<Dockerfile>]
"""
import json
import os
import re
import shlex
import sys

from check_report import report

# Allowed scripts (by their path in the repository), and where `make test` runs each.
ALLOWED = {
    "scripts/install-deps.sh": "Makefile: test depends on deps",
    "scripts/build-release.sh": "Makefile: the test recipe",
    "packaging/docker/install-debs.sh": "ctest packaging_docker_install_debs (--simulate)",
}


def instructions(text):
    """(keyword, arguments) pairs, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if current and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        lines.append(current + line)
        current = ""
    result = []
    for line in lines:
        keyword, _, args = line.strip().partition(" ")
        result.append((keyword.upper(), args.strip()))
    return result


def main():
    source = sys.argv[1]
    path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(source, "Dockerfile")
    steps = instructions(open(path).read())
    problems = []

    makefile = open(os.path.join(source, "Makefile")).read()
    test_recipe = re.search(r"^test:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M)
    ctests = open(os.path.join(source, "tests/packaging/CMakeLists.txt")).read()
    run_by_make_test = {
        "scripts/install-deps.sh": re.search(r"^test:.*\bdeps\b", makefile, re.M) is not None
        and "scripts/install-deps.sh" in makefile,
        "scripts/build-release.sh": test_recipe is not None
        and "scripts/build-release.sh" in test_recipe.group(1),
        "packaging/docker/install-debs.sh": "install-debs.sh" in ctests,
    }
    for script, ran in run_by_make_test.items():
        if not ran:
            problems.append(f"{script} is no longer run by make test ({ALLOWED[script]})")

    stages = []
    for keyword, args in steps:
        if keyword == "FROM":
            stages.append({"from": args.split()[0], "steps": []})
        elif stages:
            stages[-1]["steps"].append((keyword, args))
        else:
            problems.append(f"{keyword} before the first FROM")
    if len(stages) < 2:
        problems.append("not a multi-stage build")
    else:
        if stages[0]["from"] != "debian:12":
            problems.append(f"build stage is {stages[0]['from']}, not debian:12")
        if stages[-1]["from"] != "debian:12-slim":
            problems.append(f"runtime stage is {stages[-1]['from']}, not debian:12-slim")

    for stage in stages:
        for keyword, args in stage["steps"]:
            if keyword == "RUN":
                words = shlex.split(args)
                mounts = {}
                while words and words[0].startswith("--"):
                    option = words.pop(0)
                    if option.startswith("--mount="):
                        fields = dict(f.split("=", 1) for f in option[8:].split(",") if "=" in f)
                        mounts[fields.get("target")] = fields
                if not words:
                    problems.append(f"RUN without a command: {args}")
                    continue
                if any(w in ("&&", "||", ";", "|") or w.endswith(";") for w in words):
                    problems.append(f"RUN runs more than one command: {args}")
                    continue
                script = words[0]
                # A script bind-mounted from the build context counts as that repository file.
                mount = mounts.get(script)
                if mount and "from" not in mount:
                    script = mount.get("source", "")
                script = os.path.normpath(script)
                if script not in ALLOWED:
                    problems.append(f"RUN calls {words[0]}, not one of {sorted(ALLOWED)}: {args}")
            if keyword == "COPY" and "--from=" not in args:
                for src in shlex.split(args)[:-1]:
                    if not src.startswith("--") and not os.path.exists(os.path.join(source, src)):
                        problems.append(f"COPY source {src} does not exist")

    final = dict(stages[-1]["steps"]) if stages else {}
    last_user = [a for k, a in (stages[-1]["steps"] if stages else []) if k == "USER"]
    if not last_user or last_user[-1] in ("root", "0", "0:0"):
        problems.append("the runtime stage does not switch to a non-root USER")
    if "3000" not in final.get("EXPOSE", "").split():
        problems.append("no EXPOSE 3000")
    if "HEALTHCHECK" not in final or "/health" not in open(
            os.path.join(source, "packaging/docker/healthcheck.sh")).read():
        problems.append("no HEALTHCHECK on /health")
    try:
        entrypoint = json.loads(final.get("ENTRYPOINT", ""))
        if not isinstance(entrypoint, list):
            raise ValueError
    except ValueError:
        problems.append("ENTRYPOINT is not in exec form (signals would go to a shell)")

    report("Dockerfile", problems, f"{len(stages)} stages, every RUN calls a script make test runs")


if __name__ == "__main__":
    main()
