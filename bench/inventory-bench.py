#!/usr/bin/env python3
"""Inventory benchmark: the whole-inventory checks (RBAC graph, NetworkPolicy,
namespace and secret checks) and the `palisade rbac` queries over a synthetic
inventory of 10,000 roles, 50,000 bindings and 100,000 pods.

Usage: bench/inventory-bench.py [--runs N] [--work DIR]

Builds the release binary, generates the inventory with bench/gen-inventory.py
(deterministic), and runs each case N times with PALISADE_TIMINGS=1, which
makes palisade print how long each phase took. Prints a Markdown table of
the median phase times, wall time and peak RSS.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "palisade"
PHASE = re.compile(r"(\w[\w -]*?) (\d+(?:\.\d+)?)(ns|µs|us|ms|s)\b")
UNITS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}


def phases(stderr):
    """Milliseconds per phase from the `timings:` lines."""
    out = {}
    for line in stderr.splitlines():
        if not line.startswith("timings:"):
            continue
        for part in line[len("timings:"):].split(","):
            m = PHASE.search(part.strip())
            if m:
                out[m.group(1).strip()] = float(m.group(2)) * UNITS[m.group(3)]
    return out


def run(cmd):
    env = dict(os.environ, PALISADE_TIMINGS="1")
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "rss %M"] + cmd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    rss = int(re.findall(r"rss (\d+)", proc.stderr)[-1]) / 1024
    return wall, rss, phases(proc.stderr), proc.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/palisade-bench")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    inventory = work / "inventory.yaml"
    if not inventory.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen-inventory.py"), str(inventory)], check=True)
    size = inventory.stat().st_size / 1e6
    inv = str(inventory)
    cases = [
        ("scan, inventory checks only (NET, RBAC, SEC)",
         [str(BINARY), "scan", inv, "--select", "NET,RBAC,SEC", "--format", "json", "-o", "/dev/null", "--fail-on", "none"],
         ["scan", "inventory"]),
        ("scan, all checks",
         [str(BINARY), "scan", inv, "--format", "json", "-o", "/dev/null", "--fail-on", "none"],
         ["scan", "inventory"]),
        ("rbac who-can get secrets (anywhere)",
         [str(BINARY), "rbac", "who-can", "get", "secrets", inv, "--format", "json"],
         ["load", "who-can", "who-can chains"]),
        ("rbac who-can create pods/exec -n ns-0007",
         [str(BINARY), "rbac", "who-can", "create", "pods/exec", "-n", "ns-0007", inv, "--format", "json"],
         ["load", "who-can", "who-can chains"]),
        ("rbac who-can '*' '*' --cluster-wide",
         [str(BINARY), "rbac", "who-can", "*", "*", "--cluster-wide", inv, "--format", "json"],
         ["load", "who-can", "who-can chains"]),
        ("rbac paths",
         [str(BINARY), "rbac", "paths", inv, "--format", "json"],
         ["load", "paths"]),
    ]
    print(f"Inventory: {inventory.name}, {size:.1f} MB; median of {args.runs} runs.\n")
    print("| case | phases (median ms) | wall (s) | peak RSS (MiB) |")
    print("|---|---|---:|---:|")
    for name, cmd, wanted in cases:
        walls, rsss, per_phase = [], [], {k: [] for k in wanted}
        for _ in range(args.runs):
            wall, rss, ph, _code = run(cmd)
            walls.append(wall)
            rsss.append(rss)
            for k in wanted:
                if k in ph:
                    per_phase[k].append(ph[k])
        text = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in per_phase.items() if v)
        print(f"| {name} | {text} | {statistics.median(walls):.2f} | {max(rsss):.0f} |")


if __name__ == "__main__":
    main()
