#!/usr/bin/env python3
"""Live-cluster benchmark: collection plus scan against a real kube-apiserver
1.20.2 with etcd on loopback (the test server of .ci/kube), loaded with N
objects through the API.

Usage: bench/cluster-bench.py [--objects N] [--runs R] [--page-size P]

Builds the release binary, starts the server (.ci/kube/start-apiserver.sh;
the server binary is built once by .ci/kube/build-kube-apiserver.sh), creates
N objects in 50 namespaces with 16 parallel writers (Deployments, Pods,
Services, ConfigMaps, Secrets, ServiceAccounts, Roles and RoleBindings, in
the proportions of a typical cluster), then times `palisade scan --cluster`
R times with /usr/bin/time (wall, peak RSS) and prints a Markdown table.
Stops the server at the end.
"""
import argparse
import base64
import concurrent.futures
import http.client
import json
import os
import ssl
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "palisade"
NAMESPACES = 50

# kind → (share of objects, path template, body factory)
def deployment(ns, i):
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": f"app-{i}", "namespace": ns, "labels": {"app": f"app-{i}"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": f"app-{i}"}},
                     "template": {"metadata": {"labels": {"app": f"app-{i}", "tier": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": f"registry.example.com/app-{i % 40}:1.{i % 7}",
                                                           "ports": [{"containerPort": 8080}],
                                                           "env": [{"name": "MODE", "value": "production"}],
                                                           "securityContext": {"allowPrivilegeEscalation": i % 5 == 0, "runAsNonRoot": i % 3 != 0},
                                                           "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}} if i % 4 else {}}]}}}}

def pod(ns, i):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"job-{i}", "namespace": ns, "labels": {"app": f"job-{i % 30}"}},
            "spec": {"containers": [{"name": "main", "image": f"busybox:1.{i % 9}", "command": ["sleep", "3600"],
                                     "securityContext": {"privileged": i % 50 == 0}}],
                     "hostNetwork": i % 97 == 0}}

def service(ns, i):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"svc-{i}", "namespace": ns},
            "spec": {"type": "NodePort" if i % 10 == 0 else "ClusterIP", "selector": {"app": f"app-{i}"},
                     "ports": [{"port": 80, "targetPort": 8080}]}}

def configmap(ns, i):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cfg-{i}", "namespace": ns},
            "data": {"app.properties": "\n".join(f"key{k}=value{k}" for k in range(10)),
                     "DATABASE_URL": "postgres://app:hunter2@db:5432/app" if i % 25 == 0 else "postgres://db:5432/app"}}

def secret(ns, i):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": f"sec-{i}", "namespace": ns},
            "type": "Opaque", "data": {"password": base64.b64encode(f"pw-{i}".encode()).decode()}}

def service_account(ns, i):
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": f"sa-{i}", "namespace": ns}}

def role(ns, i):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": f"role-{i}", "namespace": ns},
            "rules": [{"apiGroups": [""], "resources": ["pods", "configmaps"] + (["secrets"] if i % 8 == 0 else []),
                       "verbs": ["get", "list"] + (["create"] if i % 6 == 0 else [])}]}

def role_binding(ns, i):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": f"rb-{i}", "namespace": ns},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": f"role-{i}"},
            "subjects": [{"kind": "ServiceAccount", "name": f"sa-{i}", "namespace": ns}]}

MIX = [  # (share, collection path under the namespace, factory)
    (0.25, "/apis/apps/v1/namespaces/{ns}/deployments", deployment),
    (0.25, "/api/v1/namespaces/{ns}/pods", pod),
    (0.10, "/api/v1/namespaces/{ns}/services", service),
    (0.15, "/api/v1/namespaces/{ns}/configmaps", configmap),
    (0.07, "/api/v1/namespaces/{ns}/secrets", secret),
    (0.06, "/api/v1/namespaces/{ns}/serviceaccounts", service_account),
    (0.06, "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", role),
    (0.06, "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", role_binding),
]


def start_server():
    env = dict(os.environ, KUBE_APISERVER_EXTRA_ARGS="--disable-admission-plugins=ServiceAccount --service-cluster-ip-range=10.96.0.0/16")
    out = subprocess.run(["bash", str(ROOT / ".ci/kube/start-apiserver.sh")], env=env,
                         capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


class Client:
    def __init__(self, server):
        host, port = server["KUBE_URL"].removeprefix("https://").split(":")
        self.host, self.port = host, int(port)
        self.context = ssl.create_default_context(cafile=server["KUBE_CA"])
        self.token = server["KUBE_ADMIN_TOKEN"]
        self.local = threading.local()

    def post(self, path, body):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPSConnection(self.host, self.port, context=self.context)
        conn.request("POST", path, json.dumps(body),
                     {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        if response.status not in (200, 201, 409):
            raise RuntimeError(f"{path}: {response.status} {data[:200]}")


def load(server, total):
    client = Client(server)
    namespaces = [f"bench-{n:02}" for n in range(NAMESPACES)]
    for ns in namespaces:
        client.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    jobs = []
    for share, path, factory in MIX:
        for i in range(int(total * share)):
            ns = namespaces[i % NAMESPACES]
            jobs.append((path.format(ns=ns), factory(ns, i)))
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda job: client.post(*job), jobs))
    return len(jobs) + NAMESPACES, time.monotonic() - started


def measure(kubeconfig, page_size):
    cmd = ["/usr/bin/time", "-f", "%e %M", str(BINARY), "scan", "--cluster", "--kubeconfig", kubeconfig,
           "--format", "json", "-o", "/dev/null", "--fail-on", "none", "--page-size", str(page_size)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    wall, rss_kib = result.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss_kib) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "palisade"], cwd=ROOT, check=True)
    server = start_server()
    try:
        created, load_seconds = load(server, args.objects)
        print(f"loaded {created} objects in {load_seconds:.1f} s ({created / load_seconds:.0f}/s)", file=sys.stderr)
        runs = [measure(server["KUBECONFIG_FILE"], args.page_size) for _ in range(args.runs)]
        walls = [r[0] for r in runs]
        rss = [r[1] for r in runs]
        print(f"| objects loaded | page size | best | median | peak RSS |")
        print(f"|---|---|---|---|---|")
        print(f"| {created:,} | {args.page_size} | {min(walls):.2f} s | {statistics.median(walls):.2f} s | {max(rss):.0f} MiB |")
    finally:
        subprocess.run(["bash", str(ROOT / ".ci/kube/start-apiserver.sh"), "stop", server["KUBE_TEST_DIR"]])


if __name__ == "__main__":
    main()
