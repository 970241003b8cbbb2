#!/usr/bin/env python3
"""Recomputes docs/scaling.md's tables from bench/scaling_inputs.json.

    bench/scaling_table.py                    print the tables (Markdown)
    bench/scaling_table.py --write FILE       replace the block between the scaling_table markers
    bench/scaling_table.py --check FILE       exit 1 when FILE's block differs (ctest docs_scaling)

The inputs file holds what was measured (bench/scaling_inputs.sh's output under "measured", the
saturation figures of bench/pg_rotation_limit.sh under "saturation") and what is assumed, each
stated with its reason ("scale", "load"). Nothing here measures anything.
"""
import argparse
import json
import math
import pathlib
import sys

BEGIN = "<!-- scaling_table:begin (bench/scaling_table.py --write docs/scaling.md) -->"
END = "<!-- scaling_table:end -->"
OPERATIONS = [  # (key in the inputs, what the table calls it)
    ("register", "register (`POST /v1/auth/register`)"),
    ("login", "login (`POST /v1/auth/sessions`)"),
    ("refresh", "refresh (`POST /v1/auth/tokens/refresh`)"),
    ("me", "`GET /v1/auth/me`"),
    ("list_sessions", "`GET /v1/auth/sessions`"),
    ("logout", "logout (`POST /v1/auth/sessions/current/revoke`)"),
    ("revoke_session", "revoke one (`DELETE /v1/auth/sessions/:id`)"),
    ("revoke_all_2_sessions", "revoke all, 2 sessions (`DELETE /v1/auth/sessions`)"),
]


def number(value, digits=0):
    return f"{value:,.{digits}f}"


def tables(inputs):
    measured = inputs["measured"]
    ops = measured["operations"]
    sat = inputs["saturation"]
    scale = inputs["scale"]
    load = inputs["load"]
    out = []
    out.append(f"Operation costs (measured {measured['measured_at']}, "
               f"{measured['operations_per_phase']} operations of each kind, one client):")
    out.append("")
    out.append("| operation | round trips (statements) | transactions | WAL bytes | WAL records "
               "| full-page images | WAL fsyncs, one client |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for key, label in OPERATIONS:
        o = ops[key]
        out.append(f"| {label} | {o['statements']:.2f} | {o['transactions']:.2f} | "
                   f"{number(o['wal_bytes'])} | {o['wal_records']:.1f} | {o['wal_fpi']:.2f} | "
                   f"{o['wal_fsyncs']:.2f} |")
    out.append("")

    refresh = ops["refresh"]
    measured_limit = sat["rotations_per_s"]
    per_primary = measured_limit * scale["factor"]
    usable = per_primary * load["target_utilisation"]
    retention_s = load["retention_days"] * 86400
    out.append(f"One primary: {number(measured_limit)} rotations/s measured here "
               f"({sat['where']}); × {scale['factor']} for a server-class primary "
               f"({scale['machine']}) = {number(per_primary)} rotations/s, planned at "
               f"{load['target_utilisation']:.0%} = {number(usable)} refreshes/s.")
    out.append("")
    out.append(f"Demand of active users refreshing every {load['refresh_interval_s'] // 60} minutes "
               f"(refreshes only; each adds a refresh_tokens row, kept {load['retention_days']} days "
               f"after it is issued: its lifetime and PURGE_RETENTION; "
               f"{measured['refresh_token_row_bytes']} bytes with its indexes):")
    out.append("")
    out.append("| active users | refreshes/s | statements/s | WAL MB/s | WAL GB/day "
               "| fsyncs/s (ungrouped .. grouped) | refresh_tokens rows kept | their size "
               "| primaries (rotation rate) |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for users in load["active_users"]:
        rate = users / load["refresh_interval_s"]
        wal = rate * refresh["wal_bytes"]
        rows = rate * retention_s
        size_gb = rows * measured["refresh_token_row_bytes"] / 1e9
        grouped = rate * sat["wal_fsyncs_per_refresh_grouped"]
        out.append(f"| {number(users)} | {number(rate)} | {number(rate * refresh['statements'])} | "
                   f"{wal / 1e6:.1f} | {wal * 86400 / 1e9:,.0f} | "
                   f"{number(rate * refresh['wal_fsyncs'])} .. {number(grouped)} | "
                   f"{rows / 1e9:,.2f} billion | {size_gb:,.0f} GB | "
                   f"{math.ceil(rate / usable)} |")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", default=str(pathlib.Path(__file__).with_name(
        "scaling_inputs.json")))
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write")
    mode.add_argument("--check")
    args = parser.parse_args()
    block = tables(json.loads(pathlib.Path(args.inputs).read_text()))
    target = args.write or args.check
    if not target:
        sys.stdout.write(block)
        return 0
    text = pathlib.Path(target).read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    updated = f"{head}{BEGIN}\n{block}{END}{tail}"
    if args.write:
        pathlib.Path(target).write_text(updated)
        return 0
    if updated != text:
        print(f"{target}: the table differs from {args.inputs}: run bench/scaling_table.py "
              f"--write {target}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
