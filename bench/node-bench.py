#!/usr/bin/env python3
"""Node audit benchmark: `palisade node` over a fake kubeadm control-plane
node, and over the machine it runs on.

Usage: bench/node-bench.py [--runs R] [--processes P]

Builds the release binary, lays out the hardened control-plane fixture of
crates/palisade-node/tests/nodes (files with their modes and owners; needs
root) with P extra processes in its /proc (a busy node has hundreds) and
100 extra PKI files, then times `palisade node --format json` R times
(wall from process start to exit, peak RSS) and prints a Markdown table. The same is done
for `--root /` (this machine's real /proc and files).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "palisade"
FIXTURE = ROOT / "crates/palisade-node/tests/nodes/kubeadm-control-plane-hardened.node"


def build_tree(spec: Path, root: Path, processes: int) -> None:
    """Lays out a `.node` file (the format of the node fixtures)."""
    ids, owners = {}, []
    lines = spec.read_text().splitlines()
    i = 0

    def host(p):
        return root / p.lstrip("/")

    while i < len(lines):
        words = lines[i].split()
        i += 1
        if not words or words[0].startswith("#"):
            continue
        kind = words[0]
        if kind == "user":
            ids[words[1]] = int(words[2])
        elif kind == "file":
            body = []
            while i < len(lines) and lines[i].startswith("  "):
                body.append(lines[i][2:])
                i += 1
            path = host(words[1])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(body) + "\n")
            owners.append((path, words[3], int(words[2], 8)))
        elif kind == "dir":
            path = host(words[1])
            path.mkdir(parents=True, exist_ok=True)
            owners.append((path, words[3], int(words[2], 8)))
        elif kind == "proc":
            d = root / "proc" / words[1]
            d.mkdir(parents=True, exist_ok=True)
            if len(words) > 2:
                (d / "cmdline").write_bytes(b"\0".join(w.encode() for w in words[2:]) + b"\0")
    (root / "etc").mkdir(exist_ok=True)
    (root / "etc/passwd").write_text("".join(f"{n}:x:{u}:{u}::/:/sbin/nologin\n" for n, u in ids.items()))
    (root / "etc/group").write_text("".join(f"{n}:x:{u}:\n" for n, u in ids.items()))
    for path, owner, mode in owners:
        user, group = owner.split(":")
        os.chown(path, ids[user], ids[group])
        os.chmod(path, mode)
    for n in range(processes):
        d = root / "proc" / str(10000 + n)
        d.mkdir(parents=True)
        (d / "cmdline").write_bytes(f"/usr/bin/worker-{n}\0--id={n}\0--verbose\0".encode())
    pki = root / "etc/kubernetes/pki/extra"
    pki.mkdir(parents=True, exist_ok=True)
    for n in range(100):
        f = pki / f"client-{n}.crt"
        f.write_text("certificate\n")
        os.chmod(f, 0o600)


def measure(args, runs):
    """Wall time of each run (process start to exit, measured here: the
    audit takes milliseconds, below /usr/bin/time's resolution) and the
    peak RSS of the runs."""
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(BINARY), *args], capture_output=True)
        walls.append(time.perf_counter() - start)
    # Peak RSS from one more run under /usr/bin/time (this script's
    # children include cargo, so getrusage would report the build's).
    timed = subprocess.run(["/usr/bin/time", "-f", "%M", str(BINARY), *args],
                           capture_output=True, text=True)
    peak_kib = int(timed.stderr.strip().splitlines()[-1])
    return min(walls), statistics.median(walls), peak_kib / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--processes", type=int, default=1000)
    opts = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("node-bench: needs root to give the fake node's files their owners")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "palisade"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        build_tree(FIXTURE, Path(tmp), opts.processes)
        rows = [
            (f"fake kubeadm control plane, {opts.processes + 4} processes",
             measure(["node", "--root", tmp, "--format", "json", "-o", "/dev/null"], opts.runs)),
            ("this machine (--root /)",
             measure(["node", "--format", "json", "-o", "/dev/null"], opts.runs)),
        ]
    print(f"| node | best | median | peak RSS |  ({opts.runs} runs)")
    print("|---|---|---|---|")
    for name, (best, median, rss) in rows:
        print(f"| {name} | {best * 1000:.1f} ms | {median * 1000:.1f} ms | {rss:.1f} MiB |")


if __name__ == "__main__":
    main()
