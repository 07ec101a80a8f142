#!/usr/bin/env python3
"""The admission webhook under load, over HTTPS on loopback.

Starts the release `palisade serve admission` with a fresh CA and serving
certificate (`palisade admission certs`), with the built-in checks alone and
then with the 20 example user policies (policy-examples: 10 Rego, 10 CEL),
and drives it with the `load` example (keep-alive connections, one
AdmissionReview of a typical Deployment after another). Prints a Markdown
table of throughput and latency per concurrency.

    python3 bench/admission-bench.py [--seconds 10] [--runs 3]
"""
import argparse
import json
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release")
NAME = "palisade-webhook.palisade.svc"


def container(name):
    return {
        "name": name, "image": "registry.example.com/shop/web:1.4.2",
        "ports": [{"containerPort": 8080, "name": "http"}],
        "env": [{"name": "LOG_FORMAT", "value": "json"}, {"name": "MODE", "value": "prod"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
                      "limits": {"cpu": "500m", "memory": "256Mi"}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
    }


def review():
    """A typical Deployment: two containers with probes, resources and a
    restricted security context; labels of a team."""
    labels = {"app.kubernetes.io/name": "web", "team": "shop"}
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": labels},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"serviceAccountName": "web",
                                       "securityContext": {"runAsNonRoot": True,
                                                           "seccompProfile": {"type": "RuntimeDefault"}},
                                       "containers": [container("web"), container("sidecar")]}}},
    }
    return {
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "3f2a1b9c-7d4e-4f60-9a1b-2c3d4e5f6a7b",
                    "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
                    "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
                    "name": "web", "namespace": "shop", "operation": "CREATE",
                    "userInfo": {"username": "ci@example.com", "groups": ["system:authenticated"]},
                    "object": deployment, "oldObject": None, "dryRun": False},
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, ca):
    context = ssl.create_default_context(cafile=ca)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
                with context.wrap_socket(raw, server_hostname=NAME) as tls:
                    tls.sendall(f"GET /readyz HTTP/1.1\r\nHost: {NAME}\r\nConnection: close\r\n\r\n".encode())
                    if b"200" in tls.recv(100):
                        return
        except OSError:
            time.sleep(0.1)
    sys.exit("the webhook did not become ready")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", default="1,4,16,64")
    args = parser.parse_args()
    # `--example` alone would build only the example: name the binary too.
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "palisade", "--bin", "palisade",
                    "-p", "palisade-server", "--example", "load"], cwd=ROOT, check=True)
    # PALISADE_BIN: another build of the server, to compare two builds.
    palisade = os.environ.get("PALISADE_BIN", os.path.join(RELEASE, "palisade"))
    load = os.path.join(RELEASE, "examples", "load")
    with tempfile.TemporaryDirectory() as tmp:
        certs = os.path.join(tmp, "certs")
        subprocess.run([palisade, "admission", "certs", "--out-dir", certs],
                       check=True, stderr=subprocess.DEVNULL)
        body = os.path.join(tmp, "review.json")
        with open(body, "w") as f:
            json.dump(review(), f)
        ca = os.path.join(certs, "ca.crt")
        rows = []
        for label, extra in [("built-in checks", []),
                             ("built-in + 20 user policies",
                              ["--policies", os.path.join(ROOT, "policy-examples")])]:
            port = free_port()
            server = subprocess.Popen(
                [palisade, "serve", "admission", "--listen", f"127.0.0.1:{port}",
                 "--tls-cert", os.path.join(certs, "tls.crt"),
                 "--tls-key", os.path.join(certs, "tls.key"), *extra],
                stderr=subprocess.DEVNULL)
            try:
                wait_ready(port, ca)
                for connections in [int(c) for c in args.connections.split(",")]:
                    results = []
                    for _ in range(args.runs):
                        out = subprocess.run(
                            [load, "--addr", f"127.0.0.1:{port}", "--ca", ca, "--server-name", NAME,
                             "--body", body, "--connections", str(connections),
                             "--seconds", str(args.seconds), "--warmup", "1"],
                            check=True, capture_output=True, text=True).stdout
                        results.append(json.loads(out))
                    median = sorted(results, key=lambda r: r["rps"])[len(results) // 2]
                    rows.append((label, connections, median,
                                 statistics.median(r["p99_ms"] for r in results)))
                    print(f"{label}, {connections} connections: {median}", file=sys.stderr)
            finally:
                server.terminate()
                server.wait()
    print("| checks | connections | requests/s | p50 | p90 | p99 | p99.9 | max | denied | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, connections, r, p99 in rows:
        print(f"| {label} | {connections} | {r['rps']:,.0f} | {r['p50_ms']:.2f} ms | "
              f"{r['p90_ms']:.2f} ms | {p99:.2f} ms | {r['p999_ms']:.2f} ms | "
              f"{r['max_ms']:.1f} ms | {r['denied'] / r['requests']:.0%} | {r['errors']} |")


if __name__ == "__main__":
    main()
