#!/usr/bin/env python3
"""The GitHub workflows cannot run here; this keeps ci.yml equivalent to .ci/run: every make
target .ci/run calls is run by a ci.yml step, with AUTHKIT_WERROR=ON, on debian:12, and every
workflow parses and names only scripts that exist.

usage: workflows_check.py <source dir>
"""
import os
import re
import sys

import yaml

from check_report import report


def main():
    source = sys.argv[1]
    problems = []
    ci_run = open(os.path.join(source, ".ci/run")).read()
    ci_targets = re.findall(r"^make (\S+)", ci_run, re.M)
    if not ci_targets:
        problems.append(".ci/run calls no make target")

    workflows = {}
    directory = os.path.join(source, ".github/workflows")
    for name in sorted(os.listdir(directory)):
        workflows[name] = yaml.safe_load(open(os.path.join(directory, name)))
    for required in ("ci.yml", "codeql.yml", "release.yml"):
        if required not in workflows:
            problems.append(f"no .github/workflows/{required}")

    for name, workflow in workflows.items():
        for job_name, job in workflow.get("jobs", {}).items():
            if job.get("container") != "debian:12":
                problems.append(f"{name}: job {job_name} does not run in debian:12")
            for step in job.get("steps", []):
                for script in re.findall(r"((?:scripts|tests/packaging|\.ci)/[\w./-]+)", step.get("run", "")):
                    if not os.path.exists(os.path.join(source, script)):
                        problems.append(f"{name}: step '{step.get('name')}' calls missing {script}")

    ci = workflows.get("ci.yml", {})
    if ci.get("env", {}).get("AUTHKIT_WERROR") != "ON":
        problems.append("ci.yml: AUTHKIT_WERROR is not ON for every job")
    runs = [step.get("run", "") for job in ci.get("jobs", {}).values() for step in job.get("steps", [])]
    for target in ci_targets:
        if not any(re.search(rf"\bmake {re.escape(target)}\b", run) for run in runs):
            problems.append(f"ci.yml: no step runs `make {target}` (.ci/run does)")

    report("workflows", problems, f"{sorted(workflows)}; ci.yml runs .ci/run's make {' '.join(ci_targets)}")


if __name__ == "__main__":
    main()
